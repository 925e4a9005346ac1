"""``timespan`` and ``previous``/``next`` values -> date ranges around the site's today (spec §4.1)."""
from __future__ import annotations

from datetime import date, timedelta

from ..errors import FrappeError


def _month_start(d: date, months: int = 0) -> date:
    m = d.month - 1 + months
    return date(d.year + m // 12, m % 12 + 1, 1)


def _quarter_start(d: date, quarters: int = 0) -> date:
    return _month_start(date(d.year, (d.month - 1) // 3 * 3 + 1, 1), 3 * quarters)


def _week_start(d: date, weeks: int = 0) -> date:
    """Weeks start on Sunday (System Settings ``first_day_of_the_week`` default)."""
    return d - timedelta(days=(d.weekday() + 1) % 7) + timedelta(weeks=weeks)


def _add_months(d: date, months: int) -> date:
    """``add_to_date(months=n)``: the same day, clamped to the target month's length."""
    first = _month_start(d, months)
    nxt = _month_start(first, 1)
    return first.replace(day=min(d.day, (nxt - timedelta(days=1)).day))


def timespan(value: str, today: str) -> tuple[str, str]:
    t = date.fromisoformat(today)
    one = timedelta(days=1)
    spans = {
        "today": (t, t), "yesterday": (t - one, t - one), "tomorrow": (t + one, t + one),
        "this week": (_week_start(t), _week_start(t, 1) - one),
        "last week": (_week_start(t, -1), _week_start(t) - one),
        "next week": (_week_start(t, 1), _week_start(t, 2) - one),
        "this month": (_month_start(t), _month_start(t, 1) - one),
        "last month": (_month_start(t, -1), _month_start(t) - one),
        "next month": (_month_start(t, 1), _month_start(t, 2) - one),
        "this quarter": (_quarter_start(t), _quarter_start(t, 1) - one),
        "last quarter": (_quarter_start(t, -1), _quarter_start(t) - one),
        "next quarter": (_quarter_start(t, 1), _quarter_start(t, 2) - one),
        "last 6 months": (_month_start(t, -6), t), "next 6 months": (t, _month_start(t, 7) - one),
        "this year": (date(t.year, 1, 1), date(t.year, 12, 31)),
        "last year": (date(t.year - 1, 1, 1), date(t.year - 1, 12, 31)),
        "next year": (date(t.year + 1, 1, 1), date(t.year + 1, 12, 31)),
    }
    if value not in spans:
        raise FrappeError("ValidationError", f"Invalid timespan: {value}")
    lo, hi = spans[value]
    return lo.isoformat(), hi.isoformat()


def relative(op: str, value: str, today: str) -> tuple[str, str]:
    """F14/F15 ``previous``/``next`` with ``1 week|1 month|3 months|6 months|1 year``."""
    t = date.fromisoformat(today)
    months = {"1 month": 1, "3 months": 3, "6 months": 6, "1 year": 12}
    sign = -1 if op == "previous" else 1
    if value == "1 week":
        other = t + sign * timedelta(weeks=1)
    elif value in months:
        other = _add_months(t, sign * months[value])
    else:
        raise FrappeError("ValidationError", f"Invalid value for {op}: {value}")
    return (other.isoformat(), t.isoformat()) if op == "previous" else (t.isoformat(), other.isoformat())
