"""Reading one large table as parallel windows without ever checkpointing past an unread row.

A reader that finds a table large (its first page reports many pages) may cut the rest into
consecutive windows -- time ranges of the cursor, or key ranges -- and read them on the stream pump.
What is generic, and lives here:

* how many parts are worth it (``split_parts``) and where to cut evenly (``split_bounds`` in whole
  seconds, ``split_key_range`` in integers);
* merging incremental windows (``read_windows``): rows are passed on as they arrive, and the state
  only moves to ``contiguous_checkpoint`` -- the resume point of the earliest unfinished window --
  computed from what has been *yielded*, never from the windows themselves (they run ahead in other
  threads), so a state never covers a row that is still queued;
* merging full-refresh ranges (``read_ranges``), which carry no state.

How a window reads its pages (requests, cursor rules) stays with the ERP's reader.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from erp_airbyte.source.read_ahead import closed_after
from erp_airbyte.source.stream_pump import Emit, Job, StreamPump
from erp_airbyte.source.table_reader import Batch

SPLIT_MIN_PAGES = 8  # split a table into parallel windows only above this many pages
WINDOWS_PER_WORKER = 4  # more windows than workers balances uneven distributions
MIN_PAGES_PER_WINDOW = 4  # every window ends with one short page, so keep windows a few pages long


def split_parts(row_count: int, page_size: int, workers: int) -> int:
    """How many windows to cut a table of ``row_count`` rows into; 0 when splitting would not help."""
    if workers < 2 or (row_count or 0) <= SPLIT_MIN_PAGES * page_size:
        return 0
    pages = row_count // max(1, page_size)
    return min(workers * WINDOWS_PER_WORKER, max(workers, pages // MIN_PAGES_PER_WINDOW))


def split_bounds(start: datetime, upper: datetime, parts: int) -> list[datetime]:
    """Whole-second boundaries ``start = b0 < b1 < ... < bn = upper`` cutting ``[start, upper)`` evenly in time."""
    start, upper = start.replace(microsecond=0), upper.replace(microsecond=0)
    seconds = int((upper - start).total_seconds())
    parts = max(1, min(parts, seconds))
    bounds = [start + timedelta(seconds=(seconds * i) // parts) for i in range(parts)] + [upper]
    return sorted(set(bounds))


def split_key_range(first: int, last: int, parts: int) -> list[int]:
    """Integer boundaries ``first = b0 < b1 < ... < bn = last`` cutting ``(first, last]`` evenly."""
    span = last - first
    parts = max(1, min(parts, span))
    return sorted({first + (span * i) // parts for i in range(parts)} | {last})


def contiguous_checkpoint(checkpoints: Sequence[Any], done: Sequence[bool], upper: Any, floor: Any = None) -> Any:
    """Safe resume point of consecutive windows read in parallel: the checkpoint of the earliest window
    that is not complete (every earlier window is), or ``upper`` when all are; never below ``floor``."""
    point = upper
    for cp, finished in zip(checkpoints, done, strict=True):
        if not finished:
            point = cp
            break
    if floor is not None and (point is None or point < floor):
        return floor
    return point


@dataclass(frozen=True)
class WindowPage:
    """One page read inside a window: its rows, and the window's resume point and completion after it.

    ``keys`` are the rows' keys, collected by ``read_windows`` for a reader that tracks what it emitted.
    """

    rows: list[dict[str, Any]]
    checkpoint: Any
    done: bool
    keys: Sequence[Any] = ()


@dataclass(frozen=True)
class Window:
    """One consecutive part of an incremental read: where it stands before reading, and its pages."""

    checkpoint: Any
    done: bool
    pages: Callable[[], Iterable[WindowPage]]


def read_windows(windows: Sequence[Window], *, upper: Any, floor: Any, workers: int,
                 state_at: Callable[[Any], dict[str, Any] | None],
                 emitted_keys: set[Any] | None = None) -> Iterator[Batch]:
    """Read consecutive windows in parallel; yield their rows with the state of the contiguous point.

    A state follows every batch of rows and every move of the point; once every window is complete no
    state is yielded (the caller emits the final one). ``state_at(point)`` renders a point as state.
    """
    checkpoints = [w.checkpoint for w in windows]
    done = [w.done for w in windows]

    def job_for(index: int) -> Job:
        def job(emit: Emit) -> None:
            window = windows[index]
            checkpoint = window.checkpoint
            with closed_after(window.pages()) as pages:
                for page in pages:
                    checkpoint = page.checkpoint
                    emit([(index, page)])
            emit([(index, WindowPage([], checkpoint, True))])
        return job

    last_point = contiguous_checkpoint(checkpoints, done, upper, floor)
    with closing(StreamPump(workers).run([job_for(i) for i in range(len(windows))])) as items:
        for index, page in items:
            checkpoints[index], done[index] = page.checkpoint, page.done
            if emitted_keys is not None:
                emitted_keys.update(page.keys)
            if all(done):
                yield Batch(page.rows)  # the caller emits the final state
                continue
            point = contiguous_checkpoint(checkpoints, done, upper, floor)
            if page.rows or point != last_point:  # a state after every page with rows, or when the point moves
                last_point = point
                yield Batch(page.rows, state_at(point))


def read_ranges(ranges: Sequence[Callable[[], Iterable[list[dict[str, Any]]]]], *, workers: int) -> Iterator[Batch]:
    """Read full-refresh ranges in parallel (each yields pages of rows); yield every non-empty page."""

    def job_for(pages: Callable[[], Iterable[list[dict[str, Any]]]]) -> Job:
        def job(emit: Emit) -> None:
            with closed_after(pages()) as page_rows:
                for rows in page_rows:
                    emit([rows])
        return job

    with closing(StreamPump(workers).run([job_for(r) for r in ranges])) as items:
        for rows in items:
            if rows:
                yield Batch(rows)
