"""Deterministic GardenWorld-like master data (ids and names from fixtures.py; spec §11 ids).

Documents that scale with ``--rows`` live in dataset_docs.py. Every row carries the standard
columns; timestamps are stored with milliseconds (spec §12).
"""
from __future__ import annotations

import random
from typing import Any

from erp_emulator.clock import epoch_text

from .. import fixtures as fx
from ..catalog import Catalog, Table
from .store import Store

T2003 = 1042038371  # 2003-01-08 15:06:11 UTC: GardenWorld's creation (Postman #120 filters on it)


def fast_uuid(rng: random.Random) -> str:
    """A version-4-shaped UUID from the seeded RNG (deterministic and cheap)."""
    h = f"{rng.getrandbits(128):032x}"
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:32]}"


class Seeder:
    """Writes rows with standard columns defaulted; ``rows`` are dicts of column -> stored value.

    Created carries milliseconds like real data, except C_Tax whose GardenWorld rows were created at
    exactly 2003-01-08 15:06:11 (the Postman ``created eq '2003-01-08T15:06:11'`` example, §11).
    """

    def __init__(self, store: Store, catalog: Catalog, seed: int) -> None:
        self.store = store
        self.catalog = catalog
        self.rng = random.Random(seed)

    def put(self, table_name: str, rows: list[dict[str, Any]], *, client: int = fx.CLIENT_ID,
            created: int = T2003) -> None:
        table = self.catalog.get(table_name)
        assert table is not None, table_name
        out = []
        for i, row in enumerate(rows):
            full = {"AD_Client_ID": client, "AD_Org_ID": 0, "IsActive": "Y",
                    "Created": epoch_text(created, 0 if table.lname == "c_tax" else (i * 271 + 17) % 1000),
                    "CreatedBy": fx.USER_SUPER,
                    "Updated": epoch_text(created + 86400 * (i % 7), (i * 137) % 1000), "UpdatedBy": fx.USER_SUPER}
            for col in table.columns:  # column defaults for mandatory columns (AD DefaultValue)
                if col.default is not None and not col.default.startswith("@") and col.mandatory:
                    full[col.name] = col.default
            full.update(row)
            if table.uu_column and table.uu_column not in full:
                full[table.uu_column] = fast_uuid(self.rng)
            out.append(full)
        cols = sorted({c for r in out for c in r})
        self.store.insert_many(table.name, cols, [[r.get(c) for c in cols] for r in out])


def seed_master(store: Store, catalog: Catalog, seed: int) -> None:
    """Tenants, orgs, users, roles, geography, currencies, partners, products, taxes, doc types."""
    s = Seeder(store, catalog, seed)
    s.put("AD_Client", [
        {"AD_Client_ID": 0, "Value": "SYSTEM", "Name": "System", "AD_Language": "en_US"},
        {"AD_Client_ID": fx.CLIENT_ID, "Value": fx.CLIENT_VALUE, "Name": fx.CLIENT_NAME, "AD_Language": "en_US",
         "Description": "GardenWorld Demo Client", "SMTPHost": "localhost", "RequestEMail": "info@gardenworld.com"},
    ], client=0)
    s.put("AD_Org", [{"AD_Org_ID": 0, "Value": "0", "Name": "*", "Description": "All Organizations"}], client=0)
    s.put("AD_Org", [
        {"AD_Org_ID": fx.ORG_HQ, "Value": "HQ", "Name": "HQ", "Description": "Headquarters"},
        {"AD_Org_ID": fx.ORG_STORE, "Value": "Store", "Name": "Store", "Description": "Store Central"},
        {"AD_Org_ID": 50000, "Value": "Fertilizer", "Name": "Fertilizer", "IsActive": "N"},
    ])
    _seed_users_roles(s)
    _seed_geo(s)
    _seed_partners(s)
    _seed_products(s)


