"""v1 list and document reads over HTTP (spec §4.1, §4.2, §4.7; Part II §4, §6, §7), per version."""
from __future__ import annotations

import json
import re

import requests

from .conftest import Client

SO = "/api/resource/Sales Order"


def test_paging_defaults_and_limits(emu):
    c = Client(emu)
    assert len(c.get(SO).json()["data"]) == 20
    assert list(c.get(SO).json()["data"][0]) == ["name"]
    assert len(c.get(SO, params={"limit": 5}).json()["data"]) == 5
    assert len(c.get(SO, params={"limit": 5, "limit_page_length": 7}).json()["data"]) == 7
    assert len(c.get(SO, params={"limit_page_length": 0}).json()["data"]) == 60
    assert len(c.get(SO, params={"limit_page_length": "abc"}).json()["data"]) == 60
    assert c.get(SO, params={"limit_page_length": 0, "limit_start": 50}).status_code == 500  # 16 (Part II)
    assert c.get(SO, params={"limit_page_length": -1}).status_code == 500
    via_method = c.post("/api/method/frappe.client.get_list", json={"doctype": "Sales Order", "limit": 5})
    assert len(via_method.json()["message"]) == 20  # get_list has no limit alias


def test_offset_ignored_with_zero_before_16(fresh):
    c = Client(fresh(version="15"))
    assert len(c.get(SO, params={"limit_page_length": 0, "limit_start": 25}).json()["data"]) == 30


def test_no_default_order_but_dev_sorts(fresh):
    c16, cdev = Client(fresh(version="16")), Client(fresh(version="dev"))
    names16 = [r["name"] for r in c16.get("/api/resource/Customer", params={"limit_page_length": 0}).json()["data"]]
    assert names16 == sorted(names16, key=str.lower)  # primary-key order, no ORDER BY
    rows = cdev.get("/api/resource/Customer", params={"fields": '["name","creation"]', "limit_page_length": 0}).json()
    created = [r["creation"] for r in rows["data"]]
    assert created == sorted(created, reverse=True)  # sort_field creation desc


def test_fields_star_unknown_and_as_dict(emu):
    c = Client(emu)
    row = c.get(SO, params={"fields": '["*"]', "limit_page_length": 1}).json()["data"][0]
    assert "items" not in row and "_user_tags" not in row and row["po_no"] is None or "po_no" in row
    assert list(row)[:7] == ["name", "owner", "creation", "modified", "modified_by", "docstatus", "idx"]
    bad = c.get(SO, params={"fields": '["nosuchfield"]'})
    assert bad.status_code == 417 and bad.json()["exc_type"] == "DataError"
    assert "Field not permitted in query: nosuchfield" in bad.text
    assert c.get(SO, params={"fields": '["*","name"]'}).status_code == 417
    assert c.get(SO, params={"fields": "*"}).status_code == 500
    arrays = c.get(SO, params={"fields": '["name","grand_total"]', "as_dict": 0, "limit_page_length": 2}).json()["data"]
    assert isinstance(arrays[0], list) and isinstance(arrays[0][1], float)
    child = c.get(SO, params={"fields": '["name","items.item_code"]', "limit_page_length": 0}).json()["data"]
    assert len(child) > 60  # one row per child
    agg = c.get(SO, params={"fields": '["count(name) as n"]'})
    assert agg.status_code == 417 and "dict syntax" in agg.text
    assert c.get(SO, params={"fields": json.dumps([{"COUNT": "*", "as": "n"}])}).json()["data"] == [{"n": 60}]


def test_order_by_validation(emu):
    c = Client(emu)
    ok = c.get(SO, params={"order_by": "modified desc, name desc", "fields": '["name","modified"]'}).json()["data"]
    assert [r["modified"] for r in ok] == sorted((r["modified"] for r in ok), reverse=True)
    bad = c.get(SO, params={"order_by": "modified asc; select 1"})
    assert bad.status_code == 417 and "Invalid field format in Order By" in bad.text
    assert c.get(SO, params={"order_by": "field(status,'Open')"}).status_code == 417
    assert c.get(SO, params={"order_by": "nosuch asc"}).status_code == 403


