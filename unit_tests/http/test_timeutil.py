"""erp_http.timeutil: ISO 8601 -> UTC, RFC 3339 out, IANA zones, offsets."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from erp_http.errors import ConfigurationError
from erp_http.timeutil import UTC, as_utc, format_offset, parse_utc, rfc3339, zone

T0 = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize("text", ["2026-11-20T10:00:00Z", "2026-11-20T10:00:00z", " 2026-11-20T12:00:00+02:00 ",
                                  "2026-11-20T10:00:00", "2026-11-20 05:00:00-05:00"])
def test_parse_utc_reads_z_offsets_and_naive_as_utc(text):
    parsed = parse_utc(text)
    assert parsed == T0 and parsed.tzinfo is UTC


def test_parse_utc_refuses_non_timestamps():
    with pytest.raises(ValueError):
        parse_utc("yesterday")


def test_as_utc_takes_naive_as_utc_and_converts_aware():
    assert as_utc(datetime(2026, 11, 20, 10)) == T0
    assert as_utc(datetime(2026, 11, 20, 11, tzinfo=timezone(timedelta(hours=1)))).tzinfo is UTC


def test_rfc3339_keeps_a_fraction_only_when_present():
    assert rfc3339(T0) == "2026-11-20T10:00:00Z"
    assert rfc3339(T0.replace(microsecond=120000)) == "2026-11-20T10:00:00.12Z"


@pytest.mark.parametrize("name", [None, "", " utc ", "Z", "Etc/UTC"])
def test_zone_utc_spellings_are_the_utc_object(name):
    assert zone(name) is UTC


def test_zone_names_a_real_zone_and_refuses_unknown_names_with_the_setting():
    assert zone("Europe/Berlin").utcoffset(datetime(2026, 7, 1)) == timedelta(hours=2)
    with pytest.raises(ConfigurationError, match="time_zone 'Mars/Base'"):
        zone("Mars/Base", setting="time_zone")


@pytest.mark.parametrize(("offset", "text"), [(None, "+00:00"), (timedelta(hours=5, minutes=30), "+05:30"),
                                              (timedelta(hours=-3), "-03:00")])
def test_format_offset(offset, text):
    assert format_offset(offset) == text
