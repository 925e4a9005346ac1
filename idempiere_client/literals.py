"""Python value -> ``$filter`` literal, refusing any value that could change the filter (spec §4.1, §4.5-4.7).

Literal forms by column kind (``ColumnMeta.kind``):

| kind | literal | why |
|---|---|---|
| integer, fk, location, image | ``118`` unquoted | quoted ids are a 400 (§4.6) |
| fk to a UUID-key table | ``'<uuid>'`` quoted | the key is a string |
| number | ``7.5`` unquoted, plain notation | ``BigDecimal`` parse (§4.6) |
| boolean | ``true`` / ``false`` | quoted ``'Y'`` and ``TRUE`` evaluate to 'N' (§4.6) |
| string, list, other, binary, time | ``'text'`` quoted | unquoted strings are a 400 for String/List (§4.6) |
| datetime, timestamptz | ``'yyyy-MM-dd HH:mm:ss'`` server-local | the only form both generations read exactly (§4.7) |
| date | ``'yyyy-MM-dd'`` | §4.7 |
| any, value None | ``null`` | ``eq null`` -> IS NULL (§4.3) |

What is refused (``UnsafeFilterValue``), and why — the server has **no quote escaping**:

* a single quote ``'``: it would end the literal early (``'O''Brien'`` is not unescaped either, §4.6);
* any parenthesis, balanced or not: the tokenizer counts parentheses even inside quotes, so an unbalanced
  one swallows or splits the rest of the filter (§4.1); and the plugin's ``convertBinaryOperator``
  tests ``right.contains("(")`` *before* looking at quotes, so even ``'a (b)'`` is parsed as a method
  call (``tolower(...)``) instead of a literal;
* control characters (including tab, CR, LF) and NUL: not reproducible through URLs and logs, and a
  sign of binary garbage rather than a real key value;
* in LIKE methods (``like_literal``): any ``(``/``)`` (the server fails with an NPE, §4.5), ``,``
  (argument separator), and ``%``/``_`` (unescaped wildcards would widen the match);
* in ``in (...)`` lists (``filters.F.in_``): ``,`` and any parenthesis (values are split on every comma, §4.3);
* non-finite numbers, booleans passed for numbers, non-integral values for integer columns.

Spaces, ``&``, ``%``, ``+``, ``,`` and non-ASCII letters are fine inside a quoted ``eq`` literal:
requests URL-encodes them and the tokenizer only splits outside quotes.
"""
from __future__ import annotations

import math
import re
import uuid
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from erp_http.errors import UnsafeFilterValue
from erp_http.timeutil import parse_iso
from idempiere_client.timeutil import ServerClock

