"""SiteClock.to_rfc3339's per-minute fast path gives what the full conversion gives, byte for byte.

The reference is the conversion as it was before the fast path (parse, localise with fold=0, format):
every value is converted by both, with the minute cache cold and warm, around every offset change of
several zones (DST both ways, 30- and 45-minute offsets, a skipped day, offsets with seconds), on
random values, and on malformed text, where both must raise the same error.
"""
from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

import pytest

from erp_http.timeutil import rfc3339
from frappe_client.timeutil import SiteClock, parse_site_datetime

ZONES = ["UTC", "America/New_York", "Europe/Berlin", "Australia/Lord_Howe", "Pacific/Chatham", "Asia/Kolkata",
         "America/St_Johns", "Asia/Kathmandu", "America/Caracas", "Pacific/Apia", "Africa/Monrovia",
         "Europe/Amsterdam", "America/Sao_Paulo"]
# years with offset changes of interest: DST, Caracas' -4:30 (2007, 2016), Apia's skipped day (2011),
# Monrovia's -0:44:30 until 1972, Amsterdam's +0:19:32 until 1937, Kolkata's war time (1942), Kathmandu's +5:45 (end of 1985 UTC)
YEARS = [1937, 1942, 1971, 1972, 1985, 2007, 2011, 2016, 2024, 2026]
TAILS = ["", ".000000", ".500000", ".123456", ".000001", ".100000"]


def reference(clock: SiteClock, value: str) -> str:
    """The conversion before the fast path."""
    return rfc3339(clock.aware(parse_site_datetime(value)))


def outcome(fn, clock: SiteClock, value: str) -> tuple[str, str]:
    try:
        return "ok", fn(clock, value)
    except Exception as exc:  # noqa: BLE001 - the error type must match too
        return "error", type(exc).__name__


def offset_changes(name: str, year: int) -> list[datetime]:
    """UTC instants in ``year`` where the zone's offset changes (hour steps, then bisected to the second)."""
    if name == "UTC":
        return [datetime(year, 6, 1, tzinfo=timezone.utc)]
    tz = ZoneInfo(name)
    out = []
    t = datetime(year, 1, 1, tzinfo=timezone.utc)
    end = datetime(year + 1, 1, 1, tzinfo=timezone.utc)
    while t < end:
        nxt = t + timedelta(hours=1)
        if t.astimezone(tz).utcoffset() != nxt.astimezone(tz).utcoffset():
            lo, hi = t, nxt
            while hi - lo > timedelta(seconds=1):
                mid = lo + (hi - lo) / 2
                lo, hi = (mid, hi) if mid.astimezone(tz).utcoffset() == lo.astimezone(tz).utcoffset() else (lo, mid)
            out.append(hi)
        t = nxt
    return out


def values_around(name: str, instant: datetime) -> list[str]:
    """Wall-time texts every minute from 3 h before to 3 h after a change (both sides' wall clocks)."""
    wall = instant.astimezone(ZoneInfo(name) if name != "UTC" else timezone.utc).replace(tzinfo=None)
    out = []
    for minutes in range(-180, 181):
        base = (wall + timedelta(minutes=minutes)).replace(second=0, microsecond=0)
        for second in (0, 1, 30, 59):
            text = base.replace(second=second).strftime("%Y-%m-%d %H:%M:%S")
            out.extend(text + tail for tail in TAILS)
    return out


def check(name: str, values: list[str]) -> int:
    clock = SiteClock(name)
    expected = [outcome(reference, clock, v) for v in values]
    for _pass in ("cold", "warm"):
        got = [outcome(SiteClock.to_rfc3339, clock, v) for v in values]
        mismatches = [(v, e, g) for v, e, g in zip(values, expected, got, strict=True) if e != g]
        assert not mismatches, (name, mismatches[:5])
    return len(values)


@pytest.mark.parametrize("name", ZONES)
def test_fast_path_equals_the_full_conversion_around_every_offset_change(name: str) -> None:
    checked = 0
    changes = 0
    for year in YEARS:
        for instant in offset_changes(name, year):
            changes += 1
            checked += check(name, values_around(name, instant))
    assert changes and checked >= changes * 361 * 4 * len(TAILS)


@pytest.mark.parametrize("name", ZONES)
def test_fast_path_equals_the_full_conversion_on_random_values(name: str) -> None:
    rng = random.Random(name)
    values = []
    for _ in range(5000):
        when = datetime(1900, 1, 1) + timedelta(seconds=rng.randrange(0, 200 * 365 * 86400))
        text = when.strftime("%Y-%m-%d %H:%M:%S")
        values.append(text + rng.choice(TAILS + [f".{rng.randrange(0, 10**6):06d}"]))
    assert check(name, values) == 5000


