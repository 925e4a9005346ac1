"""The site clock: ``now()`` is the System Settings time zone's wall time, naive, with microseconds
(``frappe.utils.now_datetime``, spec §7.1). Tests move it (set/advance/freeze) through control endpoints.

A DST zone repeats an hour when clocks go back, exactly as on a real site; every call still returns a
value strictly after the previous one unless the clock was set backwards on purpose.
"""
from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

UTC = timezone.utc
FMT = "%Y-%m-%d %H:%M:%S.%f"


def zone(name: str):
    return UTC if name in ("UTC", "Z", "") else ZoneInfo(name)


class Clock:
    def __init__(self, tz: str):
        self.tz = tz
        self._zone = zone(tz)
        self._offset = 0.0  # seconds added to the real clock
        self._frozen: float | None = None  # a fixed epoch when frozen
        self._last = 0.0
        self._lock = threading.Lock()

    def set_tz(self, tz: str) -> None:
        self._zone = zone(tz)
        self.tz = tz

    def epoch(self) -> float:
        """Now as epoch seconds, strictly increasing by at least 1 µs between calls (frozen: fixed)."""
        with self._lock:
            if self._frozen is not None:
                return self._frozen
            t = time.time() + self._offset
            if t <= self._last:
                t = self._last + 1e-6
            self._last = t
            return t

    def now(self) -> datetime:
        """Site-local naive wall time with microseconds."""
        return datetime.fromtimestamp(round(self.epoch(), 6), self._zone).replace(tzinfo=None)

    def now_text(self) -> str:
        return self.now().strftime(FMT)

    def today(self) -> str:
        return self.now().strftime("%Y-%m-%d")

    # ---- control ----------------------------------------------------------------------------
    def set(self, when: datetime, freeze: bool = False) -> None:
        """Jump to ``when`` (aware, or naive = site-local) and keep running from there (or freeze)."""
        if when.tzinfo is None:
            when = when.replace(tzinfo=self._zone)
        target = when.timestamp()
        with self._lock:
            self._offset = target - time.time()
            self._last = target - 1e-6
            self._frozen = target if freeze else None

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._offset += seconds
            if self._frozen is not None:
                self._frozen += seconds

    def unfreeze(self) -> None:
        with self._lock:
            if self._frozen is not None:
                self._offset = self._frozen - time.time()
                self._frozen = None

    def state(self) -> dict:
        return {"now": self.now_text() if self._frozen is None else
                datetime.fromtimestamp(self._frozen, self._zone).replace(tzinfo=None).strftime(FMT),
                "time_zone": self.tz, "frozen": self._frozen is not None}


def local_from_epoch(epoch: float, tz: str) -> datetime:
    return datetime.fromtimestamp(epoch, zone(tz)).replace(tzinfo=None)


def add(text: str, delta: timedelta) -> str:
    return (datetime.strptime(text, FMT) + delta).strftime(FMT)
