"""Import_Order's validation phase (core's ImportOrder.doIt up to the first commit): one statement per rule, in
core's order and with its ERR texts.

Each rule first fills an id from its text column (DocTypeName, PaymentTermValue, BPartnerValue, ProductValue/UPC/
SKU, TaxIndicator, CountryCode/RegionName) or from the tenant's default, then marks the rows still without one
(``ERR=Invalid DocTypeName, ``, ``ERR=No DocType, ``, ``ERR=No PriceList, ``, ``ERR=No PaymentTerm, ``,
``ERR=No Warehouse, ``, ``ERR=Invalid Country, ``, ``ERR=Invalid Region, ``, ``ERR=No BP Location, ``,
``ERR=Invalid Product, ``, ``ERR=Invalid Tax, `` ...). C_OrderSource and C_Charge are not served, so a
C_OrderSourceValue or a ChargeName never matches (``ERR=Not Found Order Source, `` / ``ERR=Invalid Charge, ``).
Rows without partner key, name or email get the tenant's cash-sale partner (AD_ClientInfo.C_BPartnerCashTrx_ID).
"""
from __future__ import annotations

from .. import fixtures as fx
from .import_table import ImportTable

# AD_ClientInfo.C_BPartnerCashTrx_ID per tenant (AD_ClientInfo is not served): GardenWorld's "Standard" partner
CASH_TRX_PARTNER = {fx.CLIENT_ID: 112}
_SAME_TENANT = "I_Order.AD_Client_ID={a}.AD_Client_ID"


def validate_orders(t: ImportTable, org: int, now: str) -> None:
    """Reset with the run's tenant and organization as defaults, then every rule."""
    t.reset(f"AD_Client_ID=COALESCE(AD_Client_ID,{t.client}), AD_Org_ID=COALESCE(AD_Org_ID,{org}), "
            f"IsActive=COALESCE(IsActive,'Y'), Created=COALESCE(Created,?), CreatedBy=COALESCE(CreatedBy,0), "
            f"Updated=COALESCE(Updated,?), UpdatedBy=COALESCE(UpdatedBy,0)", (now, now))
    t.error("ERR=Invalid Org, ", f"(AD_Org_ID IS NULL OR AD_Org_ID=0 OR EXISTS (SELECT 1 FROM AD_Org oo WHERE "
                                 f"I_Order.AD_Org_ID=oo.AD_Org_ID AND (oo.IsSummary='Y' OR oo.IsActive='N'))) "
                                 f"AND {t.pending}")
    _document_types(t)
    _price_lists(t)
    t.error("ERR=Not Found Order Source, ", f"C_OrderSource_ID IS NULL AND C_OrderSourceValue IS NOT NULL AND "
                                            f"{t.pending}")
    _payment_terms_and_warehouses(t)
    _partners(t)
    _locations(t)
    _lines(t)


def _set(t: ImportTable, column: str, select: str, where: str) -> None:
    t.execute(f"UPDATE I_Order SET {column}=({select}) WHERE {where} AND {t.pending}")


def _document_types(t: ImportTable) -> None:
    named = "SELECT C_DocType_ID FROM C_DocType d WHERE d.Name=I_Order.DocTypeName AND " + _SAME_TENANT.format(a="d")
    for base, so in (("'POO'", "IsSOTrx='N' AND "), ("'SOO'", "IsSOTrx='Y' AND "), ("'SOO','POO'", "")):
        _set(t, "C_DocType_ID", f"{named} AND d.DocBaseType IN ({base})",
             f"C_DocType_ID IS NULL AND {so}DocTypeName IS NOT NULL")
    t.error("ERR=Invalid DocTypeName, ", f"C_DocType_ID IS NULL AND DocTypeName IS NOT NULL AND {t.pending}")
    default = "SELECT MAX(C_DocType_ID) FROM C_DocType d WHERE d.IsDefault='Y' AND " + _SAME_TENANT.format(a="d")
    for base, so in (("'POO'", "IsSOTrx='N'"), ("'SOO'", "IsSOTrx='Y'"), ("'SOO','POO'", "IsSOTrx IS NULL")):
        _set(t, "C_DocType_ID", f"{default} AND d.DocBaseType IN ({base})", f"C_DocType_ID IS NULL AND {so}")
    t.error("ERR=No DocType, ", f"C_DocType_ID IS NULL AND {t.pending}")
    for flag, base in (("Y", "SOO"), ("N", "POO")):
        t.execute(f"UPDATE I_Order SET IsSOTrx='{flag}' WHERE EXISTS (SELECT 1 FROM C_DocType d WHERE "
                  f"I_Order.C_DocType_ID=d.C_DocType_ID AND d.DocBaseType='{base}' AND {_SAME_TENANT.format(a='d')}) "
                  f"AND C_DocType_ID IS NOT NULL AND {t.pending}")


