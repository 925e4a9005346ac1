"""One value -> what Frappe stores for its fieldtype, or a precise reason why the record is rejected.

Frappe coerces silently where it should refuse (spec §8.2, Part II §8): ``cint("abc")`` stores 0, the
string ``"true"`` in a Check stores 0, a Rating of 4 is clamped to 1, ``Z``/offset datetimes give a 500.
So every value is checked and normalised here first, and a value Frappe would change or lose rejects
its record with the field and the value named.
"""
from __future__ import annotations

import json
import math
import re
from datetime import date, datetime, time, timezone
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from destination_frappe.doctype import TargetField

TEXT_TYPES = frozenset({
    "Data", "Small Text", "Text", "Long Text", "Text Editor", "Markdown Editor", "HTML Editor", "Code",
    "Password", "Attach", "Attach Image", "Read Only", "Color", "Icon", "Phone", "Autocomplete", "Signature",
    "Barcode", "Geolocation", "Link", "Dynamic Link",
})
INT_RANGES = {"Int": (-(2**31), 2**31 - 1), "Long Int": (-(2**63), 2**63 - 1)}
FLOAT_TYPES = frozenset({"Float", "Currency", "Percent", "Duration"})
_TRUE = {"1", "true", "yes", "y", "t", "on"}
_FALSE = {"0", "false", "no", "n", "f", "off", ""}
_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?$")


class ValueRejected(ValueError):
    """The value cannot be written as is; ``str(exc)`` is the reason (the field is added by the caller)."""


def coerce(fld: TargetField, value: Any, tz: ZoneInfo | None) -> Any:
    """The JSON value to send for ``fld``, or ``ValueRejected``.

    ``None`` is sent as ``None`` (clears the field; numeric fields store 0 on v16, spec Part II §6).
    Table fields, Link lookups and Dynamic Links are handled by the caller (payload.py).
    """
    if value is None:
        return None
    ft = fld.fieldtype
    if ft in INT_RANGES:
        return _int(value, *INT_RANGES[ft] if not (ft == "Int" and fld.length > 11) else INT_RANGES["Long Int"])
    if ft in FLOAT_TYPES:
        return _float(value)
    if ft == "Rating":
        number = _float(value)
        if not 0 <= number <= 1:
            raise ValueRejected(f"{value!r} is not a rating between 0 and 1 (Frappe stores a fraction and would "
                                f"clamp it)")
        return number
    if ft == "Check":
        return _check(value)
    if ft == "Date":
        return _date(value)
    if ft == "Datetime":
        if tz is None:
            raise ValueRejected("the site time zone is unknown (the API user cannot read System Settings): set "
                                "site_timezone to write Datetime values")
        return _datetime(value, tz)
    if ft == "Time":
        return _time(value)
    if ft == "JSON":
        return value if isinstance(value, str) else json.dumps(value, separators=(",", ":"), default=str)
    if ft == "Select":
        text = _text(value)
        choices = fld.select_options
        if choices and text not in choices:
            shown = ", ".join(repr(c) for c in choices if c)
            raise ValueRejected(f"{text!r} is not one of the options ({shown})")
        return text
    return _text(value)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        raise ValueRejected(f"{value!r} is not a text value")
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueRejected(f"{value!r} is not a text value")
        return str(int(value)) if value.is_integer() and abs(value) < 2**53 else repr(value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    raise ValueRejected(f"{_short(value)} is not a text value (serialise objects and lists to a string)")


def _int(value: Any, low: int, high: int) -> int:
    if isinstance(value, bool):
        raise ValueRejected(f"{value!r} is not an integer")
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not math.isfinite(value) or not value.is_integer():
            raise ValueRejected(f"{value!r} is not an integer")
        number = int(value)
    elif isinstance(value, (str, Decimal)):
        try:
            dec = Decimal(str(value).strip())
        except InvalidOperation:
            raise ValueRejected(f"{_short(value)} is not an integer") from None
        if not dec.is_finite() or dec != dec.to_integral_value():
            raise ValueRejected(f"{_short(value)} is not an integer")
        number = int(dec)
    else:
        raise ValueRejected(f"{_short(value)} is not an integer")
    if not low <= number <= high:
        raise ValueRejected(f"{number} is out of range for this field ({low} to {high})")
    return number


def _float(value: Any) -> float | int:
    if isinstance(value, bool):
        raise ValueRejected(f"{value!r} is not a number")
    if isinstance(value, int):
        if abs(value) >= 10**12:  # decimal(21,9): 12 integer digits
            raise ValueRejected(f"{value} is too large for a decimal(21,9) column")
        return value
    if isinstance(value, (float, str, Decimal)):
        try:
            number = float(value) if not isinstance(value, str) else float(value.strip())
        except ValueError:
            raise ValueRejected(f"{_short(value)} is not a number") from None
        if not math.isfinite(number):
            raise ValueRejected(f"{_short(value)} is not a finite number")
        if abs(number) >= 1e12:
            raise ValueRejected(f"{_short(value)} is too large for a decimal(21,9) column")
        return number
    raise ValueRejected(f"{_short(value)} is not a number")


def _check(value: Any) -> int:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (int, float)) and value in (0, 1):
        return int(value)
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return 1 if value.strip().lower() in _TRUE else 0
    raise ValueRejected(f"{_short(value)} is not a boolean (use true/false or 1/0)")


