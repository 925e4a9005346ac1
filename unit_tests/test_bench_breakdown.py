"""The shared per-record CPU breakdown (bench/breakdown.py) times the right steps over every record (no timing is
asserted: only which steps are there, what is counted and how the totals are made)."""
from __future__ import annotations

import json
from typing import Any

import pytest

from bench.breakdown import JSON_FLOOR, ORJSON_FLOOR, FloorCodec, breakdown, format_breakdown

BODIES = [
    json.dumps({"data": [{"name": "A-1", "qty": 1.5}, {"name": "A-2", "qty": 2}]}).encode(),
    json.dumps({"data": [{"name": "A-3", "qty": None}]}).encode(),
]
SOURCE_STEPS = ["parse page (orjson.loads)", "RecordConverter.convert", "record_page (a page's RECORD lines)",
                "write a page via PrintBuffer"]
NOT_TAKEN = ["AirbyteMessage construction", "entrypoint record counting",
             "AirbyteMessageSerializer.dump (serpyco-rs)", "orjson.dumps + decode", "print a line via PrintBuffer"]


@pytest.mark.parametrize("floor", [JSON_FLOOR, ORJSON_FLOOR], ids=["json", "orjson"])
def test_breakdown_times_every_record_of_every_page_on_each_path(floor: FloorCodec) -> None:
    converted: list[dict[str, Any]] = []

    def convert(row: dict[str, Any]) -> dict[str, Any]:
        converted.append(row)
        return dict(row, extra=True)

    data = breakdown(BODIES, lambda body: body["data"], convert, "Sales Order", floor)

    assert data["records"] == 3
    assert {r["name"] for r in converted} == {"A-1", "A-2", "A-3"}
    assert (data["fields_in"], data["fields_out"]) == (2.0, 3.0)
    assert data["bytes_per_record_in"] == round(sum(len(b) for b in BODIES) / 3)
    assert list(data["source_us"]) == SOURCE_STEPS
    assert list(data["not_taken_cdk_path_us"]) == NOT_TAKEN
    assert list(data["floor_us"]) == [f"parse page ({floor.name}.loads)", f"{floor.name}.dumps", "write line"]
    # the totals are the path's own steps: the not-taken CDK path is beside them, never in them
    assert data["source_total_us"] == pytest.approx(sum(data["source_us"].values()), abs=0.03)
    assert data["floor_total_us"] == pytest.approx(sum(data["floor_us"].values()), abs=0.02)
    assert all(v >= 0 for part in ("source_us", "floor_us", "not_taken_cdk_path_us") for v in data[part].values())
    text = format_breakdown(data, "Sales Order")
    assert "over 3 Sales Order records" in text
    assert all(step in text for step in [*SOURCE_STEPS, *NOT_TAKEN])


def test_breakdown_of_pages_without_records_says_which_stream() -> None:
    with pytest.raises(RuntimeError, match="Sales Order has no rows"):
        breakdown([b'{"data": []}'], lambda body: body["data"], dict, "Sales Order", ORJSON_FLOOR)


def test_totals_add_up_the_path_steps_only(monkeypatch: pytest.MonkeyPatch) -> None:
    timed: list[int] = []

    def one_us(fn: Any, n: int) -> float:  # every step "costs" 1 µs a record: the totals count steps
        fn()
        timed.append(n)
        return 1.0

    monkeypatch.setattr("bench.breakdown._per_record", one_us)
    data = breakdown(BODIES, lambda body: body["data"], lambda row: row, "Sales Order", JSON_FLOOR)

    assert timed == [3] * (len(SOURCE_STEPS) + len(NOT_TAKEN) + 3)  # every step over all 3 records
    assert data["source_total_us"] == len(SOURCE_STEPS)  # 4, not 9: the CDK path is not in the total
    assert data["floor_total_us"] == 3
