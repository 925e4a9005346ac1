"""Time for an emulator's SQLite store: stored text is UTC ``YYYY-MM-DD HH:MM:SS.fff``, so it sorts as it compares.

An ERP's own date-time wire formats (offsets, zones, fake suffixes) live in the ERP's emulator package.
"""
from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

UTC = timezone.utc


def utc_text(dt: datetime) -> str:
    """Aware datetime -> stored text ``YYYY-MM-DD HH:MM:SS.fff`` (UTC)."""
    dt = dt.astimezone(UTC)
    return f"{dt:%Y-%m-%d %H:%M:%S}.{dt.microsecond // 1000:03d}"


class Clock:
    """The time an emulator stamps writes with: the wall clock, shifted or frozen by a test.

    ``set`` moves it to a given instant (frozen there, or running on from it), ``advance`` shifts it, ``reset``
    returns to the wall clock. Thread-safe reads are plain attribute reads; changes are rare.
    """

    def __init__(self) -> None:
        self._offset = 0.0  # seconds added to the wall clock
        self._frozen: float | None = None  # epoch seconds it stands still at

    def time(self) -> float:
        """Epoch seconds, like ``time.time()``."""
        frozen = self._frozen
        return frozen if frozen is not None else time.time() + self._offset

    def now(self) -> datetime:
        """The current instant as an aware UTC datetime."""
        return datetime.fromtimestamp(self.time(), UTC)

    def set(self, when: datetime, frozen: bool = False) -> None:
        """Move to ``when`` (aware); ``frozen`` keeps it there until the next change."""
        if when.tzinfo is None:
            raise ValueError("the clock needs an aware datetime (with an offset)")
        epoch = when.timestamp()
        self._frozen, self._offset = (epoch, 0.0) if frozen else (None, epoch - time.time())

    def advance(self, seconds: float) -> None:
        """Shift by ``seconds`` (negative goes back), frozen or running."""
        if self._frozen is not None:
            self._frozen += seconds
        else:
            self._offset += seconds

    def reset(self) -> None:
        """Back to the wall clock."""
        self._offset, self._frozen = 0.0, None

    def as_dict(self) -> dict:
        """The clock's state as the ``/__emulator__/clock`` endpoint answers it."""
        return {"now": self.now().isoformat(), "frozen": self._frozen is not None, "offset_s": self._offset}


WALL_CLOCK = Clock()  # the default: never shifted (an emulator that lets tests move time owns its own Clock)

_second: tuple[int, str] = (-1, "")  # the last whole second formatted by now_text


def now_text(clock: Clock = WALL_CLOCK) -> str:
    """Now with milliseconds, as stored (Created/Updated keep ms; spec §12)."""
    global _second
    t = clock.time()
    second = _second
    if second[0] != int(t):  # strftime once per second: every write stamps Created/Updated
        second = _second = (int(t), time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(t)))
    return second[1] + f".{int(t * 1000) % 1000:03d}"


def later_than(previous: str | None, clock: Clock = WALL_CLOCK) -> str:
    """Now, but strictly after ``previous``: every write must move Updated, even within one millisecond."""
    now = now_text(clock)
    if previous and now <= previous:
        return utc_text(parse_stored(previous) + timedelta(milliseconds=1))
    return now


def epoch_text(seconds: int, millis: int = 0) -> str:
    """Fast formatting for seed data: epoch seconds + ms -> stored text."""
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(seconds)) + f".{millis:03d}"


def parse_stored(text: str) -> datetime:
    """Stored text -> aware UTC datetime."""
    return datetime.strptime(text[:19], "%Y-%m-%d %H:%M:%S").replace(
        tzinfo=UTC, microsecond=int(text[20:23] or 0) * 1000 if len(text) > 20 else 0)


def zone(name: str) -> ZoneInfo | timezone:
    """The zone called ``name``; UTC also for ``Z`` and an empty name (servers configured without one)."""
    return UTC if name in ("UTC", "Z", "") else ZoneInfo(name)


def local_to_stored(naive: datetime, tz_name: str) -> str:
    """A server-local wall-clock value (``yyyy-MM-dd HH:mm:ss`` literals) -> stored UTC text."""
    return utc_text(naive.replace(tzinfo=zone(tz_name)))


def today_text(tz_name: str) -> str:
    """Server-local today as a Date value (``@#Date@`` default)."""
    return datetime.now(zone(tz_name)).strftime("%Y-%m-%d")
