"""Read helpers shared by FK resolution and upsert lookups: paged queries, safe match filters, value equality.

Every value that goes into a ``$filter`` passes ``idempiere_client.literals`` (the server has no quote
escaping, §4.6). A value that cannot (e.g. ``O'Brien``) is matched with ``contains`` on its longest
safe fragment and then compared exactly on the client, so it never changes the filter.
"""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from destination_idempiere.values import parse_instant
from idempiere_client.column_names import column_for
from idempiere_client.filters import F, include_inactive
from idempiere_client.literals import is_safe_string, like_literal, literal
from idempiere_client.metadata import TableMeta
from idempiere_client.timeutil import ServerClock

MAX_PAGES = 5  # a lookup that matches more than 500 rows is ambiguous anyway
_UNSAFE_FRAGMENT = re.compile(r"['(),%_\x00-\x1f\x7f]+")


class TooManyRows(Exception):
    """A lookup matched more rows than ``MAX_PAGES`` pages."""


def safe_fragment(value: str) -> str | None:
    """The longest run of ``value`` usable in ``contains(col,'...')``, or None (spec §4.5)."""
    parts = [p for p in _UNSAFE_FRAGMENT.split(value) if p.strip()]
    if not parts:
        return None
    best = max(parts, key=len)
    try:
        like_literal(best)
    except ValueError:
        return None
    return best


def order_column(meta: TableMeta) -> str:
    """A real, unique column for ``$orderby`` (``id`` is refused, §3.5)."""
    return meta.row_key or next(iter(meta.columns))


def key_order(meta: TableMeta, columns: list[str]) -> str:
    """``$orderby`` for a lookup by ``columns``: those columns, then the row key (so it stays unique).

    Ordering by the searched columns lets the database answer ``Value in (...)`` from the index on them;
    ordered by the row key alone, a planner may walk the whole table in key order to honour ``$top``
    (SQLite does: a lookup of 100 keys in 20k partners cost 6-11 ms of server CPU instead of ~1 ms).
    """
    names = list(dict.fromkeys(c for c in columns if c))
    last = order_column(meta)
    return ",".join(names + ([last] if last not in names else []))


def with_active(meta: TableMeta, expr: str) -> str:
    """Mention IsActive so inactive rows are found too (the server hides them otherwise, §3.4)."""
    return F.and_(expr, include_inactive()) if "IsActive" in meta.columns else expr


def canonical(meta: TableMeta, row: Any) -> Any:
    """Row keyed by exact ColumnNames: servers with ``REST_COLUMNNAME_TOLOWERCASE=Y`` send ``name`` for
    ``Name`` (first letter lowered when there is no underscore, §2.5)."""
    if not isinstance(row, dict):
        return row
    return {column_for(key, meta.columns): value for key, value in row.items()}


def query_all(client: Any, meta: TableMeta, filter_text: str, select: str | None = None,
              orderby: str | None = None, max_pages: int = MAX_PAGES) -> list[dict]:
    """All rows of ``filter_text`` (paged by the server's page size, at most ``max_pages`` pages).

    Args:
        orderby: a unique ``$orderby`` (default: the row key, ``order_column``).

    Raises:
        TooManyRows: more rows than ``max_pages`` pages hold.
    """
    rows: list[dict] = []
    skip = 0
    order = orderby or order_column(meta)
    for _ in range(max_pages):
        page = client.get_page(meta.model_name, filter=filter_text, orderby=order, select=select,
                               top=100, skip=skip)
        rows.extend(canonical(meta, r) for r in page.records)
        if not page.records or len(rows) >= page.row_count or not page.is_full:
            return rows
        skip = page.next_skip
    raise TooManyRows(f"more than {len(rows)} rows of {meta.name} match")


def needs_contains(kind: str, value: Any) -> bool:
    """Whether ``value`` cannot be an exact literal and is searched with ``contains`` (``eq_or_contains``)."""
    return kind in ("string", "list", "other") and isinstance(value, str) and not is_safe_string(value)


