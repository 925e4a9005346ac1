"""Value normalisation per column kind and foreign-key form parsing (pure functions, spec §7.1).

Every function raises ``ValueError`` with a user-facing reason (the caller adds the column name).
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any

from erp_http.timeutil import as_utc, parse_utc, rfc3339
from idempiere_client.metadata import ColumnMeta
from idempiere_client.timeutil import ServerClock

CLEAR_FK = -1  # JSON null on an FK column is a 500 on the server; -1 means NULL (§7.1)
_INT = re.compile(r"^[+-]?\d+$")
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_DATE_PREFIX = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:$|[T ])")
_TRUE = frozenset({"y", "yes", "true", "1"})
_FALSE = frozenset({"n", "no", "false", "0"})


class Drop:
    """Sentinel: the value is intentionally not sent (e.g. a read Image object without data)."""


DROP = Drop()


@dataclass(frozen=True)
class FkRef:
    """A foreign-key value that must be resolved to an id before writing.

    Attributes:
        column: exact ColumnName of the FK column.
        ref_table: lower-case referenced table (``model-name``), or None when the YAML did not say.
        form: ``identifier`` | ``uid`` | ``lookup`` | ``pair`` (id plus identifier, as the source emits).
        value: identifier text, UUID, or lookup value.
        lookup_column: column for the ``lookup`` form.
        pair_id: the id of a ``pair`` (used when it exists in the target).
    """

    column: str
    ref_table: str | None
    form: str
    value: Any
    lookup_column: str | None = None
    pair_id: int | None = None

    def describe(self) -> str:
        if self.form == "lookup":
            return f"{self.lookup_column}={self.value!r}"
        if self.form == "pair":
            return f"id {self.pair_id} / identifier {self.value!r}"
        return f"{self.form} {self.value!r}"


@dataclass(frozen=True)
class WriteContext:
    """How date-times must be written for this server generation (spec §7.1, §13)."""

    clock: ServerClock
    legacy_datetime: bool = False


def is_uuid(value: Any) -> bool:
    return isinstance(value, str) and bool(_UUID.match(value.strip()))


def _as_int(value: Any) -> int | None:
    """An integer id from an int, an integral float or a numeric string; None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value():
        return int(value)
    if isinstance(value, str) and _INT.match(value.strip()):
        return int(value.strip())
    return None


def parse_fk(col: ColumnMeta, value: Any, identifier: Any = None) -> int | str | FkRef:
    """Turn any FK form a user may have into an id (int), a UUID key, or an ``FkRef`` to resolve.

    Forms: a plain id or numeric string; ``{"id"}`` (extra keys ignored, as the server does);
    ``{"identifier"}``; ``{"uid"}``; ``{"lookupColumn","lookupValue"}``; the source's flattened pair
    (``value`` plus ``identifier`` from ``X_identifier``); a UUID string (= uid); any other string
    (= identifier). None or "" clears the FK (``-1``).
    """
    ident = identifier.strip() if isinstance(identifier, str) and identifier.strip() else None
    if isinstance(value, dict):
        if value.get("id") is not None:
            ident = value.get("identifier") if isinstance(value.get("identifier"), str) else ident
            value = value["id"]
        elif value.get("uid") is not None:
            return _uid_ref(col, value["uid"])
        elif value.get("identifier") is not None:
            return _identifier_ref(col, value["identifier"])
        elif value.get("lookupColumn") is not None and "lookupValue" in value:
            column = value["lookupColumn"]
            if not isinstance(column, str) or not re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", column):
                raise ValueError(f"lookupColumn {column!r} is not a column name")
            return FkRef(col.name, col.ref_table, "lookup", value["lookupValue"], lookup_column=column)
        else:
            raise ValueError(
                f"unsupported foreign-key object {sorted(value)!r}; use id, identifier, uid or lookupColumn/lookupValue"
            )
    if value is None or (isinstance(value, str) and not value.strip()):
        return _identifier_ref(col, ident) if ident else CLEAR_FK
    if isinstance(value, (bool, list)):
        raise ValueError(f"{value!r} is not a foreign-key value")
    as_int = _as_int(value)
    if as_int is not None:
        if as_int < 0:
            return CLEAR_FK
        if ident:
            return FkRef(col.name, col.ref_table, "pair", ident, pair_id=as_int)
        return as_int
    if isinstance(value, str):
        if is_uuid(value):
            return value.strip() if col.fk_key_is_string else _uid_ref(col, value)
        return _identifier_ref(col, value)
    raise ValueError(f"{value!r} is not a foreign-key value")


def _uid_ref(col: ColumnMeta, uid: Any) -> FkRef:
    if not is_uuid(uid):
        raise ValueError(f"uid {uid!r} is not a UUID")
    return FkRef(col.name, col.ref_table, "uid", uid.strip())


def _identifier_ref(col: ColumnMeta, ident: Any) -> FkRef:
    if not isinstance(ident, str) or not ident.strip():
        raise ValueError(f"identifier {ident!r} must be a non-empty string")
    return FkRef(col.name, col.ref_table, "identifier", ident)


def to_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    raise ValueError(f"{value!r} is not a boolean (use true/false, 'Y'/'N')")


