"""Record -> body: name matching, unknown fields, standard fields, child tables, Link lookups, Dynamic Links."""
from __future__ import annotations

import logging
from zoneinfo import ZoneInfo

import pytest

from destination_frappe.naming import NameMatcher, doctype_guesses, normalised
from destination_frappe.payload import LinkRef, RecordMapper
from erp_airbyte.destination.protocols import RecordRejected
from unit_tests.destination_frappe.doctypes import CONTACT, CUSTOMER, SALES_ORDER, TODO, doctype

UTC = ZoneInfo("UTC")
LOG = logging.getLogger("test")


def mapper(meta=SALES_ORDER, key="name", drop=False):
    return RecordMapper(doctype(meta), key, UTC, drop, "s", LOG)


def test_stream_names_match_exactly_case_insensitively_and_from_snake_case():
    m = NameMatcher(["Sales Order", "Sales Order Item", "Customer", "ToDo"])
    assert m.match("Sales Order") == "Sales Order"
    assert m.match("sales order") == "Sales Order"
    assert m.match("sales_order") == "Sales Order"
    assert m.match("SALES_ORDER_ITEM") == "Sales Order Item"
    assert m.match("todo") == "ToDo"
    assert m.match("sales_orders") is None
    assert normalised("Sales Taxes and Charges") == "sales_taxes_and_charges"
    assert doctype_guesses("sales_order") == ["sales_order", "Sales Order"]


def test_a_normalised_form_shared_by_two_names_matches_neither():
    m = NameMatcher(["Item Price", "item_price"])
    assert m.match("Item Price") == "Item Price"  # exact still wins
    assert m.match("ITEM PRICE") == "Item Price"  # case-insensitive is unique
    assert m.match("item-price") is None  # normalised form shared by both
    assert sorted(m.ambiguity("item-price")) == ["Item Price", "item_price"]


def test_fields_map_case_insensitively_and_standard_fields_are_never_sent():
    rec = mapper().prepare(1, {
        "name": "SAL-ORD-1", "Customer": "ACME", "TRANSACTION_DATE": "2026-12-01", "modified": "2026-12-01 10:00:00",
        "creation": "x", "owner": "a@b", "modified_by": "a@b", "idx": 0, "docstatus": 1, "_airbyte_raw_id": "r",
        "_ab_cdc_deleted_at": None, "_airbyte_extracted_at": 1,
    })
    assert rec.body == {"customer": "ACME", "transaction_date": "2026-12-01"}
    assert rec.name == rec.key_value == "SAL-ORD-1" and rec.key == ("SAL-ORD-1",)
    assert rec.docstatus == 1
    assert not rec.deleted


def test_a_field_that_matches_nothing_rejects_the_record_naming_it():
    with pytest.raises(RecordRejected, match="field 'custmer' matches no field of DocType 'Sales Order'"):
        mapper().prepare(1, {"custmer": "ACME"})


def test_unknown_fields_can_be_dropped_with_one_warning(caplog):
    m = mapper(drop=True)
    with caplog.at_level(logging.WARNING, "test"):
        a = m.prepare(1, {"custmer": "ACME", "customer": "B"})
        m.prepare(2, {"custmer": "X"})
    assert a.body == {"customer": "B"}
    assert [r.getMessage() for r in caplog.records].count(
        "Stream 's': field 'custmer' matches no field of DocType 'Sales Order'; its values are dropped "
        "(unknown_fields is 'drop')") == 1


def test_two_input_fields_for_one_target_field_are_refused():
    with pytest.raises(RecordRejected, match="both map to Sales Order.customer"):
        mapper().prepare(1, {"customer": "A", "CUSTOMER": "B"})


def test_a_bad_value_names_the_field_and_value():
    with pytest.raises(RecordRejected, match=r"field priority: 'high' is not an integer"):
        mapper().prepare(1, {"priority": "high"})
    with pytest.raises(RecordRejected, match=r"field items.0.qty: 'x' is not a number"):
        mapper().prepare(1, {"items": [{"item_code": "W", "qty": "x"}]})