MALFORMED = [
    "2024-02-30 10:00:00", "2024-13-01 00:00:00", "2024-03-15 24:00:00", "2024-03-15 10:60:00",
    "2024-03-15 10:23:60", "2024-03-15 10:23:5x", "2024-03-15 10:23:45.12345x", "2024-03-15 10:23:45.1234567",
    "2024-03-15 10:23:45.123", "2024-03-15T10:23:45", "2024-03-15T10:23:45.123456", " 2024-03-15 10:23:45",
    "2024-03-15 10:23:45 ", "2024-03-15 10:23:45Z", "2024-03-15 10:23:45+05:30", "2024-03-15 10:23:45.12345Z",
    "2024-03-15 10:23:4\u0665", "\uff12024-03-15 10:23:45", "2024-03-15 10:23:45.12345\u0665", "2024-03-15 1\u0660:23:45",
    "2024/03/15 10:23:45", "2024-03-15_10:23:45", "2024-03-15 10-23:45", "0001-01-01 00:00:00", "0001-01-01 00:00:00.5",
    "9999-12-31 23:59:59", "9999-12-31 23:59:59.999999", "0999-06-01 12:00:00", "2024-03-15 10:23:45.000000",
    "", "x", "2024-03-15", "2024-03-15 10:23", "+2024-03-15 10:23:45", "2024-03-15 10:23:45.+12345",
]


@pytest.mark.parametrize("name", ["UTC", "America/New_York", "Asia/Kolkata", "Pacific/Chatham", "America/Sao_Paulo"])
def test_malformed_and_extreme_text_behaves_as_before(name: str) -> None:
    assert check(name, MALFORMED) == len(MALFORMED)


def test_minute_cache_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    from frappe_client import timeutil  # noqa: PLC0415 - the module attribute is patched

    monkeypatch.setattr(timeutil, "_HOUR_CACHE_SIZE", 10)
    clock = SiteClock("Europe/Berlin")
    for hour in range(50):
        text = f"2024-03-{1 + hour // 24:02d} {hour % 24:02d}:17:00"
        assert clock.to_rfc3339(text) == reference(clock, text)
        assert len(clock._hours) <= 10


class MidMinuteChange(tzinfo):
    """A zone whose offset changes inside a wall-time hour at an odd second (no tzdata zone does; the guard must hold)."""

    CHANGE = datetime(2024, 3, 15, 10, 23, 30)

    def utcoffset(self, dt: datetime | None) -> timedelta:
        return timedelta(hours=1 if dt is None or dt.replace(tzinfo=None) < self.CHANGE else 2)

    def dst(self, dt: datetime | None) -> timedelta:
        return timedelta(0)

    def tzname(self, dt: datetime | None) -> str:
        return "MID"


def test_an_hour_whose_offset_changes_inside_it_takes_the_full_conversion() -> None:
    clock = SiteClock("UTC")
    clock.tz = MidMinuteChange()
    values = [f"2024-03-15 {h}:{m:02d}:{s:02d}{tail}" for h in (10, 11) for m in range(20, 27) for s in range(60)
              for tail in TAILS]
    expected = [outcome(reference, clock, v) for v in values]
    assert [outcome(SiteClock.to_rfc3339, clock, v) for v in values] == expected
    assert clock._hours["2024-03-15 10"] is None and clock._hours["2024-03-15 11"] is not None


@pytest.mark.parametrize(("name", "wall", "utc"), [
    ("Asia/Kolkata", "2024-03-15 10:23:45.120000", "2024-03-15T04:53:45.12Z"),  # +5:30: minutes carry into the hour
    ("Asia/Kolkata", "2024-03-15 10:45:00", "2024-03-15T05:15:00Z"),
    ("America/St_Johns", "2024-12-31 23:45:01.000001", "2025-01-01T03:15:01.000001Z"),  # -3:30: into the next year
    ("Pacific/Chatham", "2024-01-01 00:10:00", "2023-12-31T10:25:00Z"),  # +13:45 in January
    ("America/New_York", "2024-03-10 01:59:59.999999", "2024-03-10T06:59:59.999999Z"),  # just before spring forward
])
def test_hours_of_fractional_offsets_take_the_fast_path_and_carry_minutes(name: str, wall: str, utc: str) -> None:
    clock = SiteClock(name)
    assert clock.to_rfc3339(wall) == utc == reference(clock, wall)
    assert clock._hours[wall[:13]] is not None
