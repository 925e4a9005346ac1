"""Writes over real HTTP in both generations, including the Postman order flow #104-#107 (spec §7, §11, §13)."""
from __future__ import annotations

import pytest
import requests

from .conftest import api, bearer


def call(emu, method, path, body=None):
    return requests.request(method, api(emu) + path, json=body, headers=bearer(emu.s2s_token), timeout=30)


@pytest.fixture
def current(emulator_factory):
    return emulator_factory(rows=20)


@pytest.fixture
def legacy(emulator_factory):
    return emulator_factory(rows=20, legacy=True)


def test_postman_order_flow(current):
    created = call(current, "POST", "/models/c_order", {"C_BPartner_ID": 118, "C_DocTypeTarget_ID": 132})
    assert created.status_code == 201
    oid = created.json()["id"]
    added = call(current, "PUT", f"/models/c_order/{oid}", {"C_OrderLine": [{"M_Product_ID": 128, "QtyEntered": 1}]})
    assert added.status_code == 200
    line = added.json()["C_OrderLine"][0]["id"]
    swapped = call(current, "PUT", f"/models/c_order/{oid}",
                   {"C_OrderLine": [{"id": line, "(delete)": True}, {"M_Product_ID": 137, "QtyEntered": 1}]})
    assert swapped.status_code == 200
    got = requests.get(api(current) + f"/models/c_order/{oid}", params={"$expand": "C_OrderLine"},
                       headers=bearer(current.s2s_token), timeout=30)
    assert got.status_code == 200
    assert [ln["M_Product_ID"]["id"] for ln in got.json()["C_OrderLine"]] == [137]


def test_window_style_post_with_identifiers_and_doc_action(current):
    resp = call(current, "POST", "/models/c_order", {
        "C_DocTypeTarget_ID": {"identifier": "Standard Order"}, "C_BPartner_ID": {"identifier": "C&W Construction"},
        "C_OrderLine": [{"M_Product_ID": {"identifier": "Azalea Bush"}, "QtyEntered": 3}], "doc-action": "CO"})
    assert resp.status_code == 201, resp.text
    body = resp.json()
    assert body["DocStatus"]["id"] == "CO" and "doc-processmsg" in body and list(body)[-1] == "doc-processmsg"


def test_validation_errors_per_generation(current, legacy):
    new = call(current, "POST", "/models/c_bpartner", {"Value": "NoName"})
    old = call(legacy, "POST", "/models/c_bpartner", {"Value": "NoName"})
    assert (new.status_code, new.json()) == (400, {"title": "Validation Error", "status": 400,
                                                   "detail": "Fill mandatory fields: name"})
    assert (old.status_code, old.json()) == (500, {"title": "Save error", "status": 500,
                                                   "detail": "Mandatory fields missing: name"})
    casing = call(current, "POST", "/models/c_bpartner", {"NAME": "x"})
    assert casing.json()["detail"] == "Wrong name for column NAME, you must use name or Name"
    null_fk = call(current, "POST", "/models/c_order", {"C_BPartner_ID": None, "C_DocTypeTarget_ID": 132})
    assert null_fk.status_code == 500 and null_fk.json()["detail"] == "Could not convert value null for C_BPartner"


def test_put_404_delete_and_uuid_roundtrip(current):
    assert call(current, "PUT", "/models/c_bpartner/987654", {"Name2": "x"}).status_code == 404
    uu = "5e1f0b9a-7c55-4d2a-9f61-0a1b2c3d4e5f"
    made = call(current, "POST", "/models/c_bpartner", {"Name": "Retry Safe", "C_BPartner_UU": uu})
    assert made.status_code == 201 and made.json()["uid"] == uu
    again = call(current, "POST", "/models/c_bpartner", {"Name": "Retry Safe", "C_BPartner_UU": uu})
    assert again.status_code == 500 and again.json()["title"] == "Save error"
    assert call(current, "GET", f"/models/c_bpartner/{uu}").json()["Name"] == "Retry Safe"
    deleted = call(current, "DELETE", f"/models/c_bpartner/{uu}")
    assert deleted.status_code == 200 and deleted.json() == {"msg": "Deleted"}
    assert call(current, "GET", f"/models/c_bpartner/{uu}").status_code == 404


def test_updated_always_moves_and_keeps_milliseconds(current):
    before = current.backend.sql("SELECT Updated FROM C_Order WHERE C_Order_ID=101")[0][0]
    resp = call(current, "PUT", "/models/c_order/101", {"Description": "touched over HTTP"})
    assert resp.status_code == 200
    after = current.backend.sql("SELECT Updated FROM C_Order WHERE C_Order_ID=101")[0][0]
    assert after > before and len(after) == 23
    assert resp.json()["Updated"] == after[:10] + "T" + after[11:19] + "Z"
