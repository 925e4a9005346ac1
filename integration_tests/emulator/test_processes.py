"""``/processes`` over real HTTP (spec §9, the plugin's ProcessResourceImpl/Process): list, describe, run,
access, and the Import_BPartner process over I_BPartner rows written through ``/models``; both generations."""
from __future__ import annotations

import pytest
import requests

from .conftest import api, bearer, login


@pytest.fixture(scope="module", params=[False, True], ids=["current", "legacy"])
def emu(request):
    from idempiere_emulator import EmulatorOptions, EmulatorServer
    with EmulatorServer(EmulatorOptions(rows=30, legacy=request.param, job_delay_ms=50)) as server:
        yield server


def call(emu, method, path, token=None, **kwargs):
    return requests.request(method, api(emu) + path, headers=bearer(token or emu.s2s_token), timeout=30, **kwargs)


def write_import_rows(emu, rows):
    ids = []
    for row in rows:
        resp = call(emu, "POST", "/models/I_BPartner", json=row)
        assert resp.status_code == 201, resp.text
        ids.append(resp.json()["id"])
    return ids


def test_list_is_ordered_by_value_with_slugs_and_the_plugin_columns(emu):
    resp = call(emu, "GET", "/processes")
    assert resp.status_code == 200
    processes = resp.json()["processes"]
    values = [p["Value"] for p in processes]
    assert values == sorted(values) and {"Import_BPartner", "Import_Product", "RV_OrderDetail"} <= set(values)
    imp = next(p for p in processes if p["Value"] == "Import_BPartner")
    assert list(imp) == ["id", "uid", "Value", "Name", "Description", "Help", "EntityType", "IsReport", "model-name",
                         "slug"]
    assert imp["id"] == 194 and imp["slug"] == "import_bpartner" and imp["IsReport"] is False
    assert imp["model-name"] == "ad_process"
    report = next(p for p in processes if p["Value"] == "RV_OrderDetail")
    assert report["IsReport"] is True and report["AD_ReportView_ID"]["model-name"] == "ad_reportview"


def test_list_filter_uses_the_model_filter_grammar_and_wraps_its_errors(emu):
    only = call(emu, "GET", "/processes", params={"$filter": "IsReport eq true"}).json()["processes"]
    assert [p["slug"] for p in only] == ["rv_orderdetail"]
    named = call(emu, "GET", "/processes", params={"$filter": "contains(Name,'Import')"}).json()["processes"]
    assert [p["Value"] for p in named] == ["Import_BPartner", "Import_Product"]
    bad = call(emu, "GET", "/processes", params={"$filter": "Name eq Import"})
    assert bad.status_code == 400
    body = bad.json()
    assert body["title"] == "GET Error" and body["detail"].startswith("Get process with exception: ")


def test_describe_adds_parameters_without_the_excluded_columns(emu):
    body = call(emu, "GET", "/processes/import_bpartner").json()
    assert body["slug"] == "import_bpartner" and body["Name"] == "Import Business Partner"
    params = body["parameters"]
    assert [p["parameterName"] for p in params] == ["AD_Client_ID", "DeleteOldImported", "IsValidateOnly"]
    first = params[0]
    for excluded in ("ColumnName", "AD_Process_ID", "FieldLength", "IsActive", "Created", "AD_Client_ID"):
        assert excluded not in first
    assert first["AD_Reference_ID"]["identifier"] == "Table Direct" and first["IsMandatory"] is True
    assert list(first)[:2] == ["id", "uid"] and list(first)[-2:] == ["model-name", "parameterName"]
    order = call(emu, "GET", "/processes/rv_orderdetail").json()["parameters"]
    assert [(p["parameterName"], p["IsRange"]) for p in order][:2] == [("C_BPartner_ID", False), ("DateOrdered", True)]


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_unknown_slug_is_404_and_a_capitalised_value_is_no_slug(emu, method):
    for slug in ("no_such_process", "Import_BPartner"):
        resp = call(emu, method, f"/processes/{slug}", json={})
        assert resp.status_code == 404
        assert resp.json() == {"title": "Invalid process name", "status": 404,
                               "detail": f"No match found for process name: {slug}"}


def test_role_process_access_hides_forbids_and_allows_read_only(emu):
    token = login(emu, "GardenUser")["token"]
    slugs = {p["slug"] for p in call(emu, "GET", "/processes", token).json()["processes"]}
    assert slugs == {"import_product", "rv_orderdetail"}  # no access row: not listed
    denied = {"title": "Access denied", "status": 403, "detail": "Access denied for process: import_bpartner"}
    for method in ("GET", "POST"):
        resp = call(emu, method, "/processes/import_bpartner", token, json={"AD_Client_ID": 11})
        assert resp.status_code == 403 and resp.json() == denied
    assert call(emu, "GET", "/processes/import_product", token).status_code == 200  # read-only access
    resp = call(emu, "POST", "/processes/import_product", token, json={"AD_Client_ID": 11})
    assert resp.status_code == 403 and resp.json()["detail"] == "Access denied for process: import_product"


