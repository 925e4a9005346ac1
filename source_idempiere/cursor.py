"""Incremental and full-refresh scan planning: pure state machines, no I/O.

The stream asks a scan for the next ``PageRequest``, runs it, and hands the page back as
``(updated_second, key)`` pairs; the scan answers which rows to emit and where it is safe to resume.
Keeping this free of HTTP makes the no-loss rules (spec §3.5, §4.7, §6.3, §12) unit-testable.

Incremental algorithm (issue 4):
1. ``upper`` is frozen at stream start; ``lower`` = state cursor - look-back (or start_date, or none).
2. Main scan: ``Updated ge lower and Updated lt upper`` ordered by ``Updated,<Key>``.
3. Output timestamps are whole seconds while stored ones have milliseconds, so after a full page whose
   last row is in second ``t`` the next query restarts at ``Updated ge t`` (inclusive) and drops the
   rows of second ``t`` already emitted. A page lying entirely inside one second is *drained* by keyset
   on the key alone inside ``[t, t+1s)`` (stable while rows change), then the main scan resumes at
   ``t+1s``. Tables without any key drain that second with ``$skip`` instead.
4. After every page the checkpoint is the inclusive lower bound that is safe to resume from; at the
   end it is ``upper``.
"""
from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from erp_http.errors import PagingOrderError
from erp_http.timeutil import parse_utc

ONE_SECOND = timedelta(seconds=1)


def to_rfc3339(value: datetime) -> str:
    """UTC datetime -> ``YYYY-MM-DDTHH:MM:SSZ`` (the converter's output form, whole seconds)."""
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def truncate_second(value: datetime) -> datetime:
    return value.replace(microsecond=0)


@dataclass(frozen=True)
class PageRequest:
    """One collection request, expressed without filter syntax.

    Attributes:
        ge: inclusive lower bound on ``Updated`` (whole second, UTC) or None.
        lt: exclusive upper bound on ``Updated`` (whole second, UTC) or None (full refresh).
        by_key: order by the key alone (drain / full refresh) instead of ``Updated,<Key>``.
        key_gt: keyset position: only keys strictly greater (None = from the start).
        key_le: only keys less than or equal (None = no upper key bound).
        skip: ``$skip`` offset; only non-zero inside a frozen one-second window of a keyless table.
    """

    ge: datetime | None
    lt: datetime | None
    by_key: bool = False
    key_gt: Any = None
    skip: int = 0
    key_le: Any = None  # inclusive upper key bound (full-refresh key ranges read in parallel)