def test_child_list_needs_parent(emu, fresh):
    reader, admin = Client(emu, "reader@example.com"), Client(emu, "Administrator")
    items = "/api/resource/Sales Order Item"
    assert reader.get(items).status_code == 403
    rows = reader.get(items, params={"parent": "Sales Order", "fields": '["item_code","parent"]'}).json()["data"]
    assert rows and rows[0]["item_code"].startswith("ITEM-")
    assert reader.get(items, params={"parent": "Customer"}).status_code == 403
    standard = admin.get(items, params={"fields": '["*"]', "limit_page_length": 1}).json()["data"][0]
    assert set(standard) == {"name", "owner", "creation", "modified", "modified_by", "docstatus", "idx"}
    assert Client(fresh(version="15"), "Administrator").get(items).status_code == 403  # even Administrator


def test_permissions_filter_and_deny(emu):
    reader = Client(emu, "reader@example.com")
    assert reader.get("/api/resource/Customer").status_code == 200
    assert reader.get("/api/resource/Payment Entry").status_code == 403
    assert reader.get("/api/resource/Deleted Document").status_code == 403
    assert reader.get("/api/resource/DocType").status_code == 403
    assert reader.put("/api/resource/Customer/Customer 0001", json={"tax_id": "x"}).status_code == 403
    todos = reader.get("/api/resource/ToDo", params={"fields": '["allocated_to","assigned_by","owner"]',
                                                     "limit_page_length": 0}).json()["data"]
    assert todos and all("reader@example.com" in r.values() for r in todos)
    everyone = Client(emu).get("/api/resource/ToDo", params={"limit_page_length": 0}).json()["data"]
    assert len(everyone) > len(todos)


def test_serialization(emu):
    c = Client(emu)
    rows = c.get(SO, params={"fields": '["name","modified","grand_total","docstatus","delivery_date"]',
                             "limit_page_length": 0}).json()["data"]
    pattern = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{6})?$")
    assert all(pattern.match(r["modified"]) for r in rows)
    assert any("." not in r["modified"] for r in rows) and any("." in r["modified"] for r in rows)
    assert not any(r["modified"].endswith(".000000") for r in rows)
    assert any(r["delivery_date"] is None for r in rows)  # list keeps nulls
    doc = c.get(SO + "/" + next(r["name"] for r in rows if r["delivery_date"] is None)).json()["data"]
    assert "delivery_date" not in doc and doc["doctype"] == "Sales Order"  # GET omits nulls
    assert doc["items"][0]["parenttype"] == "Sales Order" and doc["items"][0]["idx"] == 1
    assert doc["items"][0]["modified"] == doc["modified"]
    inv = c.get("/api/resource/Sales Invoice", params={"fields": '["posting_time"]', "limit_page_length": 3}).json()
    assert all(re.match(r"^\d{1,2}:\d{2}:\d{2}(\.\d{6})?$", r["posting_time"]) and not r["posting_time"].startswith("0")
               or r["posting_time"].startswith("0:") for r in inv["data"])
    counters = c.get("/api/resource/Sync Counter").json()["data"]
    assert all(isinstance(r["name"], int) for r in counters)
    assert c.get(SO + "/" + rows[0]["name"].lower()).json()["data"]["name"] == rows[0]["name"]


def test_single_and_unknown_doctype(emu):
    c = Client(emu)
    assert c.get("/api/resource/System Settings").status_code == 500
    assert c.get("/api/resource/Nope").status_code == 404


