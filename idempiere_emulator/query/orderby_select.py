"""$orderby and $select handling (spec §5.1, §5.2)."""
from __future__ import annotations

import zlib

from ..catalog import Column, Table
from ..errors import EmulatorError


def _java_split_comma(text: str) -> list[str]:
    """String.split(",") semantics: trailing empty items are dropped."""
    parts = text.split(",")
    while parts and parts[-1] == "":
        parts.pop()
    return parts


def order_by(table: Table, text: str | None) -> str | None:
    """SQL ORDER BY list, or None when absent or invalid: any bad item drops the whole $orderby (§5.1)."""
    if not text or not text.strip():
        return None
    items = []
    for raw in _java_split_comma(text):
        item = raw.strip()
        direction = ""
        if " " in item:
            names = item.split(" ")
            if len(names) > 2 or names[1].lower() not in ("asc", "desc"):
                return None
            item, direction = names[0], " " + names[1].upper()
        col = table.column(item)
        if col is None or not item:
            return None
        items.append(f'"{col.name}"{direction}')
    return ", ".join(items) if items else None


SORT_LIMIT = 20_000  # above this many matching rows, shuffling by hash would need a full sort


def scrambled_order(table: Table, salt_text: str, matching: int = 0) -> str:
    """No $orderby: a deterministic per-request shuffle, never accidentally sorted (§3.5, issue 3).

    Up to SORT_LIMIT matching rows the order is a hash of rowid salted with the filter text, so
    it changes with the request. Larger results follow the random ``_UU`` index (direction picked
    by the salt) so that a page stays cheap; it is still unrelated to key and Updated order.
    """
    salt = zlib.crc32(f"{table.lname}|{salt_text}".encode()) % 1_000_003
    if matching > SORT_LIMIT and table.uu_column:
        return f'"{table.uu_column}"' + (" DESC" if salt % 2 else "")
    mult = 2654435761 + 2 * salt  # a salt-dependent multiplier gives a different permutation per request
    return f"(((rowid + {salt}) * {mult}) % 2147483629)"


def select_columns(table: Table, text: str | None) -> list[Column] | None:
    """Validated $select columns in the table's column order; unknown name -> 400 (§5.2)."""
    if not text or not text.strip():
        return None
    chosen = set()
    for raw in _java_split_comma(text):
        col = table.column(raw.strip())
        if col is None:
            raise EmulatorError(400, None, f"{raw} is not a valid column of table {table.name}")
        if not col.secure:
            chosen.add(col.name)
    if not chosen:
        return None  # every requested column unreadable -> all readable columns (§5.2)
    return [c for c in table.columns if c.name in chosen]
