"""The Frappe demo's steps: full sync, edits on the site (edit, rename, delete), incremental sync.

Each step raises ``DemoCheckFailed`` when what it observes disagrees with the emulator's database, so
``make demo`` fails loudly instead of printing a pretty but wrong summary.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from demo.pyairbyte_io import DuckDBCache, get_source, rows_extracted_since, table_count
from demo.runner import DemoCheckFailed, say
from frappe_emulator.child import FrappeChild

DOCTYPES = ["Customer", "Item", "Sales Order", "Sales Invoice", "ToDo"]  # stream names = DocType names
TOUCHED = {"Sales Order": 10, "Customer": 3}


def table_of(stream: str) -> str:
    """PyAirbyte's DuckDB table for a stream (``Sales Order`` -> ``sales_order``)."""
    return stream.lower().replace(" ", "_")


def source_config(emu: FrappeChild) -> dict[str, Any]:
    return {"site_url": emu.base_url, "credentials": {"auth_type": "api_key", "api_key": emu.api_key,
                                                      "api_secret": emu.api_secret},
            "doctypes": DOCTYPES, "detect_deletes": True}


@dataclass
class DemoResult:
    rows: dict[str, int] = field(default_factory=dict)
    changed: dict[str, int] = field(default_factory=dict)
    renamed: str = ""
    deleted: str = ""
    duckdb_path: Path | None = None


def _check_counts(emu: FrappeChild, cache: DuckDBCache, result: DemoResult) -> None:
    for stream in DOCTYPES:
        cached, expected = table_count(cache, table_of(stream)), emu.count(stream)
        result.rows[stream] = cached
        say(f"  {stream:<14} {cached:>7,} rows in DuckDB (emulator holds {expected:,})")
        if cached != expected:
            raise DemoCheckFailed(f"{stream}: DuckDB has {cached} rows, the emulator {expected}")


def full_sync(emu: FrappeChild, cache: DuckDBCache, result: DemoResult) -> None:
    """First sync: every selected DocType in full, Sales Order items nested in their orders."""
    get_source("source-frappe", source_config(emu), DOCTYPES, progress=say).read(cache=cache)
    _check_counts(emu, cache, result)


def edit_on_site(emu: FrappeChild, cache: DuckDBCache, result: DemoResult) -> None:
    """Users at work: save some documents, rename a ToDo (modified unchanged), delete another without a log."""
    for doctype, count in TOUCHED.items():
        emu.touch(doctype, count)
        say(f"  saved {count} {doctype} documents (modified = now)")
    query = f"SELECT name FROM {cache.schema_name}.todo ORDER BY name LIMIT 2"
    todos = [r["name"] for r in cache.run_sql_query(query)]
    result.renamed = emu.rename("ToDo", todos[0], f"{todos[0]}-renamed")
    result.deleted = todos[1]
    emu.hard_delete("ToDo", [todos[1]])
    say(f"  renamed ToDo {todos[0]} -> {result.renamed} (modified unchanged); deleted ToDo {todos[1]} (no log)")


def incremental_sync(emu: FrappeChild, cache: DuckDBCache, result: DemoResult) -> None:
    """Second sync on the same cache: only changed documents, plus the rename and the deletion."""
    started = datetime.now(timezone.utc)
    get_source("source-frappe", source_config(emu), DOCTYPES, progress=say).read(cache=cache)
    for stream in DOCTYPES:
        result.changed[stream] = rows_extracted_since(cache, table_of(stream), started)
    for stream, count in TOUCHED.items():
        if result.changed[stream] < count:
            raise DemoCheckFailed(f"{stream}: {count} documents saved, {result.changed[stream]} read again")
    live = {r["name"]: r["_ab_cdc_deleted_at"] for r in cache.run_sql_query(
        f"SELECT name, _ab_cdc_deleted_at FROM {cache.schema_name}.todo")}
    if result.renamed not in live or live.get(result.deleted) is None:
        raise DemoCheckFailed("the renamed ToDo was not read, or the deleted one is not marked deleted")
    say(f"  ToDo {result.renamed} read by the key check; ToDo {result.deleted} marked deleted at "
        f"{live[result.deleted]}")
