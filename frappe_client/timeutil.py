"""The site time zone: Frappe stores every Datetime (``modified`` too) as naive wall time in System
Settings ``time_zone`` (spec §7.1), and compares filter values as raw strings in that zone (Part II §5).

``SiteClock`` is the one home of the conversions: site wall time -> RFC 3339 UTC for records, and UTC
instants -> site wall-time literals for filters (microseconds kept, never an offset: the server ignores it).
It also knows where clocks went back, because a fall-back transition repeats an hour of wall time and a
row saved in the second pass can carry a ``modified`` older than a cursor taken in the first pass.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from erp_http.timeutil import parse_utc, rfc3339, zone  # noqa: F401 - parse_utc re-exported for callers

LITERAL_FORMAT = "%Y-%m-%d %H:%M:%S.%f"
_DIGITS = frozenset("0123456789")
_TWO_DIGITS = tuple(f"{n:02d}" for n in range(60))
_MINUTES = {text: n for n, text in enumerate(_TWO_DIGITS)}
_HOUR_CACHE_SIZE = 4096  # wall-time hours remembered (rows come in modified order: a cleared cache is only slower)
_UNPLANNED = object()


def parse_site_datetime(value: str) -> datetime:
    """``YYYY-MM-DD HH:MM:SS[.ffffff]`` (also with ``T``) -> naive datetime.

    Raises:
        ValueError: not a Frappe datetime.
    """
    text = value.strip()
    parsed = datetime.fromisoformat(text.replace(" ", "T", 1) if "T" not in text else text)
    if parsed.tzinfo is not None:  # the server never sends one; if it does it is wall time (Part II §5)
        parsed = parsed.replace(tzinfo=None)
    return parsed


def literal(value: datetime) -> str:
    """A naive site wall time as the filter literal the server compares: always six fraction digits."""
    return value.strftime(LITERAL_FORMAT)


class SiteClock:
    """Conversions between the site's wall time and UTC.

    Ambiguous wall times (the repeated hour when clocks go back) are read as the first occurrence
    (``fold=0``): the server does not record which pass wrote them, so no reader can know better;
    ``lower_bound_covering_fold`` makes sure cursors never skip the second pass.
    """

    def __init__(self, name: str) -> None:
        self.name = name.strip()
        self.tz = zone(self.name, "site_timezone")
        # Hot path (every Datetime of every row): how each wall-time hour converts (``_hour_plan``), or None
        # where it cannot be reduced to string operations (the offset changes inside it, or has seconds).
        self._hours: dict[str, tuple[int, str, str] | None] = {}

    def __repr__(self) -> str:
        return f"SiteClock({self.name!r})"

    def aware(self, wall: datetime) -> datetime:
        return wall.replace(tzinfo=self.tz, fold=0)

    def to_utc(self, wall: datetime) -> datetime:
        return self.aware(wall).astimezone(timezone.utc)

    def to_rfc3339(self, value: str) -> str:
        """A server Datetime string -> RFC 3339 UTC.

        The server's own forms (``YYYY-MM-DD HH:MM:SS`` and ``...SS.ffffff``) take a fast path: inside one
        wall-time hour whose offset is the same at its first and last microsecond (no zone changes offset
        twice within hours: tzdata's closest transitions are days apart) and a whole number of minutes,
        converting moves the minute by a fixed amount and copies the seconds and fraction (without trailing
        zeros, as ``rfc3339`` writes it). So each hour is converted once (``_hour_plan``) and each value is
        a few string operations. Every other form, and hours where the offset changes, take the full
        conversion; the output is the same byte for byte (``test_timeutil_fast_path.py``: DST edges of
        many zones, random and malformed values).

        Raises:
            ValueError: not a Frappe datetime.
        """
        size = len(value)
        if (size == 19 or size == 26) and value[13] == ":" and value[16] == ":" and value[17] in "012345" \
                and value[18] in _DIGITS:
            plan = self._hours.get(value[:13], _UNPLANNED)
            if plan is _UNPLANNED:
                plan = self._hour_plan(value[:13])
            minute = _MINUTES.get(value[14:16])
            if plan is not None and minute is not None:
                first_minute, head, next_head = plan
                minute += first_minute
                out = head + _TWO_DIGITS[minute] if minute < 60 else next_head + _TWO_DIGITS[minute - 60]
                if size == 19:
                    return out + value[16:19] + "Z"
                fraction = value[20:26]
                if value[19] == "." and fraction.isdigit() and fraction.isascii():
                    fraction = fraction.rstrip("0")
                    return out + value[16:19] + ("." + fraction if fraction else "") + "Z"
        return rfc3339(self.aware(parse_site_datetime(value)))

    def _hour_plan(self, prefix: str) -> tuple[int, str, str] | None:
        """For a wall-time hour ``YYYY-MM-DD HH``: the UTC minute its first minute falls on, and the UTC
        ``YYYY-MM-DDTHH:`` of that hour and of the next one; None where the full conversion must be used."""
        plan: tuple[int, str, str] | None = None
        if prefix.isascii() and prefix[4] == "-" and prefix[7] == "-" and prefix[10] == " " \
                and (prefix[:4] + prefix[5:7] + prefix[8:10] + prefix[11:13]).isdigit():
            try:
                start = self.aware(datetime.fromisoformat(prefix.replace(" ", "T") + ":00:00"))
                offset = start.utcoffset()
                if offset is not None and offset == start.replace(minute=59, second=59, microsecond=999999).utcoffset() \
                        and not offset.total_seconds() % 60:
                    utc = start.astimezone(timezone.utc)
                    plan = (utc.minute, utc.strftime("%Y-%m-%dT%H:"), (utc + timedelta(hours=1)).strftime("%Y-%m-%dT%H:"))
            except (ValueError, OverflowError):
                plan = None  # not a date, or out of range once converted: the full path raises as before
        if len(self._hours) >= _HOUR_CACHE_SIZE:
            self._hours.clear()
        self._hours[prefix] = plan
        return plan

    def wall(self, instant: datetime) -> datetime:
        """An aware instant -> naive site wall time."""
        return instant.astimezone(self.tz).replace(tzinfo=None, fold=0)

    def now_wall(self) -> datetime:
        return self.wall(datetime.now(timezone.utc))

    def literal_of(self, instant: datetime) -> str:
        """An aware instant -> the site wall-time filter literal."""
        return literal(self.wall(instant))

    def fall_backs(self, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
        """Wall-time intervals repeated by clock fall-backs whose transition lies in ``(start, end]`` (aware).

        Each item is ``(first wall time repeated, wall time where the repetition ends)``; e.g. New York's
        November transition gives ``(01:00, 02:00)`` of that day.
        """
        out: list[tuple[datetime, datetime]] = []
        step = timedelta(hours=6)
        cursor = start.astimezone(timezone.utc)
        end = end.astimezone(timezone.utc)
        while cursor < end:
            nxt = min(cursor + step, end)
            before, after = cursor.astimezone(self.tz).utcoffset(), nxt.astimezone(self.tz).utcoffset()
            if before is not None and after is not None and after < before:
                # Bisect on whole seconds (transitions fall on whole minutes) to the first new-offset instant.
                lo, hi = int(cursor.timestamp()), int(nxt.timestamp())
                while hi - lo > 1:
                    mid = (lo + hi) // 2
                    if datetime.fromtimestamp(mid, self.tz).utcoffset() == before:
                        lo = mid
                    else:
                        hi = mid
                repeated_from = self.wall(datetime.fromtimestamp(hi, timezone.utc))
                out.append((repeated_from, repeated_from + (before - after)))
            cursor = nxt
        return out

    def lower_bound_covering_fold(self, lower: datetime, since: datetime, until: datetime) -> datetime:
        """``lower`` (naive wall) moved back so that rows saved during a repeated hour are not skipped.

        ``since``/``until`` (aware) bracket the time in which rows newer than the cursor may have been
        written (the previous sync's frozen bound and now). If clocks went back in between and ``lower``
        lies after the start of the repeated wall-time interval, the second pass wrote wall times below
        it: the bound moves to the interval's start.
        """
        for repeated_from, _repeated_to in self.fall_backs(since, until):
            if lower > repeated_from:
                lower = repeated_from
        return lower


def format_time(value: object) -> str | None:
    """A Time value (``"9:05:00"``, MariaDB's unpadded form) -> ``09:05:00[.ffffff]``; other text unchanged."""
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    try:
        head, _, frac = text.partition(".")
        parts = [int(p) for p in head.split(":")]
        while len(parts) < 3:
            parts.append(0)
        if len(parts) != 3 or not (0 <= parts[0] < 24 and 0 <= parts[1] < 60 and 0 <= parts[2] < 60):
            return text
        out = time(parts[0], parts[1], parts[2]).strftime("%H:%M:%S")
        digits = frac.rstrip("0")
        return f"{out}.{frac.ljust(6, '0')[:6]}" if digits and frac.isdigit() else out
    except ValueError:
        return text


def format_date(value: object) -> str | None:
    """A Date value -> ``YYYY-MM-DD``; anything else unchanged (a masked value stays text)."""
    if value is None or value == "":
        return None
    text = str(value).strip()
    try:
        return date.fromisoformat(text[:10]).isoformat()
    except ValueError:
        return text
