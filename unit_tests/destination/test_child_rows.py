"""Nested child arrays (documents with their lines): mapping per child table, paths in reasons, insert bodies,
derived child UUIDs, server reasons pointed at the child row, and the child options."""
from __future__ import annotations

import logging

import pytest

from destination_idempiere.child_options import ChildOptions
from destination_idempiere.child_rows import ChildMapper, child_tables, insert_arrays, locate_failure, walk
from destination_idempiere.fk_resolver import FkResolver
from destination_idempiere.record_mapping import RecordMapper, RecordRejected
from destination_idempiere.table_planner import RunContext, TablePlanner
from destination_idempiere.values import FkRef, WriteContext
from destination_idempiere.write_options import DestinationOptions
from destination_idempiere.write_requests import write_executor
from erp_airbyte.destination.rejects import RejectLog
from erp_airbyte.destination.report import Report
from erp_http.errors import ConfigurationError
from idempiere_client.metadata import TableMeta
from idempiere_client.timeutil import ServerClock
from unit_tests.destination.fakes import (
    FakeCatalog,
    FakeClient,
    bpartner_meta,
    col,
    linema_meta,
    order_meta,
    orderline_meta,
    product_meta,
)

CTX = WriteContext(ServerClock("UTC"))
LOG = logging.getLogger("t")
UU = "11111111-2222-4333-8444-555555555555"


def mapper(keys: dict | None = None, *metas: TableMeta) -> RecordMapper:
    catalog = FakeCatalog(order_meta(), orderline_meta(), linema_meta(), product_meta(), bpartner_meta(), *metas)
    nested = ChildMapper(catalog, order_meta(), "c_order", CTX, LOG, keys or {})
    return RecordMapper(order_meta(), "c_order", ["DocumentNo"], CTX, True, LOG, nested=nested)


def test_child_rows_are_mapped_with_the_child_tables_columns_and_fk_forms(caplog) -> None:
    with caplog.at_level(logging.INFO):
        rec = mapper().prepare(1, {"DocumentNo": "SO-1", "c_orderline": [
            {"m_product_id": "Azalea", "qtyentered": "2.5", "C_Order_ID": 999, "line": "10"},
            {"M_Product_ID": {"lookupColumn": "Value", "lookupValue": "Oak"}, "QtyEntered": 1, "uid": UU}]})
    assert "C_OrderLine.C_Order_ID is set by the server to the parent C_Order" in caplog.text  # dropped, not silently
    (block,) = rec.children
    assert (block.field, block.table.name, block.link) == ("c_orderline", "C_OrderLine", "C_Order_ID")
    first, second = block.rows
    assert first.values == {"QtyEntered": 2.5, "Line": 10}  # the link is the server's to set
    assert first.fk_refs == {"M_Product_ID": FkRef("M_Product_ID", "m_product", "identifier", "Azalea")}
    assert second.fk_refs["M_Product_ID"].form == "lookup" and second.record_uid == UU
    assert [p for p, _, _ in walk(rec, order_meta())] == ["", "c_orderline[0]", "c_orderline[1]"]


def test_a_bad_child_value_rejects_the_document_naming_the_row_and_column() -> None:
    with pytest.raises(RecordRejected, match=r"^c_orderline\[1\]: column QtyEntered: 'lots' is not a number$"):
        mapper().prepare(1, {"DocumentNo": "SO-1", "c_orderline": [{"QtyEntered": 1}, {"QtyEntered": "lots"}]})
    with pytest.raises(RecordRejected, match=r"^C_OrderLine\[0\]: field 'colour' matches no column of table C_OrderLine"):
        mapper().prepare(1, {"DocumentNo": "SO-1", "C_OrderLine": [{"colour": "red"}]})


def test_grandchild_rows_are_mapped_with_their_own_table_and_named_by_their_path() -> None:
    rec = mapper().prepare(1, {"DocumentNo": "SO-1", "C_OrderLine": [
        {"QtyEntered": 1, "M_OrderLineMA": [{"Qty": "1"}, {"Qty": 2, "C_OrderLine_ID": 5}]}]})
    grand = rec.children[0].rows[0].children[0]
    assert grand.table.name == "M_OrderLineMA" and [r.values for r in grand.rows] == [{"Qty": 1}, {"Qty": 2}]
    assert child_tables(rec) == {"c_orderline", "m_orderlinema"}
    with pytest.raises(RecordRejected, match=r"^C_OrderLine\[0\]\.M_OrderLineMA\[1\]: column Qty: 'x' is not a number"):
        mapper().prepare(1, {"DocumentNo": "SO-1", "C_OrderLine": [
            {"QtyEntered": 1, "M_OrderLineMA": [{"Qty": 1}, {"Qty": "x"}]}]})


