"""Issue 3 "cover each bullet for both generations": the behaviours the two plugin generations share, run
over real HTTP against a current and a ``--legacy`` server (spec §1, §3, §4, §6, §7, §14; §13 lists what
differs and has its own tests in test_query_http.py, test_writes_http.py and test_protocol.py).
"""
from __future__ import annotations

import json
import re

import pytest
import requests

from .conftest import ADMIN_PARAMS, api, bearer, login


@pytest.fixture(scope="module", params=["current", "legacy"])
def emu(request):
    from idempiere_emulator import EmulatorOptions, EmulatorServer
    with EmulatorServer(EmulatorOptions(rows=60, legacy=request.param == "legacy")) as server:
        yield server


def get(emu, path, params=None, token=None):
    return requests.get(api(emu) + path, params=params, headers=bearer(token or emu.s2s_token), timeout=30)


def call(emu, method, path, body=None, token=None):
    return requests.request(method, api(emu) + path, json=body, headers=bearer(token or emu.s2s_token), timeout=30)


# ------------------------------------------------------------------ auth (§1, §14.1-2)
def test_login_refresh_logout_cycle(emu):
    one_step = login(emu)
    assert list(one_step) == ["userId", "language", "menuTreeId", "token", "refresh_token"]
    pre = login(emu, params={})
    assert list(pre) == ["clients", "token"] and get(emu, "/models/c_order", token=pre["token"]).content == b""
    final = requests.put(api(emu) + "/auth/tokens", json=ADMIN_PARAMS, headers=bearer(pre["token"]), timeout=10)
    assert final.status_code == 200 and get(emu, "/models/c_order", token=final.json()["token"]).status_code == 200

    def refresh(token):
        return requests.post(api(emu) + "/auth/refresh", timeout=10,
                             json={"refresh_token": token, "clientId": 11, "userId": 101})

    rotated = refresh(one_step["refresh_token"]).json()
    assert set(rotated) == {"token", "refresh_token"} and rotated["refresh_token"] != one_step["refresh_token"]
    assert get(emu, "/models/c_order", token=rotated["token"]).status_code == 200
    replay = refresh(one_step["refresh_token"])  # used twice: the whole chain is revoked
    assert replay.status_code == 401 and replay.json()["detail"] == "Invalid refresh token"
    assert get(emu, "/models/c_order", token=rotated["token"]).text == '{"title":"Token is revoked","status":401}'
    out = requests.post(api(emu) + "/auth/logout", json={"token": final.json()["token"]}, timeout=10)
    assert out.text == '{"summary":"OK"}'
    assert get(emu, "/models/c_order", token=final.json()["token"]).json()["title"] == "Token is revoked"
    missing = requests.get(api(emu) + "/models/c_order", timeout=10)
    assert missing.status_code == 401 and missing.content == b""