def test_child_tables_from_nested_arrays_drop_server_columns_and_keep_row_names():
    rec = mapper().prepare(1, {"items": [
        {"name": "r1", "parent": "SO-1", "parenttype": "Sales Order", "parentfield": "items", "idx": 1,
         "doctype": "Sales Order Item", "item_code": "W", "qty": "2", "modified": "x", "docstatus": 1},
        {"item_code": "V", "qty": 1},
    ]})
    assert rec.body["items"] == [{"item_code": "W", "qty": 2.0}, {"item_code": "V", "qty": 1}]
    assert rec.row_names == {"items": ["r1", None]}


def test_child_table_given_as_json_text_by_a_warehouse_is_parsed():
    rec = mapper().prepare(1, {"items": '[{"item_code": "W", "qty": 1}]'})
    assert rec.body["items"] == [{"item_code": "W", "qty": 1}]


def test_unknown_child_field_rejects_with_the_child_doctype_named():
    with pytest.raises(RecordRejected, match="field 'qtty' matches no field of DocType 'Sales Order Item'"):
        mapper().prepare(1, {"items": [{"item_code": "W", "qtty": 1}]})


def test_link_as_name_or_lookup_object():
    rec = mapper().prepare(1, {"customer": {"customer_name": "ACME"},
                               "items": [{"item_code": {"item_name": "Widget"}}, {"item_code": {"name": "W2"}}]})
    assert rec.body["customer"] == LinkRef("Customer", (("customer_name", "ACME"),))
    assert rec.body["items"][0]["item_code"] == LinkRef("Item", (("item_name", "Widget"),))
    assert rec.body["items"][1]["item_code"] == "W2"
    assert [p for p, _ in rec.links] == [("customer",), ("items", 0, "item_code")]


def test_lookup_values_must_be_scalars():
    with pytest.raises(RecordRejected, match="lookup 'customer_name' of Customer must be a string or number"):
        mapper().prepare(1, {"customer": {"customer_name": ["A"]}})


def test_dynamic_link_needs_its_doctype_field():
    m = mapper(CONTACT)
    rec = m.prepare(1, {"link_doctype": "Customer", "link_name": {"customer_name": "ACME"}})
    assert rec.body["link_name"] == LinkRef("Customer", (("customer_name", "ACME"),))
    with pytest.raises(RecordRejected, match="Dynamic Link: its DocType field 'link_doctype' must be set"):
        m.prepare(2, {"link_name": "ACME"})


def test_key_field_value_and_deletion_marker():
    rec = mapper(CUSTOMER, key="customer_name").prepare(1, {"customer_name": "ACME",
                                                           "_ab_cdc_deleted_at": "2026-01-01"})
    assert rec.key_value == "ACME" and rec.deleted and rec.group_key == "acme"


def test_docstatus_on_a_non_submittable_doctype_is_refused_and_must_be_0_1_2():
    with pytest.raises(RecordRejected, match="not submittable"):
        mapper(TODO).prepare(1, {"description": "x", "docstatus": 1})
    assert mapper(TODO).prepare(1, {"description": "x", "docstatus": 0}).docstatus == 0
    with pytest.raises(RecordRejected, match="is not 0, 1 or 2"):
        mapper().prepare(1, {"docstatus": 3})


def test_a_masked_password_is_never_written(caplog):
    user = doctype({"name": "User", "fields": [{"fieldname": "email", "fieldtype": "Data"},
                                               {"fieldname": "new_password", "fieldtype": "Password"}]})
    m = RecordMapper(user, "name", UTC, False, "s", LOG)
    with caplog.at_level(logging.WARNING, "test"):
        masked = m.prepare(1, {"email": "a@b.c", "new_password": "********"})
    assert masked.body == {"email": "a@b.c"}
    assert "holds a masked password" in caplog.text
    assert m.prepare(2, {"new_password": "s3cret*"}).body == {"new_password": "s3cret*"}