def _seed_users_roles(s: Seeder) -> None:
    s.put("AD_User", [
        {"AD_User_ID": 0, "Value": "system", "Name": "System", "Password": "***"},
        {"AD_User_ID": fx.USER_SUPER, "Value": "superuser", "Name": "SuperUser", "Password": "System",
         "EMail": "superuser @ idempiere.com"},
    ], client=0)
    s.put("AD_User", [
        {"AD_User_ID": fx.USER_ADMIN, "Value": "gardenadmin", "Name": "GardenAdmin", "Password": "GardenAdmin",
         "EMail": "admin @ gardenworld.com", "AD_User_UU": "d4a5259d-edbb-4c28-a7b4-6ffb5ff69442"},
        {"AD_User_ID": fx.USER_RESTRICTED, "Value": "gardenuser", "Name": "GardenUser", "Password": "GardenUser",
         "EMail": "user @ gardenworld.com", "Supervisor_ID": fx.USER_ADMIN},
        {"AD_User_ID": 103, "Name": "Joe Block", "C_BPartner_ID": 118, "EMail": "joe.block @ example.com",
         "Phone": "+1 555 0118", "Birthday": "1970-05-04", "Title": "Mr."},
        {"AD_User_ID": 104, "Name": "Carl Boyd", "C_BPartner_ID": 117, "Phone": "+1 555 0117", "Comments": "Site manager"},
        {"AD_User_ID": 105, "Name": "Sam Seed", "C_BPartner_ID": 119, "IsActive": "N"},
    ])
    s.put("AD_Role", [{"AD_Role_ID": 0, "Name": "System Administrator", "UserLevel": "S  ", "IsAccessAllOrgs": "Y"}],
          client=0)
    s.put("AD_Role", [
        {"AD_Role_ID": fx.ROLE_ADMIN, "Name": fx.ROLES[fx.ROLE_ADMIN], "RoleType": "WS", "C_Currency_ID": 100,
         "IsShowAcct": "Y", "IsClientAdministrator": "Y", "Description": "GardenWorld Admin Role",
         "IsAccessAllOrgs": "Y"},
        {"AD_Role_ID": fx.ROLE_USER, "Name": fx.ROLES[fx.ROLE_USER], "RoleType": "WS", "UserLevel": "  O",
         "C_Currency_ID": 100, "Supervisor_ID": fx.USER_ADMIN},
    ])
    s.put("AD_Role_OrgAccess", [
        {"AD_Role_ID": fx.ROLE_ADMIN, "AD_Org_ID": 0}, {"AD_Role_ID": fx.ROLE_ADMIN, "AD_Org_ID": fx.ORG_HQ},
        {"AD_Role_ID": fx.ROLE_ADMIN, "AD_Org_ID": fx.ORG_STORE},
        {"AD_Role_ID": fx.ROLE_USER, "AD_Org_ID": fx.ORG_HQ, "IsReadOnly": "N"},
    ])
    s.put("TestUU", [
        {"TestUU_UU": "6f1d7a4e-0c1b-4e53-9c38-3c1f5d1b2a01", "Value": "T1", "Name": "First UU record"},
        {"TestUU_UU": "6f1d7a4e-0c1b-4e53-9c38-3c1f5d1b2a02", "Value": "T2", "Name": "Second UU record",
         "Description": "has a description"},
        {"TestUU_UU": "6f1d7a4e-0c1b-4e53-9c38-3c1f5d1b2a03", "Value": "T3", "Name": "Inactive UU", "IsActive": "N"},
    ])


