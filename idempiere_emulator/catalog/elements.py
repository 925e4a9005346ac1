"""AD_Element print names: the ``propertyLabel`` of lookup/list objects and filter error texts (§4.6, §6.2)."""
from __future__ import annotations

import re

ELEMENTS: dict[str, str] = {
    "AD_Client_ID": "Tenant", "AD_Org_ID": "Organization", "IsActive": "Active", "Created": "Created",
    "CreatedBy": "Created By", "Updated": "Updated", "UpdatedBy": "Updated By", "AD_User_ID": "User/Contact",
    "AD_Role_ID": "Role", "C_BPartner_ID": "Business Partner", "C_BP_Group_ID": "Business Partner Group",
    "C_BPartner_Location_ID": "Partner Location", "C_Location_ID": "Address", "C_Country_ID": "Country",
    "C_Region_ID": "Region", "C_Currency_ID": "Currency", "C_UOM_ID": "UOM", "M_Product_ID": "Product",
    "M_Product_Category_ID": "Product Category", "C_TaxCategory_ID": "Tax Category", "C_Tax_ID": "Tax",
    "C_DocType_ID": "Document Type", "C_DocTypeTarget_ID": "Target Document Type", "C_PaymentTerm_ID": "Payment Term",
    "M_PriceList_ID": "Price List", "M_Warehouse_ID": "Warehouse", "C_Order_ID": "Order", "C_OrderLine_ID": "Sales Order Line",
    "C_Invoice_ID": "Invoice", "C_InvoiceLine_ID": "Invoice Line", "C_Payment_ID": "Payment", "SalesRep_ID": "Sales Representative",
    "Bill_BPartner_ID": "Invoice Partner", "Bill_Location_ID": "Invoice Location", "Bill_User_ID": "Invoice Contact",
    "AD_OrgTrx_ID": "Trx Organization", "DocumentNo": "Document No", "DocStatus": "Document Status",
    "DocAction": "Document Action", "DateOrdered": "Date Ordered", "DatePromised": "Date Promised",
    "DateAcct": "Account Date", "DateInvoiced": "Date Invoiced", "DateTrx": "Transaction Date", "DatePrinted": "Date printed",
    "GrandTotal": "Grand Total", "TotalLines": "Total Lines", "IsSOTrx": "Sales Transaction", "POReference": "Order Reference",
    "Description": "Description", "Name": "Name", "Value": "Search Key", "Name2": "Name 2", "TaxID": "Tax ID",
    "SO_CreditLimit": "Credit Limit", "SO_CreditUsed": "Credit Used", "SOCreditStatus": "Credit Status",
    "IsCustomer": "Customer", "IsVendor": "Vendor", "IsEmployee": "Employee", "IsSalesRep": "Sales Representative",
    "IsSummary": "Summary Level", "IsDefault": "Default", "DeliveryRule": "Delivery Rule", "DeliveryViaRule": "Delivery Via",
    "FreightCostRule": "Freight Cost Rule", "InvoiceRule": "Invoice Rule", "PaymentRule": "Payment Rule",
    "PriorityRule": "Priority", "Processed": "Processed", "Processing": "Process Now", "Posted": "Posted",
    "Line": "Line No", "QtyOrdered": "Ordered Quantity", "QtyEntered": "Quantity", "QtyDelivered": "Delivered Quantity",
    "QtyInvoiced": "Quantity Invoiced", "QtyReserved": "Reserved Quantity", "PriceList": "List Price",
    "PriceActual": "Unit Price", "PriceEntered": "Price", "PriceLimit": "Limit Price", "LineNetAmt": "Line Amount",
    "FreightAmt": "Freight Amount", "Rate": "Rate", "ValidFrom": "Valid from", "SOPOType": "SO/PO Type",
    "ISO_Code": "ISO Currency Code", "CurSymbol": "Symbol", "StdPrecision": "Standard Precision",
    "CostingPrecision": "Costing Precision", "CountryCode": "ISO Country Code", "City": "City", "Postal": "ZIP",
    "Address1": "Address 1", "Address2": "Address 2", "Phone": "Phone", "EMail": "EMail Address",
    "ProductType": "Product Type", "UPC": "UPC/EAN", "SKU": "SKU", "Weight": "Weight", "Volume": "Volume",
    "DocBaseType": "Document BaseType", "DocSubTypeSO": "SO Sub Type", "PrintName": "Print Text",
    "NetDays": "Net Days", "PayAmt": "Payment amount", "TenderType": "Tender type", "IsReceipt": "Receipt",
    "Account_ID": "Account", "AmtAcctDr": "Accounted Debit", "AmtAcctCr": "Accounted Credit",
    "AmtSourceDr": "Source Debit", "AmtSourceCr": "Source Credit", "PostingType": "PostingType",
    "AD_Table_ID": "Table", "Record_ID": "Record ID", "Line_ID": "Line ID", "Qty": "Quantity",
    "IsPaid": "Paid", "IsTaxIncluded": "Price includes Tax", "IsApproved": "Approved",
    "TableName": "DB Table Name", "AccessLevel": "Data Access Level", "EntityType": "Entity Type",
    "IsView": "View", "Comments": "Comments", "Birthday": "Birthday", "LastContact": "Last Contact",
    "UOMSymbol": "Symbol", "X12DE355": "UOM Code", "UOMType": "UOM Type", "IsReadOnly": "Read Only",
    "Password": "Password", "IsBillTo": "Invoice Address", "IsShipTo": "Ship Address", "IsPayFrom": "Pay-From Address",
    "IsRemitTo": "Remit-To Address", "C_AcctSchema_ID": "Accounting Schema", "C_Period_ID": "Period",
    "GL_Category_ID": "GL Category", "DiscountAmt": "Discount Amount", "WriteOffAmt": "Write-off Amount",
    "IsAllocated": "Allocated", "IsReconciled": "Reconciled", "Help": "Comment/Help", "Discount": "Discount %",
    "PlannedMargin": "Planned Margin %", "LineTotalAmt": "Line Total", "TaxAmt": "Tax Amount",
    "ChargeAmt": "Charge amount", "IsPrinted": "Printed", "IsDelivered": "Delivered", "IsInvoiced": "Invoiced",
    "Supervisor_ID": "Supervisor", "UserLevel": "User Level", "RoleType": "Role Type",
    "IsSelfService": "Self-Service", "CheckNo": "Check No", "RoutingNo": "Routing No", "AccountNo": "Account No",
    "CreditCardType": "Credit Card", "TrxType": "Transaction Type",
    "I_IsImported": "Imported", "I_ErrorMsg": "Import Error Message", "AD_Process_ID": "Process",
    "AD_PInstance_ID": "Process Instance", "AD_Reference_ID": "Reference", "AD_Reference_Value_ID": "Reference Key",
    "AD_ReportView_ID": "Report View", "AD_PrintFormat_ID": "Print Format", "AD_Workflow_ID": "Workflow",
    "AD_Form_ID": "Special Form", "IsReport": "Report", "IsRange": "Range", "IsMandatory": "Mandatory",
    "ColumnName": "DB Column Name", "SeqNo": "Sequence", "IsProcessing": "Processing", "IsRunAsJob": "Run As Job",
    "GroupValue": "Group Key", "ProductCategory_Value": "Product Category Key", "BPartner_Value": "Business Partner Key",
}


def label_for(column_name: str) -> str:
    """Element print name; unknown names are split on case changes (``DateOrdered`` -> ``Date Ordered``)."""
    if column_name in ELEMENTS:
        return ELEMENTS[column_name]
    base = column_name[:-3] if column_name.endswith("_ID") else column_name
    base = re.sub(r"^(AD|C|M)_", "", base).replace("_", " ")
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", base).strip()