def _date(value: Any) -> str | None:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        text = value.strip()
        if text == "":
            return None
        if len(text) == 10 or (len(text) > 10 and text[10] in "T "):
            try:
                return date.fromisoformat(text[:10]).isoformat()
            except ValueError:
                pass
    raise ValueRejected(f"{_short(value)} is not a date (YYYY-MM-DD)")


def _datetime(value: Any, tz: ZoneInfo) -> str | None:
    """Site-local wall clock ``YYYY-MM-DD HH:MM:SS[.ffffff]`` (spec Part II §8: offsets give a 500).

    A value with an offset is converted to the site time zone; a naive value is read as UTC, the form the
    source emits (RFC 3339 UTC) and the sibling destination's rule.
    """
    if isinstance(value, str):
        text = value.strip()
        if text == "":
            return None
        try:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith(("Z", "z")) else text)
        except ValueError:
            raise ValueRejected(f"{_short(value)} is not a date-time (ISO 8601)") from None
    elif isinstance(value, datetime):
        parsed = value
    elif isinstance(value, date):
        parsed = datetime(value.year, value.month, value.day)
    else:
        raise ValueRejected(f"{_short(value)} is not a date-time (ISO 8601)")
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    local = parsed.astimezone(tz).replace(tzinfo=None)
    return local.strftime("%Y-%m-%d %H:%M:%S.%f") if local.microsecond else local.strftime("%Y-%m-%d %H:%M:%S")


def _time(value: Any) -> str | None:
    if isinstance(value, time):
        return value.isoformat()
    if isinstance(value, str):
        text = value.strip()
        if text == "":
            return None
        m = _TIME.match(text)
        if m and int(m.group(1)) < 24 and int(m.group(2)) < 60 and int(m.group(3) or 0) < 60:
            frac = f".{m.group(4).ljust(6, '0')}" if m.group(4) and int(m.group(4)) else ""
            return f"{int(m.group(1)):02d}:{m.group(2)}:{m.group(3) or '00'}{frac}"
    raise ValueRejected(f"{_short(value)} is not a time (HH:MM:SS)")


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def same_value(fld: TargetField | None, stored: Any, sent: Any) -> bool:
    """Whether ``sent`` (a coerce() result) equals ``stored`` (as a document GET returns it), so an update can
    skip it. GET omits nulls; v16 numeric columns store null as 0; datetimes drop ``.000000``."""
    ft = fld.fieldtype if fld is not None else "Data"
    numeric = ft in INT_RANGES or ft in FLOAT_TYPES or ft in ("Check", "Rating")
    if numeric:
        a, b = stored or 0, sent or 0
        try:
            return math.isclose(float(a), float(b), rel_tol=0, abs_tol=1e-9)
        except (TypeError, ValueError):
            return a == b
    if stored in (None, "") and sent in (None, ""):
        return True
    if ft in ("Link", "Dynamic Link") and isinstance(stored, str) and isinstance(sent, str):
        return stored.casefold() == sent.casefold()  # the server corrects a Link's case to the stored name
    if ft == "Datetime" and isinstance(stored, str) and isinstance(sent, str):
        return _strip_zero_micro(stored) == _strip_zero_micro(sent)
    if ft == "Time" and isinstance(stored, str) and isinstance(sent, str):
        try:
            return _time(stored) == _time(sent)
        except ValueRejected:
            return stored == sent
    if ft == "JSON" and isinstance(stored, str) and isinstance(sent, str):
        try:
            return json.loads(stored) == json.loads(sent)
        except ValueError:
            return stored == sent
    return stored == sent


def _strip_zero_micro(text: str) -> str:
    return text[:-7] if text.endswith(".000000") else text