def _seed_geo(s: Seeder) -> None:
    s.put("C_Currency", [
        {"C_Currency_ID": 100, "ISO_Code": "USD", "CurSymbol": "$", "Description": "US Dollar"},
        {"C_Currency_ID": 102, "ISO_Code": "EUR", "CurSymbol": "€", "Description": "Euro", "IsEuro": "Y",
         "IsEMUMember": "Y"},
        {"C_Currency_ID": 114, "ISO_Code": "GBP", "CurSymbol": "£", "Description": "British Pound"},
        {"C_Currency_ID": 116, "ISO_Code": "CAD", "CurSymbol": "C$", "Description": "Canadian Dollar"},
        {"C_Currency_ID": 113, "ISO_Code": "JPY", "CurSymbol": "¥", "Description": "Japanese Yen",
         "StdPrecision": 0},
        {"C_Currency_ID": 103, "ISO_Code": "DEM", "CurSymbol": "DM", "Description": "Deutsche Mark", "IsActive": "N",
         "IsEMUMember": "Y", "EMURate": 1.95583},
    ], client=0)
    s.put("C_Country", [
        {"C_Country_ID": 100, "Name": "Canada", "CountryCode": "CA", "HasRegion": "Y", "RegionName": "Province",
         "C_Currency_ID": 116, "AD_Language": "en_US"},
        {"C_Country_ID": 101, "Name": "United States", "CountryCode": "US", "HasRegion": "Y", "RegionName": "State",
         "C_Currency_ID": 100, "ExpressionPostal": "00000"},
        {"C_Country_ID": 102, "Name": "Germany", "CountryCode": "DE", "C_Currency_ID": 102},
        {"C_Country_ID": 103, "Name": "Switzerland", "CountryCode": "CH"},
        {"C_Country_ID": 104, "Name": "France", "CountryCode": "FR", "C_Currency_ID": 102},
    ], client=0)
    s.put("C_Region", [
        {"C_Region_ID": 101, "Name": "BC", "Description": "British Columbia", "C_Country_ID": 100},
        {"C_Region_ID": 102, "Name": "ON", "Description": "Ontario", "C_Country_ID": 100, "IsDefault": "Y"},
        {"C_Region_ID": 103, "Name": "QC", "Description": "Quebec", "C_Country_ID": 100},
        {"C_Region_ID": 104, "Name": "CA", "Description": "California", "C_Country_ID": 101},
        {"C_Region_ID": 105, "Name": "NY", "Description": "New York", "C_Country_ID": 101},
    ], client=0)
    s.put("C_UOM", [
        {"C_UOM_ID": 100, "X12DE355": "EA", "UOMSymbol": "Ea", "Name": "Each", "IsDefault": "Y", "UOMType": "OT"},
        {"C_UOM_ID": 101, "X12DE355": "HR", "UOMSymbol": "h", "Name": "Hour", "UOMType": "TM", "StdPrecision": 2},
        {"C_UOM_ID": 102, "X12DE355": "DA", "UOMSymbol": "d", "Name": "Day", "UOMType": "TM"},
        {"C_UOM_ID": 103, "X12DE355": "KGM", "UOMSymbol": "kg", "Name": "Kilogram", "UOMType": "MA", "StdPrecision": 3},
        {"C_UOM_ID": 104, "X12DE355": "MTR", "UOMSymbol": "m", "Name": "Meter", "UOMType": "LE", "StdPrecision": 2},
    ], client=0)
    locs = [
        (109, "1 Garden Way", "Toronto", "M5V 2T6", 100, 102), (110, "200 Store Street", "Ottawa", "K1P 1J1", 100, 102),
        (114, "Agri Road 4", "Sacramento", "95814", 101, 104), (117, "77 Builders Ave", "Vancouver", "V6B 1A1", 100, 101),
        (118, "12 Block Lane", "Montreal", "H2Y 1C6", 100, 103), (119, "Seed Farm Rd", "Albany", "12207", 101, 105),
        (120, "Patio Plaza 3", "Portland", None, 101, None), (121, "Old Mill 9", "Berlin", "10115", 102, None),
        (125, "500 Yonge Street", "Toronto", "M4Y 1X9", 100, 102), (126, "Patio Square 1", "Buffalo", "14201", 101, 105),
    ]
    s.put("C_Location", [{"C_Location_ID": i, "Address1": a, "City": c, "Postal": p, "C_Country_ID": co,
                          "C_Region_ID": r} for i, a, c, p, co, r in locs])
    s.put("M_Warehouse", [
        {"M_Warehouse_ID": wid, "AD_Org_ID": org, "Value": name.split()[0], "Name": name,
         "C_Location_ID": 109 if org == fx.ORG_HQ else 110} for wid, (name, org) in fx.WAREHOUSES.items()])