def eq_or_contains(meta: TableMeta, column: str, kind: str, value: Any, clock: ServerClock | None = None) -> str:
    """``column eq <literal>``, or ``contains(column,'<fragment>')`` when the literal would be unsafe.

    The ``contains`` form matches a superset; callers must compare the rows exactly (``same_value``).

    Raises:
        ValueError (UnsafeFilterValue): no safe form exists.
    """
    if needs_contains(kind, value):
        fragment = safe_fragment(value)
        if fragment is None:
            raise ValueError(f"{value!r} has no fragment that can be searched safely")
        return F.contains(column, fragment)
    return F.eq(column, literal(value, kind, clock))


def row_value(row: dict, column: str) -> Any:
    """The scalar of a read value: FK/list objects give their ``id`` (spec §6.2)."""
    value = row.get(column)
    if isinstance(value, dict):
        return value.get("id")
    return value


def row_key_id(row: dict, meta: TableMeta | None = None) -> int | str | None:
    """The id to address a row with: ``id`` for integer-key tables, else ``uid`` (spec §6.1).

    Servers before 2025-09 also send an ``id`` for UUID-key tables, which the path does not accept (§13).
    """
    if meta is not None and meta.key_column is None:
        return row.get("uid")
    return row.get("id") if row.get("id") is not None else row.get("uid")


def same_address(existing: dict, wanted: dict) -> bool:
    """Whether every field of an address object to write equals the read Location object (§6.2: its
    columns come as strings, its FKs as lookup objects)."""
    def norm(v: Any) -> Any:
        v = v.get("id") if isinstance(v, dict) else v
        return None if v in (None, "") else str(v)

    return all(norm(existing.get(k)) == norm(v) for k, v in wanted.items() if k not in ("propertyLabel", "model-name"))


def same_value(kind: str, existing: Any, wanted: Any, clock: ServerClock | None = None, legacy: bool = False) -> bool:
    """True when a read value (§6) equals a value prepared for writing (absent == null == cleared FK).

    ``legacy``: ``wanted`` date-times carry the old servers' fake ``Z`` (server wall clock, see values.py).
    """
    if kind == "location" and isinstance(wanted, dict) and "id" not in wanted:
        return isinstance(existing, dict) and same_address(existing, wanted)
    if isinstance(existing, dict):
        existing = existing.get("id")
    if isinstance(wanted, dict):
        if "id" not in wanted:
            return False  # resolved by the server: cannot compare cheaply
        wanted = wanted["id"]
    if kind == "fk" and wanted == -1:
        wanted = None
    if existing is None or wanted is None:
        return existing is None and wanted is None
    try:
        if kind == "boolean":
            return bool(existing) == bool(wanted)
        if kind in ("integer", "number", "fk", "location", "image"):
            if isinstance(existing, str) or isinstance(wanted, str):
                return str(existing) == str(wanted)
            return Decimal(str(existing)) == Decimal(str(wanted))
        if kind == "date":
            return str(existing)[:10] == str(wanted)[:10]
        if kind in ("datetime", "timestamptz"):
            have = (clock or ServerClock("UTC")).to_utc(existing) if kind == "datetime" else parse_instant(existing)
            want = parse_instant(wanted)
            if kind == "datetime" and legacy and isinstance(wanted, str) and clock is not None:
                want = clock.to_utc(wanted)  # the fake Z of old servers is the server wall clock
            return have.replace(microsecond=0) == want.replace(microsecond=0)
    except (InvalidOperation, ValueError, TypeError):
        return False
    return existing == wanted


def changed_columns(meta: TableMeta, values: dict[str, Any], row: dict, clock: ServerClock, legacy: bool) -> dict:
    """The ``values`` that differ from the read ``row`` (what an update sends; ``AD_Client_ID`` is never changed).

    An address object without ``id`` edits the address already linked to the row (sent with that ``id``), so an
    update does not add an address per run.
    """
    changes: dict[str, Any] = {}
    for column, value in values.items():
        col = meta.columns.get(column)
        kind = col.kind if col is not None else "other"
        current = row.get(column)
        if column.lower() == "ad_client_id" or same_value(kind, current, value, clock, legacy):
            continue
        if kind == "location" and isinstance(value, dict) and "id" not in value and isinstance(current, dict) \
                and current.get("id"):
            value = {**value, "id": current["id"]}
        changes[column] = value
    return changes