__all__ = ["literal", "like_literal", "is_safe_string", "unsafe_reason", "UnsafeFilterValue"]

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_INT = re.compile(r"^-?\d+$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_UTC_CLOCK = ServerClock("UTC")

INTEGER_KINDS = frozenset({"integer", "fk", "location", "image"})
STRING_KINDS = frozenset({"string", "list", "other", "binary", "time"})
DATETIME_KINDS = frozenset({"datetime", "timestamptz"})


def unsafe_reason(value: str) -> str | None:
    """Return why a string cannot go into a quoted literal, or None when it is safe (see module doc)."""
    if "'" in value:
        return "contains a single quote (the server has no quote escaping)"
    if _CONTROL.search(value):
        return "contains a control character"
    if "(" in value or ")" in value:
        return "contains a parenthesis (counted inside quotes, and read as a method call)"
    return None


def is_safe_string(value: str) -> bool:
    """True when ``value`` can be sent as a quoted ``eq``/``neq``/comparison literal unchanged."""
    return isinstance(value, str) and unsafe_reason(value) is None


def _refuse(value: Any, reason: str) -> UnsafeFilterValue:
    shown = value if isinstance(value, str) and len(value) <= 60 else f"{str(value)[:60]}..."
    return UnsafeFilterValue(f"cannot use {shown!r} in a $filter: {reason}")


def quoted(value: str) -> str:
    """Quote a string after the safety check."""
    reason = unsafe_reason(value)
    if reason:
        raise _refuse(value, reason)
    return f"'{value}'"


def _integer(value: Any) -> str:
    if isinstance(value, bool):
        raise _refuse(value, "a boolean is not an id/integer")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value():
        return str(int(value))
    if isinstance(value, str) and _INT.match(value.strip()):
        return str(int(value.strip()))
    raise _refuse(value, "not an integer")


def _fk(value: Any) -> str:
    if isinstance(value, str) and not _INT.match(value.strip()):
        try:
            return f"'{uuid.UUID(value.strip())}'"  # FK to a UUID-key table (TableUU lookups, §6.2)
        except ValueError:
            raise _refuse(value, "an FK value must be an integer id (or a UUID for UUID-key tables)") from None
    return _integer(value)


def _number(value: Any) -> str:
    if isinstance(value, bool):
        raise _refuse(value, "a boolean is not a number")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise _refuse(value, "not a finite number")
        value = Decimal(repr(value))
    if isinstance(value, str):
        try:
            value = Decimal(value.strip())
        except InvalidOperation:
            raise _refuse(value, "not a number") from None
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise _refuse(value, "not a finite number")
        text = format(value, "f")  # plain notation: never 1E+2
        return text
    raise _refuse(value, "not a number")


def _boolean(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and value.strip().lower() in ("y", "true", "n", "false"):
        return "true" if value.strip().lower() in ("y", "true") else "false"
    if isinstance(value, int) and value in (0, 1):
        return "true" if value else "false"
    raise _refuse(value, "not a boolean (use True/False, 'Y'/'N' or 'true'/'false')")


def _datetime(value: Any, clock: ServerClock) -> str:
    if isinstance(value, datetime):
        return clock.literal(value)
    if isinstance(value, date):
        return clock.literal(datetime(value.year, value.month, value.day))
    if isinstance(value, str):
        try:
            return clock.literal(parse_iso(value))
        except Exception:
            raise _refuse(value, "not an ISO 8601 date-time") from None
    raise _refuse(value, "not a date-time")


def _date(value: Any) -> str:
    if isinstance(value, datetime):
        return ServerClock.date_literal(value.date())
    if isinstance(value, date):
        return ServerClock.date_literal(value)
    if isinstance(value, str) and _DATE.match(value.strip()):
        try:
            return ServerClock.date_literal(date.fromisoformat(value.strip()))
        except ValueError:
            pass
    raise _refuse(value, "not a date (yyyy-MM-dd)")


def literal(value: Any, kind: str, clock: ServerClock | None = None) -> str:
    """Return the ``$filter`` literal for ``value`` compared with a column of ``kind`` (spec §4.6-4.7).

    Args:
        value: Python value; None gives ``null``.
        kind: a ``ColumnMeta.kind`` (unknown kinds are treated as quoted strings).
        clock: server clock for datetimes (naive datetimes are UTC); defaults to a UTC server.

    Raises:
        UnsafeFilterValue: the value cannot be expressed without changing the filter (see module doc).
    """
    if value is None:
        return "null"
    if kind in INTEGER_KINDS:
        return _fk(value) if kind == "fk" else _integer(value)
    if kind == "number":
        return _number(value)
    if kind == "boolean":
        return _boolean(value)
    if kind in DATETIME_KINDS:
        return _datetime(value, clock or _UTC_CLOCK)
    if kind == "date":
        return _date(value)
    if isinstance(value, bool):
        raise _refuse(value, f"a boolean is not a {kind} value")
    if isinstance(value, (int, Decimal)) or (isinstance(value, float) and math.isfinite(value)):
        value = str(value)
    if not isinstance(value, str):
        raise _refuse(value, f"not a {kind} value")
    return quoted(value)


def like_literal(value: str) -> str:
    """Quoted value for ``contains``/``startswith``/``endswith`` (spec §4.5), or UnsafeFilterValue.

    The server strips the first and last character and uses the rest as a LIKE pattern without
    escaping, so wildcards, parentheses and commas are refused on top of the ``eq`` rules.
    """
    if not isinstance(value, str):
        raise _refuse(value, "LIKE methods take strings")
    for ch, why in (
        ("(", "'(' makes the server fail in LIKE methods"),
        (")", "')' is refused in LIKE methods"),
        (",", "',' separates method arguments"),
        ("%", "'%' would act as an unescaped wildcard"),
        ("_", "'_' would act as an unescaped wildcard"),
    ):
        if ch in value:
            raise _refuse(value, why)
    return quoted(value)