def _seed_partners(s: Seeder) -> None:
    s.put("C_PaymentTerm", [
        {"C_PaymentTerm_ID": 105, "Value": "Immediate", "Name": "Immediate", "IsValid": "Y"},
        {"C_PaymentTerm_ID": 106, "Value": "2%10Net30", "Name": "2%10 Net 30", "NetDays": 30, "Discount": 2,
         "DiscountDays": 10, "IsValid": "Y"},
        {"C_PaymentTerm_ID": 107, "Value": "30 Net", "Name": "30 Net", "NetDays": 30, "IsDefault": "Y", "IsValid": "Y"},
        {"C_PaymentTerm_ID": 108, "Value": "60 Net", "Name": "60 Net", "NetDays": 60, "IsActive": "N"},
    ])
    s.put("M_PriceList", [
        {"M_PriceList_ID": 101, "Name": "Standard", "C_Currency_ID": 100, "IsDefault": "Y", "IsSOPriceList": "Y"},
        {"M_PriceList_ID": 102, "Name": "Purchase", "C_Currency_ID": 100},
        {"M_PriceList_ID": 103, "Name": "Export", "C_Currency_ID": 102, "IsSOPriceList": "Y",
         "Description": "Prices in EUR"},
    ])
    s.put("C_BP_Group", [
        {"C_BP_Group_ID": 103, "Value": "Standard", "Name": "Standard Customers", "IsDefault": "Y", "M_PriceList_ID": 101},
        {"C_BP_Group_ID": 104, "Value": "Vendor", "Name": "Vendors", "PO_PriceList_ID": 102},
        {"C_BP_Group_ID": 105, "Value": "Staff", "Name": "Staff"},
        {"C_BP_Group_ID": 106, "Value": "Prospects", "Name": "Prospects", "IsActive": "N"},
    ])
    bps = [  # id, value, name, group, customer, vendor, extra
        (112, "Standard", "Standard", 103, "Y", "N", {"Description": "Standard Business Partner Template"}),
        (113, "TreeFarm", "Tree Farm Inc.", 104, "N", "Y", {"SO_CreditLimit": 0}),
        (114, "Agri-Tech", "Agri-Tech", 103, "Y", "Y", {"C_BPartner_UU": "605450c7-24a7-4da9-990d-a8e5e7dd57eb",
                                                          "SO_CreditLimit": 5000, "SOCreditStatus": "W"}),
        (117, "C&W", "C&W Construction", 103, "Y", "N", {"SO_CreditLimit": 20000, "TaxID": "CA-117-004"}),
        (118, "JoeBlock", "Joe Block", 103, "Y", "N", {"SO_CreditLimit": 0, "SOCreditStatus": "O",
                                                       "C_PaymentTerm_ID": 105}),
        (119, "SeedFarm", "Seed Farm Inc.", 104, "N", "Y", {"URL": "http://www.seedfarm.com"}),
        (120, "Patio", "Patio Fun, Inc.", 103, "Y", "N", {"Name2": "Patio Fun (East)"}),
        (121, "GardenUser", "GardenUser BP", 105, "N", "N", {"IsEmployee": "Y", "IsSalesRep": "Y"}),
        (122, "Patio2", "Patio Fun, Inc.", 103, "Y", "N", {"Name2": "Patio Fun (West)"}),
        (126, "OldGarden", "Old Garden Supplies", 104, "N", "Y", {"IsActive": "N"}),
    ]
    rows = []
    for bid, value, name, grp, cust, vend, extra in bps:
        row = {"C_BPartner_ID": bid, "Value": value, "Name": name, "C_BP_Group_ID": grp, "IsCustomer": cust,
               "IsVendor": vend, "C_PaymentTerm_ID": 107, "M_PriceList_ID": 101 if cust == "Y" else None,
               "SOCreditStatus": "O", "PaymentRule": "P", "SalesRep_ID": fx.USER_ADMIN if cust == "Y" else None,
               "FirstSale": "2003-02-01" if cust == "Y" else None}
        row.update(extra)
        rows.append(row)
    s.put("C_BPartner", rows)
    loc = {112: 109, 113: 121, 114: 114, 117: 117, 118: 118, 119: 119, 120: 120, 121: 110, 122: 126, 126: 121}
    s.put("C_BPartner_Location", [
        {"C_BPartner_Location_ID": bid, "C_BPartner_ID": bid, "C_Location_ID": lid,
         "Name": f"{s.store.query('SELECT City FROM C_Location WHERE C_Location_ID=?', (lid,))[0][0]}",
         "Phone": f"+1 555 0{bid}" if bid % 2 else None} for bid, lid in loc.items()])
    s.put("C_BPartner_Location", [{"C_BPartner_Location_ID": 127, "C_BPartner_ID": 117, "C_Location_ID": 125,
                                   "Name": "Toronto Yard", "IsBillTo": "N", "IsPayFrom": "N"}])


