"""Writes over HTTP (spec §4.3-§4.6, §7.2, §7.6, §8, §10; Part II §7-§9), per version where they differ."""
from __future__ import annotations

import json

from .conftest import Client, server_messages

SO = "/api/resource/Sales Order"


def _order(c: Client, **extra) -> dict:
    body = {"customer": "Customer 0001", "company": "Demo Company", "transaction_date": "2026-12-01",
            "currency": "USD", "conversion_rate": 1, "selling_price_list": "Standard Selling",
            "items": [{"item_code": "ITEM-0001", "qty": 2, "rate": 10, "additional_notes": "gift wrap"},
                      {"item_code": "ITEM-0002", "qty": 1, "rate": 5}]}
    body.update(extra)
    resp = c.post(SO, json=body)
    assert resp.status_code == 200, resp.text
    return resp.json()["data"]


def test_naming_rules(fresh):
    emu = fresh()
    c = Client(emu)
    year = emu.backend.clock.today()[:4]
    so = _order(c, name="MY-NAME")
    assert so["name"].startswith(f"SAL-ORD-{year}-") and len(so["name"]) == len(f"SAL-ORD-{year}-00001")
    assert so["customer_name"] == "Customer 0001" and so["grand_total"] == 25.0
    assert c.post("/api/resource/Item", json={"item_code": "NEW-1", "item_group": "Products",
                                              "stock_uom": "Nos"}).json()["data"]["name"] == "NEW-1"
    todo = c.post("/api/resource/ToDo", json={"description": "x", "name": "ignored"}).json()["data"]
    assert todo["name"] != "ignored" and len(todo["name"]) == 10
    counter = c.post("/api/resource/Sync Counter", json={"label": "a", "name": 777}).json()["data"]
    assert isinstance(counter["name"], int) and counter["name"] == 11
    assert c.post("/api/resource/Sync Tag", json={"tag_title": "T", "name": "my-tag"}).json()["data"]["name"] == "my-tag"
    assert c.post("/api/resource/Sync Tag", json={"tag_title": "T"}).status_code == 417
    dup = c.post("/api/resource/Sync Tag", json={"tag_title": "T", "name": "my-tag"})
    assert dup.status_code == 409 and dup.json()["exc_type"] == "DuplicateEntryError"
    assert "already exists" in server_messages(dup.json())[0]["message"]
    v2 = c.post("/api/v2/document/Sync Counter", json={"name": 5000, "label": "b"}).json()["data"]
    assert v2["name"] == 5000 and "note" in v2 and v2["note"] is None  # v2 honours name, keeps nulls


def test_post_nulls_per_version(fresh):
    c14, c16 = Client(fresh(version="14")), Client(fresh(version="16"))
    assert c14.post("/api/resource/ToDo", json={"description": "x"}).json()["data"]["color"] is None
    assert "color" not in c16.post("/api/resource/ToDo", json={"description": "x"}).json()["data"]


def test_validation_errors(fresh):
    c = Client(fresh())
    link = c.post(SO, json={"customer": "NOPE", "company": "Demo Company", "currency": "USD", "conversion_rate": 1,
                            "selling_price_list": "x", "items": [{"item_code": "ITEM-0001", "qty": 1}]})
    assert link.status_code == 417 and link.json()["exc_type"] == "LinkValidationError"
    assert server_messages(link.json())[0]["message"] == "Could not find Customer: NOPE"
    mand = c.post("/api/resource/ToDo", json={})
    assert mand.status_code == 417 and mand.json()["exc_type"] == "MandatoryError"
    assert server_messages(mand.json())[0]["message"] == "Error: Value missing for ToDo: Description"
    select = c.post("/api/resource/ToDo", json={"description": "x", "status": "Bogus"})
    assert select.status_code == 417 and 'cannot be "Bogus"' in server_messages(select.json())[0]["message"]
    long = c.post("/api/resource/Note", json={"title": "x" * 141})
    assert long.json()["exc_type"] == "CharacterLengthExceededError"
    uniq = c.post("/api/resource/Customer", json={"customer_name": "U1", "custom_external_id": "EXT-00001"})
    assert uniq.status_code == 417 and uniq.json()["exc_type"] == "UniqueValidationError"
    assert c.post("/api/resource/ToDo", json={"description": "x", "nosuchkey": 1}).status_code == 200
    assert c.post("/api/resource/Note", json={"title": "n", "expire_notification_on": "2026-12-01T09:30:00Z"}).status_code == 500
    made = c.post("/api/resource/Note", json={"title": "n", "expire_notification_on": "2026-12-01T09:30:00"}).json()
    assert c.get("/api/resource/Note/" + made["data"]["name"]).json()["data"]["expire_notification_on"] == "2026-12-01 09:30:00"
    assert c.post("/api/resource/User", json={}).status_code == 500  # a controller error, not a 417
    check = c.post("/api/resource/Note", json={"title": "n", "public": "true"}).json()["data"]
    assert check["public"] == 0  # the string "true" stores 0


