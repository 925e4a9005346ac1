"""Built-in document tables: orders, invoices, payments and accounting facts."""
from __future__ import annotations

from .dsl import table
from .model import Table

_DOC_HEADER = """
    DocumentNo:S!~ Description:S DocStatus:L!=DR DocAction:B!=CO Processing:B Processed:Y!~=N
    Posted:B!=N IsApproved:Y!~=N IsPrinted:Y!~=N IsSOTrx:Y!=Y"""


def document_tables() -> list[Table]:
    """C_Order/C_OrderLine, C_Invoice/C_InvoiceLine, C_Payment, Fact_Acct."""
    return [
        table("C_Order", 259, "Order", _DOC_HEADER + """
            C_DocType_ID:TD!~=0 C_DocTypeTarget_ID:TB>C_DocType! IsDelivered:Y!~=N IsInvoiced:Y!~=N
            IsCreditApproved:Y!~=N IsTransferred:Y!~=N IsSelected:Y!=N SalesRep_ID:TB>AD_User!=@User@
            DateOrdered:D!=@Date@ DatePromised:D!=@Date@ DatePrinted:D DateAcct:D!=@Date@
            C_BPartner_ID:SR! C_BPartner_Location_ID:TB>C_BPartner_Location! POReference:S
            IsDiscountPrinted:Y!=N C_Currency_ID:TD!~ PaymentRule:L!=P C_PaymentTerm_ID:TD!
            InvoiceRule:L!=I DeliveryRule:L!=F FreightCostRule:L!=I FreightAmt:A!=0 DeliveryViaRule:L!=P
            ChargeAmt:A PriorityRule:L!=5 TotalLines:A!~=0 GrandTotal:A!~=0 M_Warehouse_ID:TD!=@Warehouse@
            M_PriceList_ID:TD! IsTaxIncluded:Y!=N AD_User_ID:TD Bill_BPartner_ID:TB>C_BPartner
            Bill_Location_ID:TB>C_BPartner_Location Bill_User_ID:TB>AD_User AD_OrgTrx_ID:TB>AD_Org
            IsDropShip:Y!=N Volume:N Weight:N IsSelfService:Y!=N SendEMail:Y!=N IsPayScheduleValid:Y!=N
            IsPriviledgedRate:Y!=N Link_Order_ID:TB>C_Order~ Ref_Order_ID:TB>C_Order""",
            identifiers="DocumentNo,DateOrdered,GrandTotal", document=True, access_level=1),
        table("C_OrderLine", 260, "Sales Order Line", """
            C_Order_ID:TD!~ Line:I! C_BPartner_ID:SR~ C_BPartner_Location_ID:TB>C_BPartner_Location!
            DateOrdered:D!=@Date@ DatePromised:D DateDelivered:D~ DateInvoiced:D~ Description:S
            M_Product_ID:SR C_UOM_ID:TD!~ M_Warehouse_ID:TD!=@Warehouse@ QtyOrdered:Q!=0 QtyReserved:Q!~=0
            QtyDelivered:Q!~=0 QtyInvoiced:Q!~=0 QtyEntered:Q!=1 QtyLostSales:Q!=0 C_Currency_ID:TD!~
            PriceList:P!=0 PriceActual:P!~=0 PriceLimit:P!=0 PriceEntered:P!=0 PriceCost:P LineNetAmt:A!~=0
            Discount:N C_Tax_ID:TD! FreightAmt:A!=0 IsDescription:Y!=N Processed:Y!=N
            Link_OrderLine_ID:TB>C_OrderLine~ Ref_OrderLine_ID:TB>C_OrderLine AD_OrgTrx_ID:TB>AD_Org""",
            identifiers="C_Order_ID,Line,M_Product_ID", parent="C_Order_ID", access_level=1),
        table("C_OrderTax", 314, "Order Tax", """
            C_Order_ID:TD!~ C_Tax_ID:TD!~ TaxBaseAmt:A!~=0 TaxAmt:A!~=0 IsTaxIncluded:Y!=N Processed:Y!=N""",
            keys="C_Order_ID,C_Tax_ID", identifiers="", parent="C_Order_ID", access_level=1),
        table("C_Invoice", 318, "Invoice", _DOC_HEADER + """
            C_DocType_ID:TD!~=0 C_DocTypeTarget_ID:TB>C_DocType! C_Order_ID:TD~ DateOrdered:D~
            DateInvoiced:D!=@Date@ DateAcct:D!=@Date@ DatePrinted:D SalesRep_ID:TB>AD_User C_BPartner_ID:SR!
            C_BPartner_Location_ID:TB>C_BPartner_Location! AD_User_ID:TD POReference:S IsDiscountPrinted:Y!=N
            C_Currency_ID:TD! PaymentRule:L!=P C_PaymentTerm_ID:TD! ChargeAmt:A TotalLines:A!~=0
            GrandTotal:A!~=0 M_PriceList_ID:TD! IsTaxIncluded:Y!=N IsPaid:Y!=N IsInDispute:Y!=N
            C_Payment_ID:TD IsTransferred:Y!~=N IsPayScheduleValid:Y!~=N DocBaseType:L~
            Reversal_ID:TB>C_Invoice AD_OrgTrx_ID:TB>AD_Org IsSelfService:Y!=N SendEMail:Y!=N
            IsOverrideCurrencyRate:Y!=N CurrencyRate:N#6""",
            identifiers="DocumentNo,DateInvoiced,GrandTotal", document=True, access_level=1),
        table("C_InvoiceLine", 333, "Invoice Line", """
            C_Invoice_ID:TD!~ C_OrderLine_ID:SR~ Line:I! Description:S M_Product_ID:SR QtyInvoiced:Q!=0
            QtyEntered:Q!=1 PriceList:P!=0 PriceActual:P!~=0 PriceLimit:P!=0 PriceEntered:P!=0
            LineNetAmt:A!~=0 LineTotalAmt:A TaxAmt:A C_UOM_ID:TD~ C_Tax_ID:TD! IsDescription:Y!=N
            IsPrinted:Y!=Y Processed:Y!=N AD_OrgTrx_ID:TB>AD_Org""",
            identifiers="C_Invoice_ID,Line,M_Product_ID", parent="C_Invoice_ID", access_level=1),
        table("C_Payment", 335, "Payment", _DOC_HEADER.replace("IsSOTrx:Y!=Y", "IsReceipt:Y!=Y") + """
            C_DocType_ID:TD! DateTrx:D!=@Date@ DateAcct:D!=@Date@ C_BPartner_ID:SR! C_Invoice_ID:SR
            C_Order_ID:SR C_Currency_ID:TD! PayAmt:A!=0 DiscountAmt:A WriteOffAmt:A TaxAmt:A OverUnderAmt:A
            IsOverUnderPayment:Y!=N TenderType:L!=K TrxType:L!=S CreditCardType:L CheckNo:S AccountNo:S
            RoutingNo:S A_Name:S IsAllocated:Y!=N IsReconciled:Y!=N IsPrepayment:Y!=N IsOnline:Y!=N
            IsDelayedCapture:Y!=N IsVoided:Y!=N IsOverrideCurrencyRate:Y!=N IsSelfService:Y!=N
            Reversal_ID:TB>C_Payment AD_OrgTrx_ID:TB>AD_Org""",
            identifiers="DocumentNo,DateTrx,PayAmt", document=True, access_level=1),
        table("Fact_Acct", 270, "Accounting Fact", """
            C_AcctSchema_ID:I!~ Account_ID:I!~ DateTrx:D!~ DateAcct:D!~ C_Period_ID:I!~ AD_Table_ID:TD!~
            Record_ID:I!~ Line_ID:I~ GL_Category_ID:I!~ PostingType:L!~=A C_Currency_ID:TD!~
            AmtSourceDr:A!~=0 AmtSourceCr:A!~=0 AmtAcctDr:A!~=0 AmtAcctCr:A!~=0 C_UOM_ID:TD~ Qty:Q~
            M_Product_ID:SR~ C_BPartner_ID:SR~ AD_OrgTrx_ID:TB>AD_Org~ C_Tax_ID:TD~ M_Warehouse_ID:TD
            Description:S""", identifiers="Fact_Acct_ID", access_level=3),
    ]
