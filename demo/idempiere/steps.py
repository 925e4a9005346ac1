"""The iDempiere demo's steps: full sync, edits in the ERP, incremental sync, reverse ETL, read-back.

Each step returns plain numbers for the summary and raises ``DemoCheckFailed`` when what it
observes disagrees with the emulator, so ``make demo`` fails loudly instead of printing a pretty
but wrong summary.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from demo.idempiere.connectors import (
    connector_config,
    get_idempiere_destination,
    get_idempiere_source,
    stage_new_partners,
)
from demo.pyairbyte_io import DuckDBCache, duckdb_cache, rows_extracted_since, table_count
from demo.runner import DemoCheckFailed, say
from idempiere_emulator.child import EmulatorChild

# Stream name -> exact iDempiere TableName (the emulator's control endpoints take the latter).
TABLES = {
    "c_bpartner": "C_BPartner",
    "m_product": "M_Product",
    "c_order": "C_Order",
    "c_orderline": "C_OrderLine",
    "c_invoice": "C_Invoice",
}
EDITS = {"c_bpartner": 5, "m_product": 3, "c_order": 10}  # rows touched between the two syncs
NEW_PARTNERS_IN_ERP = 2  # rows inserted in the ERP between the two syncs
WRITE_BACK_COUNT = 3  # business partners created through destination-idempiere
RETL_PREFIX = "RETL-"


@dataclass
class DemoResult:
    """Numbers for the final summary."""

    rows: dict[str, int] = field(default_factory=dict)
    changed: dict[str, int] = field(default_factory=dict)
    edited: dict[str, int] = field(default_factory=dict)
    written_back: list[dict[str, Any]] = field(default_factory=list)
    read_back: list[dict[str, Any]] = field(default_factory=list)
    duckdb_path: Path | None = None


def full_sync(emu: EmulatorChild, cache: DuckDBCache, result: DemoResult) -> None:
    """First sync: no state in the cache yet, so every selected table is read in full."""
    source = get_idempiere_source(connector_config(emu.base_url), list(TABLES), progress=say)
    say(f"  streams: {', '.join(TABLES)}")
    source.read(cache=cache)
    for stream, table in TABLES.items():
        cached, expected = table_count(cache, stream), emu.count(table)
        result.rows[stream] = cached
        say(f"  {stream:<12} {cached:>7,} rows in DuckDB (emulator holds {expected:,})")
        if cached != expected:
            raise DemoCheckFailed(f"{stream}: DuckDB has {cached} rows, the emulator {expected}")


def edit_in_erp(emu: EmulatorChild, cache: DuckDBCache, result: DemoResult) -> None:
    """Simulate users at work: touch some rows and create two business partners."""
    for stream, count in EDITS.items():
        touched = emu.touch(TABLES[stream], count)
        result.edited[stream] = touched
        say(f"  touched {touched} {stream} rows (Updated = now)")
    group = cache.run_sql_query(
        f"SELECT c_bp_group_id FROM {cache.schema_name}.c_bpartner WHERE c_bp_group_id IS NOT NULL LIMIT 1"
    )
    if not group:
        raise DemoCheckFailed("no business partner with a group in the cache")
    stamp = datetime.now(timezone.utc).strftime("%H%M%S")
    rows = [
        {"Value": f"DEMO-{stamp}-{i}", "Name": f"Demo customer {i}", "C_BP_Group_ID": group[0]["c_bp_group_id"],
         "IsCustomer": "Y"}
        for i in range(1, NEW_PARTNERS_IN_ERP + 1)
    ]
    ids = emu.insert("C_BPartner", rows)
    result.edited["c_bpartner"] = result.edited.get("c_bpartner", 0) + len(ids)
    say(f"  inserted {len(ids)} new c_bpartner rows (ids {', '.join(map(str, ids))})")


def incremental_sync(emu: EmulatorChild, cache: DuckDBCache, result: DemoResult) -> None:
    """Second sync on the same cache: PyAirbyte hands the state it stored there back to the source."""
    started = datetime.now(timezone.utc)
    source = get_idempiere_source(connector_config(emu.base_url), list(TABLES), progress=say)
    source.read(cache=cache)
    for stream, table in TABLES.items():
        changed = rows_extracted_since(cache, stream, started)
        result.changed[stream] = changed
        cached, expected = table_count(cache, stream), emu.count(table)
        result.rows[stream] = cached
        say(f"  {stream:<12} {changed:>5,} rows re-read (edited: {result.edited.get(stream, 0)}), "
            f"{cached:,} rows in DuckDB")
        if cached != expected:
            raise DemoCheckFailed(f"{stream}: DuckDB has {cached} rows after the incremental sync, emulator {expected}")
        if changed < result.edited.get(stream, 0):
            raise DemoCheckFailed(f"{stream}: {result.edited[stream]} rows were edited but only {changed} re-read")
        if changed >= expected and expected > 2 * max(result.edited.get(stream, 0), 1):
            raise DemoCheckFailed(f"{stream}: the incremental sync re-read the whole table ({changed} rows)")


def reverse_etl(emu: EmulatorChild, output: Path, result: DemoResult) -> None:
    """Write new business partners, derived from warehouse rows, back into the ERP.

    The rows are staged in their own DuckDB file (a copy of c_bpartner transformed with SQL), so the
    synced cache stays a faithful mirror; PyAirbyte then feeds that cache to destination-idempiere.
    """
    staging_path = output / "reverse_etl.duckdb"
    staging_path.unlink(missing_ok=True)
    staging = duckdb_cache(staging_path)
    say(f"  staging c_bpartner in {staging_path.name}, then deriving new partners with SQL")
    source = get_idempiere_source(connector_config(emu.base_url), ["c_bpartner"])
    staged_read = source.read(cache=staging, force_full_refresh=True)
    staged = stage_new_partners(staging, WRITE_BACK_COUNT, RETL_PREFIX)
    for row in staged:
        say(f"  staged {row['value']}: {row['name']!r}, group {row['c_bp_group_id']!r} (identifier FK)")
    rejected_path = output / "rejected_records.jsonl"
    rejected_path.unlink(missing_ok=True)
    before = emu.count("C_BPartner")
    destination = get_idempiere_destination(
        connector_config(
            emu.base_url, reject_policy="continue", rejected_records_path=str(rejected_path)
        ),
        progress=say,
    )
    destination.write(staged_read, write_strategy="merge")
    after = emu.count("C_BPartner")
    rejected = _read_rejects(rejected_path)
    for reject in rejected:
        say(f"  REJECTED: {json.dumps(reject)[:300]}")
    say(f"  emulator c_bpartner rows: {before:,} -> {after:,}")
    if rejected or after - before != len(staged):
        raise DemoCheckFailed(
            f"expected {len(staged)} new business partners, the emulator gained {after - before} "
            f"({len(rejected)} rejected)"
        )
    result.written_back = staged


def read_back(emu: EmulatorChild, cache: DuckDBCache, result: DemoResult) -> None:
    """Close the loop: one more incremental sync brings the written rows into the warehouse."""
    source = get_idempiere_source(connector_config(emu.base_url), ["c_bpartner"], progress=say)
    source.read(cache=cache)
    rows = cache.run_sql_query(
        f"SELECT id, value, name, c_bp_group_id, c_bp_group_id_identifier FROM {cache.schema_name}.c_bpartner "
        f"WHERE value LIKE '{RETL_PREFIX}%' ORDER BY value"
    )
    for row in rows:
        say(f"  id {row['id']}: {row['value']} {row['name']!r}, group {row['c_bp_group_id_identifier']!r} "
            f"(C_BP_Group_ID {row['c_bp_group_id']})")
    expected = {(r["value"], r["name"], r["c_bp_group_id"]) for r in result.written_back}
    got = {(r["value"], r["name"], r["c_bp_group_id_identifier"]) for r in rows}
    if got != expected:
        raise DemoCheckFailed(f"written rows read back differ: expected {sorted(expected)}, got {sorted(got)}")
    result.read_back = rows
    result.rows["c_bpartner"] = table_count(cache, "c_bpartner")


def _read_rejects(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