def test_put_partial_and_child_table_replacement(fresh):
    c = Client(fresh())
    so = _order(c)
    r0, r1 = so["items"]
    body = {"items": [{"name": r0["name"], "item_code": "ITEM-0001", "qty": 9, "rate": 1}, {"item_code": "ITEM-0003", "qty": 1, "rate": 3},
                      {"name": "doesnotexist1", "item_code": "ITEM-0004", "qty": 1, "rate": 1}]}
    put = c.put(f"{SO}/{so['name']}", json=body)
    assert put.status_code == 200, put.text
    assert len(put.json()["data"]["items"]) == 3  # the unknown row is echoed ...
    doc = c.get(f"{SO}/{so['name']}").json()["data"]
    names = [r["name"] for r in doc["items"]]
    assert r0["name"] in names and r1["name"] not in names and "doesnotexist1" not in names and len(names) == 2
    kept = next(r for r in doc["items"] if r["name"] == r0["name"])
    assert r0["additional_notes"] == "gift wrap"
    assert kept["qty"] == 9.0 and "additional_notes" not in kept  # rebuilt from the payload: reset to null
    assert all(r["modified"] == doc["modified"] for r in doc["items"])
    c.put(f"{SO}/{so['name']}", json={"po_no": "PO-1"})
    assert len(c.get(f"{SO}/{so['name']}").json()["data"]["items"]) == 2  # omitted table untouched


def test_docstatus_and_locking(fresh):
    c = Client(fresh())
    so = _order(c)
    url = f"{SO}/{so['name']}"
    stale = c.put(url, json={"po_no": "x", "modified": "2000-01-01 00:00:00"})
    assert stale.status_code == 417 and stale.json()["exc_type"] == "TimestampMismatchError"
    assert c.put(url, json={"po_no": "x", "modified": None}).status_code == 417
    assert c.put(url, json={"po_no": "y", "modified": so["modified"]}).status_code == 200
    assert c.put(url, json={"naming_series": "X-"}).json()["exc_type"] == "CannotChangeConstantError"
    assert c.put(url, json={"docstatus": 2}).json()["exc_type"] == "DocstatusTransitionError"
    sub = c.post(url, json={"run_method": "submit"})
    assert sub.status_code == 200 and sub.json()["data"]["docstatus"] == 1
    assert sub.json()["data"]["status"] == "To Deliver and Bill"
    assert c.put(url, json={"docstatus": 0}).json()["exc_type"] == "DocstatusTransitionError"
    assert c.put(url, json={"company": "Other"}).json()["exc_type"] in ("UpdateAfterSubmitError", "LinkValidationError")
    assert c.put(url, json={"customer_address": None, "terms": "changed"}).json()["exc_type"] == "UpdateAfterSubmitError"
    assert c.put(url, json={"po_no": "allowed on submit"}).status_code == 200
    assert c.delete(url).status_code == 417
    cancel = c.get(url, params={"run_method": "cancel"})
    assert cancel.status_code == 200 and cancel.json()["data"]["docstatus"] == 2
    assert "Cannot edit cancelled document" in c.put(url, json={"po_no": "z"}).text
    amended = _order(c, amended_from=so["name"])
    assert amended["name"] == so["name"] + "-1"
    assert c.post(url).status_code == 500  # POST without run_method: KeyError
    assert c.get(url, params={"run_method": "nosuch"}).status_code == 404


def test_delete_writes_deleted_document(fresh):
    for version, body in (("16", {"data": "ok"}), ("14", {"message": "ok"})):
        emu = fresh(version=version)
        c = Client(emu)
        todo = c.post("/api/resource/ToDo", json={"description": "bye"}).json()["data"]
        resp = c.delete("/api/resource/ToDo/" + todo["name"])
        assert resp.status_code == 202 and resp.json() == body
        dd = c.get("/api/resource/Deleted Document", params={"fields": '["deleted_name","deleted_doctype","data"]',
                                                            "filters": json.dumps([["deleted_name", "=", todo["name"]]])})
        row = dd.json()["data"][0]
        assert row["deleted_doctype"] == "ToDo" and json.loads(row["data"])["description"] == "bye"
        assert row["data"].startswith("{\n")  # indent 1
        assert c.delete("/api/resource/ToDo/" + todo["name"]).status_code == 404
    linked = c.delete("/api/resource/Customer/Customer 0001")
    assert linked.status_code == 417 and linked.json()["exc_type"] == "LinkExistsError"


def test_rename_keeps_modified_and_leaves_a_comment(fresh):
    emu = fresh()
    c = Client(emu)
    before = c.get("/api/resource/Customer/Customer 0002").json()["data"]
    resp = c.post("/api/method/frappe.client.rename_doc",
                  json={"doctype": "Customer", "old_name": "Customer 0002", "new_name": "Customer Two"})
    assert resp.status_code == 200 and resp.json()["message"] == "Customer Two"
    after = c.get("/api/resource/Customer/Customer Two").json()["data"]
    assert after["modified"] == before["modified"]
    comments = c.get("/api/resource/Comment", params={"fields": '["content","comment_type","reference_name"]',
                                                      "filters": '[["comment_type","=","Edit"]]'}).json()["data"]
    assert comments == [{"content": "renamed from <strong>Customer 0002</strong> to <strong>Customer Two</strong>",
                         "comment_type": "Edit", "reference_name": "Customer Two"}]
    linked = emu.backend.sql('SELECT COUNT(*) FROM "tabSales Order" WHERE customer = ?', ("Customer Two",))[0][0]
    assert linked > 0


