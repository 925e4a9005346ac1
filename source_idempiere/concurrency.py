"""Run one job per stream on worker threads and multiplex their messages into the caller's thread.

Hand-rolled on purpose: the CDK's ``AbstractSource.read`` reads streams one after another, and its
``ConcurrentSourceAdapter`` is experimental and built around date-slice cursors that do not express
the keyset/de-dup algorithm of ``cursor.py``. A job receives ``emit(batch)``; batches (one page of
records plus its state message) keep their internal order, so every STATE follows its records.

Back-pressure: the queue is bounded, so slow stdout slows the readers instead of filling memory.
Cancellation: when the consumer stops iterating (generator closed, e.g. the platform kills the
sync or a test cuts the stream), ``emit`` raises ``Cancelled`` in every job and the threads end.
"""
from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

Emit = Callable[[Sequence[Any]], None]
Job = Callable[[Emit], None]

_PUT_POLL_SECONDS = 0.1


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
        self.max_parallel = max(1, max_parallel)
        # Two pages per producer keep every worker busy while bounding memory to a few pages per job,
        # so peak memory does not grow with the table size (bench scenario 2).
        self.max_queued_batches = max(1, max_queued_batches or 2 * self.max_parallel)

    def run(self, jobs: Iterable[Job]) -> Iterator[Any]:
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

        pool = ThreadPoolExecutor(max_workers=min(self.max_parallel, len(job_list)), thread_name_prefix="idempiere-stream")
        try:
            for job in job_list:
                pool.submit(worker, job)
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
            pool.shutdown(wait=True, cancel_futures=True)
