"""Per-stream progress lines, so a person watching a long sync can follow it.

A line is produced when the stream starts, every ``every_records`` records or ``every_seconds``
seconds (whichever comes first, checked once per page, so the cost is per page, not per record),
and when it finishes with its status.
"""
from __future__ import annotations

import time
from collections.abc import Callable


class StreamProgress:
    """Counts records of one stream and decides when to report.

    Args:
        stream: stream name.
        every_records: report at least this often in records.
        every_seconds: report at least this often in seconds.
        clock: monotonic time source (injectable for tests).
    """

    def __init__(
        self,
        stream: str,
        *,
        every_records: int = 50_000,
        every_seconds: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Start counting now."""
        self.stream = stream
        self.every_records = every_records
        self.every_seconds = every_seconds
        self._clock = clock
        self.started = clock()
        self.records = 0
        self.pages = 0
        self._last_report_at = self.started
        self._last_report_records = 0

    def start_line(self, mode: str, detail: str = "") -> str:
        """``Stream <name>: started (<mode>, <detail>)``."""
        return f"Stream {self.stream}: started ({mode}{', ' + detail if detail else ''})"

    def add_page(self, records: int) -> str | None:
        """Count one page; return a progress line when one is due."""
        self.records += records
        self.pages += 1
        now = self._clock()
        if (
            self.records - self._last_report_records >= self.every_records
            or now - self._last_report_at >= self.every_seconds
        ):
            self._last_report_at, self._last_report_records = now, self.records
            return f"Stream {self.stream}: {self.records} records so far ({self.rate(now):.0f} records/s, {self.pages} pages)"
        return None

    def rate(self, now: float | None = None) -> float:
        """Records per second since the start."""
        elapsed = (now if now is not None else self._clock()) - self.started
        return self.records / elapsed if elapsed > 0 else 0.0

    def finish_line(self, status: str) -> str:
        """``Stream <name>: <status> - <n> records in <s> s (...)``."""
        elapsed = self._clock() - self.started
        return (
            f"Stream {self.stream}: {status} - {self.records} records in {elapsed:.1f} s "
            f"({self.rate():.0f} records/s, {self.pages} pages)"
        )
