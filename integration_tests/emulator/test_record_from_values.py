"""A POST's response record built from the inserted values (``Backend.record_from_values``) is byte for byte
the record read back (``record_by_key``); anything SQLite would convert, or any later write, re-reads."""
from __future__ import annotations

import pytest

from idempiere_emulator import fixtures as fx
from idempiere_emulator.emulator_options import EmulatorOptions
from idempiere_emulator.http.handlers import dumps
from idempiere_emulator.model.backend import Backend
from idempiere_emulator.session import Session

ADMIN = Session(fx.CLIENT_ID, fx.USER_ADMIN, fx.ROLE_ADMIN, fx.ORG_HQ, fx.WAREHOUSE_HQ)

POSTS = [
    ("C_BPartner", {"Value": "RV1", "Name": "One", "SO_CreditLimit": 12, "C_BP_Group_ID": 104, "IsVendor": True}),
    ("C_BPartner", {"Value": "RV2", "Name": "Two", "SO_CreditLimit": 12.345, "C_PaymentTerm_ID": {"id": 105}}),
    ("C_BPartner", {"Value": "RV3", "Name": "Three", "FirstSale": "2024-02-03", "Description": "d"}),
    ("c_tax", {"AD_Org_ID": {"id": 0}, "C_TaxCategory_ID": {"identifier": "Standard"},
               "C_Country_ID": {"identifier": "Canada"}, "SOPOType": {"id": "B"}, "ValidFrom": "2001-01-01",
               "Rate": "7.0", "Name": "tax", "IsDefault": "true", "IsSummary": "no"}),
    ("c_order", {"C_BPartner_ID": {"identifier": "C&W Construction"},
                 "C_DocTypeTarget_ID": {"identifier": "Standard Order"}}),
    ("AD_User", {"Name": "someone", "LastContact": "2024-01-01T10:00:00.250+02:00"}),
]


@pytest.fixture
def backend():
    b = Backend(EmulatorOptions(rows=5))
    yield b
    b.close()


def test_built_records_equal_the_records_read_back(backend, monkeypatch):
    built: list[tuple] = []
    original = backend.rows.record_from_values  # what the writer calls (Backend.record_from_values delegates)

    def check(table, values):
        record = original(table, values)
        if record is not None:
            key = values[table.key] if table.key else values[table.uu_column]
            built.append((table.name, dumps(record), dumps(backend.record_by_key(table, key))))
        return record

    monkeypatch.setattr(backend.rows, "record_from_values", check)
    for _ in range(2):  # the first POST per table re-reads (the row layout is learnt from it)
        for table, body in POSTS:
            body = dict(body)
            if "Value" in body:
                body["Value"] += "x" * len(built)
            backend.create(ADMIN, table, body)
    assert {name for name, _, _ in built} >= {"C_BPartner", "C_Tax", "C_Order", "AD_User"}
    for name, got, expected in built:
        assert got == expected, name


def test_children_doc_actions_and_raw_sql_read_back(backend, monkeypatch):
    backend.create(ADMIN, "C_BPartner", {"Value": "L1", "Name": "learn"})
    head = {"C_BPartner_ID": {"identifier": "C&W Construction"}, "C_DocTypeTarget_ID": {"identifier": "Standard Order"}}
    backend.create(ADMIN, "c_order", dict(head))  # learns the C_Order layout
    calls = []
    monkeypatch.setattr(backend.rows, "record_by_key",
                        lambda t, k, f=backend.rows.record_by_key: calls.append(t.name) or f(t, k))
    order = backend.create(ADMIN, "c_order", {**head, "C_OrderLine": [{"M_Product_ID": 128, "QtyEntered": 1}]})
    assert order["TotalLines"] == 61.0  # the lines changed the order after its INSERT: read back
    assert calls.count("C_Order") == 1
    completed = backend.create(ADMIN, "c_order", {**head, "doc-action": "PR"})
    assert calls.count("C_Order") == 2 and completed["DocStatus"]["id"] == "IP"  # processed after the INSERT
    backend.sql("UPDATE C_BPartner SET Name2 = 'x' WHERE 1=0")  # raw SQL: the learnt layout is dropped
    calls.clear()
    backend.create(ADMIN, "C_BPartner", {"Value": "L2", "Name": "again"})
    assert calls == ["C_BPartner"]
    backend.create(ADMIN, "C_BPartner", {"Value": "L3", "Name": "built"})
    assert calls == ["C_BPartner"]
