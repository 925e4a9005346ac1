"""Safe list filters: ``filters`` / ``or_filters`` JSON and the keyset on (``modified``, ``name``).

A filter travels as JSON (``[[field, op, value], ...]``), so quoting is the server's job; what can still
change a filter's meaning is a field name that is not a plain fieldname (``a.b`` joins another table,
backticks reach raw SQL in older versions), an operator outside the list, a value of a type the server
coerces surprisingly (``"true"`` compares as 0 on a Check column, Part II §4a), and ``%``/``_`` inside a
``like`` value (wildcards the caller did not mean; the server escapes ``\\`` itself, so they cannot be
escaped). Those are refused with ``UnsafeFilterValue``.

Names are compared and ordered by the server only (``name`` uses the database collation, case- and
accent-insensitive on MariaDB; integers for autoincrement DocTypes): this module never compares them.
"""
from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from frappe_client.errors import UnsafeFilterValue

ORDER_BY = "modified asc, name asc"
NAME_ORDER = "name asc"
_FIELD = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_DOCTYPE = re.compile(r"^[^`'\"\\%\n\r\t]{1,140}$")
_SCALAR_OPS = frozenset({"=", "!=", ">", "<", ">=", "<="})
_LIST_OPS = frozenset({"in", "not in"})
_LIKE_OPS = frozenset({"like", "not like"})
Scalar = str | int | float | None


def _check_field(field: str) -> str:
    if not isinstance(field, str) or not _FIELD.match(field):
        raise UnsafeFilterValue(f"{field!r} is not a plain fieldname")
    return field


def check_doctype(doctype: str) -> str:
    """A DocType name as it may appear in a URL path or a 4-tuple filter (quotes and wildcards refused)."""
    if not isinstance(doctype, str) or not _DOCTYPE.match(doctype) or doctype != doctype.strip():
        raise UnsafeFilterValue(f"{doctype!r} is not a DocType name")
    return doctype


def scalar(value: Any) -> Scalar:
    """A value the server compares as given: str, int, finite float or None; booleans become 1/0.

    Raises:
        UnsafeFilterValue: any other type (a list or dict would be read as a nested filter).
    """
    if isinstance(value, bool):
        return 1 if value else 0
    if value is None or isinstance(value, (str, int)):
        return value
    if isinstance(value, float) and math.isfinite(value):
        return value
    raise UnsafeFilterValue(f"{type(value).__name__} values cannot be used in a filter")


def condition(field: str, op: str, value: Any, doctype: str | None = None) -> list[Any]:
    """One ``[field, op, value]`` (or ``[doctype, field, op, value]``) condition, validated.

    ``like``/``not like`` take the value *without* wildcards and match it as a prefix; use
    ``like_pattern`` for other shapes.

    Raises:
        UnsafeFilterValue: bad field, operator or value.
    """
    _check_field(field)
    op = op.lower() if isinstance(op, str) else op
    if op in _SCALAR_OPS:
        item: Any = scalar(value)
    elif op in _LIST_OPS:
        if not isinstance(value, (list, tuple)):
            raise UnsafeFilterValue(f"'{op}' needs a list of values")
        item = [scalar(v) for v in value]
    elif op in _LIKE_OPS:
        item = like_pattern(value, prefix=True)
    elif op == "is":
        if value not in ("set", "not set"):
            raise UnsafeFilterValue("'is' takes 'set' or 'not set'")
        item = value
    elif op == "between":
        if not isinstance(value, (list, tuple)) or len(value) != 2 or not all(isinstance(v, str) for v in value):
            raise UnsafeFilterValue("'between' needs two date or datetime strings")
        item = list(value)
    else:
        raise UnsafeFilterValue(f"operator {op!r} is not supported")
    return [check_doctype(doctype), field, op, item] if doctype is not None else [field, op, item]


def like_pattern(value: Any, *, prefix: bool = True, contains: bool = False) -> str:
    """A ``like`` pattern matching ``value`` literally as a prefix (or anywhere with ``contains``).

    Raises:
        UnsafeFilterValue: the value is not text, or holds ``%``, ``_`` or ``\\`` (which cannot be escaped).
    """
    if not isinstance(value, str):
        raise UnsafeFilterValue("like needs a text value")
    if any(ch in value for ch in "%_\\"):
        raise UnsafeFilterValue(f"{value!r} contains a like wildcard (% or _) or a backslash")
    if contains:
        return f"%{value}%"
    return f"{value}%" if prefix else value


def dumps(conditions: Sequence[Sequence[Any]]) -> str:
    """The JSON text of a condition list as the server expects it in a query string."""
    return json.dumps([list(c) for c in conditions], ensure_ascii=False, separators=(",", ":"))


@dataclass(frozen=True)
class Position:
    """The last (``modified`` literal, ``name``) of a page: the keyset resumes strictly after it."""

    modified: str
    name: str | int


def keyset(
    *,
    lower: str | None = None,
    upper: str | None = None,
    after: Position | None = None,
    extra: Iterable[Sequence[Any]] = (),
) -> dict[str, str]:
    """List parameters for one keyset page in ``modified asc, name asc`` order.

    ``lower`` is inclusive and ``upper`` exclusive (site wall-time literals); ``after`` resumes strictly
    after a row: ``modified >= X AND (modified > X OR name > N)``, which is ``(modified, name) > (X, N)``
    evaluated by the server (spec §7.3). ``extra`` conditions are ANDed (e.g. ``parenttype``).

    Returns:
        ``{"filters": json, "order_by": ..., ["or_filters": json]}``.
    """
    conds = [list(c) for c in extra]
    params: dict[str, str] = {"order_by": ORDER_BY}
    if after is not None:
        if lower is not None and after.modified < lower:
            raise ValueError("keyset position below the lower bound")
        conds.append(condition("modified", ">=", after.modified))
        params["or_filters"] = dumps([condition("modified", ">", after.modified), condition("name", ">", after.name)])
    elif lower is not None:
        conds.append(condition("modified", ">=", lower))
    if upper is not None:
        conds.append(condition("modified", "<", upper))
    params["filters"] = dumps(conds)
    return params


def name_keyset(after: str | int | None, extra: Iterable[Sequence[Any]] = ()) -> dict[str, str]:
    """List parameters for one page in ``name asc`` order strictly after ``after`` (key listings)."""
    conds = [list(c) for c in extra]
    if after is not None:
        conds.append(condition("name", ">", after))
    return {"filters": dumps(conds), "order_by": NAME_ORDER}
