"""PyAirbyte reads the Frappe demo site (frappe_emulator) into DuckDB with the installed source-frappe
script, then a second read is incremental and merges on the primary key. The emulator's database is the
oracle for every count.

This module sits at the top of integration_tests/ (collected after the directories) because importing
PyAirbyte reconfigures logging, and tests collected after it could no longer read connector logs.
"""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from demo.pyairbyte_io import duckdb_cache, get_source, rows_extracted_since, table_count
from frappe_emulator import FrappeEmulator, FrappeOptions
from integration_tests.frappe_source.helpers import config, control, db_rows

STREAMS = ["Customer", "Sales Order", "Sync Counter"]


def test_pyairbyte_reads_the_demo_site_into_duckdb_and_a_second_read_is_incremental(tmp_path: Path) -> None:
    with FrappeEmulator(FrappeOptions(rows=30)) as emu:
        cfg = config(emu, page_size=10)
        cache = duckdb_cache(tmp_path / "frappe.duckdb")
        get_source("source-frappe", cfg, STREAMS).read(cache=cache)
        tables = {name: name.lower().replace(" ", "_") for name in STREAMS}  # PyAirbyte's table names
        for name, table in tables.items():
            assert table_count(cache, table) == len(db_rows(emu, name)), name
        columns = set(cache.streams["Sales Order"].to_sql_table().columns.keys())
        assert {"name", "customer", "grand_total", "modified", "items"} <= columns

        names = sorted(db_rows(emu, "Sales Order"))[:4]
        control(emu, "touch", {"doctype": "Sales Order", "names": names})
        started = datetime.now(timezone.utc)
        get_source("source-frappe", cfg, ["Sales Order"]).read(cache=cache)  # the state comes from the cache
        changed = rows_extracted_since(cache, "sales_order", started)
        total = len(db_rows(emu, "Sales Order"))
        assert 4 <= changed < total, "the second read must be incremental and include every edit"
        assert table_count(cache, "sales_order") == total