def _price_lists(t: ImportTable) -> None:
    lists = "SELECT MAX(M_PriceList_ID) FROM M_PriceList p WHERE p.IsSOPriceList=I_Order.IsSOTrx AND " + \
        _SAME_TENANT.format(a="p")
    currency = " AND p.C_Currency_ID=I_Order.C_Currency_ID"
    for extra, where in ((" AND p.IsDefault='Y'" + currency, ""), (" AND p.IsDefault='Y'", " AND C_Currency_ID IS NULL"),
                         (currency, ""), ("", " AND C_Currency_ID IS NULL")):
        _set(t, "M_PriceList_ID", lists + extra, "M_PriceList_ID IS NULL" + where)
    t.error("ERR=No PriceList, ", f"M_PriceList_ID IS NULL AND {t.pending}")


def _payment_terms_and_warehouses(t: ImportTable) -> None:
    terms = "FROM C_PaymentTerm p WHERE " + _SAME_TENANT.format(a="p")
    _set(t, "C_PaymentTerm_ID", f"SELECT C_PaymentTerm_ID {terms} AND I_Order.PaymentTermValue=p.Value",
         "C_PaymentTerm_ID IS NULL AND PaymentTermValue IS NOT NULL")
    _set(t, "C_PaymentTerm_ID", f"SELECT MAX(C_PaymentTerm_ID) {terms} AND p.IsDefault='Y'",
         "C_PaymentTerm_ID IS NULL AND PaymentTermValue IS NULL")
    t.error("ERR=No PaymentTerm, ", f"C_PaymentTerm_ID IS NULL AND {t.pending}")
    houses = "FROM M_Warehouse w WHERE " + _SAME_TENANT.format(a="w")
    _set(t, "M_Warehouse_ID", f"SELECT MAX(M_Warehouse_ID) {houses} AND I_Order.AD_Org_ID=w.AD_Org_ID",
         "M_Warehouse_ID IS NULL")
    _set(t, "M_Warehouse_ID", f"SELECT M_Warehouse_ID {houses}",
         f"M_Warehouse_ID IS NULL AND (SELECT COUNT(*) {houses})=1")
    t.error("ERR=No Warehouse, ", f"M_Warehouse_ID IS NULL AND {t.pending}")


def _partners(t: ImportTable) -> None:
    users = "FROM AD_User u WHERE u.C_BPartner_ID IS NOT NULL AND " + _SAME_TENANT.format(a="u")
    t.execute(f"UPDATE I_Order SET (C_BPartner_ID, AD_User_ID)=(SELECT C_BPartner_ID, AD_User_ID {users} AND "
              f"I_Order.EMail=u.EMail) WHERE C_BPartner_ID IS NULL AND EMail IS NOT NULL AND {t.pending}")
    t.execute(f"UPDATE I_Order SET (C_BPartner_ID, AD_User_ID)=(SELECT C_BPartner_ID, AD_User_ID {users} AND "
              f"I_Order.ContactName=u.Name) WHERE C_BPartner_ID IS NULL AND ContactName IS NOT NULL AND "
              f"(SELECT COUNT(*) {users} AND I_Order.ContactName=u.Name)=1 AND {t.pending}")
    _set(t, "C_BPartner_ID", "SELECT MAX(C_BPartner_ID) FROM C_BPartner bp WHERE I_Order.BPartnerValue=bp.Value AND "
         + _SAME_TENANT.format(a="bp"), "C_BPartner_ID IS NULL AND BPartnerValue IS NOT NULL")
    cash = CASH_TRX_PARTNER.get(t.client)
    if cash is not None:
        t.execute(f"UPDATE I_Order SET C_BPartner_ID={cash} WHERE C_BPartner_ID IS NULL AND BPartnerValue IS NULL "
                  f"AND Name IS NULL AND {t.pending}")
    _set(t, "C_Country_ID", "SELECT C_Country_ID FROM C_Country c WHERE I_Order.CountryCode=c.CountryCode AND "
         "c.AD_Client_ID IN (0,I_Order.AD_Client_ID)", "C_BPartner_ID IS NULL AND C_Country_ID IS NULL AND "
                                                       "CountryCode IS NOT NULL")
    t.error("ERR=Invalid Country, ", f"C_BPartner_ID IS NULL AND C_Country_ID IS NULL AND {t.pending}")
    regions = "FROM C_Region r WHERE r.C_Country_ID=I_Order.C_Country_ID AND r.AD_Client_ID IN (0,I_Order.AD_Client_ID)"
    _set(t, "RegionName", f"SELECT MAX(Name) {regions} AND r.IsDefault='Y'",
         "C_BPartner_ID IS NULL AND C_Region_ID IS NULL AND RegionName IS NULL")
    _set(t, "C_Region_ID", f"SELECT C_Region_ID {regions} AND r.Name=I_Order.RegionName",
         "C_BPartner_ID IS NULL AND C_Region_ID IS NULL AND RegionName IS NOT NULL")
    t.error("ERR=Invalid Region, ", f"C_BPartner_ID IS NULL AND C_Region_ID IS NULL AND EXISTS (SELECT 1 FROM "
                                    f"C_Country c WHERE c.C_Country_ID=I_Order.C_Country_ID AND c.HasRegion='Y') AND "
                                    f"{t.pending}")