PRODUCTS = [  # id, value, name, category, price, tax category, uom
    (122, "AzaleaBush", "Azalea Bush", 106, 23.75, 107, 100), (123, "Elm", "Elm Tree", 107, 45.00, 107, 100),
    (124, "Hoe", "Hoe 4 ft", 105, 12.50, 107, 100), (125, "Rake", "Rake Metal", 105, 14.95, 107, 100),
    (126, "Fertilizer50", "Fertilizer #50", 108, 21.10, 107, 103), (127, "Mulch", "Mulch 10#", 108, 5.25, 107, 103),
    (128, "Oak", "Oak Tree", 107, 61.00, 107, 100), (129, "GrassSeed", "Grass Seed Container", 108, 9.99, 107, 100),
    (133, "PChair", "Patio Chair", 109, 35.00, 107, 100), (134, "PTable", "Patio Table", 109, 120.00, 107, 100),
    (135, "PSunScreen", "Patio Sun Screen", 109, 74.50, 107, 100), (136, "Weeder", "Weeder", 105, 7.10, 107, 100),
    (137, "HollyBush", "Holly Bush", 106, 28.25, 107, 100), (138, "Plum", "Plum Tree", 107, 55.50, 107, 100),
    (139, "Mower", "Lawn Mower", 105, 310.00, 107, 100), (140, "Planting", "Planting Service", 105, 40.00, 107, 101),
    (141, "Tulip", "Tulip Bulbs", 106, 0.35, 107, 100), (144, "Rose", "Rose Bush", 106, 19.80, 107, 100),
]


