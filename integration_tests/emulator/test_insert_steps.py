"""POST values planned once per set of body fields (``WritePlans.insert_steps``) equal the per-column walk.

The batch benchmark (issue 6) posts thousands of bodies with the same fields; ``Writer._insert`` copies a
template and converts only the present fields. These tests pin that the stored values, their key order
(the INSERT column list), the precedence of the property form over the ColumnName and the first conversion
error are exactly what walking ``TablePlan.inserts`` per item gives.
"""
from __future__ import annotations

from typing import Any

import pytest

from idempiere_emulator import fixtures as fx
from idempiere_emulator.emulator_options import EmulatorOptions
from idempiere_emulator.errors import EmulatorError
from idempiere_emulator.model.backend import Backend
from idempiere_emulator.model.write_plans import DYNAMIC
from idempiere_emulator.session import Session

ADMIN = Session(fx.CLIENT_ID, fx.USER_ADMIN, fx.ROLE_ADMIN, fx.ORG_HQ, fx.WAREHOUSE_HQ)


@pytest.fixture
def backend():
    b = Backend(EmulatorOptions(rows=5))
    yield b
    b.close()


def reference_values(backend: Backend, body: dict, table_name: str = "C_BPartner",
                     preset: dict | None = None) -> dict[str, Any]:
    """The per-column walk ``_insert`` did for every POST before the plan (its oracle)."""
    writer = backend.writer
    table = backend.catalog.get(table_name)
    values: dict[str, Any] = dict(preset or {})
    for col, prop, name, keyish, static in writer.plans.plan(table).inserts:
        if name in values:
            continue
        if prop in body:
            values[name] = writer._convert(col, body[prop], "Server error")
        elif name in body:
            values[name] = writer._convert(col, body[name], "Server error")
        elif not keyish:
            values[name] = writer.plans.default(ADMIN, col) if static is DYNAMIC else static
    return values


def inserted(backend: Backend, monkeypatch, body: dict, table: str = "C_BPartner",
             post_to: str = "C_BPartner") -> list[dict[str, Any]]:
    """The values dicts ``Store.insert`` received for ``table`` while POSTing ``body`` to ``post_to``."""
    seen: list[dict] = []
    original = backend.store.insert

    def spy(name: str, values: dict) -> int:
        if name == table:
            seen.append(dict(values))
        return original(name, values)

    monkeypatch.setattr(backend.store, "insert", spy)
    backend.create(ADMIN, post_to, body)
    monkeypatch.undo()
    return seen


def inserted_one(backend: Backend, monkeypatch, body: dict) -> dict[str, Any]:
    seen = inserted(backend, monkeypatch, body)
    assert len(seen) == 1
    return seen[0]


BODIES = [
    {"Value": "P1", "Name": "One"},
    {"name": "Two", "value": "P2", "SO_CreditLimit": 12.5, "isCustomer": False, "C_BP_Group_ID": 104},
    {"Name": "Three", "Value": "P3", "IsVendor": "Y", "Description": None, "C_PaymentTerm_ID": {"id": 105}},
]


@pytest.mark.parametrize("body", BODIES)
def test_planned_values_and_their_order_equal_the_per_column_walk(backend, monkeypatch, body):
    expected = reference_values(backend, body)
    got = inserted_one(backend, monkeypatch, body)
    assert list(got)[:len(expected)] == list(expected)  # the INSERT column order; audit/key columns follow
    later = {"Created", "Updated", "CreatedBy", "UpdatedBy", "AD_Client_ID"}  # set after the walk
    assert {k: got[k] for k in expected if k not in later} == {k: v for k, v in expected.items() if k not in later}


def test_the_plan_is_per_field_names_not_per_values(backend, monkeypatch):
    first = inserted_one(backend, monkeypatch, {"Value": "Q1", "Name": "Q one", "SO_CreditLimit": 1})
    second = inserted_one(backend, monkeypatch, {"Value": "Q2", "Name": "Q two", "SO_CreditLimit": 2})
    assert (first["Value"], first["Name"], first["SO_CreditLimit"]) == ("Q1", "Q one", 1.0)
    assert (second["Value"], second["Name"], second["SO_CreditLimit"]) == ("Q2", "Q two", 2.0)
    third = inserted_one(backend, monkeypatch, {"Name": "Q three", "Value": "Q3"})  # same fields, other order
    assert third["SO_CreditLimit"] == 0.0 and third["Name"] == "Q three"


def test_the_property_form_wins_over_the_column_name(backend, monkeypatch):
    got = inserted_one(backend, monkeypatch, {"Value": "W1", "Name": "W", "isVendor": True, "IsVendor": False})
    assert got["IsVendor"] == "Y"


def test_the_first_bad_field_in_column_order_is_reported(backend):
    body = {"SO_CreditLimit": "abc", "Value": "E1", "Name": "E", "C_BP_Group_ID": "xyz"}
    with pytest.raises(EmulatorError) as info:
        backend.create(ADMIN, "C_BPartner", body)
    with pytest.raises(EmulatorError) as again:  # from the cached plan this time
        backend.create(ADMIN, "C_BPartner", dict(body))
    assert info.value.detail == again.value.detail == "Could not convert value xyz for C_BP_Group"


def test_child_values_after_the_parent_link_equal_the_per_column_walk(backend, monkeypatch):
    """A child line is inserted with its parent link preset (``_create_tree``): planned the same way."""
    order = {"C_BPartner_ID": 118, "C_DocTypeTarget_ID": 132, "M_Warehouse_ID": 103, "C_OrderLine": [
        {"M_Product_ID": 128, "QtyEntered": 2}, {"M_Product_ID": 137, "QtyEntered": 1, "Description": "x"}]}
    lines = inserted(backend, monkeypatch, order, table="C_OrderLine", post_to="C_Order")
    assert len(lines) == 2
    order_id = lines[0]["C_Order_ID"]
    for got, body in zip(lines, order["C_OrderLine"]):
        expected = reference_values(backend, body, "C_OrderLine", {"C_Order_ID": order_id})
        assert list(got)[:len(expected)] == list(expected)  # the link first, then every column in order
        # values from the link and the body (line defaults such as price and tax are filled after the walk)
        given = ["C_Order_ID", *body]
        assert {k: got[k] for k in given} == {k: expected[k] for k in given}
        assert "Description" not in body or got["Description"] == "x"
