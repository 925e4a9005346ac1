"""Server time zone handling: server datetimes -> UTC, UTC -> version-independent filter literals.

Two server generations exist (spec §6.2, §13):

* current (>= 2026-04-30): DateTime is ``yyyy-MM-dd'T'HH:mm:ssXXX``, a real offset (``Z`` when the JVM runs in UTC);
* older: ``yyyy-MM-dd'T'HH:mm:ss'Z'``, the server-local wall clock followed by a *fake* ``Z``.

``ServerClock(tz_name)`` reads a numeric offset exactly and reads a trailing ``Z`` as the wall clock of
``tz_name``. With ``tz_name="UTC"`` (the default) this is right for current servers in UTC and for old
servers in UTC; an old server in another zone needs ``server_timezone`` configured. ``check_offset``
refuses a configured zone that contradicts a real offset the server sent, so a wrong setting can never
silently shift bounds.

TimestampWithTimeZone columns are real UTC instants on every generation (``Instant.toString()``); use
``instant_to_utc`` / ``instant_rfc3339`` for them.
"""
from __future__ import annotations

import functools
from datetime import date, datetime, timedelta

from erp_http.errors import ConfigurationError
from erp_http.timeutil import UTC, as_utc, format_offset, rfc3339, zone

# Values come in cursor order, so a repeat is usually recent: a small memo catches the repeats of bulk-loaded
# rows without growing with the table (65,536 entries were ~12 MB of a long read's peak memory, bench 2).
_CACHE_SIZE = 4096