def test_an_array_that_names_no_child_table_is_rejected_with_why() -> None:
    with pytest.raises(RecordRejected, match=r"field 'Lines' matches no column of table C_Order, and no table Lines "
                                             r"can hold child rows \(HTTP 404"):
        mapper().prepare(1, {"DocumentNo": "SO-1", "Lines": [{"QtyEntered": 1}]})
    with pytest.raises(RecordRejected, match=r"field 'M_Product' matches no column of table C_Order, and table "
                                             r"M_Product cannot hold child rows of C_Order: it has no column C_Order_ID"):
        mapper().prepare(1, {"DocumentNo": "SO-1", "M_Product": [{"Name": "x"}]})
    with pytest.raises(RecordRejected, match=r"field 'colour' matches no column of table C_Order$"):
        mapper().prepare(1, {"DocumentNo": "SO-1", "colour": "red"})  # not a list: no child table is looked for


def test_child_rows_must_be_objects_and_one_table_appears_once() -> None:
    with pytest.raises(RecordRejected, match=r"^C_OrderLine\[1\]: a child row must be an object, not int"):
        mapper().prepare(1, {"DocumentNo": "SO-1", "C_OrderLine": [{"QtyEntered": 1}, 5]})
    with pytest.raises(RecordRejected, match="field 'c_orderline': the record holds two arrays of C_OrderLine rows"):
        mapper().prepare(1, {"DocumentNo": "SO-1", "C_OrderLine": [], "c_orderline": []})


def test_a_child_key_that_is_not_a_column_fails_the_run() -> None:
    with pytest.raises(ConfigurationError, match="child_keys for c_orderline: 'Lne' is not a column of C_OrderLine"):
        mapper({"c_orderline": ("Lne",)}).prepare(1, {"DocumentNo": "SO-1", "C_OrderLine": [{"Line": 10}]})


def test_insert_arrays_nest_the_rows_with_uuids_derived_from_the_parent() -> None:
    data = {"DocumentNo": "SO-1", "C_OrderLine": [
        {"Line": 10, "QtyEntered": 1, "M_OrderLineMA": [{"Qty": 1}]},
        {"Line": 20, "QtyEntered": 2, "_ab_cdc_deleted_at": "2024-01-01T00:00:00Z"},
        {"Line": 30, "QtyEntered": 3, "C_OrderLine_UU": UU}],
        "M_OrderLineMA": []}
    rec = mapper().prepare(1, {"DocumentNo": "SO-1", "C_OrderLine": data["C_OrderLine"]})
    body = insert_arrays(rec, "parent-uu", {})
    lines = body["C_OrderLine"]
    assert [ln["Line"] for ln in lines] == [10, 30]  # the tombstone row is not inserted
    assert lines[1]["C_OrderLine_UU"] == UU  # a row's own uid is kept
    again = insert_arrays(mapper().prepare(1, {"DocumentNo": "SO-1", "C_OrderLine": data["C_OrderLine"]}),
                          "parent-uu", {})
    assert again == body  # derived, so a later update finds these rows
    other = insert_arrays(rec, "other-parent", {})
    assert other["C_OrderLine"][0]["C_OrderLine_UU"] != lines[0]["C_OrderLine_UU"]
    (ma,) = lines[0]["M_OrderLineMA"]
    assert set(ma) == {"Qty", "M_OrderLineMA_UU"} and ma["M_OrderLineMA_UU"] != lines[0]["C_OrderLine_UU"]
    empty = mapper().prepare(2, {"DocumentNo": "SO-2", "C_OrderLine": []})
    assert insert_arrays(empty, "p", {}) == {}  # an empty array is not sent


def test_with_child_keys_the_derived_uuid_follows_the_key_not_the_position() -> None:
    keys = {"c_orderline": ("Line",)}
    one = mapper(keys).prepare(1, {"DocumentNo": "SO-1", "C_OrderLine": [{"Line": 10}, {"Line": 20}]})
    two = mapper(keys).prepare(1, {"DocumentNo": "SO-1", "C_OrderLine": [{"Line": 20}, {"Line": 10}]})
    first = {ln["Line"]: ln["C_OrderLine_UU"] for ln in insert_arrays(one, "p", keys)["C_OrderLine"]}
    second = {ln["Line"]: ln["C_OrderLine_UU"] for ln in insert_arrays(two, "p", keys)["C_OrderLine"]}
    assert first == second and first[10] != first[20]