def test_counts_and_getdoctype_and_versions(emu):
    c = Client(emu)
    n = c.get("/api/method/frappe.client.get_count", params={"doctype": "Sales Order",
                                                            "filters": '[["docstatus","=",1]]'}).json()["message"]
    assert n == emu.backend.sql('SELECT COUNT(*) FROM "tabSales Order" WHERE docstatus = 1')[0][0]
    meta = c.get("/api/method/frappe.desk.form.load.getdoctype", params={"doctype": "Customer"}).json()
    fields = [f["fieldname"] for f in meta["docs"][0]["fields"]]
    assert "custom_external_id" in fields and "message" not in meta
    record = c.get("/api/resource/DocType/Customer").json()["data"]
    assert "custom_external_id" not in [f["fieldname"] for f in record["fields"]]
    so_meta = c.get("/api/method/frappe.desk.form.load.getdoctype", params={"doctype": "Sales Order"}).json()["docs"]
    assert [d["name"] for d in so_meta] == ["Sales Order", "Sales Order Item", "Sales Taxes and Charges"]
    versions = c.get("/api/method/frappe.utils.change_log.get_versions").json()["message"]
    assert versions["frappe"]["version"] == "16.4.1"
    listing = c.get("/api/resource/DocType", params={"fields": '["name","istable","issingle","autoname"]',
                                                     "limit_page_length": 0}).json()["data"]
    assert {"name": "Sync Counter", "istable": 0, "issingle": 0, "autoname": "autoincrement"} in listing


def test_system_manager_reads_deleted_documents(emu):
    assert Client(emu).get("/api/resource/Deleted Document").status_code == 200


def test_html_bodies(emu):
    url = emu.base_url + SO
    assert requests.delete(url, headers=emu.token_header()).headers["Content-Type"].startswith("text/html")
    assert requests.delete(url, headers=emu.token_header()).status_code == 405
    page = requests.get(url, headers={"Accept": "text/html"})
    assert page.status_code == 403 and page.text.lstrip().startswith("<!DOCTYPE html>")
    assert requests.get(emu.base_url + "/api/nosuchroute").json()["exc_type"] == "DoesNotExistError"


def test_expand_debug_options_and_unknown_doc(emu):
    c = Client(emu)
    rows = c.get(SO, params={"fields": '["name","customer"]', "expand": '["customer"]', "limit_page_length": 2}).json()
    assert rows["data"][0]["customer"]["customer_group"] is not None
    assert c.get(SO, params={"fields": '["name"]', "expand": '["customer"]', "limit_page_length": 1}).json()["data"][0] \
        .keys() == {"name"}
    debug = c.get(SO, params={"debug": 1, "limit_page_length": 2}).json()
    assert "LIMIT 2" in json.loads(debug["_debug_messages"])[0]
    assert requests.options(emu.base_url + SO).status_code == 200
    assert requests.options(emu.base_url + SO, headers=emu.token_header()).status_code == 401
    assert c.get("/api/resource/Nope/x").status_code == 500


def test_child_row_put_and_delete(fresh):
    emu = fresh()
    c = Client(emu, "Administrator")
    so = c.get(SO, params={"filters": '[["docstatus","=",0]]', "limit_page_length": 1}).json()["data"][0]["name"]
    doc = c.get(f"{SO}/{so}").json()["data"]
    row = doc["items"][0]["name"]
    put = c.put(f"/api/resource/Sales Order Item/{row}", json={"qty": 42})
    assert put.status_code == 200 and put.json()["data"]["qty"] == 42.0
    assert c.get(f"{SO}/{so}").json()["data"]["modified"] != doc["modified"]  # the parent was saved
    before = c.get(f"{SO}/{so}").json()["data"]["modified"]
    assert c.delete(f"/api/resource/Sales Order Item/{row}").status_code == 202
    after = c.get(f"{SO}/{so}").json()["data"]
    assert after["modified"] == before and row not in [r["name"] for r in after["items"]]
    dd = c.get("/api/resource/Deleted Document", params={"fields": '["deleted_doctype"]',
                                                        "filters": json.dumps([["deleted_name", "=", row]])}).json()
    assert dd["data"] == [{"deleted_doctype": "Sales Order Item"}]