def to_number(value: Any) -> int | float:
    """JSON number for Amount/Number/Quantity columns (numeric strings accepted, §7.1)."""
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a number")
    if isinstance(value, int):
        return value
    try:
        dec = Decimal(value.strip()) if isinstance(value, str) else Decimal(repr(value) if isinstance(value, float) else value)
    except (InvalidOperation, TypeError, ValueError):
        raise ValueError(f"{value!r} is not a number") from None
    if not dec.is_finite():
        raise ValueError(f"{value!r} is not a finite number")
    if dec == dec.to_integral_value() and abs(dec) < 2**53:
        return int(dec)
    if not math.isfinite(float(dec)):
        raise ValueError(f"{value!r} is out of range for a number column")
    return float(dec)


INTEGER_RANGE = (-(2**31), 2**31 - 1)  # iDempiere's Integer columns are Java ints


def to_integer(value: Any) -> int:
    as_int = _as_int(value)
    if as_int is None:
        raise ValueError(f"{value!r} is not an integer")
    if not INTEGER_RANGE[0] <= as_int <= INTEGER_RANGE[1]:
        raise ValueError(f"{as_int} is out of range for an integer column ({INTEGER_RANGE[0]} to {INTEGER_RANGE[1]})")
    return as_int


def to_date(value: Any) -> str:
    """``yyyy-MM-dd`` (a datetime's date part is taken as written, not shifted)."""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        m = _DATE_PREFIX.match(value.strip())
        if m:
            try:
                return date.fromisoformat(m.group(1)).isoformat()
            except ValueError:
                pass
    raise ValueError(f"{value!r} is not a date (yyyy-MM-dd)")


def parse_instant(value: Any) -> datetime:
    """An aware UTC datetime from an ISO string/datetime/date; naive values are taken as UTC."""
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, date):
        dt = datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        try:
            return parse_utc(value)
        except ValueError:
            raise ValueError(f"{value!r} is not an ISO 8601 date-time") from None
    else:
        raise ValueError(f"{value!r} is not a date-time")
    return as_utc(dt)


def to_datetime(value: Any, ctx: WriteContext) -> str:
    """DateTime for the server generation, whole seconds (old servers' pattern has no fraction, §7.1).

    Current servers parse an ISO instant exactly; older ones parse ``yyyy-MM-dd'T'HH:mm:ss'Z'`` as the
    server-local wall clock, so the instant is converted to the server zone and given a fake ``Z``.
    """
    instant = parse_instant(value).replace(microsecond=0)
    if ctx.legacy_datetime and not ctx.clock.is_utc:
        return ctx.clock.to_server(instant).strftime("%Y-%m-%dT%H:%M:%SZ")
    return rfc3339(instant)


def to_time(value: Any) -> str:
    """``HH:mm:ss'Z'`` (the literal Z is required by the server, §7.1)."""
    if isinstance(value, time):
        return value.strftime("%H:%M:%S") + "Z"
    if isinstance(value, str):
        text = value.strip().rstrip("Zz")
        if "T" in text:
            text = text.split("T", 1)[1]
        try:
            return time.fromisoformat(text[:8]).strftime("%H:%M:%S") + "Z"
        except ValueError:
            pass
    raise ValueError(f"{value!r} is not a time (HH:mm:ss)")


def to_list_code(col: ColumnMeta, value: Any) -> str:
    """A list code; a label (identifier) is mapped to its code when the YAML lists both."""
    if isinstance(value, dict):
        value = value.get("id")
    if isinstance(value, bool) or value is None:
        raise ValueError(f"{value!r} is not a list code")
    text = str(value) if not isinstance(value, str) else value
    codes, labels = col.list_values, col.list_labels
    if not codes or text in codes:
        return text
    if text in labels and len(labels) == len(codes):
        return codes[labels.index(text)]
    for i, code in enumerate(codes):
        if code.strip().lower() == text.strip().lower():
            return code
    if len(labels) == len(codes):
        for i, label in enumerate(labels):
            if label.strip().lower() == text.strip().lower():
                return codes[i]
    shown = ", ".join(codes[:20])
    raise ValueError(f"{text!r} is not a valid code (allowed: {shown})")


def to_string(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or isinstance(value, (dict, list)):
        raise ValueError(f"{value!r} is not a text value")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"{value!r} is not a text value")
    if isinstance(value, (int, float, Decimal)):
        return str(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    raise ValueError(f"{value!r} is not a text value")


def normalize(col: ColumnMeta, value: Any, ctx: WriteContext, identifier: Any = None) -> Any:
    """Normalise one non-null value for ``col`` (FK columns go through ``parse_fk``).

    Returns:
        the JSON value to send, an ``FkRef`` to resolve, or ``DROP``.
    Raises:
        ValueError: the value does not fit the column.
    """
    kind = col.kind
    if kind == "fk":
        return parse_fk(col, value, identifier)
    if kind == "boolean":
        return to_bool(value)
    if kind == "integer":
        return to_integer(value)
    if kind == "number":
        return to_number(value)
    if kind == "date":
        return to_date(value)
    if kind == "datetime":
        return to_datetime(value, ctx)
    if kind == "timestamptz":
        return rfc3339(parse_instant(value))
    if kind == "time":
        return to_time(value)
    if kind == "list":
        return to_list_code(col, value)
    if kind == "string":
        return to_string(value)
    if kind == "location":
        if isinstance(value, dict):
            if value.get("id") is not None:
                return to_integer(value["id"])
            return value  # a new address object; the server saves it (§7.1)
        return to_integer(value)
    if kind == "image":
        if isinstance(value, dict) and not value.get("data"):
            return DROP  # a read Image object without data would clear the image (§7.1)
        return value if isinstance(value, dict) else to_integer(value)
    return value
