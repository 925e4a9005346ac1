"""Meta parsing (custom fields merged), the fieldtype -> JSON schema table, and record conversion."""
from __future__ import annotations

import jsonschema
import pytest

from frappe_client.meta import MetaFormatError, parse_getdoctype, parse_v2_meta
from frappe_client.records import RecordConverter
from frappe_client.schema import DELETED_AT, object_schema
from frappe_client.timeutil import SiteClock


def _f(fieldname, fieldtype, options=None, **extra):
    return {"fieldname": fieldname, "fieldtype": fieldtype, "options": options, "label": fieldname.title(), **extra}


GETDOCTYPE = {"docs": [
    {"name": "Sales Order", "istable": 0, "is_submittable": 1, "autoname": "naming_series:", "fields": [
        _f("customer", "Link", "Customer"), _f("sb", "Section Break"), _f("transaction_date", "Date"),
        _f("delivery_at", "Datetime"), _f("pickup", "Time"), _f("status", "Select", "Draft\nOpen"),
        _f("grand_total", "Currency"), _f("per", "Percent"), _f("is_rush", "Check"), _f("qty", "Int"),
        _f("payload", "JSON"), _f("items", "Table", "Sales Order Item"), _f("html", "HTML"),
        _f("party_type", "Link", "DocType"), _f("party", "Dynamic Link", "party_type"),
        _f("virtual_total", "Currency", is_virtual=1), _f("ext_ref", "Data", is_custom_field=1),
    ]},
    {"name": "Sales Order Item", "istable": 1, "fields": [_f("item_code", "Link", "Item"), _f("qty", "Float")]},
]}
NY = SiteClock("America/New_York")


def test_getdoctype_parses_parent_and_children_and_drops_layout_fields() -> None:
    metas = parse_getdoctype(GETDOCTYPE, "Sales Order")
    so = metas["Sales Order"]
    assert so.is_submittable and not so.istable and metas["Sales Order Item"].istable
    assert "sb" not in so.fields and "html" not in so.fields and "virtual_total" not in so.fields
    assert so.fields["ext_ref"].is_custom_field
    assert so.table_fields == {"items": "Sales Order Item"}
    assert [f.fieldname for f in so.data_fields][:3] == ["customer", "transaction_date", "delivery_at"]


def test_meta_shape_errors() -> None:
    with pytest.raises(MetaFormatError):
        parse_getdoctype({"message": []}, "X")
    with pytest.raises(MetaFormatError):
        parse_getdoctype({"docs": [{"name": "Y"}]}, "X")
    assert parse_v2_meta({"data": {"name": "X", "autoname": "autoincrement", "fields": []}}, "X").autoincrement


def test_schema_follows_the_fieldtype_table() -> None:
    metas = parse_getdoctype(GETDOCTYPE, "Sales Order")
    schema = object_schema(metas["Sales Order"], metas, nested=True, deletions=True)
    props = schema["properties"]
    assert schema["additionalProperties"] is True
    assert props["name"] == {"type": "string", "description": "Document name (primary key)"}
    for std in ("owner", "creation", "modified", "modified_by", "docstatus", "idx"):
        assert "null" in props[std]["type"]
    assert props["customer"]["type"] == ["null", "string"] and "Link to Customer" in props["customer"]["description"]
    assert "party_type" in props["party"]["description"]
    assert props["is_rush"]["type"] == ["null", "boolean"]
    assert props["qty"]["type"] == ["null", "integer"]
    assert props["grand_total"]["type"] == props["per"]["type"] == ["null", "number"]
    assert props["transaction_date"]["format"] == "date"
    assert props["delivery_at"]["format"] == "date-time"
    assert props["modified"]["airbyte_type"] == "timestamp_with_timezone"
    assert props["pickup"]["type"] == ["null", "string"]
    assert props["items"]["type"] == ["null", "array"]
    item_props = props["items"]["items"]["properties"]
    assert {"parent", "parenttype", "parentfield", "idx", "item_code", "qty"} <= set(item_props)
    assert DELETED_AT in props
    flat = object_schema(metas["Sales Order"], metas, nested=False)
    assert "items" not in flat["properties"] and DELETED_AT not in flat["properties"]


def test_masked_fields_are_text() -> None:
    meta = parse_getdoctype({"docs": [{"name": "X", "masked_fields": ["dob"], "fields": [_f("dob", "Date")]}]},
                            "X")["X"]
    assert object_schema(meta)["properties"]["dob"]["type"] == ["null", "string"]
    assert RecordConverter(meta, NY).convert({"name": "a", "dob": "XX-XX-XXXX"})["dob"] == "XX-XX-XXXX"


def test_record_conversion_validates_against_the_schema() -> None:
    metas = parse_getdoctype(GETDOCTYPE, "Sales Order")
    conv = RecordConverter(metas["Sales Order"], NY, metas)
    row = conv.convert({
        "name": "SO-1", "owner": "a@x", "creation": "2026-11-01 01:30:00", "modified": "2026-12-07 10:10:17.615143",
        "docstatus": "1", "idx": 0, "customer": "ACME", "transaction_date": "2026-12-01",
        "delivery_at": "2026-07-01 09:30:00", "pickup": "9:05:00", "status": "Open", "grand_total": 10.5,
        "per": "12.5", "is_rush": 1, "qty": "3", "payload": "{\"a\": [1, 2]}", "doctype": "Sales Order",
        "items": [{"name": "r1", "parent": "SO-1", "parenttype": "Sales Order", "parentfield": "items", "idx": 1,
                   "modified": "2026-12-07 10:10:17.615143", "item_code": "W", "qty": 2.0, "doctype": "x"}],
        "unknown_new_field": "kept",
    })
    assert row["modified"] == "2026-12-07T15:10:17.615143Z"
    assert row["creation"] == "2026-11-01T05:30:00Z"
    assert row["delivery_at"] == "2026-07-01T13:30:00Z"
    assert row["pickup"] == "09:05:00" and row["is_rush"] is True and row["qty"] == 3 and row["per"] == 12.5
    assert row["docstatus"] == 1 and row["payload"] == {"a": [1, 2]}
    assert row["ext_ref"] is None and "doctype" not in row and row["unknown_new_field"] == "kept"
    assert row["items"][0]["modified"] == "2026-12-07T15:10:17.615143Z" and "doctype" not in row["items"][0]
    jsonschema.validate(row, object_schema(metas["Sales Order"], metas, nested=True))


def test_bad_values_become_null_and_are_counted() -> None:
    metas = parse_getdoctype(GETDOCTYPE, "Sales Order")
    conv = RecordConverter(metas["Sales Order"], NY, metas)
    row = conv.convert({"name": "SO-2", "qty": "many", "delivery_at": "not a date", "payload": "{not json"})
    assert row["qty"] is None and row["delivery_at"] is None and row["payload"] == "{not json"
    assert conv.all_issues() == {"qty": 1, "delivery_at": 1}


def test_autoincrement_names_are_integers() -> None:
    meta = parse_v2_meta({"data": {"name": "Counter", "autoname": "autoincrement", "fields": []}}, "Counter")
    assert object_schema(meta)["properties"]["name"]["type"] == "integer"
    assert RecordConverter(meta, NY).convert({"name": "25"})["name"] == 25