# ------------------------------------------------------------------ collection (§3, §14.3)
def test_envelope_headers_clamp_default_filter_and_no_default_order(emu):
    legacy = emu.options.legacy
    resp = get(emu, "/models/c_order", {"$top": 500})
    body = json.loads(resp.text)
    assert list(body) == ["page-count", "records-size", "skip-records", "row-count", "records", "array-count"]
    active = emu.backend.sql("SELECT COUNT(*) FROM C_Order WHERE IsActive='Y'")[0][0]
    assert body["records-size"] == 100 and len(body["records"]) == active < 100  # inactive rows hidden
    assert body["array-count"] == (0 if legacy else len(body["records"]))
    assert resp.headers["X-Row-Count"] == str(body["row-count"]) and resp.headers["X-Page-Count"] == "1"
    everything = get(emu, "/models/c_order", {"$filter": "IsActive neq null"}).json()
    assert everything["row-count"] == emu.backend.sql("SELECT COUNT(*) FROM C_Order")[0][0]
    ids = [r["id"] for r in body["records"]]
    assert ids != sorted(ids) and ids != sorted(ids, reverse=True)  # no implicit order (§3.5)
    assert [r["id"] for r in get(emu, "/models/c_order", {"$top": 500}).json()["records"]] == ids
    paged = get(emu, "/models/c_order", {"$orderby": "DocumentNo desc", "$top": 7, "$skip": 7}).json()
    assert paged["page-count"] == -(-paged["row-count"] // 7) and paged["skip-records"] == 7
    docs = [r["DocumentNo"] for r in paged["records"]]
    assert docs == sorted(docs, reverse=True) and len(docs) == 7


# ------------------------------------------------------------------ $filter grammar (§4, §14.4)
FILTERS = [
    ("Name eq 'Joe Block'", "Name = 'Joe Block'"),
    ("Name neq 'Joe Block'", "Name <> 'Joe Block'"),
    ("contains(tolower(Name),'farm')", "lower(Name) LIKE '%farm%'"),
    ("startswith(Name,'Patio')", "Name LIKE 'Patio%'"),
    ("not endswith(Name,'Inc.')", "Name NOT LIKE '%Inc.'"),
    ("toupper(Value) eq 'JOEBLOCK'", "upper(Value) = 'JOEBLOCK'"),
    ("Description eq null", "Description IS NULL"),
    ("C_BP_Group_ID in (103,104)", "C_BP_Group_ID IN (103, 104)"),
    ("IsCustomer eq true and IsVendor eq false", "IsCustomer = 'Y' AND IsVendor = 'N'"),
    ("IsCustomer eq 'Y'", "IsCustomer = 'N'"),  # a quoted 'Y' is N (§4.6)
    ("Name eq 'Joe Block' or Name eq 'Seed Farm Inc.'", "Name = 'Joe Block' OR Name = 'Seed Farm Inc.'"),
    ("(Value eq 'JoeBlock' or Value eq 'C&W') and IsActive eq true", "Value IN ('JoeBlock', 'C&W') AND IsActive = 'Y'"),
    ("IsActive eq false", "IsActive = 'N'"),
    ("Updated ge Created", "Updated >= Created"),  # column to column
    ("SO_CreditLimit ge 0 AND Created lt '2100-01-01 00:00:00'", "SO_CreditLimit >= 0"),
]


@pytest.mark.parametrize("flt, sql", FILTERS, ids=[f for f, _ in FILTERS])
def test_filter_grammar_matches_a_sql_oracle(emu, flt, sql):
    where = sql if "isactive" in sql.lower() else f"({sql}) AND IsActive = 'Y'"
    want = emu.backend.sql(f"SELECT C_BPartner_ID FROM C_BPartner WHERE {where} AND AD_Client_ID IN (0, 11) "
                           "ORDER BY C_BPartner_ID")
    body = get(emu, "/models/c_bpartner", {"$filter": flt, "$orderby": "C_BPartner_ID", "$top": 100}).json()
    assert [r["id"] for r in body["records"]] == [w[0] for w in want] and body["row-count"] == len(want)


@pytest.mark.parametrize("flt, status, detail", [
    ("Name ne 'x'", 400, "Unsupported operator: ne"),
    ("Name EQ 'x'", 400, "Unsupported operator: EQ"),
    ("Name eq x", 400, "Error convertig parameter with value: x - String values must be put between single "
                       "quotes. ColumnName: Name"),
    ("C_BP_Group_ID eq '103'", 400, "Error convertig parameter with value: '103' - For input string: \"'103'\""),
    ("not Name eq 'x'", 400, "Operator NOT is only compatible with certain functions. Not with Name"),
    ("Name gt null", 400, "Operator gt is not compatible with NULL comparision"),
    ("C_BP_Group_ID in 103", 400, "Wrong right parameter for IN operator"),
    ("Nope eq 1", 400, "Invalid column for filter: Nope"),
    ("substring(Name,1) eq 'x'", 500, "Method call 'substring' not implemented"),
    ("Name eq", 500, "Index: 2, Size: 2"),
])
def test_filter_errors(emu, flt, status, detail):
    resp = get(emu, "/models/c_bpartner", {"$filter": flt})
    assert resp.status_code == status
    assert resp.json() == {"title": None if status == 400 else "GET Error", "status": status, "detail": detail}


# ------------------------------------------------------------------ serialization (§6, §14.5)
def test_record_shape(emu):
    text = get(emu, "/models/c_order/100").text
    rec = json.loads(text)
    keys = list(rec)
    assert keys[:2] == ["id", "uid"] and keys[-1] == "model-name" and rec["model-name"] == "c_order"
    assert not {"C_Order_ID", "C_Order_UU", "DocAction", "Posted", "Processing"} & set(rec)  # key, uid, buttons
    row = dict(zip(("Description", "POReference", "DatePrinted", "SalesRep_ID"), emu.backend.sql(
        "SELECT Description, POReference, DatePrinted, SalesRep_ID FROM C_Order WHERE C_Order_ID=100")[0]))
    nulls = {k for k, v in row.items() if v is None}
    assert nulls and not nulls & set(rec) and None not in rec.values()  # nulls omitted
    assert rec["C_BPartner_ID"] == {"propertyLabel": "Business Partner", "id": 114, "identifier": "Agri-Tech",
                                    "model-name": "c_bpartner"}
    assert rec["DocStatus"] == {"propertyLabel": "Document Status", "id": "CO", "identifier": "Completed",
                                "model-name": "ad_ref_list"}
    assert rec["DateOrdered"] == "2024-01-01" and rec["Created"] == "2024-01-01T00:00:00Z"  # tz UTC: same text
    assert rec["IsActive"] is True and re.search(r'"GrandTotal":\d+\.\d\d[,}]', text)
    assert get(emu, f"/models/c_order/{rec['uid']}").json() == rec
    column = get(emu, "/models/c_order/100/docstatus").json()
    assert column == {"id": 100, "uid": rec["uid"], "DocStatus": rec["DocStatus"], "model-name": "c_order"}
    inactive = emu.backend.sql("SELECT C_Order_ID FROM C_Order WHERE IsActive='N' LIMIT 1")[0][0]
    assert get(emu, f"/models/c_order/{inactive}").json()["IsActive"] is False  # single GET ignores IsActive


def test_location_objects_embed_the_address_and_write_a_new_location(emu):
    """Location(21): every non-key C_Location column, lookups as objects, the rest as Java toString() (§6.2);
    a Location object in a body saves a C_Location first; the read object is not a valid body (§7.1)."""
    loc = get(emu, "/models/c_bpartner_location/118").json()["C_Location_ID"]
    assert list(loc)[:4] == ["propertyLabel", "id", "identifier", "model-name"] and loc["model-name"] == "c_location"
    stored = emu.backend.sql("SELECT Created, City FROM C_Location WHERE C_Location_ID=?", (loc["id"],))[0]
    assert loc["IsActive"] == "true" and loc["City"] == stored[1]
    assert loc["Created"] == stored[0][:20] + (stored[0][20:23].rstrip("0") or "0")  # Timestamp.toString(), UTC
    assert loc["C_Country_ID"]["model-name"] == "c_country" and "C_Location_ID" not in loc
    made = call(emu, "PUT", "/models/c_bpartner_location/118", {"C_Location_ID": {
        "id": 0, "Address1": "1 Test St", "City": "Testville", "C_Country_ID": 100}})
    assert made.status_code == 200 and made.json()["C_Location_ID"]["City"] == "Testville"
    assert made.json()["C_Location_ID"]["id"] != loc["id"]
    echo = call(emu, "PUT", "/models/c_bpartner_location/118", {"C_Location_ID": loc})
    assert (echo.status_code, echo.json()["detail"]) == (500 if emu.options.legacy else 400,
                                                         "Column propertyLabel does not exist")


# ------------------------------------------------------------------ models, yaml (§2, §14.7)
def test_models_list_yaml_and_unknown_tables(emu):
    models = get(emu, "/models", {"$filter": "startswith(TableName,'C_Order')"}).json()["models"]
    assert [m["model-name"] for m in models] == ["c_order", "c_orderline", "c_ordertax"]
    assert set(models[0]) == {"id", "uid", "model-name", "name", "description"}
    doc = get(emu, "/models/c_order/yaml")
    assert doc.status_code == 200 and doc.headers["Content-Type"].startswith("application/yaml")
    assert "C_BPartner_ID:" in doc.text and "DocAction:" not in doc.text  # buttons are left out
    assert get(emu, "/models/nope/yaml").status_code == 500 and get(emu, "/models/nope/yaml").content == b""
    assert get(emu, "/models/nope").json() == {"title": "Invalid table name", "status": 404,
                                               "detail": "No match found for table name: nope"}


# ------------------------------------------------------------------ writes (§7, §14.6)
def test_post_put_delete_with_every_fk_and_list_form(emu):
    group = get(emu, "/models/c_bp_group/103").json()
    forms = [103, "103", {"id": 103, "identifier": "ignored", "model-name": "x"}, {"uid": group["uid"]},
             {"identifier": group["Name"]}, {"lookupColumn": "Value", "lookupValue": group["Value"]}]
    gen = "legacy" if emu.options.legacy else "current"
    for n, form in enumerate(forms):
        made = call(emu, "POST", "/models/c_bpartner", {"Value": f"{gen}-fk-{n}", "Name": f"FK form {n}",
                                                         "C_BP_Group_ID": form, "SOCreditStatus": "W",
                                                         "SalesRep_ID": 101})
        assert made.status_code == 201, (form, made.text)
        assert made.json()["C_BP_Group_ID"]["id"] == 103 and made.json()["SOCreditStatus"]["id"] == "W"
    rid = made.json()["id"]
    uu = f"7a0c1e52-3b4d-4e6f-8a9b-{1 if emu.options.legacy else 2:012d}"
    assert call(emu, "POST", "/models/c_bpartner", {"Name": "UU", "C_BPartner_UU": uu}).json()["uid"] == uu
    created = call(emu, "GET", f"/models/c_bpartner/{rid}").json()["Created"]
    echo = call(emu, "PUT", f"/models/c_bpartner/{rid}", {"Created": created})  # stored with ms: a change
    assert (echo.status_code, echo.json()["detail"]) == (500 if emu.options.legacy else 400,
                                                         "Cannot update column Created")
    stored = emu.backend.sql("SELECT Created FROM C_BPartner WHERE C_BPartner_ID=?", (rid,))[0][0]
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}", stored)
    assert created == f"{stored[:10]}T{stored[11:19]}Z"  # output truncates the milliseconds
    put = call(emu, "PUT", f"/models/c_bpartner/{rid}", {"SOCreditStatus": {"id": "H"}, "SalesRep_ID": -1,
                                                          "name": "Renamed", "id": 1})
    assert put.status_code == 200 and put.json()["id"] == rid and put.json()["Name"] == "Renamed"
    assert put.json()["SOCreditStatus"]["identifier"] == "Credit Hold" and "SalesRep_ID" not in put.json()
    assert call(emu, "PUT", "/models/c_bpartner/987654", {"Name2": "x"}).status_code == 404
    user = login(emu, "GardenUser", params={})["token"]  # role 103: C_BPartner is read-only
    assert call(emu, "PUT", f"/models/c_bpartner/{rid}", {"Name2": "x"}, token=user).status_code == 403
    gone = call(emu, "DELETE", f"/models/c_bpartner/{rid}")
    assert (gone.status_code, gone.json()) == (200, {"msg": "Deleted"})
    assert call(emu, "GET", f"/models/c_bpartner/{rid}").status_code == 404
    ambiguous = call(emu, "POST", "/models/c_order", {"C_BPartner_ID": {"identifier": "Patio Fun, Inc."},
                                                      "C_DocTypeTarget_ID": 132})
    assert ambiguous.status_code == 500 and ambiguous.json()["detail"].startswith("More than one ID found")


