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


_second: tuple[int, str] = (-1, "")  # the last whole second formatted by now_text


def now_text() -> str:
    """Now with milliseconds, as stored (Created/Updated keep ms; spec §12)."""
    global _second
    t = time.time()
    second = _second
    if second[0] != int(t):  # strftime once per second: every write stamps Created/Updated
        second = _second = (int(t), time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(t)))
    return second[1] + f".{int(t * 1000) % 1000:03d}"


def later_than(previous: str | None) -> str:
    """Now, but strictly after ``previous``: every write must move Updated, even within one millisecond."""
    now = now_text()
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
    return UTC if name in ("UTC", "Z", "") else ZoneInfo(name)


def local_to_stored(naive: datetime, tz_name: str) -> str:
    """A server-local wall-clock value (``yyyy-MM-dd HH:mm:ss`` literals) -> stored UTC text."""
    return utc_text(naive.replace(tzinfo=zone(tz_name)))


def today_text(tz_name: str) -> str:
    """Server-local today as a Date value (``@#Date@`` default)."""
    return datetime.now(zone(tz_name)).strftime("%Y-%m-%d")