def test_doctypes_flag_serves_a_dictionary(fresh, tmp_path):
    path = tmp_path / "doctypes.json"
    path.write_text(json.dumps({"doctypes": [
        {"name": "Discovery Thing", "module": "Setup", "autoname": "hash", "fields": [
            {"fieldname": "title", "fieldtype": "Data", "reqd": 1}, {"fieldname": "size", "fieldtype": "Int"},
            {"fieldname": "rows", "fieldtype": "Table", "options": "Nope Child"}]},
        {"name": "Customer", "module": "Selling", "fields": []}]}))
    c = Client(fresh(doctypes=str(path)))
    names = [r["name"] for r in c.get("/api/resource/DocType", params={"limit_page_length": 0}).json()["data"]]
    assert "Discovery Thing" in names
    made = c.post("/api/resource/Discovery Thing", json={"title": "t", "size": "3"}).json()["data"]
    assert made["size"] == 3
    assert c.get("/api/resource/Customer", params={"fields": '["customer_name"]'}).status_code == 200  # built-in kept


def test_doctypes_flag_bad_path_is_a_clear_error(tmp_path):
    import pytest

    from frappe_emulator import FrappeEmulator, FrappeOptions
    with pytest.raises(ValueError, match="--doctypes"):
        FrappeEmulator(FrappeOptions(doctypes=str(tmp_path / "missing.json")))


def test_rpc_reads_and_unknown_seen_column(emu):
    c = Client(emu)
    value = c.get("/api/method/frappe.client.get_value", params={"doctype": "Customer", "fieldname": "territory",
                                                                "filters": "Customer 0003"}).json()["message"]
    assert value == {"territory": emu.backend.sql('SELECT territory FROM "tabCustomer" WHERE name=?', ("Customer 0003",))[0][0]}
    got = c.get("/api/method/frappe.client.get", params={"doctype": "Customer", "name": "Customer 0003"}).json()["message"]
    assert "website" in got and got["website"] is None  # frappe.client.get keeps nulls
    seen = c.get("/api/resource/ToDo", params={"fields": '["name","_seen"]'})
    assert seen.status_code == 500 and seen.json()["exc_type"] == "OperationalError"
    assert c.get("/api/resource/ToDo", params={"fields": '["name","_user_tags","_assign"]'}).status_code == 200


def _keyset_walk(c: Client, page: int) -> list[str]:
    seen, cursor = [], None
    while True:
        params = {"fields": '["name","modified"]', "order_by": "modified asc, name asc", "limit_page_length": page}
        if cursor:
            params["filters"] = json.dumps([["modified", ">=", cursor[0]]])
            params["or_filters"] = json.dumps([["modified", ">", cursor[0]], ["name", ">", cursor[1]]])
        rows = c.get(SO, params=params).json()["data"]
        seen += [r["name"] for r in rows]
        if len(rows) < page:
            return seen
        cursor = (rows[-1]["modified"], rows[-1]["name"])


def test_v1_keyset_recipe_returns_every_row_once_across_ties(emu):
    c = Client(emu)
    reference = [r[0] for r in emu.backend.sql('SELECT name FROM "tabSales Order" ORDER BY modified, name')]
    ties = emu.backend.sql('SELECT COUNT(*) FROM (SELECT modified FROM "tabSales Order" GROUP BY modified '
                           'HAVING COUNT(*) > 1)')[0][0]
    assert ties > 0
    for page in (7, 13, 50):
        assert _keyset_walk(c, page) == reference


def test_head_is_routed_like_get(emu):
    resp = requests.head(emu.base_url + SO, headers=emu.token_header())
    assert resp.status_code == 200 and resp.headers["Content-Type"] == "application/json" and resp.content == b""