def test_import_bpartner_creates_partners_and_marks_each_row(emu):
    ids = write_import_rows(emu, [
        {"Value": "IMP-A", "Name": "Import A", "GroupValue": "Standard", "CountryCode": "CA", "City": "Ottawa",
         "Address1": "1 Rideau St", "ContactName": "Anna A", "EMail": "anna@import-a.test", "IsVendor": True},
        {"Value": "IMP-B", "Name": "Import B", "GroupValue": "NoSuchGroup"},
        {"Name": "Import without value"},
        {"Value": "IMP-C", "Name": "Import C", "CountryCode": "ZZ", "City": "Atlantis"},
        {"Value": "JoeBlock", "Name": "Joe Block Imported", "TaxID": "TX-118"},
    ])
    before = {i: call(emu, "GET", f"/models/I_BPartner/{i}").json()["Updated"] for i in ids}
    resp = call(emu, "POST", "/processes/import_bpartner", json={"AD_Client_ID": 11, "deleteOldImported": False})
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert list(body) == ["AD_PInstance_ID", "process", "summary", "isError", "nodeId", "logs"]
    assert body["process"] == "import_bpartner" and body["summary"] == "" and body["isError"] is False
    assert body["logs"] == [{"msg": "Errors", "number": 3}, {"msg": "Business Partner: Inserted", "number": 1},
                            {"msg": "Business Partner: Updated", "number": 1}]
    rows = {i: call(emu, "GET", f"/models/I_BPartner/{i}").json() for i in ids}
    a, b, no_value, c, joe = (rows[i] for i in ids)
    assert a["I_IsImported"] is True and a["Processed"] is True and a["I_ErrorMsg"] == " "
    partner = call(emu, "GET", f"/models/C_BPartner/{a['C_BPartner_ID']['id']}").json()
    assert partner["Value"] == "IMP-A" and partner["IsVendor"] is True and partner["IsCustomer"] is False
    assert partner["C_BP_Group_ID"]["identifier"] == "Standard Customers"
    location = call(emu, "GET", f"/models/C_BPartner_Location/{a['C_BPartner_Location_ID']['id']}").json()
    assert location["C_Location_ID"]["City"] == "Ottawa"
    contact = call(emu, "GET", f"/models/AD_User/{a['AD_User_ID']['id']}").json()
    assert contact["Name"] == "Anna A" and contact["C_BPartner_ID"]["id"] == partner["id"]
    assert (b["I_IsImported"], b["I_ErrorMsg"]) == (False, " ERR=Invalid Group, ")
    assert no_value["I_ErrorMsg"] == " ERR=Value is mandatory, " and "C_BPartner_ID" not in no_value
    assert c["I_ErrorMsg"] == " ERR=Invalid Country, "
    assert joe["C_BPartner_ID"]["id"] == 118 and joe["I_IsImported"] is True
    assert call(emu, "GET", "/models/C_BPartner/118").json()["TaxID"] == "TX-118"
    assert all(rows[i]["Updated"] >= before[i] for i in ids)
    failed = call(emu, "GET", "/models/I_BPartner", params={
        "$filter": f"I_IsImported eq false and I_BPartner_ID ge {min(ids)}", "$orderby": "I_BPartner_ID"}).json()
    assert [r["id"] for r in failed["records"]] == [ids[1], ids[2], ids[3]]
    stored = emu.backend.sql(f"SELECT I_IsImported FROM I_BPartner WHERE I_BPartner_ID IN ({ids[1]},{ids[2]})")
    assert stored == [("N",), ("N",)]  # core sets failed rows back to 'N' at the end; the message stays


def test_validate_only_leaves_rows_marked_e_which_reads_as_false(emu):
    (rid,) = write_import_rows(emu, [{"Value": "IMP-V", "Name": "Validate me", "GroupValue": "Nope"}])
    resp = call(emu, "POST", "/processes/import_bpartner", json={"AD_Client_ID": 11, "IsValidateOnly": "Y"})
    body = resp.json()
    assert body["summary"] == "Validated" and body["isError"] is False and "logs" not in body
    assert emu.backend.sql(f"SELECT I_IsImported FROM I_BPartner WHERE I_BPartner_ID={rid}") == [("E",)]
    row = call(emu, "GET", f"/models/I_BPartner/{rid}").json()
    assert row["I_IsImported"] is False and row["I_ErrorMsg"] == " ERR=Invalid Group, "
    pending = call(emu, "GET", "/models/I_BPartner", params={"$filter": f"I_BPartner_ID eq {rid} and I_ErrorMsg neq null"})
    assert pending.json()["row-count"] == 1


def test_missing_client_parameter_is_a_process_error_and_an_empty_body_a_jetty_500(emu):
    body = call(emu, "POST", "/processes/import_bpartner", json={"IsValidateOnly": True}).json()
    assert body["isError"] is True and "ProcessInfoParameter.getParameter()" in body["summary"]
    instance = call(emu, "GET", f"/models/AD_PInstance/{body['AD_PInstance_ID']}").json()
    assert instance["Result"] == 0 and instance["IsProcessing"] is False and instance["ErrorMsg"] == body["summary"]
    empty = requests.post(api(emu) + "/processes/import_bpartner", data=b"", timeout=30,
                          headers={**bearer(emu.s2s_token), "Content-Type": "application/json"})
    assert empty.status_code == 500 and empty.headers["Content-Type"].startswith("text/html")
    bad_number = call(emu, "POST", "/processes/import_bpartner", json={"AD_Client_ID": "eleven"})
    assert bad_number.status_code == 500 and bad_number.headers["Content-Type"].startswith("text/html")