class ServerClock:
    """Converts between server datetime text and UTC for one server time zone.

    Args:
        tz_name: IANA name of the server JVM time zone (only matters for old servers' fake ``Z``).

    Raises:
        ConfigurationError: unknown time zone name.
    """

    def __init__(self, tz_name: str | None = "UTC"):
        self.zone = zone(tz_name)
        self.tz_name = "UTC" if self.zone is UTC else (tz_name or "").strip()
        self.is_utc = self.zone is UTC
        # Once a server value with a numeric offset is seen, the server is of the current generation,
        # where a trailing Z is real (offset zero, or a TimestampWithTimeZone instant, which the YAML
        # cannot tell apart from DateTime). Learned by check_offset and rfc3339_from_server only.
        self.zulu_is_real = False
        # Hot path: the source converts every datetime of every record; values repeat a lot
        # (Created/Updated of bulk-loaded rows), so memoise per distinct string -- except the form that is
        # already RFC 3339 UTC, which is returned as it is without filling the memo.
        self._memo = functools.lru_cache(maxsize=_CACHE_SIZE)(self._rfc3339_from_server)

    def __repr__(self) -> str:
        return f"ServerClock({self.tz_name!r})"

    # ---- server text -> UTC -------------------------------------------------------------------
    def to_utc(self, value: str) -> datetime:
        """Parse a DateTime value the server sent into an aware UTC datetime (spec §6.2).

        A numeric offset is exact; a trailing ``Z`` is the wall clock of ``tz_name`` (old generation's
        fake Z) unless the server is known to be current (``zulu_is_real``); a value without zone
        (e.g. ``yyyy-MM-dd HH:mm:ss`` or a Location's ``Created``) is server-local too.

        Raises:
            ValueError: the text is not a datetime.
        """
        text = value.strip()
        if text.endswith(("Z", "z")):
            naive = datetime.fromisoformat(text[:-1])
            return naive.replace(tzinfo=UTC) if self.zulu_is_real else self.localize(naive)
        parsed = datetime.fromisoformat(text)
        if parsed.tzinfo is None:
            return self.localize(parsed)
        return parsed.astimezone(UTC)

    def localize(self, naive: datetime) -> datetime:
        """Interpret a naive server wall-clock datetime in ``tz_name`` and return UTC.

        Ambiguous wall times (DST fall-back) take the first occurrence, as Java's SimpleDateFormat does.
        """
        if self.is_utc:
            return naive.replace(tzinfo=UTC)
        return naive.replace(tzinfo=self.zone, fold=0).astimezone(UTC)

    def rfc3339_from_server(self, value: str) -> str:
        """A DateTime value the server sent -> RFC 3339 UTC (see ``to_utc``).

        Raises:
            ValueError: the text is not a datetime.
        """
        if (self.is_utc or self.zulu_is_real) and len(value) == 20 and value[19] == "Z" and value[10] == "T":
            return value  # already RFC 3339 UTC (current server, or any server running in UTC)
        return self._memo(value)

    def _rfc3339_from_server(self, value: str) -> str:
        if (self.is_utc or self.zulu_is_real) and len(value) == 20 and value[19] == "Z" and value[10] == "T":
            return value
        if not self.zulu_is_real and not self.is_utc and len(value) > 19 and value[-6] in "+-" and value[-3] == ":":
            self.mark_current_generation()
        return rfc3339(self.to_utc(value))

    def mark_current_generation(self) -> None:
        """Record that the server writes real offsets (spec §13), so a trailing Z is a real UTC instant."""
        if not self.zulu_is_real:
            self.zulu_is_real = True
            self._memo.cache_clear()

    @staticmethod
    def instant_to_utc(value: str) -> datetime:
        """Parse a TimestampWithTimeZone value (a real UTC instant on every generation)."""
        return as_utc(datetime.fromisoformat(value.strip()))

    # ---- UTC -> filter literal ----------------------------------------------------------------
    def to_server(self, dt: datetime) -> datetime:
        """Return the naive server-local wall clock for ``dt`` (naive input is taken as UTC)."""
        aware = dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt
        return aware.astimezone(self.zone).replace(tzinfo=None)

    def literal(self, dt_utc: datetime) -> str:
        """Return ``'yyyy-MM-dd HH:mm:ss'`` in server-local time, truncated to the second (spec §4.7).

        This is the only timestamp form both generations parse exactly. Naive input is taken as UTC.
        During the DST fall-back hour the wall clock is ambiguous and the server reads the first
        occurrence, so the bound may be up to one hour *earlier* than asked: safe for lower bounds
        (more rows are read again); upper bounds should reuse the same literal as the next window's
        lower bound so that no gap appears.
        """
        local = self.to_server(dt_utc)
        return "'" + local.strftime("%Y-%m-%d %H:%M:%S") + "'"

    @staticmethod
    def date_literal(value: date) -> str:
        """Return ``'yyyy-MM-dd'`` for a Date column (spec §4.7)."""
        if isinstance(value, datetime):
            value = value.date()
        return "'" + value.strftime("%Y-%m-%d") + "'"

    # ---- configuration check ------------------------------------------------------------------
    def expected_offset(self, instant: datetime) -> timedelta:
        """UTC offset of ``tz_name`` at an instant."""
        aware = instant.replace(tzinfo=UTC) if instant.tzinfo is None else instant
        offset = aware.astimezone(self.zone).utcoffset()
        return offset if offset is not None else timedelta(0)

    def check_offset(self, sample: str) -> bool:
        """Verify the configured zone against one DateTime value the server sent.

        Returns:
            True when the sample carries a real numeric offset that agrees with ``tz_name``; False
            when it ends with ``Z`` (old generation or a UTC server: nothing can be checked).

        Raises:
            ConfigurationError: the server's real offset differs from what ``tz_name`` gives then.
        """
        text = sample.strip()
        if text.endswith(("Z", "z")):
            return False
        parsed = datetime.fromisoformat(text)
        if parsed.tzinfo is None:
            return False
        actual = parsed.utcoffset()
        expected = self.expected_offset(parsed)
        if actual == expected:
            self.mark_current_generation()
        else:
            raise ConfigurationError(
                f"server_timezone is {self.tz_name!r} (offset {format_offset(expected)} at {text[:19]}), "
                f"but the server reports offset {format_offset(actual)}. Set server_timezone to the server's "
                f"time zone, or leave it empty for UTC."
            )
        return True


@functools.lru_cache(maxsize=_CACHE_SIZE)
def instant_rfc3339(value: str) -> str:
    """Normalise a TimestampWithTimeZone value (real instant) to RFC 3339 UTC."""
    if len(value) == 20 and value[19] == "Z":
        return value
    return rfc3339(ServerClock.instant_to_utc(value))
