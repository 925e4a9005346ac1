"""Documents with their lines in one record: nested child arrays mapped, walked, and written in one POST.

The plugin treats a JSON array whose field is not a column of the table as the rows of the child table of that
name (case-insensitive), provided the child table holds the parent's key column; it inserts them with the new
parent's id, recursively (arrays inside child rows are grandchildren), all in the parent's transaction (spec
§7.4). So a record such as an order with ``"C_OrderLine": [{...}, {...}]`` is mapped here into ``ChildRows``
(each row mapped like a record of the child table: same case-insensitive columns, value normalisation and FK
forms), its FK references are resolved with the record's own (``walk``), and it is inserted as one POST
(``insert_arrays``). A child row that does not map rejects its whole document with a reason naming the row
(``C_OrderLine[1]: column QtyEntered: ...``, 0-based); the server's answer to a refused document is pointed at
the row it is about when it can be told (``locate_failure``). Updates of existing documents: child_sync.py.

Every inserted child row carries a ``<Child>_UU`` derived from its parent's ``<Table>_UU`` and its key within
the document (``child_keys``) or its position, so a later update finds the rows this destination created.
"""
from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Iterator, Mapping
from typing import Any

from destination_idempiere.prepared_record import ChildRows, PreparedRecord
from destination_idempiere.record_mapping import RecordMapper, deterministic_uu
from destination_idempiere.values import CLEAR_FK, WriteContext
from erp_airbyte.destination.protocols import RecordRejected
from erp_http.errors import ApiError, ConfigurationError
from idempiere_client.metadata import TableMeta

_FOREIGN_ID = re.compile(r"Foreign ID (-?\d+) not found in (\w+)")
_MANDATORY = re.compile(r"(?:Fill mandatory fields|Mandatory fields missing):\s*([^.;]+)")
_CHILD_FAILED = "Save error with exception"  # the plugin's POST flattens every child error into this (§7.4)


class ChildRowRejected(RecordRejected):
    """A child row (at ``path``, e.g. ``C_OrderLine[1].M_X[0]``) cannot be written: its document is rejected."""

    def __init__(self, path: str, detail: str):
        super().__init__(f"{path}: {detail}")
        self.path = path
        self.detail = detail


class ChildMapper:
    """Maps the nested child arrays of one parent table (the ``NestedRows`` of its ``RecordMapper``).

    A child table is looked up once per run and field name (``catalog.get``: its YAML, one or two requests);
    a field that names no such table, or a table without the parent's key column, rejects the record.

    Args:
        catalog: ``MetadataCatalog``.
        parent: the table whose records hold the arrays.
        stream: stream name (for the child mappers' log lines).
        ctx: date-time conventions of the server generation.
        logger: destination logger.
        keys: ``child_keys`` (lower-case table -> columns); checked against each child table when it is loaded.
    """

    def __init__(self, catalog: Any, parent: TableMeta, stream: str, ctx: WriteContext, logger: logging.Logger,
                 keys: Mapping[str, tuple[str, ...]]):
        self.catalog = catalog
        self.parent = parent
        self.stream = stream
        self.ctx = ctx
        self.logger = logger
        self.keys = keys
        self.link = parent.key_column or parent.uu_column
        self._tables: dict[str, tuple[TableMeta, str, RecordMapper] | str] = {}
        self._noted: set[str] = set()  # child tables whose link column was sent (logged once)

    def take(self, rec: PreparedRecord, name: str, value: list) -> None:
        entry = self._table(name)
        if isinstance(entry, str):
            raise RecordRejected(entry)
        meta, link, mapper = entry
        if any(block.table.model_name == meta.model_name for block in rec.children):
            raise RecordRejected(f"field {name!r}: the record holds two arrays of {meta.name} rows")
        rows = []
        for i, item in enumerate(value):
            if not isinstance(item, dict):
                raise ChildRowRejected(f"{name}[{i}]", f"a child row must be an object, not {type(item).__name__}")
            try:
                row = mapper.prepare(i, item)
            except ChildRowRejected as exc:
                raise ChildRowRejected(f"{name}[{i}].{exc.path}", exc.detail) from None
            except RecordRejected as exc:
                raise ChildRowRejected(f"{name}[{i}]", exc.reason) from None
            if row.values.pop(link, None) is not None or row.fk_refs.pop(link, None) is not None:
                self._note_link(meta, link)  # the server sets the link to the parent (§7.4)
            rows.append(row)
        rec.children.append(ChildRows(name, meta, link, rows))

    def _note_link(self, meta: TableMeta, link: str) -> None:
        if meta.model_name not in self._noted:
            self._noted.add(meta.model_name)
            self.logger.info("Stream %s: %s.%s is set by the server to the parent %s; the values sent for it are "
                             "not used", self.stream, meta.name, link, self.parent.name)

    def _table(self, name: str) -> tuple[TableMeta, str, RecordMapper] | str:
        """The child table named by ``name`` with its link column and mapper, or why there is none (cached).

        Raises:
            ConfigurationError: ``child_keys`` names a column the child table does not have; TransientError.
        """
        low = name.lower()
        entry = self._tables.get(low)
        if entry is not None:
            return entry
        no_column = f"field {name!r} matches no column of table {self.parent.name}"
        try:
            meta = self.catalog.get(low)
        except (ApiError, ValueError) as exc:
            why = exc.reason if isinstance(exc, ApiError) else exc
            entry = f"{no_column}, and no table {name} can hold child rows ({why})"
        else:
            link_col = meta.column_ci(self.link) if self.link else None
            if link_col is None:
                entry = (f"{no_column}, and table {meta.name} cannot hold child rows of {self.parent.name}: it has "
                         f"no column {self.link or 'linking to it'}")
            else:
                key_columns(meta, self.keys)  # a wrong child_keys entry fails the run at once
                nested = ChildMapper(self.catalog, meta, self.stream, self.ctx, self.logger, self.keys)
                mapper = RecordMapper(meta, f"{self.stream}.{meta.name}", [], self.ctx, deterministic_uu=False,
                                      logger=self.logger, key_required=False, nested=nested)
                entry = (meta, link_col.name, mapper)
        self._tables[low] = entry
        return entry


