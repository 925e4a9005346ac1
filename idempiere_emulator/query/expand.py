"""$expand: master (FK) and detail (child table / Table.Column) expansion (spec §5.3).

It reads through ``ExpandReads`` (the model's ``model.reads.Reads``), a narrow interface, so that this package
depends only on the catalog, errors and session, and the model imports it without a cycle.
"""
from __future__ import annotations

import sqlite3
from typing import Any, Protocol

from ..catalog import Column, Table
from ..catalog.properties import property_name
from ..errors import EmulatorError
from ..session import Session
from .filter import Converted, mentions_isactive
from .orderby_select import order_by, scrambled_order, select_columns


class ExpandReads(Protocol):
    """What an expansion reads: tables under the session's access, converted filters, rows and records."""

    max_records: int  # REST_MAX_RECORDS_SIZE caps a detail's $top too
    tolowercase: bool  # property names of the links that are dropped

    def master(self, session: Session, name: str) -> Table | None:
        """The referenced table when the session may read it, else None (the master is left out)."""

    def readable(self, session: Session, name: str) -> Table:
        """A detail table: 404 unknown, 403 not readable, as a collection."""

    def data_sql(self, session: Session, table: Table) -> str: ...

    def convert_filter(self, table: Table, text: str | None) -> Converted: ...

    def row_by_key(self, table: Table, value: Any) -> dict | None: ...

    def rows_of(self, sql: str, params: list) -> list[dict]: ...

    def records(self, table: Table, rows: list[dict], columns: list[Column] | None) -> list[dict]: ...


def split_items(text: str) -> list[str]:
    """Comma split at parenthesis depth 0."""
    items, depth, buf = [], 0, []
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            items.append("".join(buf).strip())
            buf = []
            continue
        buf.append(ch)
    if "".join(buf).strip():
        items.append("".join(buf).strip())
    return items


def parse_item(item: str) -> tuple[str, dict[str, str]]:
    """``Name(opt;opt)`` -> (Name, {"$select": ..., ...}); options trimmed (REST_EXPAND_SEPARATOR ';')."""
    if "(" not in item or not item.endswith(")"):
        return item.strip(), {}
    name, inner = item[:item.index("(")].strip(), item[item.index("(") + 1:-1]
    opts: dict[str, str] = {}
    depth, buf, parts = 0, [], []
    for ch in inner:
        depth += ch == "("
        depth -= ch == ")"
        if ch == ";" and depth == 0:
            parts.append("".join(buf))
            buf = []
            continue
        buf.append(ch)
    parts.append("".join(buf))
    for part in parts:
        part = part.strip()
        if "=" in part:
            key, value = part.split("=", 1)
            opts[key.strip().lower()] = value.strip()
    return name, opts


def expand_error(detail: str) -> EmulatorError:
    return EmulatorError(400, "Expand error", detail)


def _int_opt(opts: dict, key: str) -> int:
    try:
        return int(opts.get(key, "0") or 0)
    except ValueError:
        raise expand_error("failed to parse Skip or Top operator. Only integers allowed") from None


def apply_expand(b: ExpandReads, session: Session, table: Table, rows: list[dict], records: list[dict],
                 text: str) -> None:
    """Expand every item of ``text`` into ``records`` (one query per record, like the plugin's N+1)."""
    for item in split_items(text):
        name, opts = parse_item(item)
        col = table.column(name) if "." not in name else None
        if col is not None:
            _master(b, session, col, rows, records, opts)
            continue
        _detail(b, session, table, rows, records, item, name, opts)


def _master(b: ExpandReads, session: Session, col, rows: list[dict], records: list[dict], opts: dict) -> None:
    if not col.is_lookup:
        raise expand_error(f"Column {col.name} cannot be expanded")
    if any(k != "$select" for k in opts):
        raise expand_error("Expanding a master only support the $select query operator")
    ref = b.master(session, col.ref_table)
    if ref is None:
        return
    cols = select_columns(ref, opts.get("$select"))
    prop = property_name(col.name, b.tolowercase)
    for row, rec in zip(rows, records):
        value = row.get(col.name)
        if value is None:
            continue
        found = b.row_by_key(ref, value)
        if found is not None:
            rec[prop] = b.records(ref, [found], cols)[0]


def _detail(b: ExpandReads, session: Session, parent: Table, rows: list[dict], records: list[dict], item: str,
            name: str, opts: dict) -> None:
    explicit = "." in name
    child_name, link_name = name.split(".", 1) if explicit else (name, None)
    child = b.readable(session, child_name)
    parent_key = parent.key or parent.uu_column
    if explicit:
        link = child.column(link_name)
        if link is None or not (link.is_lookup and link.ref_table and link.ref_table.lower() == parent.lname
                                or link.name in ("Record_ID", "Record_UU")):
            raise expand_error(f"Column: {link_name} is not a valid FK for table: {child.name}")
        link_col = link.name
        drop_link = link_name == link.name  # exclusion is case-sensitive (§5.3)
    else:
        if child.column(parent_key) is None:
            raise EmulatorError(500, "GET Error", f"Wrong detail {child.name}: no column that links to the parent "
                                                  f"table {parent.name}")
        link_col, drop_link = child.column(parent_key).name, True
    top, skip = _int_opt(opts, "$top"), _int_opt(opts, "$skip")
    mx = b.max_records
    if mx > 0 and (top > mx or top <= 0):
        top = mx
    conv = b.convert_filter(child, opts.get("$filter"))
    where = [f'"{link_col}"=?']
    if conv.where:
        where.append(f"({conv.where})")
    if not mentions_isactive(conv.where):
        where.append("IsActive='Y'")
    if explicit and link_col in ("Record_ID", "Record_UU") and child.has("AD_Table_ID"):
        where.append(f"AD_Table_ID={int(parent.table_id)}")
    where.append(b.data_sql(session, child))
    cols = select_columns(child, opts.get("$select"))
    order = order_by(child, opts.get("$orderby")) or scrambled_order(child, f"expand|{item}")
    sql = f'SELECT * FROM "{child.name}" WHERE {" AND ".join(where)} ORDER BY {order}'
    if top > 0:
        sql += f" LIMIT {top} OFFSET {max(skip, 0)}"
    link_prop = property_name(link_col, b.tolowercase)
    for row, rec in zip(rows, records):
        try:
            found = b.rows_of(sql, [row.get(parent_key), *conv.params])
        except sqlite3.Error as exc:
            raise EmulatorError(500, "GET Error", f"ERROR: {exc}") from None
        if not found:
            continue
        children = b.records(child, found, cols)
        if opts.get("$expand"):
            apply_expand(b, session, child, found, children, opts["$expand"])
        for c in children:
            c.pop("model-name", None)
            if drop_link:
                c.pop(link_prop, None)
        rec[name] = children  # key exactly as written, without the options (§5.3)
