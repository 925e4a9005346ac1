"""The site clock: ``now()`` is the System Settings time zone's wall time, naive, with microseconds
(``frappe.utils.now_datetime``, spec §7.1). The instant comes from erp_emulator's controllable Clock, which
tests move with the shared ``/__emulator__/clock`` actions (set with an offset, freeze, advance, reset).

A DST zone repeats an hour when clocks go back, exactly as on a real site; while running, every call
returns a value strictly after the previous one (two saves never share a ``modified`` by accident).
"""
from __future__ import annotations

import threading
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from erp_emulator.clock import Clock as InstantClock

UTC = timezone.utc  # datetime.UTC needs 3.11; the package supports 3.10
FMT = "%Y-%m-%d %H:%M:%S.%f"


def zone(name: str):
    return UTC if name in ("UTC", "Z", "") else ZoneInfo(name)


class Clock:
    def __init__(self, tz: str):
        self.base = InstantClock()  # the shared, test-controllable instant
        self.tz = tz
        self._zone = zone(tz)
        self._last = 0.0
        self._lock = threading.Lock()

    def set_tz(self, tz: str) -> None:
        self._zone = zone(tz)
        self.tz = tz

    def epoch(self) -> float:
        """Now as epoch seconds; running: strictly increasing by at least 1 µs between calls."""
        t = self.base.time()
        if self.base.as_dict()["frozen"]:
            return t
        with self._lock:
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