def test_a_refused_documents_reason_points_at_the_child_row_when_it_can_be_told() -> None:
    rec = mapper().prepare(1, {"DocumentNo": "SO-1", "C_OrderLine": [
        {"M_Product_ID": 122, "QtyEntered": 1}, {"M_Product_ID": 999, "Line": 20}]})
    meta = order_meta()
    fk = "HTTP 500 Save error: Save error with exception: Foreign ID 999 not found in M_Product_ID"
    assert locate_failure(rec, meta, fk) == f"C_OrderLine[1]: {fk}"
    mandatory = "HTTP 500 Save error: Save error with exception: Fill mandatory fields: qtyEntered"
    assert locate_failure(rec, meta, mandatory) == f"C_OrderLine[1] (no QtyEntered): {mandatory}"
    other = "HTTP 500 Save error: Save error with exception: beforeSave failed"
    assert locate_failure(rec, meta, other) == f"{other} (in a child row; the server does not say which)"
    parent = "HTTP 400 Validation Error: Fill mandatory fields: C_BPartner_ID"  # the document lacks it, not a line
    assert locate_failure(rec, meta, parent) == parent


def test_child_options_are_parsed_and_bad_ones_are_named() -> None:
    opts = ChildOptions.from_airbyte({"child_mode": "replace", "child_keys": {"C_OrderLine": ["Line"], "x": "Value"}})
    assert opts == ChildOptions("replace", {"c_orderline": ("Line",), "x": ("Value",)})
    assert ChildOptions.from_airbyte({}) == ChildOptions("merge", {})
    with pytest.raises(ConfigurationError, match="child_mode must be one of merge, replace"):
        ChildOptions.from_airbyte({"child_mode": "sync"})
    with pytest.raises(ConfigurationError, match="child_keys must be an object"):
        ChildOptions.from_airbyte({"child_keys": ["Line"]})
    with pytest.raises(ConfigurationError, match="child_keys for 'c_orderline' must be a non-empty list"):
        ChildOptions.from_airbyte({"child_keys": {"c_orderline": []}})


def test_a_child_table_is_looked_up_once_per_run() -> None:
    calls = []

    class Counting(FakeCatalog):
        def get(self, table: str) -> TableMeta:
            calls.append(table)
            return super().get(table)

    m = RecordMapper(order_meta(), "c_order", [], CTX, False, LOG,
                     nested=ChildMapper(Counting(orderline_meta(), col_table()), order_meta(), "c_order", CTX, LOG, {}))
    for i in range(3):
        m.prepare(i, {"DocumentNo": f"SO-{i}", "C_OrderLine": [{"QtyEntered": 1}]})
        with pytest.raises(RecordRejected):
            m.prepare(i, {"DocumentNo": f"SO-{i}", "Nope": [{}]})
    assert sorted(calls) == ["c_orderline", "nope"]


def col_table() -> TableMeta:
    return TableMeta("X", "x", {"Name": col("Name")}, key_column="X_ID")


def test_a_slice_whose_child_rows_name_rows_of_the_streams_own_table_waits_for_earlier_slices() -> None:
    line = orderline_meta()
    line.columns["Ref_Order_ID"] = col("Ref_Order_ID", "fk", "c_order")
    line.__post_init__()
    client = FakeClient()
    catalog = FakeCatalog(order_meta(), line, product_meta())
    run = RunContext(client=client, resolver=FkResolver(client, catalog, 1, LOG),
                     executor=write_executor(client, False, 1, 1, LOG), options=DestinationOptions(), ctx=CTX,
                     report=Report(LOG), rejects=RejectLog(None, LOG), logger=LOG, use_batch=False)
    planner = TablePlanner(run, "c_order", order_meta(), "append_dedup", ["DocumentNo"])
    plain = planner.prepare(1, {"DocumentNo": "SO-1", "C_OrderLine": [{"M_Product_ID": "Oak"}]})
    linked = planner.prepare(2, {"DocumentNo": "SO-2", "C_OrderLine": [{"Ref_Order_ID": "SO-1"}]})
    assert not planner.waits_for_all([plain]) and planner.waits_for_all([plain, linked])
