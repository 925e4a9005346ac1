"""API v2 over HTTP (spec §5; Part II §11), 15 vs 16."""
from __future__ import annotations

import json

import requests

from .conftest import Client

DOC = "/api/v2/document/Sales Order"


def test_v2_list_16(emu):
    c = Client(emu)
    page = c.get(DOC).json()
    assert len(page["data"]) == 20 and page["has_next_page"] is True
    assert c.get(DOC, params={"limit": 0}).json() == {"data": [], "has_next_page": True}
    assert c.get(DOC, params={"limit": 1000}).json()["has_next_page"] is False
    tail = c.get(DOC, params={"start": 55, "limit": 10}).json()
    assert len(tail["data"]) == 5 and tail["has_next_page"] is False
    assert c.get(DOC, params={"fields": '["name","nosuch"]', "limit": 1}).json()["data"][0] == {
        "name": c.get(DOC, params={"limit": 1}).json()["data"][0]["name"]}
    nested = c.get(DOC, params={"fields": json.dumps(["name", {"items": ["item_code", "qty"]}]), "limit": 2}).json()
    assert nested["data"][0]["items"][0]["item_code"].startswith("ITEM-")
    x = c.get(DOC, params={"fields": '["name","modified"]', "order_by": "modified asc, name asc", "limit": 5}).json()
    first = x["data"][0]
    keyset = [["modified", ">", first["modified"]], "or", [["modified", "=", first["modified"]], "and",
                                                            ["name", ">", first["name"]]]]
    nxt = c.get(DOC, params={"fields": '["name"]', "filters": json.dumps(keyset), "order_by": "modified asc, name asc",
                             "limit": 4}).json()["data"]
    assert [r["name"] for r in nxt] == [r["name"] for r in x["data"][1:5]]


def test_v2_doc_meta_count_and_errors(emu):
    c = Client(emu)
    name = c.get(DOC, params={"limit": 1}).json()["data"][0]["name"]
    doc = c.get(f"{DOC}/{name}").json()["data"]
    assert "amended_from" in doc and doc["amended_from"] is None  # v2 keeps nulls in 16
    meta = c.get("/api/v2/doctype/Customer/meta").json()["data"]
    assert "custom_external_id" in [f["fieldname"] for f in meta["fields"]]
    reader = Client(emu, "reader@example.com")
    assert reader.get("/api/v2/doctype/Payment Entry/meta").status_code == 200  # any logged-in user
    count = c.get("/api/v2/doctype/Sales Order/count", params={"filters": '[["docstatus","=",1]]'}).json()["data"]
    assert count == emu.backend.sql('SELECT COUNT(*) FROM "tabSales Order" WHERE docstatus=1')[0][0]
    missing = c.get(f"{DOC}/NOPE")
    assert missing.status_code == 404 and missing.json()["errors"][0]["type"] == "DoesNotExistError"
    assert c.get("/api/v2/method/frappe.auth.get_logged_user").json() == {"data": "api@example.com"}
    assert c.get("/api/v2/method/nosuch.method").status_code == 417
    assert requests.patch(emu.base_url + DOC, headers=emu.token_header()).status_code == 405


def test_v2_writes_16(fresh):
    c = Client(fresh())
    made = c.post("/api/v2/document/ToDo", json={"description": "v2"}).json()["data"]
    assert made["color"] is None
    bad = c.post("/api/v2/document/Sales Order", json={"customer": "NOPE"})
    err = bad.json()["errors"][0]
    assert bad.status_code == 417 and err["type"] == "LinkValidationError"
    assert err["message"] == "Could not find Customer: NOPE" and "raise_exception" not in err
    assert c.put(f"/api/v2/document/ToDo/{made['name']}", json={"status": "Closed"}).json()["data"]["status"] == "Closed"
    assert c.delete(f"/api/v2/document/ToDo/{made['name']}").status_code == 202


def test_v2_in_15_and_absent_in_14(fresh):
    c15 = Client(fresh(version="15"))
    page = c15.get(DOC, params={"limit": 0}).json()
    assert "has_next_page" not in page and len(page["data"]) == 30  # limit=0 means all in 15
    assert Client(fresh(version="14")).get(DOC).status_code == 404