def test_insert_many_and_bulk_update(fresh):
    c = Client(fresh())
    ok = c.post("/api/method/frappe.client.insert_many",
                json={"docs": [{"doctype": "Sync Counter", "label": "a"}, {"doctype": "Sync Counter", "label": "b"}]})
    assert ok.json()["message"] == [11, 12]
    bad = c.post("/api/method/frappe.client.insert_many",
                 json={"docs": [{"doctype": "ToDo", "description": "1"}, {"doctype": "ToDo"}]})
    assert bad.status_code == 417
    assert c.get("/api/method/frappe.client.get_count", params={"doctype": "ToDo", "filters": '{"description":"1"}'}
                 ).json()["message"] == 0
    too_many = c.post("/api/method/frappe.client.insert_many", json={"docs": [{"doctype": "ToDo"}] * 201})
    assert "Only 200 inserts allowed in one request" in too_many.text
    assert c.get("/api/method/frappe.client.insert_many").status_code == 403
    docs = [{"doctype": "Customer", "docname": "Customer 0003", "tax_id": "T3"},
            {"doctype": "Customer", "docname": "missing", "tax_id": "T"}]
    res = c.post("/api/method/frappe.client.bulk_update", data={"docs": json.dumps(docs)}).json()["message"]
    assert len(res["failed_docs"]) == 1 and res["failed_docs"][0]["doc"]["docname"] == "missing"
    assert c.get("/api/resource/Customer/Customer 0003").json()["data"]["tax_id"] == "T3"
    assert c.post("/api/method/frappe.client.bulk_update", json={"docs": docs}).status_code == 500


def test_custom_field_created_through_the_api(fresh):
    c = Client(fresh())
    made = c.post("/api/resource/Custom Field", json={"dt": "Sales Order", "label": "Ext Ref", "fieldtype": "Data",
                                                      "insert_after": "customer"})
    assert made.status_code == 200 and made.json()["data"]["name"] == "Sales Order-custom_ext_ref"
    docs = c.get("/api/method/frappe.desk.form.load.getdoctype", params={"doctype": "Sales Order"}).json()["docs"]
    fields = [f["fieldname"] for f in docs[0]["fields"]]
    assert fields[fields.index("customer") + 1] == "custom_ext_ref"
    record = c.get("/api/resource/DocType/Sales Order").json()["data"]
    assert "custom_ext_ref" not in [f["fieldname"] for f in record["fields"]]
    so = c.get(SO, params={"filters": '[["docstatus","=",0]]', "limit_page_length": 1}).json()["data"][0]["name"]
    assert c.put(f"{SO}/{so}", json={"custom_ext_ref": "R-1"}).json()["data"]["custom_ext_ref"] == "R-1"
    assert c.get(SO, params={"filters": '[["custom_ext_ref","=","R-1"]]'}).json()["data"] == [{"name": so}]


def test_patch_on_a_v1_document_per_version(fresh):
    for version, status, ctype in (("16", 404, "application/json"), ("15", 405, "text/html")):
        emu = fresh(version=version)
        c = Client(emu)
        name = c.get("/api/resource/ToDo", params={"limit_page_length": 1}).json()["data"][0]["name"]
        resp = c.session.patch(f"{emu.base_url}/api/resource/ToDo/{name}", json={"status": "Closed"})
        assert resp.status_code == status and resp.headers["Content-Type"].startswith(ctype)


def test_submitted_rows_and_cancel_with_submitted_links(fresh):
    emu = fresh()
    c = Client(emu)
    so = _order(c, docstatus=1)
    assert so["docstatus"] == 1
    rows = [dict(r) for r in so["items"]]
    rows[0]["qty"] = 99
    changed = c.put(f"{SO}/{so['name']}", json={"items": rows})
    assert changed.status_code == 417 and changed.json()["exc_type"] == "UpdateAfterSubmitError"
    inv = c.post("/api/resource/Sales Invoice", json={
        "customer": "Customer 0001", "company": "Demo Company", "posting_date": "2026-12-01", "currency": "USD",
        "conversion_rate": 1, "docstatus": 1,
        "items": [{"item_code": "ITEM-0001", "item_name": "Item 1", "uom": "Nos", "qty": 1, "rate": 5, "amount": 5,
                   "sales_order": so["name"]}]})
    assert inv.status_code == 200, inv.text
    blocked = c.post(f"{SO}/{so['name']}", json={"run_method": "cancel"})
    assert blocked.status_code == 417 and blocked.json()["exc_type"] == "LinkExistsError"
    assert c.post(f"/api/resource/Sales Invoice/{inv.json()['data']['name']}", json={"run_method": "cancel"}).status_code == 200
    assert c.post(f"{SO}/{so['name']}", json={"run_method": "cancel"}).status_code == 200