@pytest.mark.parametrize("table, child, doctype", [("c_order", "C_OrderLine", 132), ("c_invoice", "C_InvoiceLine", 116)])
def test_documents_with_children_and_doc_action(emu, table, child, doctype):
    made = call(emu, "POST", f"/models/{table}", {"C_BPartner_ID": 118, "C_DocTypeTarget_ID": doctype,
                                                  child: [{"M_Product_ID": 122, "QtyEntered": 2}]})
    assert made.status_code == 201, made.text
    rid, lines = made.json()["id"], made.json()[child]
    assert len(lines) == 1 and "model-name" not in lines[0]
    swapped = call(emu, "PUT", f"/models/{table}/{rid}", {child: [{"id": lines[0]["id"], "(delete)": True},
                                                                  {"M_Product_ID": 137, "QtyEntered": 1}]})
    assert swapped.status_code == 200 and [ln["M_Product_ID"]["id"] for ln in swapped.json()[child]] == [137]
    done = call(emu, "PUT", f"/models/{table}/{rid}", {"doc-action": "CO"})
    assert done.status_code == 200 and done.json()["DocStatus"]["id"] == "CO" and done.json()["doc-processmsg"]
    again = call(emu, "PUT", f"/models/{table}/{rid}", {"doc-action": "PR"})  # not allowed after CO
    assert again.status_code == 500 and again.json()["title"] == "Failed processing document"
    assert call(emu, "DELETE", f"/models/{table}/{rid}").status_code == 500  # processed documents stay


