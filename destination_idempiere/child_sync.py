"""Updating an existing document that a record sends with its child rows (upsert and update modes).

The plugin's PUT treats a child array like this (spec §7.4): an item whose ``id`` or ``uid`` names an existing
row updates it, ``"(delete)": true`` deletes it, any other item is inserted; arrays inside child rows are
ignored (it has no grandchild level). Sending the record's rows as they are would insert every line again on
each re-sync, so the document's current child rows are read first (one ``$filter`` on the link column per
child table and slice: ``C_Order_ID in (...)``, or ``eq``/``or`` on servers without ``in``) and each row of
the record is matched to one of them, in this order:

1. its own ``uid`` (or ``<Child>_UU``), then its own ``id`` (or ``<Child>_ID``) -- among this document's rows
   only, so an id from another system never updates a row elsewhere;
2. with ``child_keys`` for the table: the rows whose key columns hold the same values (two rows of the
   document with one key make the key useless: the document is rejected);
3. otherwise the ``<Child>_UU`` that this destination gives a row it inserts (child_rows.child_uu: derived
   from the document's ``<Table>_UU`` and the row's position), so the rows it created are found again.

A matched row is sent with its id and only its changed columns (none changed: not sent); an unmatched row is
inserted with its derived ``<Child>_UU`` (also as ``uid``, so a resent PUT updates it instead of inserting it
twice). ``child_mode: replace`` also deletes the document's rows that no record row matched (``merge``, the
default, never deletes). Nothing changed, nothing sent: re-sending the same document is idempotent.

Below the first child level the PUT can write nothing, so there the rows are only compared: a record whose
grandchildren differ from the document's is rejected with that reason (insert such documents whole).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from destination_idempiere.child_options import ChildOptions
from destination_idempiere.child_rows import at, child_uu, key_columns, parent_seed
from destination_idempiere.prepared_record import ChildRows, PreparedRecord
from destination_idempiere.queries import (
    TooManyRows,
    changed_columns,
    key_order,
    query_all,
    row_value,
    same_value,
    with_active,
)
from destination_idempiere.values import CLEAR_FK, WriteContext
from erp_http.errors import ApiError, UnsafeFilterValue
from idempiere_client.filters import F
from idempiere_client.literals import literal
from idempiere_client.metadata import TableMeta

IN_PARENTS = 100  # parents per ``in (...)`` read of their child rows
OR_PARENTS = 20  # parents per ``or`` read (servers without ``in``), and for UUID links
MAX_CHILD_PAGES = 1000  # 100 rows each: a slice's documents may hold many lines


@dataclass
class ExistingChildren:
    """The current child rows of a slice's documents: (child model name, link column, parent key as text) -> rows."""

    rows: dict[tuple[str, str, str], list[dict]] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)  # child model name -> why it could not be read

    def of(self, block: ChildRows, parent_key: Any) -> list[dict]:
        return self.rows.get((block.table.model_name, block.link, str(parent_key)), [])


@dataclass
class ChildUpdate:
    """What a PUT of one document adds for its child rows, or why the document is rejected.

    Attributes:
        arrays: child table name -> PUT items (deletes first, then updates and inserts in record order).
        verify_path: a row the PUT inserts (it exists only if the PUT was applied: proves an uncertain write).
        gone_path: a row the PUT deletes (gone only if the PUT was applied).
        error: the rejection reason, naming the child row.
    """

    arrays: dict[str, list[dict]] = field(default_factory=dict)
    verify_path: str | None = None
    gone_path: str | None = None
    error: str | None = None


def parent_key(row: dict, meta: TableMeta) -> Any:
    """The value a child row's link column holds for this parent row (its id, or its UUID for UUID-key tables)."""
    return row.get("id") if meta.key_column else row.get("uid")


