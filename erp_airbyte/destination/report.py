"""Per-stream outcome counts, progress lines while writing, and the summary at the end."""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, fields

PROGRESS_EVERY_SECONDS = 10.0


@dataclass
class StreamCounts:
    """What happened to the records of one stream (``would_*`` only in dry runs)."""

    received: int = 0
    inserted: int = 0
    updated: int = 0
    deactivated: int = 0
    unchanged: int = 0
    rejected: int = 0
    would_insert: int = 0
    would_update: int = 0
    would_deactivate: int = 0

    @property
    def done(self) -> int:
        """Records with a final outcome (committed, unchanged, rejected, or a dry-run verdict)."""
        return sum(getattr(self, f.name) for f in fields(self) if f.name != "received")

    def as_dict(self) -> dict[str, int]:
        """Every counter by name."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


class Report:
    """Thread-safe counters plus rate-limited progress logging.

    Args:
        logger: destination logger.
        dry_run: the summary says "dry run" and lists would-be counts.
        clock: injectable monotonic clock (tests).
    """

    def __init__(self, logger: logging.Logger, dry_run: bool = False,
                 clock: Callable[[], float] = time.monotonic):
        self.logger = logger
        self.dry_run = dry_run
        self.streams: dict[str, StreamCounts] = {}
        self._clock = clock
        self._start = clock()
        self._last_log = self._start
        self._lock = threading.Lock()

    def counts(self, stream: str) -> StreamCounts:
        """The counters of ``stream`` (created on first use)."""
        with self._lock:
            return self.streams.setdefault(stream, StreamCounts())

    def add(self, stream: str, outcome: str, n: int = 1) -> None:
        """Add ``n`` to ``outcome`` (a ``StreamCounts`` field) of ``stream``."""
        with self._lock:
            counts = self.streams.get(stream)
            if counts is None:
                counts = self.streams[stream] = StreamCounts()
            setattr(counts, outcome, getattr(counts, outcome) + n)

    def progress(self, force: bool = False) -> None:
        """Log records so far and the rate, at most every ``PROGRESS_EVERY_SECONDS``."""
        now = self._clock()
        if not force and now - self._last_log < PROGRESS_EVERY_SECONDS:
            return
        self._last_log = now
        with self._lock:
            received = sum(c.received for c in self.streams.values())
            done = sum(c.done for c in self.streams.values())
        elapsed = max(now - self._start, 1e-6)
        self.logger.info(
            "Progress: %d records received, %d with a final outcome, %.1f records/s", received, done, done / elapsed
        )

    def totals(self) -> StreamCounts:
        """The sum over every stream."""
        total = StreamCounts()
        with self._lock:
            for counts in self.streams.values():
                for f in fields(StreamCounts):
                    setattr(total, f.name, getattr(total, f.name) + getattr(counts, f.name))
        return total

    def log_summary(self) -> None:
        """One line per stream, then the totals (the issue's "reporting" requirement)."""
        prefix = "Dry run (nothing written)" if self.dry_run else "Write summary"
        keys = (
            ("would_insert", "would_update", "would_deactivate", "unchanged", "rejected")
            if self.dry_run
            else ("inserted", "updated", "deactivated", "unchanged", "rejected")
        )
        with self._lock:
            items = sorted(self.streams.items())
        for stream, counts in items:
            detail = ", ".join(f"{k}={getattr(counts, k)}" for k in keys)
            self.logger.info("%s: stream %s: received=%d, %s", prefix, stream, counts.received, detail)
        total = self.totals()
        elapsed = max(self._clock() - self._start, 1e-6)
        self.logger.info(
            "%s: total received=%d, %s (%.1f records/s)",
            prefix, total.received, ", ".join(f"{k}={getattr(total, k)}" for k in keys), total.done / elapsed,
        )
