"""Run one job per stream on worker threads and multiplex their messages into the caller's thread.

Hand-rolled on purpose: the CDK's ``AbstractSource.read`` reads streams one after another, and its
``ConcurrentSourceAdapter`` is experimental and built around date-slice cursors that do not express
the keyset/de-dup algorithms of the ERP table readers. A job receives ``emit(batch)``; batches (one
page of records plus its state message) keep their internal order, so every STATE follows its records.
The same pump also reads the windows of one large table in parallel (``windows.py``).

Back-pressure: the queue is bounded, so slow stdout slows the readers instead of filling memory.
Cancellation: when the consumer stops iterating (generator closed, e.g. the platform kills the
sync or a test cuts the stream), ``emit`` raises ``Cancelled`` in every job and the threads end.
"""
from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Generator, Iterable, Sequence
from typing import Any

Emit = Callable[[Sequence[Any]], None]
Job = Callable[[Emit], None]

_PUT_POLL_SECONDS = 0.1
_JOIN_SECONDS = 5.0


class Cancelled(Exception):
    """Raised inside a job's ``emit`` when the consumer has gone away."""


class _Done:
    __slots__ = ()


class _Crash:
    __slots__ = ("exc",)

    def __init__(self, exc: BaseException) -> None:
        self.exc = exc


_DONE = _Done()


class StreamPump:
    """Runs jobs with at most ``max_parallel`` at a time; yields their batches' items in order per job.

    Jobs must report their own (expected) failures as messages; an exception escaping a job is a bug
    and is re-raised in the consumer's thread after the other jobs are cancelled.
    """

    def __init__(self, max_parallel: int, max_queued_batches: int | None = None) -> None:
        """Bound the jobs running at once and the batches queued for the consumer."""
        self.max_parallel = max(1, max_parallel)
        # Two pages per producer keep every worker busy while bounding memory to a few pages per job,
        # so peak memory does not grow with the table size (bench scenario 2).
        self.max_queued_batches = max(1, max_queued_batches or 2 * self.max_parallel)

    def run(self, jobs: Iterable[Job]) -> Generator[Any, None, None]:
        """Run ``jobs``; yield the items of their batches (closing the iterator cancels the jobs)."""
        job_list = list(jobs)
        if not job_list:
            return
        q: queue.Queue[Any] = queue.Queue(maxsize=self.max_queued_batches)
        stop = threading.Event()

        def put(item: Any) -> None:
            while True:
                if stop.is_set():
                    raise Cancelled()
                try:
                    q.put(item, timeout=_PUT_POLL_SECONDS)
                    return
                except queue.Full:
                    continue

        def emit(batch: Sequence[Any]) -> None:
            if batch:
                put(batch)

        def worker(job: Job) -> None:
            try:
                if stop.is_set():
                    return
                job(emit)
            except Cancelled:
                return
            except BaseException as exc:  # noqa: BLE001 - forwarded to the consumer thread
                try:
                    put(_Crash(exc))
                except Cancelled:
                    return
            finally:
                try:
                    put(_DONE)
                except Cancelled:
                    pass

        # Daemon threads, not a ThreadPoolExecutor: if the consumer dies without closing this generator
        # (e.g. a broken stdout pipe), executor threads blocked on the queue would be joined at
        # interpreter exit and hang the process; daemon threads simply end with it.
        pending: queue.SimpleQueue[Job] = queue.SimpleQueue()
        for job in job_list:
            pending.put(job)

        def loop() -> None:
            while not stop.is_set():
                try:
                    job = pending.get_nowait()
                except queue.Empty:
                    return
                worker(job)

        threads = [threading.Thread(target=loop, name=f"read-worker-{i}", daemon=True)
                   for i in range(min(self.max_parallel, len(job_list)))]
        try:
            for thread in threads:
                thread.start()
            remaining = len(job_list)
            while remaining:
                item = q.get()
                if item is _DONE:
                    remaining -= 1
                elif isinstance(item, _Crash):
                    raise item.exc
                else:
                    yield from item
        finally:
            stop.set()
            while True:  # unblock producers waiting on a full queue
                try:
                    q.get_nowait()
                except queue.Empty:
                    break
            for thread in threads:
                # producers notice `stop` within one poll; one busy in a request ends on its own later
                thread.join(timeout=_JOIN_SECONDS)
