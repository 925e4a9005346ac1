"""Import tables (``I_BPartner``, ``I_Product``): the ERP's staging tables a client writes through ``/models``.

Column sets follow iDempiere core's generated model classes (AD_Table 533 and 532, access level 2 "Client
only"); the Import processes (model/import_*.py) validate their rows and create the master data. Every column
is optional for REST writes except the key and the standard columns, as in core: the processes, not the
table, decide what a row needs. FKs to tables the emulator does not serve (C_Greeting, R_InterestArea,
M_AttributeSet) are plain integers here so that a write never fails on a reference nobody can resolve.
``I_IsImported`` is a Yes-No column holding 'Y', 'N' or 'E' (error, set only by the processes), so over REST
an error row reads ``false`` like a pending one (spec §6.2).
"""
from __future__ import annotations

from .dsl import table
from .model import Table

_IMPORT_FLAGS = "I_IsImported:Y!=N I_ErrorMsg:S Processing:Y "


def import_tables() -> list[Table]:
    """I_BPartner and I_Product."""
    return [
        table("I_BPartner", 533, "Import Business Partner", _IMPORT_FLAGS + """Processed:Y~=N
            C_BPartner_ID:SR Value:S Name:S Name2:S Description:S DUNS:S TaxID:S NAICS:S
            GroupValue:S C_BP_Group_ID:TD IsCustomer:Y IsVendor:Y IsEmployee:Y
            C_BPartner_Location_ID:TB>C_BPartner_Location Address1:S Address2:S Postal:S Postal_Add:S City:S
            C_Country_ID:TD CountryCode:S C_Region_ID:TD RegionName:S
            AD_User_ID:TD ContactName:S ContactDescription:S Title:S Comments:S Phone:S Phone2:S Fax:S
            EMail:S Password:S Birthday:D BPContactGreeting:S C_Greeting_ID:I
            InterestAreaName:S R_InterestArea_ID:I""", identifiers="Value", access_level=2),
        table("I_Product", 532, "Import Product", _IMPORT_FLAGS + """Processed:Y=N
            M_Product_ID:SR Value:S Name:S Description:S DocumentNote:S Help:S UPC:S SKU:S
            X12DE355:S C_UOM_ID:TD ProductCategory_Value:S M_Product_Category_ID:TD Classification:S
            ProductType:L Volume:N Weight:N ShelfWidth:I ShelfHeight:N ShelfDepth:I UnitsPerPallet:I
            Discontinued:Y DiscontinuedAt:D ImageURL:S DescriptionURL:S CustomsTariffNumber:S Group1:S Group2:S
            M_AttributeSet_ID:I BPartner_Value:S C_BPartner_ID:SR ISO_Code:S C_Currency_ID:TD
            PriceList:P PriceStd:P PriceLimit:P PricePO:P PriceEffective:D RoyaltyAmt:A VendorProductNo:S
            VendorCategory:S Manufacturer:S Order_Min:I Order_Pack:I CostPerOrder:A
            DeliveryTime_Promised:I""", identifiers="Value", access_level=2),
    ]
