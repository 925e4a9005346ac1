"""Built-in master-data tables (column sets follow iDempiere core; written for the emulator)."""
from __future__ import annotations

from .dsl import table
from .model import Table


def master_tables() -> list[Table]:
    """Tenant/org/security, geography, currencies, partners, products, taxes, doc types."""
    return [
        table("AD_Client", 112, "Tenant", """
            Value:S! Name:S! Description:S AD_Language:S SMTPHost:S RequestEMail:S
            IsMultiLingualDocument:Y!=N IsSmtpAuthorization:Y!=N IsUseBetaFunctions:Y!=Y IsPostImmediate:Y!=N
            MMPolicy:L!=F AutoArchive:L!=N AuthenticationType:L!=APO""", access_level=6),
        table("AD_Org", 155, "Organization", """
            Value:S! Name:S! Description:S IsSummary:Y!=N""", access_level=7),
        table("AD_User", 114, "User/Contact", """
            Value:S Name:S! Description:S Password:S EMail:S C_BPartner_ID:SR C_BPartner_Location_ID:TD
            C_Location_ID:LOC Title:S Phone:S Phone2:S Fax:S Birthday:D LastContact:DT Comments:T
            Supervisor_ID:TB>AD_User SalesRep_ID:TB>AD_User NotificationType:L!=E IsFullBPAccess:Y!=Y
            IsInPayroll:Y!=N IsSalesLead:Y!=N IsLocked:Y!=N IsExpired:Y!=N FailedLoginCount:I!=0
            IsBillTo:Y!=N IsShipTo:Y!=N""", access_level=7),
        table("AD_Role", 156, "Role", """
            Name:S! Description:S UserLevel:L!=%20CO RoleType:L C_Currency_ID:TD AmtApproval:A
            IsManual:Y!=Y IsShowAcct:Y!=N IsAccessAllOrgs:Y!=N IsCanReport:Y!=Y IsCanExport:Y!=Y
            IsClientAdministrator:Y!=N MaxQueryRecords:I!=0 ConfirmQueryRecords:I!=0
            PreferenceType:L!=C Supervisor_ID:TB>AD_User""", access_level=6),
        table("AD_Role_OrgAccess", 422, "Role Data Access", """
            AD_Role_ID:TD! IsReadOnly:Y!=N""", keys="AD_Role_ID,AD_Org_ID", identifiers="", access_level=6),
        table("AD_Table", 100, "Table", """
            TableName:S! Name:S! Description:S Help:T AccessLevel:L!=4 EntityType:S!=U IsView:Y!=N
            IsHighVolume:Y!=N IsChangeLog:Y!=N IsDeleteable:Y!=Y ReplicationType:L!=L""",
            identifiers="TableName", access_level=4),
        table("TestUU", 200302, "Test UU", """
            Value:S Name:S! Description:S Help:T""", keys="uuid", access_level=7),
        table("C_Country", 170, "Country", """
            Name:S! Description:S CountryCode:S! HasRegion:Y!=N RegionName:S C_Currency_ID:TD
            DisplaySequence:S!=@C@,%20@P@ ExpressionPostal:S HasPostal_Add:Y!=N AD_Language:S""", access_level=6),
        table("C_Region", 164, "Region", """
            Name:S! Description:S C_Country_ID:TD!~ IsDefault:Y=N""", access_level=6),
        table("C_Currency", 141, "Currency", """
            ISO_Code:S! CurSymbol:S Description:S! StdPrecision:I!=2 CostingPrecision:I!=4
            IsEuro:Y!=N IsEMUMember:Y!=N EMURate:N#6 RoundOffFactor:N!=1""", identifiers="ISO_Code", access_level=6),
        table("C_UOM", 146, "Unit of Measure", """
            X12DE355:S! UOMSymbol:S Name:S! Description:S StdPrecision:I!=0 CostingPrecision:I!=0
            IsDefault:Y!=N UOMType:L""", access_level=6),
        table("C_Location", 162, "Address", """
            Address1:S Address2:S Address3:S City:S Postal:S Postal_Add:S C_Country_ID:TD!
            C_Region_ID:TD RegionName:S Comments:T""", identifiers="City,Address1", access_level=7),
        table("M_Warehouse", 190, "Warehouse", """
            Value:S! Name:S! Description:S C_Location_ID:LOC! Separator:S!=* IsInTransit:Y=N
            IsDisallowNegativeInv:Y!=N""", access_level=3),
        table("C_BP_Group", 394, "Business Partner Group", """
            Value:S! Name:S! Description:S IsDefault:Y!=N IsConfidentialInfo:Y!=N M_PriceList_ID:TD
            PO_PriceList_ID:TB>M_PriceList CreditWatchPercent:A PriorityBase:L""", access_level=3),
        table("C_PaymentTerm", 113, "Payment Term", """
            Value:S! Name:S! Description:S DocumentNote:T NetDays:I!=0 GraceDays:I!=0 Discount:A!=0
            DiscountDays:I!=0 Discount2:A!=0 DiscountDays2:I!=0 IsDueFixed:Y!=N AfterDelivery:Y!=N
            IsValid:Y!=N IsDefault:Y=N PaymentTermUsage:L!=B""", access_level=3),
        table("M_PriceList", 255, "Price List", """
            Name:S! Description:S C_Currency_ID:TD! IsDefault:Y!=N IsSOPriceList:Y!=N IsTaxIncluded:Y!=N
            EnforcePriceLimit:Y!=N PricePrecision:I!=2 BasePriceList_ID:TB>M_PriceList""", access_level=3),
        table("C_BPartner", 291, "Business Partner", """
            Value:S! Name:S! Name2:S Description:S IsSummary:Y!=N C_BP_Group_ID:TD!=@Default@ IsOneTime:Y!=N
            IsProspect:Y!=N IsVendor:Y!=N IsCustomer:Y!=Y IsEmployee:Y!=N IsSalesRep:Y!=N
            ReferenceNo:S DUNS:S URL:S AD_Language:S TaxID:S IsTaxExempt:Y=N NumberEmployees:I
            SalesVolume:I SO_CreditLimit:A!=0 SO_CreditUsed:A!~=0 TotalOpenBalance:A ActualLifeTimeValue:A
            SOCreditStatus:L=O FirstSale:D C_PaymentTerm_ID:TD M_PriceList_ID:TD PO_PriceList_ID:TB>M_PriceList
            PaymentRule:L PaymentRulePO:L%PaymentRule SalesRep_ID:TB>AD_User DeliveryRule:L DeliveryViaRule:L
            InvoiceRule:L FreightCostRule:L Is1099Vendor:Y!=N IsPOTaxExempt:Y!=N SendEMail:Y!=N""",
            access_level=3),
        table("C_BPartner_Location", 293, "Partner Location", """
            C_BPartner_ID:TD!~ Name:S!=. C_Location_ID:LOC! Phone:S Phone2:S Fax:S IsShipTo:Y!=Y
            IsBillTo:Y!=Y IsPayFrom:Y!=Y IsRemitTo:Y!=Y IsPreserveCustomName:Y!=N""", parent="C_BPartner_ID",
            access_level=3),
        table("M_Product_Category", 209, "Product Category", """
            Value:S! Name:S! Description:S IsDefault:Y!=N IsSelfService:Y!=Y PlannedMargin:A!=0
            MMPolicy:L!=F M_Product_Category_Parent_ID:TB>M_Product_Category""", access_level=3),
        table("C_TaxCategory", 252, "Tax Category", """
            Name:S! Description:S CommodityCode:S IsDefault:Y!=N""", access_level=3),
        table("C_Tax", 261, "Tax", """
            Name:S! Description:S TaxIndicator:S C_TaxCategory_ID:TD!=@Default@ Rate:N!#4 ValidFrom:D!
            IsDefault:Y!=N IsSummary:Y!=N IsTaxExempt:Y!=N IsDocumentLevel:Y!=Y IsSalesTax:Y!=N
            RequiresTaxCertificate:Y!=N SOPOType:L!=B Parent_Tax_ID:TB>C_Tax C_Country_ID:TD C_Region_ID:TD
            To_Country_ID:TB>C_Country To_Region_ID:TB>C_Region""", access_level=3),
        table("M_Product", 208, "Product", """
            Value:S! Name:S! Description:S DocumentNote:T Help:T UPC:S SKU:S C_UOM_ID:TD!=@Default@ SalesRep_ID:TB>AD_User
            IsSummary:Y!=N IsStocked:Y!=Y IsPurchased:Y!=Y IsSold:Y!=Y IsBOM:Y!=N IsVerified:Y!~=N
            IsDropShip:Y!=N IsSelfService:Y!=Y M_Product_Category_ID:TD!=@Default@ Classification:S Volume:N Weight:N
            ShelfWidth:I ShelfHeight:N ShelfDepth:I UnitsPerPallet:N C_TaxCategory_ID:TD!=@Default@ DescriptionURL:S
            ProductType:L!=I ImageURL:S Discontinued:Y=N DiscontinuedAt:D GuaranteeDays:I VersionNo:S
            IsWebStoreFeatured:Y!=N LowLevel:I!=0""", identifiers="Value,Name", access_level=3),
        table("M_PriceList_Version", 295, "Price List Version", """
            Name:S! Description:S M_PriceList_ID:TD!~ M_DiscountSchema_ID:I!=101 ValidFrom:D!
            M_Pricelist_Version_Base_ID:TB>M_PriceList_Version""", parent="M_PriceList_ID", access_level=3),
        table("M_ProductPrice", 251, "Product Price", """
            M_PriceList_Version_ID:TD!~ M_Product_ID:SR!~ PriceList:P!=0 PriceStd:P!=0 PriceLimit:P!=0""",
            identifiers="", parent="M_Product_ID", access_level=3),
        table("C_Tax_Acct", 399, "Tax Accounting", """
            C_AcctSchema_ID:I! C_Tax_ID:TD! T_Due_Acct:I! T_Credit_Acct:I! T_Expense_Acct:I!""",
            keys="C_AcctSchema_ID,C_Tax_ID", identifiers="", parent="C_Tax_ID", access_level=3),
        table("C_DocType", 217, "Document Type", """
            Name:S! PrintName:S! Description:S DocBaseType:L! DocSubTypeSO:L IsSOTrx:Y!=N IsDocNoControlled:Y!=Y
            IsDefault:Y!=N DocumentCopies:I!=1 C_DocTypeInvoice_ID:TB>C_DocType C_DocTypeShipment_ID:TB>C_DocType
            HasCharges:Y!=N IsCreateCounter:Y!=Y DocumentNote:T""", access_level=6),
    ]
