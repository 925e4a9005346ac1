"""frappe_client.timeutil: site wall time <-> UTC, DST-correct, and the repeated hour of a fall-back."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from frappe_client.errors import ConfigurationError
from frappe_client.timeutil import SiteClock, format_date, format_time, literal, parse_site_datetime

NY = SiteClock("America/New_York")


def test_wall_time_to_utc_across_dst() -> None:
    assert NY.to_rfc3339("2026-12-07 10:10:17.615143") == "2026-12-07T15:10:17.615143Z"  # EST, UTC-5
    assert NY.to_rfc3339("2026-07-07 10:10:17") == "2026-07-07T14:10:17Z"  # EDT, UTC-4
    # Spring forward (2026-03-08 02:00 -> 03:00): 01:59:59 EST then 03:00:00 EDT are one second apart.
    assert NY.to_rfc3339("2026-03-08 01:59:59") == "2026-03-08T06:59:59Z"
    assert NY.to_rfc3339("2026-03-08 03:00:00") == "2026-03-08T07:00:00Z"
    # Fall back (2026-11-01 02:00 EDT -> 01:00 EST): the ambiguous hour reads as its first pass.
    assert NY.to_rfc3339("2026-11-01 01:30:00") == "2026-11-01T05:30:00Z"


def test_literal_keeps_microseconds_and_has_no_offset() -> None:
    instant = datetime(2026, 12, 7, 15, 10, 17, 5, tzinfo=timezone.utc)
    assert NY.literal_of(instant) == "2026-12-07 10:10:17.000005"
    assert literal(parse_site_datetime("2026-12-07 10:10:18")) == "2026-12-07 10:10:18.000000"
    assert parse_site_datetime("2026-12-07T10:10:18.5") == datetime(2026, 12, 7, 10, 10, 18, 500000)


def test_fall_back_interval_is_found() -> None:
    start = datetime(2026, 10, 31, tzinfo=timezone.utc)
    end = datetime(2026, 11, 2, tzinfo=timezone.utc)
    [(frm, to)] = NY.fall_backs(start, end)
    assert (frm, to) == (datetime(2026, 11, 1, 1, 0), datetime(2026, 11, 1, 2, 0))
    assert SiteClock("UTC").fall_backs(start, end) == []
    assert NY.fall_backs(datetime(2026, 3, 7, tzinfo=timezone.utc), datetime(2026, 3, 9, tzinfo=timezone.utc)) == []


def test_lower_bound_moves_back_over_the_repeated_hour() -> None:
    # Cursor taken at 01:50 EDT (first pass); after the fall-back rows are written at 01:05 EST.
    since = datetime(2026, 11, 1, 5, 50, tzinfo=timezone.utc)
    until = datetime(2026, 11, 1, 7, 0, tzinfo=timezone.utc)
    lower = datetime(2026, 11, 1, 1, 45)
    assert NY.lower_bound_covering_fold(lower, since, until) == datetime(2026, 11, 1, 1, 0)
    # No transition in between: unchanged.
    assert NY.lower_bound_covering_fold(lower, until, datetime(2026, 11, 2, tzinfo=timezone.utc)) == lower
    # Already below the repeated interval: unchanged.
    early = datetime(2026, 11, 1, 0, 30)
    assert NY.lower_bound_covering_fold(early, since, until) == early


def test_unknown_zone_is_a_config_error() -> None:
    with pytest.raises(ConfigurationError, match="site_timezone .* is not a known IANA"):
        SiteClock("Mars/Olympus")


@pytest.mark.parametrize("raw, out", [("9:05:00", "09:05:00"), ("0:05:00", "00:05:00"),
                                      ("13:01:02.500000", "13:01:02.500000"), ("7:5", "07:05:00"),
                                      ("XX:XX", "XX:XX"), (None, None), ("", None)])
def test_time_values(raw, out) -> None:
    assert format_time(raw) == out


def test_date_values() -> None:
    assert format_date("2026-12-01") == "2026-12-01"
    assert format_date("XX-XX-XXXX") == "XX-XX-XXXX"
    assert format_date(None) is None
