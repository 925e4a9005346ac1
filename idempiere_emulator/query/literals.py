"""Filter literal -> SQL parameter, by the column's display type (spec §4.6, §4.7, §13)."""
from __future__ import annotations

import re
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation

from erp_emulator.clock import local_to_stored, utc_text

from ..catalog import DT, Column
from ..errors import EmulatorError

_DATE = re.compile(r"^(\d{1,4})-(\d{1,2})-(\d{1,2})")
_DATETIME = re.compile(r"^(\d{1,4})-(\d{1,2})-(\d{1,2}) (\d{1,2}):(\d{1,2}):(\d{1,2})")
_INSTANT = re.compile(r"^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)(Z|[+-]\d{2}:\d{2})$")
_LOCAL_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?$")
_JAVA_INT = re.compile(r"^[+-]?\d+$")


def bad_param(value: str, cause: str) -> EmulatorError:
    """The parser's 400 (note the upstream typo 'convertig'; title null per §4.8)."""
    return EmulatorError(400, None, f"Error convertig parameter with value: {value} - {cause}")


def strip_quotes(value: str) -> str:
    """ConvertedQuery.extractFromStringValue: drop the first and last character, quotes or not."""
    if len(value) < 1:
        raise bad_param(value, "begin 1, end 0, length 0")
    if len(value) == 1:
        raise bad_param(value, "begin 1, end 0, length 1")
    return value[1:-1]


def convert(column: Column, raw: str, *, legacy: bool, tz: str) -> object:
    """Convert one literal for ``column`` exactly as ConvertedQuery.addParameter does."""
    dt = column.dt
    if (dt in DT.IDS and column.name not in ("EntityType", "AD_Language")) or dt == DT.INTEGER or (
            dt == DT.BUTTON and column.name.endswith("_ID")):
        return _java_int(raw)
    if dt in DT.NUMERIC:
        try:
            return float(Decimal(raw))
        except (InvalidOperation, ValueError):
            raise bad_param(raw, "Character array is missing \"exponent\" mark 'e' or 'E'." if "e" in raw.lower()
                            else f"Character {raw[:1]} is neither a decimal digit number, decimal point, nor \"e\" "
                                 f"notation exponential mark.") from None
    if dt in DT.DATES:
        return _date_param(column, raw, legacy=legacy, tz=tz)
    if dt == DT.YESNO:
        return "Y" if raw in ("Y", "true") else "N"  # quoted 'Y' and TRUE mean N (§4.6)
    quoted = raw.startswith("'") and raw.endswith("'") and len(raw) >= 1
    if dt == DT.STRING or dt == DT.LIST or quoted:
        if quoted:
            return strip_quotes(raw)
        raise bad_param(raw, f"String values must be put between single quotes. ColumnName: {column.label}")
    return raw


def _java_int(raw: str) -> int:
    if not _JAVA_INT.match(raw) or not -2**31 <= int(raw) < 2**31:
        raise bad_param(raw, f'For input string: "{raw}"')
    return int(raw)


def _date_param(column: Column, raw: str, *, legacy: bool, tz: str) -> str:
    """Dates: Date columns bind 'YYYY-MM-DD'; timestamps bind stored UTC text (§4.7)."""
    value = strip_quotes(raw) if "'" in raw else raw
    if column.dt == DT.DATE:
        m = _DATE.match(value)
        if not m:
            raise bad_param(value, f'Unparseable date: "{value}"')
        return _ymd(m)
    if "T" in value and not legacy:
        m = _INSTANT.match(value)
        if m:
            base = m.group(1) if m.group(1).count(":") == 2 else m.group(1) + ":00"
            off = "+00:00" if m.group(2) == "Z" else m.group(2)
            return utc_text(datetime.fromisoformat(base + off).astimezone(timezone.utc))
        if _LOCAL_ISO.match(value):
            return local_to_stored(datetime.fromisoformat(value), tz)
        m = _DATETIME.match(value)
        if not m:
            raise bad_param(value, f'Unparseable date: "{value}"')
    m = _DATETIME.match(value)
    if m:
        y, mo, d, h, mi, s = (int(g) for g in m.groups())
        return local_to_stored(datetime(y, mo, d, h, mi, s), tz)
    m = _DATE.match(value)  # legacy: an ISO value silently truncates to the date (§4.7, §13)
    if not m:
        raise bad_param(value, f'Unparseable date: "{value}"')
    y, mo, d = (int(g) for g in m.groups())
    return local_to_stored(datetime(y, mo, d), tz)


def _ymd(m: re.Match) -> str:
    y, mo, d = (int(g) for g in m.groups()[:3])
    try:
        return datetime(y, mo, d).strftime("%Y-%m-%d")
    except ValueError:
        raise bad_param(m.string, f'Unparseable date: "{m.string}"') from None