class IncrementalScan:
    """Plans the pages of one incremental stream read and de-duplicates inside a second.

    Args:
        lower: inclusive lower bound (already look-back adjusted), or None for all history.
        upper: exclusive upper bound frozen at stream start (whole second, UTC).
        page_size: effective page size; a page shorter than this ends the scan (or the drain).
        keyed: the table has a key usable for keyset paging (``_ID`` or ``_UU``); if False the
            caller passes a content hash as the key (de-dup only) and seconds are drained with ``$skip``.
        resume_floor: the cursor found in state; checkpoints never go below it (resuming from it
            already re-applies the look-back, so emitting less would only move state backwards).
    """

    def __init__(
        self,
        lower: datetime | None,
        upper: datetime,
        page_size: int,
        *,
        keyed: bool = True,
        resume_floor: datetime | None = None,
    ) -> None:
        if page_size < 1:
            raise ValueError("page_size must be >= 1")
        self.upper = truncate_second(upper)
        self.page_size = page_size
        self.keyed = keyed
        self._floor = resume_floor
        self._lower = truncate_second(lower) if lower is not None else None
        self._lower_s = to_rfc3339(self._lower) if self._lower is not None else None
        self._seen: set[Hashable] = set()  # keys already emitted whose second == _lower
        self._draining = False
        self._drain_last: Any = None
        self._skip = 0
        self.done = self._lower is not None and self._lower >= self.upper
        self.pages = 0

    # ---- planning -------------------------------------------------------------------------
    def next_request(self) -> PageRequest | None:
        """The next page to fetch, or None when the scan is complete."""
        if self.done:
            return None
        if self._draining:
            assert self._lower is not None
            end = min(self._lower + ONE_SECOND, self.upper)
            if self.keyed:
                return PageRequest(self._lower, end, by_key=True, key_gt=self._drain_last)
            return PageRequest(self._lower, end, skip=self._skip)
        return PageRequest(self._lower, self.upper)

    @property
    def position(self) -> datetime | None:
        """Current inclusive lower bound of the scan (the second being read or drained)."""
        return self._lower

    @property
    def checkpoint(self) -> datetime | None:
        """Inclusive lower bound from which a resumed read loses nothing (``upper`` once done)."""
        point = self.upper if self.done else self._lower
        if self._floor is not None and (point is None or point < self._floor):
            return self._floor
        return point

    # ---- page handling --------------------------------------------------------------------
    def accept(self, rows: Sequence[tuple[str, Hashable]]) -> list[int]:
        """Consume one page of ``(updated_rfc3339_second, key)`` rows; return indexes of rows to emit.

        Raises:
            PagingOrderError: the rows are not in the order that was requested.
        """
        self.pages += 1
        if self._draining:
            return self._accept_drain(rows)
        return self._accept_main(rows)

    def _accept_main(self, rows: Sequence[tuple[str, Hashable]]) -> list[int]:
        keep: list[int] = []
        lower_s, seen = self._lower_s, self._seen
        prev = lower_s or ""
        for i, (second, key) in enumerate(rows):
            if second < prev:
                raise PagingOrderError(f"rows out of Updated order ({second} after {prev})")
            prev = second
            if second == lower_s and key in seen:
                continue
            keep.append(i)
        if len(rows) < self.page_size:
            self.done = True
            return keep
        first_s, last_s = rows[0][0], rows[-1][0]
        t = parse_utc(last_s)
        if t >= self.upper:  # defensive: the server ignored the upper bound
            raise PagingOrderError(f"row at {last_s} is not before the frozen upper bound {to_rfc3339(self.upper)}")
        if first_s == last_s:
            # A whole page inside one second: keyset on (Updated, key) cannot move past it because the
            # filter only resolves whole seconds, so drain the second by key alone (stable under edits).
            if last_s != lower_s:
                seen = set()
            seen.update(rows[i][1] for i in keep)
            self._lower, self._lower_s, self._seen = t, last_s, seen
            self._draining, self._drain_last, self._skip = True, None, 0
        else:
            self._lower, self._lower_s = t, last_s
            self._seen = {key for second, key in rows if second == last_s}
        return keep

    def _accept_drain(self, rows: Sequence[tuple[str, Hashable]]) -> list[int]:
        seen = self._seen
        keep: list[int] = []
        last = self._drain_last
        for i, (_second, key) in enumerate(rows):
            if self.keyed:
                if last is not None and not key > last:
                    raise PagingOrderError(f"keys out of order in drain ({key!r} after {last!r})")
                last = key
            if key in seen:
                continue
            seen.add(key)
            keep.append(i)
        self._drain_last = last
        self._skip += len(rows)
        if len(rows) < self.page_size:
            assert self._lower is not None
            self._draining = False
            self._lower = self._lower + ONE_SECOND
            self._lower_s = to_rfc3339(self._lower)
            self._seen = set()
            self.done = self._lower >= self.upper
        return keep


class KeysetScan:
    """Full refresh: ``<Key> gt last`` ordered by the key (stable under concurrent edits, §12).

    Tables without a usable key fall back to ``$skip`` paging (documented as not stable under edits).
    """

    def __init__(self, page_size: int, *, keyed: bool = True, start: Any = None, upper: Any = None) -> None:
        if page_size < 1:
            raise ValueError("page_size must be >= 1")
        self.page_size = page_size
        self.keyed = keyed
        self._last: Any = start
        self.upper = upper  # inclusive key bound of this range; None = open (rows inserted meanwhile)
        self._skip = 0
        self.done = False
        self.pages = 0

    @property
    def position(self) -> Any:
        """Last key read (keyset position)."""
        return self._last

    def next_request(self) -> PageRequest | None:
        if self.done:
            return None
        if self.keyed:
            return PageRequest(None, None, by_key=True, key_gt=self._last, key_le=self.upper)
        return PageRequest(None, None, by_key=True, skip=self._skip)

    def accept(self, keys: Sequence[Any]) -> None:
        """Consume one page's keys (in order).

        Raises:
            PagingOrderError: keys not strictly ascending (the server dropped the ``$orderby``).
        """
        self.pages += 1
        if self.keyed:
            last = self._last
            for key in keys:
                if last is not None and not key > last:
                    raise PagingOrderError(f"keys out of order ({key!r} after {last!r})")
                last = key
            self._last = last
        self._skip += len(keys)
        if len(keys) < self.page_size:
            self.done = True
