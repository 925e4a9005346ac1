"""Stored time text and the controllable clock an emulator stamps writes with."""
from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

import pytest

from erp_emulator.clock import UTC, Clock, epoch_text, later_than, local_to_stored, now_text, parse_stored, utc_text


def test_stored_text_round_trips_with_milliseconds() -> None:
    dt = datetime(2024, 1, 2, 3, 4, 5, 678_900, tzinfo=UTC)
    assert utc_text(dt) == "2024-01-02 03:04:05.678"
    assert parse_stored("2024-01-02 03:04:05.678") == dt.replace(microsecond=678_000)
    assert parse_stored("2024-01-02 03:04:05") == dt.replace(microsecond=0)
    assert epoch_text(0, 7) == "1970-01-01 00:00:00.007"


def test_local_wall_time_is_stored_as_utc_across_a_dst_change() -> None:
    assert local_to_stored(datetime(2024, 7, 1, 12, 0), "Europe/Berlin") == "2024-07-01 10:00:00.000"
    assert local_to_stored(datetime(2024, 1, 1, 12, 0), "Europe/Berlin") == "2024-01-01 11:00:00.000"
    assert local_to_stored(datetime(2024, 1, 1, 12, 0), "UTC") == "2024-01-01 12:00:00.000"


def test_later_than_is_strictly_after_even_within_one_millisecond() -> None:
    clock = Clock()
    clock.set(datetime(2024, 5, 1, 0, 0, 0, 500_000, tzinfo=UTC), frozen=True)
    assert now_text(clock) == "2024-05-01 00:00:00.500"
    assert later_than(None, clock) == "2024-05-01 00:00:00.500"
    assert later_than("2024-05-01 00:00:00.500", clock) == "2024-05-01 00:00:00.501"
    assert later_than("2024-05-01 00:00:00.400", clock) == "2024-05-01 00:00:00.500"


def test_the_wall_clock_is_the_default() -> None:
    before = utc_text(datetime.now(timezone.utc) - timedelta(seconds=1))
    assert before < now_text() <= utc_text(datetime.now(timezone.utc) + timedelta(seconds=1))


def test_a_set_clock_runs_on_and_advances_and_resets() -> None:
    clock = Clock()
    start = datetime(2030, 1, 1, tzinfo=UTC)
    clock.set(start)
    first = clock.now()
    assert timedelta(0) <= first - start < timedelta(seconds=5)
    clock.advance(3600)
    assert clock.now() - first >= timedelta(hours=1)
    clock.reset()
    assert abs(clock.time() - time.time()) < 5


def test_a_frozen_clock_stands_still_until_advanced() -> None:
    clock = Clock()
    clock.set(datetime(2024, 3, 31, 1, 59, 59, tzinfo=UTC), frozen=True)
    assert clock.time() == clock.time() and clock.as_dict()["frozen"] is True
    clock.advance(-60)
    assert clock.now() == datetime(2024, 3, 31, 1, 58, 59, tzinfo=UTC)
    with pytest.raises(ValueError, match="aware"):
        clock.set(datetime(2024, 1, 1))