def _locations(t: ImportTable) -> None:
    """An existing partner's location: the one with exactly the row's address, else its last bill-to (pay-from
    for purchases) and ship-to locations."""
    same = " AND ".join(f"((I_Order.{c} IS NULL AND l.{c} IS NULL) OR I_Order.{c}=l.{c})"
                        for c in ("Address1", "Address2", "City", "Postal"))
    same += " AND " + " AND ".join(f"COALESCE(I_Order.{c},0)=COALESCE(l.{c},0)" for c in ("C_Region_ID", "C_Country_ID"))
    t.execute(f"UPDATE I_Order SET (BillTo_ID, C_BPartner_Location_ID)=(SELECT bpl.C_BPartner_Location_ID, "
              f"bpl.C_BPartner_Location_ID FROM C_BPartner_Location bpl JOIN C_Location l ON "
              f"bpl.C_Location_ID=l.C_Location_ID WHERE I_Order.C_BPartner_ID=bpl.C_BPartner_ID AND "
              f"bpl.AD_Client_ID=I_Order.AD_Client_ID AND {same}) "
              f"WHERE C_BPartner_ID IS NOT NULL AND C_BPartner_Location_ID IS NULL AND {t.fresh}")
    locations = "SELECT MAX(C_BPartner_Location_ID) FROM C_BPartner_Location l WHERE " \
                "l.C_BPartner_ID=I_Order.C_BPartner_ID AND " + _SAME_TENANT.format(a="l")
    _set(t, "BillTo_ID", f"{locations} AND ((l.IsBillTo='Y' AND I_Order.IsSOTrx='Y') OR (l.IsPayFrom='Y' AND "
                         f"I_Order.IsSOTrx='N'))", "C_BPartner_ID IS NOT NULL AND BillTo_ID IS NULL")
    _set(t, "C_BPartner_Location_ID", f"{locations} AND ((l.IsShipTo='Y' AND I_Order.IsSOTrx='Y') OR "
                                      f"I_Order.IsSOTrx='N')", "C_BPartner_ID IS NOT NULL AND C_BPartner_Location_ID IS NULL")
    t.error("ERR=No BP Location, ", f"C_BPartner_ID IS NOT NULL AND (BillTo_ID IS NULL OR C_BPartner_Location_ID "
                                    f"IS NULL) AND {t.pending}")


def _lines(t: ImportTable) -> None:
    for column in ("Value", "UPC", "SKU"):
        text = "ProductValue" if column == "Value" else column
        _set(t, "M_Product_ID", f"SELECT MAX(M_Product_ID) FROM M_Product p WHERE I_Order.{text}=p.{column} AND "
             + _SAME_TENANT.format(a="p"), f"M_Product_ID IS NULL AND {text} IS NOT NULL")
    t.error("ERR=Invalid Product, ", f"M_Product_ID IS NULL AND (ProductValue IS NOT NULL OR UPC IS NOT NULL OR SKU "
                                     f"IS NOT NULL) AND {t.pending}")
    t.error("ERR=Invalid Charge, ", f"C_Charge_ID IS NULL AND ChargeName IS NOT NULL AND {t.pending}")
    t.error("ERR=Product and Charge, ", f"M_Product_ID IS NOT NULL AND C_Charge_ID IS NOT NULL AND {t.pending}")
    _set(t, "C_Tax_ID", "SELECT MAX(C_Tax_ID) FROM C_Tax t WHERE I_Order.TaxIndicator=t.TaxIndicator AND "
         + _SAME_TENANT.format(a="t"), "C_Tax_ID IS NULL AND TaxIndicator IS NOT NULL")
    t.error("ERR=Invalid Tax, ", f"C_Tax_ID IS NULL AND TaxIndicator IS NOT NULL AND {t.pending}")
