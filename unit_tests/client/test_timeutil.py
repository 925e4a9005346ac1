"""ServerClock on both server generations (spec §6.2, §13): real offsets vs the old fake ``Z``."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from erp_http.errors import ConfigurationError
from erp_http.timeutil import floor_second, parse_iso, rfc3339
from idempiere_client.timeutil import ServerClock, instant_rfc3339

UTC = timezone.utc


@pytest.mark.parametrize(
    ("tz", "server_value", "expected_utc"),
    [
        ("UTC", "2024-07-01T12:00:00Z", "2024-07-01T12:00:00Z"),
        ("UTC", "2024-07-01T12:00:00+00:00", "2024-07-01T12:00:00Z"),
        ("Europe/Berlin", "2024-07-01T12:00:00+02:00", "2024-07-01T10:00:00Z"),
        ("Europe/Berlin", "2024-01-15T12:00:00+01:00", "2024-01-15T11:00:00Z"),
        ("UTC", "2024-07-01T12:00:00+02:00", "2024-07-01T10:00:00Z"),
        ("Europe/Berlin", "2024-07-01T12:00:00Z", "2024-07-01T10:00:00Z"),
        ("Europe/Berlin", "2024-01-15T12:00:00Z", "2024-01-15T11:00:00Z"),
        ("America/New_York", "2024-07-01T12:00:00Z", "2024-07-01T16:00:00Z"),
        ("Europe/Berlin", "2024-10-27T02:30:00Z", "2024-10-27T00:30:00Z"),
        ("Europe/Berlin", "2024-10-27T02:30:00+01:00", "2024-10-27T01:30:00Z"),
        ("Europe/Berlin", "2024-03-31T01:59:59Z", "2024-03-31T00:59:59Z"),
        ("Europe/Berlin", "2024-03-31T03:00:00Z", "2024-03-31T01:00:00Z"),
        ("Europe/Berlin", "2024-05-01 10:00:00.0", "2024-05-01T08:00:00Z"),
    ],
    ids=[
        "current-utc-z", "current-utc-offset", "current-berlin-summer", "current-berlin-winter",
        "offset-is-exact-whatever-the-config", "old-fake-z-berlin-summer", "old-fake-z-berlin-winter",
        "old-fake-z-new-york", "old-dst-fallback-ambiguous-takes-first", "current-dst-fallback-second-is-exact",
        "old-before-spring-gap", "old-after-spring-gap", "location-created-no-zone",
    ],
)
def test_server_datetimes_become_utc(tz, server_value, expected_utc):
    clock = ServerClock(tz)
    assert rfc3339(clock.to_utc(server_value)) == expected_utc
    assert clock.rfc3339_from_server(server_value) == expected_utc


def test_both_generations_agree_for_the_same_instant():
    clock = ServerClock("Europe/Berlin")
    old = clock.to_utc("2024-07-01T12:00:00Z")
    new = clock.to_utc("2024-07-01T12:00:00+02:00")
    assert old == new == datetime(2024, 7, 1, 10, tzinfo=UTC)


@pytest.mark.parametrize(
    ("tz", "utc", "expected"),
    [
        ("UTC", datetime(2024, 7, 1, 10, 0, 0, 999999, tzinfo=UTC), "'2024-07-01 10:00:00'"),
        ("Europe/Berlin", datetime(2024, 7, 1, 10, tzinfo=UTC), "'2024-07-01 12:00:00'"),
        ("Europe/Berlin", datetime(2024, 1, 1, 10, tzinfo=UTC), "'2024-01-01 11:00:00'"),
        ("Europe/Berlin", datetime(2024, 10, 27, 0, 30, tzinfo=UTC), "'2024-10-27 02:30:00'"),
        ("Europe/Berlin", datetime(2024, 10, 27, 1, 30, tzinfo=UTC), "'2024-10-27 02:30:00'"),
        ("UTC", datetime(2024, 7, 1, 10), "'2024-07-01 10:00:00'"),
    ],
    ids=["utc-truncates-to-second", "berlin-summer", "berlin-winter", "dst-first-occurrence",
         "dst-second-occurrence-same-wall-clock", "naive-is-utc"],
)
def test_literal_is_server_local_whole_seconds(tz, utc, expected):
    assert ServerClock(tz).literal(utc) == expected


def test_literal_round_trips_through_an_old_server_reading():
    """An old server reads the literal as local wall clock; converting back gives the floored instant."""
    clock = ServerClock("Europe/Berlin")
    instant = datetime(2024, 7, 1, 10, 15, 30, 250000, tzinfo=UTC)
    wall = clock.literal(instant).strip("'")
    assert clock.to_utc(wall.replace(" ", "T") + "Z") == floor_second(instant)


def test_check_offset_accepts_a_matching_zone():
    assert ServerClock("Europe/Berlin").check_offset("2024-07-01T12:00:00+02:00") is True
    assert ServerClock("Europe/Berlin").check_offset("2024-01-01T12:00:00+01:00") is True
    assert ServerClock("UTC").check_offset("2024-01-01T12:00:00+00:00") is True


@pytest.mark.parametrize(
    ("tz", "sample"),
    [("UTC", "2024-07-01T12:00:00+02:00"), ("Europe/Berlin", "2024-07-01T12:00:00-04:00"),
     ("Europe/Berlin", "2024-07-01T12:00:00+01:00")],
    ids=["utc-configured-server-berlin", "berlin-configured-server-new-york", "winter-offset-in-summer"],
)
def test_check_offset_refuses_a_zone_that_would_shift_bounds(tz, sample):
    with pytest.raises(ConfigurationError, match="server_timezone"):
        ServerClock(tz).check_offset(sample)


def test_check_offset_cannot_judge_a_z_value():
    assert ServerClock("Europe/Berlin").check_offset("2024-07-01T12:00:00Z") is False


def test_unknown_time_zone_is_a_configuration_error():
    with pytest.raises(ConfigurationError, match="IANA"):
        ServerClock("Mars/Olympus")


@pytest.mark.parametrize(
    ("value", "expected"),
    [("2024-05-01T10:00:00Z", "2024-05-01T10:00:00Z"), ("2024-05-01T10:00:00.123Z", "2024-05-01T10:00:00.123Z"),
     ("2024-05-01T12:00:00+02:00", "2024-05-01T10:00:00Z")],
    ids=["plain", "fraction-kept", "offset"],
)
def test_timestamp_with_time_zone_is_a_real_instant(value, expected):
    assert instant_rfc3339(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("2024-01-31", datetime(2024, 1, 31, tzinfo=UTC)), ("2024-01-31T10:00:00Z", datetime(2024, 1, 31, 10, tzinfo=UTC)),
     ("2024-01-31T12:00:00+02:00", datetime(2024, 1, 31, 10, tzinfo=UTC))],
    ids=["date-only", "z", "offset"],
)
def test_parse_iso_user_values(value, expected):
    assert parse_iso(value) == expected


def test_parse_iso_refuses_garbage():
    with pytest.raises(ConfigurationError):
        parse_iso("last tuesday")


def test_repeated_values_are_converted_once():
    """A page repeats its DateTime values (Created/Updated of rows saved together): each distinct value is
    converted once and served from the memo after that (what made conversion affordable per record; timing is
    the bench's job, not a test's)."""
    clock = ServerClock("Europe/Berlin")
    values = [f"2024-07-01T12:{m:02d}:{s:02d}Z" for m in range(10) for s in range(60)] * 5  # 600 distinct, 3,000
    out = [clock.rfc3339_from_server(v) for v in values]
    info = clock._memo.cache_info()
    assert (info.misses, info.hits) == (600, 2400)
    assert out[:600] == out[600:1200] and out[0] == "2024-07-01T10:00:00Z"


def test_clock_learns_the_current_generation_from_a_real_offset():
    """On a current server in Berlin, a Z value can only be a real instant (TimestampWithTimeZone or offset 0)."""
    clock = ServerClock("Europe/Berlin")
    assert clock.rfc3339_from_server("2024-07-01T12:00:00Z") == "2024-07-01T10:00:00Z"  # unknown yet: fake Z
    assert clock.rfc3339_from_server("2024-07-01T12:00:00+02:00") == "2024-07-01T10:00:00Z"
    assert clock.zulu_is_real
    assert clock.rfc3339_from_server("2024-07-01T12:00:00Z") == "2024-07-01T12:00:00Z"  # cache cleared


def test_check_offset_marks_the_current_generation_and_z_stays_fake_on_old_servers():
    current = ServerClock("Europe/Berlin")
    current.check_offset("2024-07-01T12:00:00+02:00")
    assert current.to_utc("2024-07-01T10:00:00.5Z") == datetime(2024, 7, 1, 10, 0, 0, 500000, tzinfo=UTC)
    old = ServerClock("Europe/Berlin")
    old.check_offset("2024-07-01T12:00:00Z")
    assert not old.zulu_is_real and old.to_utc("2024-07-01T12:00:00Z") == datetime(2024, 7, 1, 10, tzinfo=UTC)


def test_to_utc_on_user_values_never_changes_what_z_means():
    clock = ServerClock("Europe/Berlin")
    clock.to_utc("2024-07-01T12:00:00+05:00")
    assert not clock.zulu_is_real


def test_the_memo_stays_small_and_utc_values_do_not_fill_it():
    """A long read converts millions of distinct values: the memo is bounded, and values already in RFC 3339
    UTC (current servers, servers in UTC) are returned as they are without an entry."""
    from idempiere_client import timeutil  # noqa: PLC0415

    utc = ServerClock("UTC")
    for n in range(20000):
        assert utc.rfc3339_from_server(f"2024-07-01T{n // 3600 % 24:02d}:{n // 60 % 60:02d}:{n % 60:02d}Z")[:11] == "2024-07-01T"
    assert utc._memo.cache_info().currsize == 0
    berlin = ServerClock("Europe/Berlin")
    for n in range(20000):
        berlin.rfc3339_from_server(f"2024-07-{1 + n // 86400:02d}T{n // 3600 % 24:02d}:{n // 60 % 60:02d}:{n % 60:02d}Z")
    assert berlin._memo.cache_info().currsize == timeutil._CACHE_SIZE < 20000
    assert berlin.rfc3339_from_server("2024-07-01T12:00:00Z") == "2024-07-01T10:00:00Z"  # still the fake Z
