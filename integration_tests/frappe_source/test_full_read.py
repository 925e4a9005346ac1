"""A full read equals the emulator's database, every column of every row, child tables included, in each
child_tables mode and on each emulated Frappe version (14/15/16/dev differ in list ordering, nulls,
Check columns and error bodies)."""
from __future__ import annotations

import pytest
from airbyte_cdk.models import SyncMode

from frappe_emulator import FrappeEmulator, FrappeOptions
from integration_tests.frappe_source.helpers import catalog, config, db_rows, mismatches, new_invoice, run

PARENTS = ["Sales Order", "Customer", "Sync Counter", "ToDo", "Contact"]
CHILDREN = {"Sales Order": ["Sales Order Item", "Sales Taxes and Charges"], "Contact": ["Contact Email", "Contact Phone"]}


def _nested_mismatches(emu, records: dict[str, list[dict]], tz: str) -> list[str]:
    problems = []
    for parent, children in CHILDREN.items():
        table_of = {f.options: f.fieldname for f in emu.backend.registry.get(parent).table_fields()}
        for child in children:
            fieldname = table_of[child]
            flattened = [row for doc in records[parent] for row in (doc.get(fieldname) or [])]
            problems += mismatches(emu, child, flattened, tz, child_of=parent)
            for doc in records[parent]:
                rows = doc.get(fieldname)
                assert isinstance(rows, list), f"{parent} {doc['name']}.{fieldname} is not an array"
                assert [r["idx"] for r in rows] == sorted(r["idx"] for r in rows)
                assert all(r["parent"] == doc["name"] and r["parentfield"] == fieldname for r in rows)
    return problems


@pytest.mark.parametrize("version", ["14", "15", "16", "dev"])
def test_full_read_nested_equals_the_database(version: str) -> None:
    with FrappeEmulator(FrappeOptions(rows=25, version=version)) as emu:
        cfg = config(emu, page_size=7)
        sync = run(cfg, catalog(cfg, PARENTS, SyncMode.full_refresh))
        tz = emu.backend.time_zone()
        problems = []
        for doctype in PARENTS:
            problems += mismatches(emu, doctype, sync.records[doctype], tz)
        problems += _nested_mismatches(emu, sync.records, tz)
        assert problems == []
        assert len(sync.records["Sales Order"]) == len(db_rows(emu, "Sales Order")) >= 25
        assert all(isinstance(r["name"], int) for r in sync.records["Sync Counter"])  # autoincrement
        assert "custom_external_id" in sync.records["Customer"][0]  # Custom Field from the merged meta
        # Every list request is ordered explicitly, bounded, and never an offset (Part II: no default order,
        # limit_page_length=0 means "all rows" and 500s with limit_start).
        lists = [r for r in emu.requests() if r["method"] == "GET" and r.get("doctype") and r["path"].count("/") == 3]
        assert lists
        for r in lists:
            assert "order_by=" in r["query"] and "limit_start" not in r["query"], r
            assert "limit_page_length=0" not in r["query"] and "limit_page_length=" in r["query"], r


@pytest.mark.parametrize("mode", ["streams", "both"])
def test_child_tables_as_streams_equal_the_database(mode: str) -> None:
    with FrappeEmulator(FrappeOptions(rows=20)) as emu:
        cfg = config(emu, page_size=9, child_tables=mode)
        new_invoice(emu)
        new_invoice(emu, submit=True)
        names = ["Sales Order", "Sales Invoice", "Sales Order Item", "Sales Taxes and Charges"]
        sync = run(cfg, catalog(cfg, names))
        tz = emu.backend.time_zone()
        problems = mismatches(emu, "Sales Order Item", sync.records["Sales Order Item"], tz)
        # Sales Taxes and Charges belongs to Sales Order and Sales Invoice: one stream holds both parents' rows.
        problems += mismatches(emu, "Sales Taxes and Charges", sync.records["Sales Taxes and Charges"], tz)
        problems += mismatches(emu, "Sales Order", sync.records["Sales Order"], tz)
        assert problems == []
        assert {r["parenttype"] for r in sync.records["Sales Taxes and Charges"]} == {"Sales Order", "Sales Invoice"}
        assert ("items" in sync.records["Sales Order"][0]) == (mode == "both")
        for row in sync.records["Sales Order Item"]:
            assert {"parent", "parenttype", "parentfield", "idx"} <= set(row) and row["parenttype"] == "Sales Order"


@pytest.mark.parametrize("mode", ["full_refresh", "incremental"])
def test_a_large_doctype_is_read_as_parallel_modified_ranges_and_still_equals_the_database(mode: str) -> None:
    with FrappeEmulator(FrappeOptions(rows=150)) as emu:
        cfg = config(emu, page_size=5, num_workers=4)
        sync = run(cfg, catalog(cfg, ["Sales Order"], SyncMode(mode)))
        assert any("split into" in line for line in sync.logs), "the DocType was not split"
        names = sync.names("Sales Order")
        assert len(names) == len(set(names))
        assert mismatches(emu, "Sales Order", sync.records["Sales Order"], emu.backend.time_zone()) == []
        if mode == "incremental":
            states = [s.stream.stream_state.__dict__["cursor"] for s in sync.states]
            assert states == sorted(s for s in states if s is not None) and states[-1] is not None
