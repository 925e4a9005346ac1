"""PyAirbyte drives both connectors against a live emulator: read into DuckDB, re-sync, write back.

This is the path a data person takes (``airbyte`` library + local DuckDB), and PyAirbyte's cache
lower-cases every column name, so the write-back also proves the destination matches field names
case-insensitively. The emulator's own database is the oracle for every count.
"""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from demo.idempiere.connectors import (
    connector_config,
    get_idempiere_destination,
    get_idempiere_source,
    stage_new_partners,
)
from demo.pyairbyte_io import duckdb_cache, rows_extracted_since, table_count

STREAMS = {"c_bpartner": "C_BPartner", "c_order": "C_Order", "c_orderline": "C_OrderLine"}


@pytest.fixture
def emu(emulator_factory):
    """A small emulator (30 orders) so the whole module runs in seconds."""
    return emulator_factory(rows=30)


def _db_count(emu, table: str) -> int:
    return int(emu.backend.sql(f"SELECT COUNT(*) FROM {table}")[0][0])


def test_read_into_duckdb_matches_the_emulator_and_a_second_read_is_incremental(emu, tmp_path: Path) -> None:
    cache = duckdb_cache(tmp_path / "read.duckdb")
    config = connector_config(emu.base_url)
    get_idempiere_source(config, list(STREAMS)).read(cache=cache)

    for stream, table in STREAMS.items():
        assert table_count(cache, stream) == _db_count(emu, table), stream
    columns = set(cache.streams["c_order"].to_sql_table().columns.keys())
    assert "isactive" in columns and "IsActive" not in columns  # PyAirbyte lower-cases column names
    assert {"id", "documentno", "c_bpartner_id", "c_bpartner_id_identifier", "updated"} <= columns

    touched = emu.backend.touch("C_Order", count=4)
    started = datetime.now(timezone.utc)
    get_idempiere_source(config, ["c_order"]).read(cache=cache)  # the state comes from the cache

    changed = rows_extracted_since(cache, "c_order", started)
    total = _db_count(emu, "C_Order")
    assert touched == 4
    assert touched <= changed < total, "the second read must be incremental and include every edit"
    assert table_count(cache, "c_order") == total  # merged on the primary key, not appended


def test_write_back_from_the_lower_cased_cache_creates_rows_with_identifier_fks_once(emu, tmp_path: Path) -> None:
    before = _db_count(emu, "C_BPartner")
    staging = duckdb_cache(tmp_path / "staging.duckdb")
    staged_read = get_idempiere_source(connector_config(emu.base_url), ["c_bpartner"]).read(
        cache=staging, force_full_refresh=True
    )
    staged = stage_new_partners(staging, 3, "PYAB-")
    assert len(staged) == 3
    assert all(isinstance(row["c_bp_group_id"], str) for row in staged)  # the FK travels as identifier text

    destination = get_idempiere_destination(
        connector_config(emu.base_url, reject_policy="fail", rejected_records_path=str(tmp_path / "rejects.jsonl"))
    )
    destination.write(staged_read, write_strategy="merge")  # append_dedup on id; no id = a new row
    assert _db_count(emu, "C_BPartner") == before + 3
    destination.write(staged_read, write_strategy="merge")  # the same input again: found by its _UU
    assert _db_count(emu, "C_BPartner") == before + 3
    written = emu.backend.sql(
        "SELECT bp.Value, bp.Name, g.Name FROM C_BPartner bp JOIN C_BP_Group g ON g.C_BP_Group_ID = bp.C_BP_Group_ID "
        "WHERE bp.Value LIKE 'PYAB-%' ORDER BY bp.Value"
    )
    assert [tuple(r) for r in written] == [(r["value"], r["name"], r["c_bp_group_id"]) for r in staged]
    assert not (tmp_path / "rejects.jsonl").exists() or not (tmp_path / "rejects.jsonl").read_text().strip()
