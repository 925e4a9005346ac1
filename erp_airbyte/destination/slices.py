"""Slice scheduling for one stream: run units of work on up to N workers, in input order where it matters.

A *slice* is a list of prepared records processed together on one worker thread (for ``StreamSink``:
the ERP's plan -- resolve, look up -- then write and account). Up to ``workers`` slices run at once (the client's
``max_in_flight`` still bounds the requests in flight), so one slice's lookups overlap another's batch
POSTs. The caller decides how many records a slice holds; the scheduler decides the order:

- keys are distinct within a slice (records are cut into *rounds* in which a key occurs once), and a
  slice waits for every earlier slice that holds one of its keys: the second record of a key must see
  the first one's row (only for keyed streams: ``append`` never looks rows up, the same key twice is two
  rows);
- a slice for which ``waits_for_all`` is true (it references its own table through an FK to resolve)
  waits for every earlier slice: rows created earlier in the run can be referenced later;
- the first failure of a slice is kept; slices not started yet are skipped, a dependent slice fails with
  its dependency, and ``wait_all`` raises that first failure once every started slice has finished
  (``start`` raises it too, so the caller stops reading input).

Slices started and not finished are bounded (``2 * workers``: a few ready beyond the running ones), so
``start`` blocks and memory stays flat. ``wait_all`` returns only when every started slice has its
outcome, which is what lets ``state_gate.py`` emit state unchanged.
"""
from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_futures
from typing import Any, Generic

from erp_airbyte.destination.protocols import R


class _Slice(Generic[R]):
    """Records processed together on one worker; ``after``: slices that must finish first."""

    __slots__ = ("recs", "after", "future", "first_seq")
    future: Future[None]  # set by ``SliceScheduler._submit`` as soon as the slice is submitted

    def __init__(self, recs: list[R], after: list[Future[None]]):
        self.recs = recs
        self.after = after
        self.first_seq = recs[0].seq


class _Skipped(Exception):
    """A slice not started because an earlier one failed (the run stops with that failure)."""


class SliceScheduler(Generic[R]):
    """Runs the slices of one stream on up to ``workers`` threads, in input order where keys or own-table
    references overlap, and propagates the first failure.

    Args:
        name: stream name (names the worker threads).
        workers: slices running at once.
        work: processes one slice on a worker thread (its keys are distinct).
        keyed: whether records of one ``group_key`` must apply in input order (every mode but ``append``).
        waits_for_all: whether a slice must wait for every earlier slice (it references its own table).
    """

    def __init__(self, name: str, workers: int, work: Callable[[list[R]], None], *, keyed: bool,
                 waits_for_all: Callable[[list[R]], bool]):
        self.name = name
        self.workers = workers
        self.keyed = keyed
        self._work = work
        self._waits_for_all = waits_for_all
        # slices started and not yet collected by ``wait_all`` (main thread only), and per key the latest one
        self._slices: deque[_Slice[R]] = deque()
        self._latest: dict[Any, _Slice[R]] = {}
        self._pool: ThreadPoolExecutor | None = None
        # bounds slices started and not finished: a few ready beyond the running ones, memory stays flat
        self._room = threading.BoundedSemaphore(2 * workers)
        self._failure: BaseException | None = None
        self._failure_lock = threading.Lock()

    # ---- caller (main thread) --------------------------------------------------------------------
    def start(self, recs: list[R], slice_size: int) -> None:
        """Cut ``recs`` into slices of at most ``slice_size`` and start them (blocks while too many are
        unfinished).

        Raises:
            an earlier slice's failure (after every started slice has finished): stop reading input.
        """
        if self._failure is not None:
            self.wait_all()  # raises
        for round_recs in self._rounds(recs):
            for i in range(0, len(round_recs), slice_size):
                self._submit(round_recs[i:i + slice_size])

    def wait_all(self) -> None:
        """Wait for every started slice, stop the workers, and raise the first failure (if any)."""
        if self._slices:
            wait_futures([s.future for s in self._slices])
        self._slices.clear()
        self._latest.clear()
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None
        with self._failure_lock:
            failure, self._failure = self._failure, None
        if failure is not None:
            raise failure

    def idle(self) -> bool:
        """No slice running."""
        return all(s.future.done() for s in self._slices)

    def oldest_seq(self) -> float:
        """The first record of the oldest slice still running (``inf`` when none is)."""
        return min((s.first_seq for s in self._slices if not s.future.done()), default=float("inf"))

    # ---- ordering --------------------------------------------------------------------------------
    def _rounds(self, recs: list[R]) -> list[list[R]]:
        """Split so that a key occurs once per round: the second record of a key must see the first's row."""
        if not self.keyed:
            return [recs]
        rounds: list[list[R]] = []
        seen: list[set[Any]] = []
        for rec in recs:
            key = rec.group_key
            for i, keys in enumerate(seen):
                if key not in keys:
                    keys.add(key)
                    rounds[i].append(rec)
                    break
            else:
                seen.append({key})
                rounds.append([rec])
        return rounds

    def _submit(self, recs: list[R]) -> None:
        if any(s.future.done() for s in self._slices):  # forget finished slices (and their keys)
            running: deque[_Slice[R]] = deque()
            for sl in self._slices:
                if not sl.future.done():
                    running.append(sl)
                elif self.keyed:
                    for rec in sl.recs:
                        if self._latest.get(rec.group_key) is sl:
                            del self._latest[rec.group_key]
            self._slices = running
        after: dict[int, Future[None]] = {}
        if self._waits_for_all(recs):
            after = {id(s): s.future for s in self._slices if not s.future.done()}
        sl = _Slice(recs, [])
        if self.keyed:
            for rec in recs:
                prev = self._latest.get(rec.group_key)
                if prev is not None and not prev.future.done():
                    after[id(prev)] = prev.future
                self._latest[rec.group_key] = sl
        sl.after = list(after.values())
        self._room.acquire()
        try:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix=f"slice-{self.name}")
            sl.future = self._pool.submit(self._run, sl)
        except BaseException:
            self._room.release()
            raise
        self._slices.append(sl)

    # ---- worker ----------------------------------------------------------------------------------
    def _run(self, sl: _Slice[R]) -> None:
        """Worker: wait for the slices it depends on, then do the work; keep the first failure."""
        try:
            for dep in sl.after:
                dep.result()  # a failed dependency fails this slice too (the run stops with the first error)
            if self._failure is not None:
                raise _Skipped()
            self._work(sl.recs)
        except BaseException as exc:
            with self._failure_lock:
                if self._failure is None and not isinstance(exc, _Skipped):
                    self._failure = exc
            raise
        finally:
            self._room.release()
