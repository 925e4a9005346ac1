"""windows.py: where a large table is cut, and that a merged parallel read never checkpoints past a
row it has not yielded yet (with fake windows, no ERP)."""
from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone

import pytest

from erp_airbyte.source.windows import (
    Window,
    WindowPage,
    contiguous_checkpoint,
    read_ranges,
    read_windows,
    split_bounds,
    split_key_range,
    split_parts,
)

T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)


@pytest.mark.parametrize(("rows", "page", "workers", "parts"), [
    (10_000, 100, 1, 0),     # one worker: nothing to gain
    (800, 100, 4, 0),        # 8 pages: not above the threshold
    (900, 100, 4, 4),        # 9 pages: at least one window per worker
    (10_000, 100, 4, 16),    # 100 pages: capped at 4 windows per worker
    (3_000, 100, 4, 7),      # 30 pages: windows of about 4 pages
])
def test_split_parts(rows, page, workers, parts):
    assert split_parts(rows, page, workers) == parts


def test_split_bounds_cuts_whole_seconds_evenly_and_never_more_parts_than_seconds():
    bounds = split_bounds(T0 + timedelta(microseconds=500), T0 + timedelta(seconds=10), 4)
    assert bounds[0] == T0 and bounds[-1] == T0 + timedelta(seconds=10)
    assert [b.microsecond for b in bounds] == [0] * len(bounds)
    assert len(bounds) == 5 and bounds == sorted(set(bounds))
    assert split_bounds(T0, T0 + timedelta(seconds=2), 10) == [T0, T0 + timedelta(seconds=1), T0 + timedelta(seconds=2)]


def test_split_key_range_covers_first_to_last():
    assert split_key_range(0, 100, 4) == [0, 25, 50, 75, 100]
    assert split_key_range(10, 12, 8) == [10, 11, 12]


def test_contiguous_checkpoint_is_the_earliest_unfinished_window_and_never_below_the_floor():
    assert contiguous_checkpoint([1, 5, 9], [True, False, False], upper=12) == 5
    assert contiguous_checkpoint([1, 5, 9], [False, True, True], upper=12) == 1
    assert contiguous_checkpoint([1, 5, 9], [True, True, True], upper=12) == 12
    assert contiguous_checkpoint([1, 5], [False, True], upper=12, floor=3) == 3
    assert contiguous_checkpoint([None], [False], upper=12, floor=3) == 3


def _window(start: int, end: int, per_page: int, gate: threading.Event | None = None) -> Window:
    """Rows start..end-1 (the row value is its checkpoint position), read ``per_page`` at a time."""

    def pages():
        for lo in range(start, end, per_page):
            hi = min(lo + per_page, end)
            if gate is not None and lo > start:
                assert gate.wait(10), "test window gate never opened"
            done = hi >= end
            yield WindowPage([{"v": v} for v in range(lo, hi)], end if done else hi, done, keys=list(range(lo, hi)))

    return Window(start, False, pages)


def test_read_windows_state_never_covers_a_row_not_yet_yielded():
    gate = threading.Event()
    # window 0 is slow (waits at its second page); windows 1 and 2 finish first
    windows = [_window(0, 10, 2, gate), _window(10, 20, 5), _window(20, 30, 5)]
    yielded: set[int] = set()
    states = []
    keys: set[int] = set()
    for batch in read_windows(windows, upper=30, floor=None, workers=3, state_at=lambda p: {"point": p},
                              emitted_keys=keys):
        yielded.update(r["v"] for r in batch.rows)
        if batch.state is not None:
            point = batch.state["point"]
            states.append(point)
            assert all(v in yielded for v in range(point)), f"state {point} covers rows not yet yielded"
        if len(yielded) >= 22:
            gate.set()
    assert yielded == set(range(30)) and keys == set(range(30))
    assert states == sorted(states) and max(states) < 30  # the final state is the caller's
    assert 2 in states  # the slow window still moved the point as it went


def test_read_windows_failure_of_one_window_reaches_the_caller():
    def broken():
        yield WindowPage([{"v": 1}], 1, False)
        raise RuntimeError("page 2 failed")

    windows = [Window(0, False, broken), _window(10, 20, 5)]
    with pytest.raises(RuntimeError, match="page 2 failed"):
        list(read_windows(windows, upper=20, floor=None, workers=2, state_at=lambda p: {"point": p}))


def test_read_ranges_yields_every_non_empty_page_once():
    ranges = [lambda: iter([[{"k": 1}, {"k": 2}], []]), lambda: iter([[{"k": 3}]])]
    batches = list(read_ranges(ranges, workers=2))
    assert sorted(r["k"] for b in batches for r in b.rows) == [1, 2, 3]
    assert all(b.rows and b.state is None for b in batches)
