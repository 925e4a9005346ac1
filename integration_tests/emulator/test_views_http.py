"""REST views over real HTTP (spec "Views"): listing, property names, where clause, filter/order/select/paging."""
from __future__ import annotations

import pytest
import requests

from .conftest import api, bearer


def get(emu, path, params=None):
    return requests.get(api(emu) + path, params=params, headers=bearer(emu.s2s_token), timeout=30)


@pytest.fixture(scope="module")
def emu():
    from idempiere_emulator import EmulatorOptions, EmulatorServer
    with EmulatorServer(EmulatorOptions(rows=50)) as server:
        yield server


def test_views_listing_names_table_columns_and_where(emu):
    resp = get(emu, "/views")
    assert resp.status_code == 200
    views = {v["name"]: v for v in resp.json()["views"]}
    assert list(views) == ["customers", "productNames"]  # ordered by name
    customers = views["customers"]
    assert customers["tableName"] == "c_bpartner" and customers["whereClause"] == "IsCustomer='Y'"
    assert [(c["name"], c["columnName"]) for c in customers["columns"]][:2] == [("searchKey", "Value"), ("name", "Name")]
    assert "whereClause" not in views["productNames"] and "relatedViews" not in customers


def test_view_rows_use_property_names_and_the_where_clause(emu):
    body = get(emu, "/views/customers", {"$orderby": "Value", "$top": 100}).json()
    table = get(emu, "/models/c_bpartner", {"$filter": "IsCustomer eq true", "$top": 100}).json()
    assert body["row-count"] == table["row-count"] > 0
    rec = body["records"][0]
    assert set(rec) <= {"id", "uid", "searchKey", "name", "isActive", "creditLimit", "Updated", "model-name", "view-name"}
    assert "Value" not in rec and "Name" not in rec
    assert rec["view-name"] == "customers" and rec["model-name"] == "c_bpartner"
    keys = [r["searchKey"] for r in body["records"]]
    assert keys == sorted(keys)


def test_orderby_takes_table_column_names_and_a_property_name_drops_the_order(emu):
    by_column = get(emu, "/views/customers", {"$orderby": "Value", "$top": 100}).json()["records"]
    keys = [r["searchKey"] for r in by_column]
    assert keys == sorted(keys) and len(keys) > 2
    ids = [r["id"] for r in get(emu, "/views/customers", {"$orderby": "C_BPartner_ID desc"}).json()["records"]]
    assert ids == sorted(ids, reverse=True)  # the key column orders although the view does not show it
    by_property = get(emu, "/views/customers", {"$orderby": "searchKey", "$top": 100}).json()["records"]
    assert [r["searchKey"] for r in by_property] != keys  # ignored: no default order (spec §3.5)


def test_id_alias_filters_and_select_accepts_properties_or_table_columns(emu):
    first = get(emu, "/views/customers", {"$orderby": "C_BPartner_ID", "$top": 1}).json()["records"][0]
    rows = get(emu, "/views/customers", {"$filter": f"id eq {first['id']}", "$select": "Name"}).json()["records"]
    assert rows == [{"id": first["id"], "uid": first["uid"], "name": first["name"], "model-name": "c_bpartner",
                     "view-name": "customers"}]


def test_view_filter_select_and_paging(emu):
    first = get(emu, "/views/customers", {"$orderby": "Value desc", "$top": 1}).json()["records"][0]
    resp = get(emu, "/views/customers", {"$filter": f"searchKey eq '{first['searchKey']}'", "$select": "name"})
    recs = resp.json()["records"]
    assert [r["name"] for r in recs] == [first["name"]]
    assert "searchKey" not in recs[0] and "Updated" not in recs[0]
    page = get(emu, "/views/customers", {"$orderby": "Value desc", "$top": 1, "$skip": 1}).json()
    assert page["skip-records"] == 1 and page["records"][0]["searchKey"] < first["searchKey"]


def test_table_column_not_in_view_is_invalid_and_unknown_view_is_404(emu):
    resp = get(emu, "/views/customers", {"$filter": "Value eq 'x'"})
    assert resp.status_code == 400 and resp.json()["detail"] == "Invalid column for filter: Value"
    resp = get(emu, "/views/customers", {"$filter": "contains(Value,'x')"})
    assert resp.status_code == 400 and resp.json()["detail"] == "Invalid column for filter: Value"
    resp = get(emu, "/views/customers", {"$select": "nope"})
    assert resp.status_code == 400
    resp = get(emu, "/views/Customers")  # names are exact, unlike table names
    assert resp.status_code == 404 and resp.json()["title"] == "Invalid rest view name"


def test_view_hides_inactive_rows_unless_the_filter_mentions_isactive(emu):
    victim = get(emu, "/views/customers", {"$orderby": "Value", "$top": 1}).json()["records"][0]
    resp = requests.put(api(emu) + f"/models/c_bpartner/{victim['id']}", json={"IsActive": False},
                        headers=bearer(emu.s2s_token), timeout=30)
    assert resp.status_code == 200, resp.text
    total = get(emu, "/views/customers", {"$filter": "isActive eq true or isActive eq false", "$top": 1}).json()
    default = get(emu, "/views/customers", {"$top": 1}).json()
    inactive = get(emu, "/views/customers", {"$filter": "isActive eq false", "$top": 100}).json()
    assert total["row-count"] == default["row-count"] + inactive["row-count"]
    assert [r["searchKey"] for r in inactive["records"]] == [victim["searchKey"]]
    assert inactive["records"][0]["isActive"] is False
