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
    return d - timedelta(days=d.weekday()) + timedelta(weeks=weeks)


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
    deltas = {"1 week": timedelta(weeks=1), "1 month": timedelta(days=30), "3 months": timedelta(days=91),
              "6 months": timedelta(days=182), "1 year": timedelta(days=365)}
    if value not in deltas:
        raise FrappeError("ValidationError", f"Invalid value for {op}: {value}")
    d = deltas[value]
    return ((t - d).isoformat(), t.isoformat()) if op == "previous" else (t.isoformat(), (t + d).isoformat())
