"""Filter values as Frappe renders them into SQL (spec §4.1 "How values are rendered"; Part II §4a, §5).

Datetime values are compared as the wall time they spell: ``T`` is accepted and a ``Z`` or an offset is
dropped (read as site-local time); a value that does not parse is compared as the raw string.
"""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta

_DT = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,6}))?)?)?"
                 r"\s*(?:Z|[+-]\d{2}:?\d{2})?\s*$")
_TIME = re.compile(r"^\s*(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,6}))?)?\s*$")


def parse_datetime(value) -> tuple[datetime, bool] | None:
    """-> (naive wall time, has_time) or None when the text is not a date/datetime."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=None), True
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day), False
    m = _DT.match(str(value))
    if not m:
        return None
    y, mo, d, h, mi, s, frac = m.groups()
    try:
        dt = datetime(int(y), int(mo), int(d), int(h or 0), int(mi or 0), int(s or 0),
                      int((frac or "0").ljust(6, "0")))
    except ValueError:
        return None
    return dt, h is not None


def datetime_text(value, end_of_day: bool = False) -> str:
    parsed = parse_datetime(value)
    if parsed is None:
        return str(value)
    dt, has_time = parsed
    if not has_time and end_of_day:
        dt = dt.replace(hour=23, minute=59, second=59, microsecond=999999)
    return dt.strftime("%Y-%m-%d %H:%M:%S.%f")


def date_text(value) -> str:
    parsed = parse_datetime(value)
    return parsed[0].strftime("%Y-%m-%d") if parsed else str(value)


def time_text(value) -> str:
    if isinstance(value, timedelta):
        total = value.total_seconds()
        value = f"{int(total // 3600)}:{int(total % 3600 // 60)}:{total % 60:09.6f}"
    m = _TIME.match(str(value))
    if not m:
        return str(value)
    h, mi, s, frac = m.groups()
    return f"{int(h):02d}:{int(mi):02d}:{int(s or 0):02d}.{(frac or '0').ljust(6, '0')}"


def flt(value) -> float:
    """``frappe.utils.flt``: numbers and numeric strings (commas dropped); anything else is 0."""
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return float(str(value).replace(",", "").strip())
    except ValueError:
        return 0.0


def cint(value) -> int:
    """``frappe.utils.cint``: ``"12.7"`` -> 12, ``"abc"`` -> 0, ``"true"`` -> 0."""
    try:
        return int(flt(value))
    except (OverflowError, ValueError):
        return 0
