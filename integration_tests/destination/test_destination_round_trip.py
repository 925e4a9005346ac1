"""Round trip: what source-idempiere reads (flatten and object FK modes) written back into a fresh emulator
by destination-idempiere; reading the target back gives the same business data.

The source runs in-process (``integration_tests.source.helpers.run_read``). The target is a fresh
emulator with the same master data and no documents, so orders and lines are inserted (with ids the
target assigns) while partners are matched by Value and left unchanged. Lines reference their order by
the source's flattened pair / lookup object; the order's id differs in the target, so this also proves
that composite identifiers (``DocumentNo_DateOrdered_GrandTotal``) resolve.
"""
from __future__ import annotations

from typing import Any

import pytest

from integration_tests.destination.helpers import GENERATION_IDS, GENERATIONS, catalog, counts, record, write
from integration_tests.source.helpers import config as source_config
from integration_tests.source.helpers import records, run_read

STREAMS = {"c_bpartner": "Value", "c_order": "DocumentNo", "c_orderline": "uid"}
# Not business data: audit columns and ids the target assigns itself; Processed is set by document processing
# (use doc_action to complete documents), never copied.
IGNORED = {"id", "Created", "Updated", "CreatedBy", "UpdatedBy", "Processed"}
TARGET_ASSIGNED = {"c_bpartner": {"uid"}, "c_order": {"uid"}, "c_orderline": {"C_Order_ID"}}


def read_all(emu, mode: str) -> dict[str, list[dict]]:
    out = run_read(source_config(emu, foreign_keys=mode), list(STREAMS), incremental=False)
    return {s: records(out, s) for s in STREAMS}


def business(stream: str, row: dict[str, Any]) -> dict[str, Any]:
    """Comparable content: ignored columns removed; an FK whose id the target assigns compared by identifier."""
    skip = IGNORED | TARGET_ASSIGNED[stream]
    out = {}
    for name, value in row.items():
        base = name[: -len("_identifier")] if name.endswith("_identifier") else name
        if base in IGNORED:
            continue
        if name in skip and not name.endswith("_identifier"):
            if isinstance(value, dict):  # object mode: keep the identifier, drop the id
                out[name] = value.get("identifier")
            continue
        if isinstance(value, dict) and "propertyLabel" in value:
            value = {k: v for k, v in value.items() if k != "id" or name not in skip}
        out[name] = value
    return out


def by_key(stream: str, rows: list[dict]) -> dict[Any, dict]:
    return {row[STREAMS[stream]]: business(stream, row) for row in rows}


@pytest.mark.parametrize("mode", ["flatten", "object"])
@pytest.mark.parametrize("legacy", GENERATIONS, ids=GENERATION_IDS)
def test_records_read_by_the_source_round_trip_into_a_fresh_emulator(emulator_factory, legacy, mode) -> None:
    source = emulator_factory(rows=6, legacy=legacy)
    target = emulator_factory(rows=0, legacy=legacy)
    read = read_all(source, mode)
    assert all(read.values()), {s: len(v) for s, v in read.items()}
    messages = [record(stream, row) for stream in STREAMS for row in read[stream]]
    cat = catalog(*[(s, "append_dedup", [k]) for s, k in STREAMS.items()])
    _, dest = write(target, cat, messages, reject_policy="fail")
    assert counts(dest, "c_order")["inserted"] == len(read["c_order"])
    assert counts(dest, "c_orderline")["inserted"] == len(read["c_orderline"])
    assert counts(dest, "c_bpartner")["unchanged"] == len(read["c_bpartner"])

    back = read_all(target, mode)
    for stream in STREAMS:
        assert by_key(stream, back[stream]) == by_key(stream, read[stream]), stream

    _, again = write(target, cat, messages, reject_policy="fail")  # a rerun is a no-op
    assert {s: counts(again, s)["unchanged"] for s in STREAMS} == {s: len(read[s]) for s in STREAMS}