def _seed_products(s: Seeder) -> None:
    s.put("M_Product_Category", [
        {"M_Product_Category_ID": 105, "Value": "Standard", "Name": "Standard", "IsDefault": "Y"},
        {"M_Product_Category_ID": 106, "Value": "Bush", "Name": "Bushes", "PlannedMargin": 20},
        {"M_Product_Category_ID": 107, "Value": "Tree", "Name": "Trees", "PlannedMargin": 25},
        {"M_Product_Category_ID": 108, "Value": "Chemicals", "Name": "Chemicals"},
        {"M_Product_Category_ID": 109, "Value": "Patio", "Name": "Patio", "M_Product_Category_Parent_ID": 105},
    ])
    s.put("C_TaxCategory", [
        {"C_TaxCategory_ID": 107, "Name": "Standard", "IsDefault": "Y"},
        {"C_TaxCategory_ID": 108, "Name": "Exempt", "Description": "Tax exempt goods"},
    ])
    s.put("C_Tax", [
        {"C_Tax_ID": 104, "Name": "Standard", "Rate": 0.0, "C_TaxCategory_ID": 107, "IsDefault": "Y",
         "ValidFrom": "1990-01-01"},
        {"C_Tax_ID": 105, "Name": "Exempt", "Rate": 0.0, "C_TaxCategory_ID": 108, "IsTaxExempt": "Y",
         "ValidFrom": "1990-01-01"},
        {"C_Tax_ID": 108, "Name": "GST/PST", "Rate": 15.0, "C_TaxCategory_ID": 107, "IsSummary": "Y",
         "ValidFrom": "2001-01-01", "C_Country_ID": 100},
        {"C_Tax_ID": 106, "Name": "GST", "Rate": 7.0, "C_TaxCategory_ID": 107, "Parent_Tax_ID": 108,
         "ValidFrom": "2001-01-01", "C_Country_ID": 100, "IsSalesTax": "Y"},
        {"C_Tax_ID": 107, "Name": "PST", "Rate": 8.0, "C_TaxCategory_ID": 107, "Parent_Tax_ID": 108,
         "ValidFrom": "2001-01-01", "C_Country_ID": 100, "C_Region_ID": 102, "TaxIndicator": "PST"},
    ])
    s.put("M_Product", [
        {"M_Product_ID": pid, "Value": v, "Name": n, "M_Product_Category_ID": cat, "C_TaxCategory_ID": tc,
         "C_UOM_ID": uom, "Weight": round(1 + pid % 7 * 1.5, 2), "UPC": f"0{pid:011d}" if pid % 3 else None,
         "ProductType": "S" if uom == 101 else "I", "IsStocked": "N" if uom == 101 else "Y",
         "Description": None if pid % 4 else f"{n} (demo)", "IsActive": "N" if pid == 141 else "Y"}
        for pid, v, n, cat, _price, tc, uom in PRODUCTS])
    s.put("C_Tax_Acct", [
        {"C_AcctSchema_ID": 101, "C_Tax_ID": tid, "T_Due_Acct": 370 + k, "T_Credit_Acct": 380 + k,
         "T_Expense_Acct": 390 + k, **({"C_Tax_Acct_UU": "7df64952-88e0-4ebf-9f56-9cb899b555f8"} if tid == 106 else {})}
        for k, tid in enumerate((104, 105, 106, 107, 108))])
    s.put("M_PriceList_Version", [
        {"M_PriceList_Version_ID": 104, "M_PriceList_ID": 101, "Name": "Standard 2003", "ValidFrom": "2003-01-01"},
        {"M_PriceList_Version_ID": 105, "M_PriceList_ID": 102, "Name": "Purchase 2003", "ValidFrom": "2003-01-01"},
        {"M_PriceList_Version_ID": 106, "M_PriceList_ID": 103, "Name": "Export 2003", "ValidFrom": "2003-01-01"},
    ])
    s.put("M_ProductPrice", [
        {"M_ProductPrice_ID": 1000 + 10 * n + v, "M_PriceList_Version_ID": 104 + v, "M_Product_ID": p[0],
         "PriceList": round(p[4] * (1.0, 0.6, 0.93)[v], 2), "PriceStd": round(p[4] * (1.0, 0.6, 0.93)[v], 2),
         "PriceLimit": round(p[4] * (0.9, 0.55, 0.85)[v], 2)} for n, p in enumerate(PRODUCTS) for v in range(3)])
    s.put("C_DocType", [{"C_DocType_ID": 0, "Name": "** New **", "PrintName": "** New **", "DocBaseType": "SOO"}],
          client=0)
    s.put("C_DocType", [
        {"C_DocType_ID": 132, "Name": "Standard Order", "PrintName": "Order Confirmation", "DocBaseType": "SOO",
         "DocSubTypeSO": "SO", "IsSOTrx": "Y", "IsDefault": "Y", "C_DocTypeInvoice_ID": 116},
        {"C_DocType_ID": 133, "Name": "Credit Order", "PrintName": "Order Confirmation", "DocBaseType": "SOO",
         "DocSubTypeSO": "WI", "IsSOTrx": "Y", "C_DocTypeInvoice_ID": 116},
        {"C_DocType_ID": 135, "Name": "POS Order", "PrintName": "Order Confirmation", "DocBaseType": "SOO",
         "DocSubTypeSO": "WR", "IsSOTrx": "Y"},
        {"C_DocType_ID": 126, "Name": "Purchase Order", "PrintName": "Purchase Order", "DocBaseType": "POO",
         "IsDefault": "Y"},
        {"C_DocType_ID": 116, "Name": "AR Invoice", "PrintName": "Invoice", "DocBaseType": "ARI", "IsSOTrx": "Y",
         "IsDefault": "Y"},
        {"C_DocType_ID": 119, "Name": "AR Receipt", "PrintName": "Receipt", "DocBaseType": "ARR", "IsSOTrx": "Y"},
    ])


def seed_ad_table(store: Store, catalog: Catalog, tables: list[Table]) -> None:
    """AD_Table rows describing the served tables (used by GET /models and its $filter; §2.1)."""
    s = Seeder(store, catalog, 7)
    s.put("AD_Table", [{"AD_Table_ID": t.table_id, "TableName": t.name, "Name": t.label,
                        "Description": t.description or None, "AccessLevel": str(t.access_level),
                        "EntityType": "D", "AD_Table_UU": t.uid,
                        "IsHighVolume": "Y" if t.lname in ("c_order", "fact_acct") else "N"} for t in tables],
          client=0)
