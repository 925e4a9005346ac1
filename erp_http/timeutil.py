"""Zone-aware time helpers every ERP client needs: parse ISO 8601 to UTC, format RFC 3339, name a zone.

ERP-specific literal formats (a filter's timestamp syntax, a server's fake ``Z``) stay in the ERP's own
package; what is here is plain ISO 8601 / RFC 3339 and IANA zone lookup.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from erp_http.errors import ConfigurationError

UTC = timezone.utc


def as_utc(dt: datetime) -> datetime:
    """``dt`` as an aware UTC datetime; a naive value is taken as UTC."""
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)


def parse_utc(value: str) -> datetime:
    """Parse an ISO 8601 / RFC 3339 timestamp (``Z``, an offset, or naive = UTC) into an aware UTC datetime.

    Raises:
        ValueError: not a timestamp.
    """
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    return as_utc(datetime.fromisoformat(text))


def parse_iso(value: str | datetime) -> datetime:
    """Parse a user-supplied ISO 8601 value (e.g. ``start_date``) to aware UTC; naive means UTC.

    Raises:
        ConfigurationError: not an ISO 8601 date or datetime (the message shows the expected form).
    """
    if isinstance(value, datetime):
        return as_utc(value)
    try:
        return parse_utc(value)
    except (AttributeError, ValueError) as exc:
        raise ConfigurationError(f"{value!r} is not an ISO 8601 date-time, e.g. 2024-01-31T00:00:00Z.") from exc


def rfc3339(dt: datetime) -> str:
    """Format as RFC 3339 in UTC, ``YYYY-MM-DDTHH:MM:SSZ`` (fraction kept only when non-zero; naive = UTC)."""
    aware = as_utc(dt)
    if aware.microsecond:
        return aware.strftime("%Y-%m-%dT%H:%M:%S.%f").rstrip("0") + "Z"
    return aware.strftime("%Y-%m-%dT%H:%M:%SZ")


def floor_second(dt: datetime) -> datetime:
    """Drop microseconds (server output and filter bounds are whole seconds)."""
    return dt.replace(microsecond=0)


def zone(name: str | None, setting: str = "server_timezone") -> tzinfo:
    """The time zone for an IANA name; empty, ``UTC``, ``Z`` and ``Etc/UTC`` give ``UTC`` itself.

    Raises:
        ConfigurationError: unknown name (the message names ``setting``).
    """
    text = (name or "UTC").strip() or "UTC"
    if text.upper() in ("UTC", "Z", "ETC/UTC"):
        return UTC
    try:
        return ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigurationError(f"{setting} {text!r} is not a known IANA time zone name (e.g. Europe/Berlin).") from exc


def format_offset(offset: timedelta | None) -> str:
    """``+HH:MM`` / ``-HH:MM`` for a UTC offset (None = ``+00:00``)."""
    seconds = int((offset or timedelta(0)).total_seconds())
    sign = "+" if seconds >= 0 else "-"
    seconds = abs(seconds)
    return f"{sign}{seconds // 3600:02d}:{(seconds % 3600) // 60:02d}"