def test_put_saves_the_first_child_level_only_and_ignores_arrays_inside_child_rows(emu):
    """POST inserts grandchildren (arrays in child rows); the plugin's PUT creates or updates child rows from their
    own fields and never looks at arrays inside them (ModelResourceImpl.updatePO), so nothing below is written."""
    price = {"M_Product_ID": 122, "PriceList": 10, "PriceStd": 9}
    made = call(emu, "POST", "/models/m_pricelist", {"Name": "Nested PUT " + emu.base_url[-5:], "C_Currency_ID": 100,
                                                    "M_PriceList_Version": [{"Name": "v1", "ValidFrom": "2025-01-01",
                                                                             "M_ProductPrice": [price]}]})
    assert made.status_code == 201, made.text
    pid, (v1,) = made.json()["id"], made.json()["M_PriceList_Version"]
    assert [p["M_Product_ID"]["id"] for p in v1["M_ProductPrice"]] == [122]  # POST: grandchildren saved
    other = {**price, "M_Product_ID": 128}
    put = call(emu, "PUT", f"/models/m_pricelist/{pid}", {"M_PriceList_Version": [
        {"id": v1["id"], "Description": "first", "M_ProductPrice": [other]},
        {"Name": "v2", "ValidFrom": "2025-07-01", "M_ProductPrice": [other]}]})
    assert put.status_code == 200, put.text
    saved = put.json()["M_PriceList_Version"]
    assert [v["Name"] for v in saved] == ["v1", "v2"] and saved[0]["Description"] == "first"
    assert all("M_ProductPrice" not in v for v in saved)
    rows = emu.backend.sql("SELECT v.Name, pp.M_Product_ID FROM M_PriceList_Version v LEFT JOIN M_ProductPrice pp ON "
                           "pp.M_PriceList_Version_ID=v.M_PriceList_Version_ID WHERE v.M_PriceList_ID=? ORDER BY 1",
                           (pid,))
    assert [tuple(r) for r in rows] == [("v1", 122), ("v2", None)]


# ------------------------------------------------------------------ data set (issue 3 "Data")
GARDENWORLD_TABLES = ["ad_client", "ad_org", "ad_user", "ad_role", "m_warehouse", "c_country", "c_currency", "c_uom",
                      "c_bp_group", "c_bpartner", "c_bpartner_location", "m_product_category", "m_product",
                      "c_taxcategory", "c_tax", "c_doctype", "c_order", "c_orderline", "c_invoice", "c_invoiceline",
                      "c_payment", "fact_acct"]


def test_the_data_set_covers_every_gardenworld_table(emu):
    counts = {t: get(emu, f"/models/{t}", {"$filter": "IsActive neq null", "$top": 1}).json()["row-count"]
              for t in GARDENWORLD_TABLES}
    assert all(n > 0 for n in counts.values()), counts
    assert counts["c_order"] >= 60 and counts["c_orderline"] >= 2 * 60  # --rows 60 (+ orders made above)
