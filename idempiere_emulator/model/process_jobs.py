"""Background jobs: a submitted run starts after a delay on a thread of its own (the plugin schedules it on
iDempiere's thread pool 1000 ms after answering). ``delay_ms`` (option ``job_delay_ms``, also changeable at
runtime) lets tests keep a job "processing" long enough to poll it, or finish it quickly."""
from __future__ import annotations

import sys
import threading
import traceback
from collections.abc import Callable
from typing import Any


class JobScheduler:
    """Starts scheduled callables after ``delay_ms``; ``finish`` runs every pending one now (tests, shutdown)."""

    def __init__(self, delay_ms: int) -> None:
        self.delay_ms = max(0, int(delay_ms))
        self._lock = threading.Lock()
        self._pending: dict[int, tuple[threading.Timer, Callable[[], Any]]] = {}
        self._seq = 0
        self._closed = False

    def schedule(self, job: Callable[[], Any]) -> None:
        with self._lock:
            if self._closed:
                return
            self._seq += 1
            key = self._seq
            timer = threading.Timer(self.delay_ms / 1000.0, self._fire, (key,))
            timer.daemon = True
            self._pending[key] = (timer, job)
        timer.start()

    def _fire(self, key: int) -> None:
        with self._lock:
            entry = self._pending.pop(key, None)
        if entry is not None:
            _run(entry[1])

    def pending(self) -> int:
        with self._lock:
            return len(self._pending)

    def finish(self) -> int:
        """Run every job not started yet, now, in this thread; returns how many ran."""
        with self._lock:
            entries = list(self._pending.values())
            self._pending.clear()
        for timer, job in entries:
            timer.cancel()
            _run(job)
        return len(entries)

    def close(self) -> None:
        """Drop jobs not started yet (the server is going away; their instances stay processing)."""
        with self._lock:
            self._closed = True
            entries = list(self._pending.values())
            self._pending.clear()
        for timer, _ in entries:
            timer.cancel()


def _run(job: Callable[[], Any]) -> None:
    try:
        job()
    except Exception:  # a bug in a job must not kill the timer thread silently
        traceback.print_exc(file=sys.stderr)