def key_columns(meta: TableMeta, keys: Mapping[str, tuple[str, ...]]) -> tuple[str, ...]:
    """The exact ``child_keys`` columns of a child table (empty: none configured).

    Raises:
        ConfigurationError: a configured column is not a column of the table.
    """
    names = []
    for name in keys.get(meta.model_name, ()):
        col = meta.column_ci(name)
        if col is None:
            raise ConfigurationError(f"child_keys for {meta.model_name}: {name!r} is not a column of {meta.name}.")
        names.append(col.name)
    return tuple(names)


def child_keys_problem(keys: Mapping[str, tuple[str, ...]], catalog: Any) -> str | None:
    """Why ``child_keys`` would fail a sync (an unreadable table, a column it lacks), for ``check``; else None."""
    for table in keys:
        try:
            key_columns(catalog.get(table), keys)
        except ApiError as exc:
            return f"child_keys for {table}: the table cannot be read with this role ({exc.reason})."
        except ConfigurationError as exc:
            return str(exc)
    return None


def walk(rec: PreparedRecord, meta: TableMeta, path: str = "") -> Iterator[tuple[str, PreparedRecord, TableMeta]]:
    """``(path, row, table)`` for the record (path ``""``) and every child row below it, depth first."""
    yield path, rec, meta
    for block in rec.children:
        for i, row in enumerate(block.rows):
            yield from walk(row, block.table, f"{path}.{block.field}[{i}]" if path else f"{block.field}[{i}]")


def at(path: str) -> str:
    """The reason prefix for a row: ``"C_OrderLine[1]: "``, nothing for the record itself."""
    return f"{path}: " if path else ""


def parent_seed(uu: str | None, key: tuple | None) -> str | None:
    """What child ``<Child>_UU`` values are derived from: the parent's ``<Table>_UU``, else its key."""
    if uu:
        return uu
    return f"key:{key!r}" if key is not None else None


def child_uu(block: ChildRows, row: PreparedRecord, index: int, seed: str | None, key_cols: tuple[str, ...]) -> str:
    """The ``<Child>_UU`` of a child row: its own ``uid`` if it has one; else derived from the parent (``seed``)
    and its ``child_keys`` values (or, without them or when one is empty, its position); random without a seed."""
    if row.record_uid:
        return row.record_uid
    if seed is None:
        return str(uuid.uuid4())
    values = [row.values.get(c) for c in key_cols]
    if key_cols and all(v not in (None, "", CLEAR_FK) for v in values):
        return deterministic_uu(f"{seed}/{block.table.model_name}", ("key", *values))
    return deterministic_uu(f"{seed}/{block.table.model_name}", ("line", index))


def insert_arrays(rec: PreparedRecord, seed: str | None, keys: Mapping[str, tuple[str, ...]]) -> dict[str, list]:
    """The child arrays of an insert body, under each child table's exact name, grandchildren nested.

    Tombstone rows (``_ab_cdc_deleted_at`` set) are left out; empty arrays are not sent.
    """
    out: dict[str, list] = {}
    for block in rec.children:
        cols = key_columns(block.table, keys)
        items = []
        for i, row in enumerate(block.rows):
            if row.deleted:
                continue
            item = dict(row.values)
            uu = child_uu(block, row, i, seed, cols)
            if block.table.uu_column:
                item[block.table.uu_column] = uu
            item.update(insert_arrays(row, uu, keys))
            items.append(item)
        if items:
            out[block.table.name] = items
    return out


def child_tables(rec: PreparedRecord) -> set[str]:
    """Model names of every table the record's child rows go to (at any depth)."""
    out: set[str] = set()
    for block in rec.children:
        out.add(block.table.model_name)
        for row in block.rows:
            out |= child_tables(row)
    return out


def locate_failure(rec: PreparedRecord, meta: TableMeta, reason: str) -> str:
    """The server's reason for refusing a document, prefixed with the child row(s) it is about when that can be
    told: a ``Foreign ID N not found in Col`` that only child rows hold, or mandatory columns that only child
    rows lack. The plugin's POST names no row (every child error becomes ``Save error with exception: ...``)."""
    if not rec.children:
        return reason
    nodes = list(walk(rec, meta))
    hits: list[str] = []  # child rows the reason points at ("" = the document itself: then it is not told)
    found = _FOREIGN_ID.search(reason)
    mandatory = _MANDATORY.search(reason)
    if found:
        wanted, column = found.group(1), found.group(2).lower()
        hits = [path for path, node, _ in nodes if any(
            c.lower() == column and str(v) == wanted for c, v in node.values.items())]
    elif mandatory:
        names = [n.strip() for n in mandatory.group(1).split(",") if n.strip()]
        for path, node, table in nodes:
            lacking = [col.name for n in names if (col := table.column_ci(n)) is not None
                       and col.name not in node.values and col.name not in node.fk_refs]
            if lacking:
                hits.append(f"{path} (no {', '.join(lacking)})" if path else "")
    if hits and "" not in hits:
        shown = ", ".join(hits[:5]) + (f" and {len(hits) - 5} more" if len(hits) > 5 else "")
        return f"{shown}: {reason}"
    if _CHILD_FAILED in reason:
        return f"{reason} (in a child row; the server does not say which)"
    return reason
