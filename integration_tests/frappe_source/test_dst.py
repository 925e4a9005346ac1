"""A DST-zone site (America/New_York): datetimes are exact across the spring-forward gap, and a cursor
taken in the first pass of the repeated fall-back hour does not skip rows saved in the second pass."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from frappe_emulator import FrappeEmulator, FrappeOptions
from integration_tests.frappe_source.helpers import catalog, config, control, db_rows, run

TODO = "ToDo"


def _at(emu, utc: str) -> None:
    control(emu, "clock", {"set": utc, "frozen": True})


def _instant(text: str):
    return lambda: datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


@pytest.mark.parametrize("version", ["14", "16"])
def test_fall_back_second_pass_rows_are_not_skipped_and_spring_forward_is_exact(version: str) -> None:
    with FrappeEmulator(FrappeOptions(rows=5, tz="America/New_York", version=version)) as emu:
        cfg = config(emu, lookback_window_seconds=300)
        cat = catalog(cfg, [TODO])
        names = sorted(db_rows(emu, TODO))
        # Spring forward 2026-03-08 02:00 EST -> 03:00 EDT: wall times on both sides convert exactly.
        _at(emu, "2026-03-08T06:59:59+00:00")
        control(emu, "touch", {"doctype": TODO, "names": [names[0]]})
        _at(emu, "2026-03-08T07:00:01+00:00")
        control(emu, "touch", {"doctype": TODO, "names": [names[1]]})
        # Fall back 2026-11-01 02:00 EDT -> 01:00 EST. First pass: 01:40 EDT; the sync runs at 01:45 EDT.
        _at(emu, "2026-11-01T05:40:00+00:00")
        control(emu, "touch", {"doctype": TODO, "names": [names[2]]})
        first = run(cfg, cat, now=_instant("2026-11-01T05:45:00"))
        by_name = {r["name"]: r for r in first.records[TODO]}
        assert by_name[names[0]]["modified"].startswith("2026-03-08T06:59:59")
        assert by_name[names[1]]["modified"].startswith("2026-03-08T07:00:01")
        assert by_name[names[2]]["modified"].startswith("2026-11-01T05:40:00")
        # Second pass: 01:10 EST is below the 01:45 cursor in wall time, but later in real time.
        _at(emu, "2026-11-01T06:10:00+00:00")
        control(emu, "touch", {"doctype": TODO, "names": [names[3]]})
        assert db_rows(emu, TODO)[names[3]]["modified"].startswith("2026-11-01 01:10:00")
        second = run(cfg, cat, first.final_state(), now=_instant("2026-11-01T06:20:00"))
        assert names[3] in second.names(TODO)
        # After the transition the look-back is the configured one again.
        _at(emu, "2026-11-01T06:50:00+00:00")
        control(emu, "touch", {"doctype": TODO, "names": [names[4]]})
        third = run(cfg, cat, second.final_state(), now=_instant("2026-11-01T07:30:00"))
        assert names[4] in third.names(TODO)  # (names[2] too: its wall time 01:40 repeats; a duplicate, not a loss)
