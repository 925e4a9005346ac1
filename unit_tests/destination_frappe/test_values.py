"""Per-fieldtype coercion: what Frappe would silently change is rejected with the value named."""
from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from destination_frappe.doctype import TargetField
from destination_frappe.values import ValueRejected, coerce, same_value

NY = ZoneInfo("America/New_York")


def field(fieldtype, options="", length=0):
    return TargetField("f", fieldtype, options, length=length)


@pytest.mark.parametrize("fieldtype,value,expected", [
    ("Int", 5, 5), ("Int", "12", 12), ("Int", 7.0, 7), ("Int", "-3", -3),
    ("Long Int", 2**63 - 1, 2**63 - 1), ("Long Int", str(-(2**63)), -(2**63)),
    ("Float", "12.345", 12.345), ("Currency", 10, 10), ("Percent", 12.5, 12.5),
    ("Check", True, 1), ("Check", "false", 0), ("Check", "Yes", 1), ("Check", 0, 0), ("Check", "1", 1),
    ("Date", "2026-12-01", "2026-12-01"), ("Date", "2026-12-01T10:00:00Z", "2026-12-01"),
    ("Date", date(2026, 1, 2), "2026-01-02"), ("Date", "", None),
    ("Time", "07:05", "07:05:00"), ("Time", "7:05:00", "07:05:00"), ("Time", "9:05:00.5", "09:05:00.500000"),
    ("JSON", {"a": [1, 2]}, '{"a":[1,2]}'), ("JSON", "[1]", "[1]"),
    ("Data", 42, "42"), ("Data", "x", "x"), ("Rating", 0.6, 0.6),
    ("Select", "Open", "Open"), ("Link", "ACME", "ACME"),
])
def test_accepted_values_are_normalised(fieldtype, value, expected):
    options = "Open\nClosed" if fieldtype == "Select" else ""
    assert coerce(field(fieldtype, options), value, NY) == expected


@pytest.mark.parametrize("fieldtype,value,reason", [
    ("Int", "abc", "is not an integer"), ("Int", 2.5, "is not an integer"), ("Int", True, "is not an integer"),
    ("Int", 2**31, "out of range"), ("Long Int", 2**63, "out of range"), ("Long Int", 2**64 + 1, "out of range"),
    ("Float", float("nan"), "not a finite number"), ("Float", "inf", "not a finite number"),
    ("Float", "NaN", "not a finite number"), ("Currency", "12,5", "is not a number"),
    ("Check", "maybe", "is not a boolean"), ("Check", 2, "is not a boolean"),
    ("Date", "01-12-2026", "is not a date"), ("Date", "2026-13-01", "is not a date"),
    ("Date", 20261201, "is not a date"),
    ("Datetime", "not a date", "is not a date-time"), ("Datetime", "2026-02-30T00:00:00", "is not a date-time"),
    ("Time", "25:00", "is not a time"), ("Rating", 4, "between 0 and 1"),
    ("Data", {"a": 1}, "is not a text value"), ("Data", [1], "is not a text value"), ("Data", True, "is not a text"),
    ("Select", "Bogus", "is not one of the options"),
])
def test_values_frappe_would_mangle_are_rejected(fieldtype, value, reason):
    options = "Open\nClosed" if fieldtype == "Select" else ""
    with pytest.raises(ValueRejected, match=reason):
        coerce(field(fieldtype, options), value, NY)


def test_int_with_length_over_11_is_a_bigint():
    assert coerce(field("Int", length=20), 2**40, NY) == 2**40


def test_datetimes_become_site_local_wall_clock_without_offset():
    # December: New York is UTC-5; Frappe stores naive site-local time and refuses offsets (500)
    assert coerce(field("Datetime"), "2026-12-01T15:30:00Z", NY) == "2026-12-01 10:30:00"
    assert coerce(field("Datetime"), "2026-12-01T15:30:00.250000+00:00", NY) == "2026-12-01 10:30:00.250000"
    assert coerce(field("Datetime"), "2026-12-01T10:30:00-05:00", NY) == "2026-12-01 10:30:00"
    assert coerce(field("Datetime"), datetime(2026, 7, 1, 12, tzinfo=timezone.utc), NY) == "2026-07-01 08:00:00"
    # naive = UTC (what the source emits, and the sibling destination's rule)
    assert coerce(field("Datetime"), "2026-12-01 15:30:00", NY) == "2026-12-01 10:30:00"


def test_select_with_an_empty_option_accepts_empty():
    assert coerce(field("Select", "\nDraft"), "", NY) == ""


@pytest.mark.parametrize("fieldtype,stored,sent,same", [
    ("Float", 10.0, 10, True), ("Currency", None, 0, True), ("Check", 0, None, True), ("Int", 3, 4, False),
    ("Datetime", "2026-12-01 10:30:00", "2026-12-01 10:30:00.000000", True),
    ("Datetime", "2026-12-01 10:30:00.500000", "2026-12-01 10:30:01", False),
    ("Time", "7:05:00", "07:05:00", True), ("JSON", '{"a": 1}', '{"a":1}', True),
    ("Data", None, "", True), ("Data", None, "x", False), ("Data", "a", "A", False),
    ("Link", "Party 01", "party 01", True), ("Link", "Party 01", "Party 02", False),
])
def test_same_value_compares_as_the_server_stores(fieldtype, stored, sent, same):
    assert same_value(field(fieldtype), stored, sent) is same


def test_a_datetime_value_needs_the_site_zone():
    with pytest.raises(ValueRejected, match="the site time zone is unknown"):
        coerce(field("Datetime"), "2026-12-01T10:00:00Z", None)
    assert coerce(field("Date"), "2026-12-01T10:00:00Z", None) == "2026-12-01"  # other types need no zone
