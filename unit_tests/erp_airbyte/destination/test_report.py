"""The write report: per-stream summary lines and totals, dry-run wording."""
from __future__ import annotations

import logging

import pytest

from erp_airbyte.destination.report import Report


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize("dry_run", [False, True])
def test_summary_lines_per_stream_then_totals(dry_run: bool, caplog) -> None:
    clock = Clock()
    report = Report(logging.getLogger("r"), dry_run=dry_run, clock=clock)
    report.add("b", "received", 3)
    report.add("b", "would_insert" if dry_run else "inserted", 2)
    report.add("b", "rejected")
    report.add("a", "received")
    report.add("a", "unchanged")
    clock.now += 2.0
    with caplog.at_level(logging.INFO, logger="r"):
        report.log_summary()
    lines = [r.getMessage() for r in caplog.records]
    if dry_run:
        assert lines == [
            "Dry run (nothing written): stream a: received=1, would_insert=0, would_update=0, would_deactivate=0, "
            "unchanged=1, rejected=0",
            "Dry run (nothing written): stream b: received=3, would_insert=2, would_update=0, would_deactivate=0, "
            "unchanged=0, rejected=1",
            "Dry run (nothing written): total received=4, would_insert=2, would_update=0, would_deactivate=0, "
            "unchanged=1, rejected=1 (2.0 records/s)"]
    else:
        assert lines == [
            "Write summary: stream a: received=1, inserted=0, updated=0, deactivated=0, unchanged=1, rejected=0",
            "Write summary: stream b: received=3, inserted=2, updated=0, deactivated=0, unchanged=0, rejected=1",
            "Write summary: total received=4, inserted=2, updated=0, deactivated=0, unchanged=1, rejected=1 "
            "(2.0 records/s)"]


def test_progress_is_rate_limited(caplog) -> None:
    clock = Clock()
    report = Report(logging.getLogger("r"), clock=clock)
    report.add("a", "received", 10)
    report.add("a", "inserted", 10)
    with caplog.at_level(logging.INFO, logger="r"):
        clock.now += 5
        report.progress()
        clock.now += 5
        report.progress()
        report.progress()
    assert [r.getMessage() for r in caplog.records] == [
        "Progress: 10 records received, 10 with a final outcome, 1.0 records/s"]