class ChildSync:
    """Reads the child rows of existing documents and plans their PUT items (thread-safe: no state per call).

    Args:
        client: ``IdempiereClient``.
        options: ``child_mode`` and ``child_keys``.
        ctx: date-time conventions (value comparison).
        use_in: the server has the ``in`` operator (servers with the batch endpoint).
    """

    def __init__(self, client: Any, options: ChildOptions, ctx: WriteContext, use_in: bool):
        self.client = client
        self.options = options
        self.ctx = ctx
        self.use_in = use_in

    # ---- reading ---------------------------------------------------------------------------------
    def existing(self, found: Iterable[tuple[PreparedRecord, dict]], meta: TableMeta) -> ExistingChildren:
        """The current child rows (and, where the records have grandchildren, those too) of the found rows."""
        out = ExistingChildren()
        level = [(block, parent_key(row, meta)) for rec, row in found for block in rec.children]
        while level:
            wanted: dict[tuple[str, str], tuple[ChildRows, set[Any]]] = {}
            for block, key in level:
                if key is not None:
                    wanted.setdefault((block.table.model_name, block.link), (block, set()))[1].add(key)
            for block, keys in wanted.values():
                self._read(block, keys, out)
            deeper = []
            for block, key in level:
                below = {(g.table.model_name, g.link): g for row in block.rows for g in row.children}
                for erow in out.of(block, key) if below else ():
                    deeper += [(g, parent_key(erow, block.table)) for g in below.values()]
            level = deeper
        return out

    def _read(self, block: ChildRows, keys: set[Any], out: ExistingChildren) -> None:
        meta, link = block.table, block.link
        ordered = sorted(keys, key=str)
        size = IN_PARENTS if self.use_in and all(isinstance(k, int) for k in ordered) else OR_PARENTS
        for start in range(0, len(ordered), size):
            part = ordered[start:start + size]
            try:
                lits = [literal(k, "fk") for k in part]
                expr = F.in_(link, lits) if self.use_in and len(lits) > 1 else F.or_(*(F.eq(link, lit) for lit in lits))
                rows = query_all(self.client, meta, with_active(meta, expr), orderby=key_order(meta, [link]),
                                 max_pages=MAX_CHILD_PAGES)
            except (ApiError, TooManyRows, UnsafeFilterValue, ValueError) as exc:
                out.failed[meta.model_name] = f"reading the existing {meta.name} rows failed: {exc}"
                return
            for row in rows:
                out.rows.setdefault((meta.model_name, link, str(row_value(row, link))), []).append(row)

    # ---- planning --------------------------------------------------------------------------------
    def update(self, rec: PreparedRecord, meta: TableMeta, row: dict, existing: ExistingChildren) -> ChildUpdate:
        """The child arrays of the PUT that brings the found ``row`` to the record (see module doc)."""
        out = ChildUpdate()
        seed = parent_seed(row.get("uid"), rec.key)
        for block in rec.children:
            if block.table.model_name in existing.failed:
                out.error = existing.failed[block.table.model_name]
                return out
            items, error = self._block_items(block, existing.of(block, parent_key(row, meta)), seed, existing, out)
            if error:
                out.error = error
                return out
            if items:
                out.arrays[block.table.name] = items
        return out

    def _block_items(self, block: ChildRows, rows: list[dict], seed: str | None, existing: ExistingChildren,
                     out: ChildUpdate) -> tuple[list[dict], str | None]:
        matches, error = self._match(block, rows, seed, "")
        if error:
            return [], error
        table = block.table
        items: list[dict] = []
        if self.options.mode == "replace":
            kept = {id(hit) for _, _, hit, _ in matches if hit is not None}
            for gone in (r for r in rows if id(r) not in kept):
                items.append({**_address(gone, table), "(delete)": True})
                out.gone_path = out.gone_path or f"models/{table.model_name}/{_ident(gone, table)}"
        for i, child, hit, uu in matches:
            path = f"{block.field}[{i}]"
            if hit is None:
                if any(g.rows for g in child.children):
                    return [], (f"{path}: rows nested in a new child row cannot be added to an existing document "
                                f"(the plugin's PUT writes only the first child level); insert the document whole")
                item = dict(child.values)
                if table.uu_column:
                    item.update({table.uu_column: uu, "uid": uu})
                    out.verify_path = out.verify_path or f"models/{table.model_name}/{uu}"
                items.append(item)
                continue
            error = self._below(child, hit, table, path, existing)
            if error:
                return [], error
            changes = changed_columns(table, child.values, hit, self.ctx.clock, self.ctx.legacy_datetime)
            if changes:
                items.append({**_address(hit, table), **changes})
        return items, None

    def _below(self, child: PreparedRecord, hit: dict, table: TableMeta, path: str,
               existing: ExistingChildren) -> str | None:
        """Why the grandchildren of a matched child row cannot be left as they are (None: they match)."""
        for block in child.children:
            if block.table.model_name in existing.failed:
                return existing.failed[block.table.model_name]
            rows = existing.of(block, parent_key(hit, table))
            matches, error = self._match(block, rows, parent_seed(hit.get("uid"), None), path + ".")
            if error:
                return error
            kept = {id(h) for _, _, h, _ in matches if h is not None}
            for i, grand, hit2, _ in matches:
                where = f"{path}.{block.field}[{i}]"
                if hit2 is None or changed_columns(block.table, grand.values, hit2, self.ctx.clock,
                                                   self.ctx.legacy_datetime):
                    return _deep(where, "differs from the document's row" if hit2 else "is not in the document")
                error = self._below(grand, hit2, block.table, where, existing)
                if error:
                    return error
            if self.options.mode == "replace" and len(kept) < len(rows):
                return _deep(f"{path}.{block.field}", f"{len(rows) - len(kept)} row(s) of the document are not in "
                                                      f"the record")
        return None

    def _match(self, block: ChildRows, rows: list[dict], seed: str | None, prefix: str
               ) -> tuple[list[tuple[int, PreparedRecord, dict | None, str]], str | None]:
        """(index, record row, matched document row or None, UUID for an insert) per row; or a rejection."""
        table = block.table
        cols = key_columns(table, self.options.keys)
        by_uid = {r["uid"]: r for r in rows if r.get("uid")}
        by_id = {str(r["id"]): r for r in rows if r.get("id") is not None}
        claimed: dict[int, int] = {}
        out: list[tuple[int, PreparedRecord, dict | None, str]] = []
        for i, child in enumerate(block.rows):
            if child.deleted:
                continue
            path = f"{prefix}{block.field}[{i}]"
            uu = child_uu(block, child, i, seed, cols)
            hit = by_uid.get(child.record_uid) if child.record_uid else None
            if hit is None and child.record_id is not None:
                hit = by_id.get(str(child.record_id))
            if hit is None and cols:
                values = [child.values.get(c) for c in cols]
                empty = next((c for c, v in zip(cols, values) if v in (None, "", CLEAR_FK)), None)
                if empty:
                    return [], f"{at(path)}child key column {empty} is empty"
                same = [r for r in rows if all(same_value(_kind(table, c), r.get(c), v, self.ctx.clock,
                                                          self.ctx.legacy_datetime) for c, v in zip(cols, values))]
                if len(same) > 1:
                    shown = ", ".join(f"{c} = {v!r}" for c, v in zip(cols, values))
                    return [], (f"{at(path)}{len(same)} {table.name} rows of the document have {shown}; child_keys "
                                f"must identify one row")
                hit = same[0] if same else None
            elif hit is None:
                hit = by_uid.get(uu)
            if hit is not None:
                if id(hit) in claimed:
                    return [], (f"{path} and {prefix}{block.field}[{claimed[id(hit)]}] match the same {table.name} "
                                f"row ({_ident(hit, table)})")
                claimed[id(hit)] = i
            out.append((i, child, hit, uu))
        return out, None


def _kind(table: TableMeta, column: str) -> str:
    col = table.columns.get(column)
    return col.kind if col is not None else "other"


def _ident(row: dict, table: TableMeta) -> Any:
    return row.get("id") if table.key_column else row.get("uid")


def _address(row: dict, table: TableMeta) -> dict:
    """How a PUT item names an existing child row: ``id`` (integer-key tables) or ``uid``."""
    return {"id": row["id"]} if table.key_column else {"uid": row["uid"]}


def _deep(path: str, what: str) -> str:
    return (f"{path}: {what}, and rows below the first child level of an existing document cannot be written "
            f"(the plugin's PUT writes only the first child level)")
