"""Finding the existing rows of upsert/update/soft-delete records by their primary key.

* key ``id``: ``GET models/{t}/{id}``, then (for rows this destination inserted on an earlier run,
  which got a new id) ``GET models/{t}/{<Table>_UU>}`` with the record's deterministic UUID;
* key ``uid``: ``GET models/{t}/{uuid}``;
* key columns (e.g. ``Value``, ``DocumentNo``, composite keys): one ``$filter`` per chunk of records,
  ``(Value eq 'a') or (Value eq 'b') ... and IsActive neq null`` (inactive rows count: they exist);
  with a single key column on a server that has the batch endpoint (so also the ``in`` operator, added
  2024-09, spec §13), ``Value in ('a','b',...)`` with 100 values per request instead; ordered by the key
  columns (then the row key), so the server can answer from its index on them; every chunk is halved
  until its encoded query string fits ``erp_http.url_budget`` (long or non-ASCII keys would pass the
  server's 8 KB request line and fail the whole chunk with 414), and a key too long to fit alone is
  rejected with that reason;
  a value that is unsafe in a filter is searched with ``contains`` on a safe fragment, and every row
  is then matched exactly here, so a quote can never change the filter.
"""
from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from destination_idempiere.prepared_record import KeyField, PreparedRecord
from destination_idempiere.queries import (
    TooManyRows,
    canonical,
    eq_or_contains,
    key_order,
    needs_contains,
    query_all,
    same_value,
    with_active,
)
from erp_http.errors import ApiError, UnsafeFilterValue
from erp_http.parallel import parallel_map
from erp_http.url_budget import MAX_QUERY_BYTES, query_length, split_until_fits
from idempiere_client.filters import F
from idempiere_client.literals import literal
from idempiere_client.metadata import TableMeta
from idempiere_client.timeutil import ServerClock

CHUNK = 20  # records per OR-filter at most (then split by the encoded URL length, url_budget)
IN_CHUNK = 100  # values per ``in (...)`` list at most: one page of rows when keys are unique
_OTHER = object()  # index bucket of rows whose key value is not a string


@dataclass
class Found:
    """``row`` is the existing row (None: no row); ``error`` a rejection reason (lookup impossible/ambiguous)."""

    row: dict | None = None
    error: str | None = None


class RowFinder:
    """Looks up existing rows for one stream.

    Args:
        client: ``IdempiereClient``.
        meta: target table.
        key_fields: the stream's primary key (from ``RecordMapper.key_fields``).
        clock: server clock (date-time keys).
        workers: parallel lookups.
    """

    def __init__(self, client: Any, meta: TableMeta, key_fields: list[KeyField], clock: ServerClock, workers: int,
                 logger: logging.Logger, use_in: bool = False):
        self.client = client
        self.meta = meta
        self.key_fields = key_fields
        self.clock = clock
        self.workers = max(1, workers)
        self.logger = logger
        self.use_in = use_in and len(key_fields) == 1 and key_fields[0].role == "column"
        self.max_query_bytes = MAX_QUERY_BYTES
        roles = [k.role for k in key_fields]
        self.by_path = bool(roles) and set(roles) <= {"id", "uid"}  # the first one addresses the row
        self.orderby = key_order(meta, [meta.key_column if k.role == "id" else meta.uu_column if k.role == "uid"
                                        else k.column.name for k in key_fields])

    def find(self, recs: list[PreparedRecord], parallel: bool = True) -> dict[int, Found]:
        """Existing row (or error) per record ``seq``; ``parallel``: up to ``workers`` requests at once, else
        one after the other (the writer's slices run in parallel themselves)."""
        workers = self.workers if parallel else 1
        if self.by_path:  # (records without id/uid -- new rows -- only exist with such keys)
            results = parallel_map(self._find_by_path, recs, workers, name="lookup")
            return {r.seq: f for r, f in zip(recs, results)}
        out: dict[int, Found] = {}
        safe: list[tuple[PreparedRecord, str]] = []
        singles: list[tuple[PreparedRecord, str]] = []
        listed: list[tuple[PreparedRecord, str]] = []
        for rec in recs:
            try:
                if self.use_in:
                    lit = self._listable_literal(rec)
                    if lit is not None:
                        listed.append((rec, lit))
                        continue
                expr, exact = self._record_filter(rec)
            except (ValueError, UnsafeFilterValue) as exc:
                out[rec.seq] = Found(error=f"cannot look up the key {list(rec.key or ())!r}: {exc}")
                continue
            (safe if exact else singles).append((rec, expr))
        tasks: list[list[tuple[PreparedRecord, str]]] = []
        too_long: list[tuple[PreparedRecord, str]] = []
        for chunk in [safe[i:i + CHUNK] for i in range(0, len(safe), CHUNK)] + [[item] for item in singles]:
            fitting, alone = split_until_fits(chunk, self._query_size, self.max_query_bytes)
            tasks += fitting
            too_long += alone
        for chunk in [listed[i:i + IN_CHUNK] for i in range(0, len(listed), IN_CHUNK)]:
            fitting, alone = split_until_fits(chunk, lambda part: self._query_size(self._in_task(part)),
                                              self.max_query_bytes)
            tasks += [self._in_task(part) for part in fitting]
            too_long += alone
        for rec, _ in too_long:
            out[rec.seq] = Found(error=f"the key {list(rec.key or ())!r} is too long to look up: its filter does not "
                                       f"fit in a URL of {self.max_query_bytes} bytes")
        for found in parallel_map(self._find_chunk, tasks, workers, name="lookup"):
            out.update(found)
        return out

    # ---- by id / uid -----------------------------------------------------------------------------
    def _get(self, ident: Any) -> dict | None:
        try:
            row = self.client.get(f"models/{self.meta.model_name}/{ident}")
        except ApiError as exc:
            if exc.status == 404:
                return None
            raise
        return canonical(self.meta, row) if isinstance(row, dict) else None

    def _find_by_path(self, rec: PreparedRecord) -> Found:
        try:
            if rec.new_row:
                row = self._get(rec.uu) if rec.uu and self.meta.uu_column else None  # inserted by an earlier run?
            elif self.key_fields[0].role == "id":
                row = self._get(int(rec.record_id))
                if row is None and rec.uu and self.meta.uu_column:
                    row = self._get(rec.uu)  # inserted by an earlier run of this destination (new id, same UU)
            else:
                row = self._get(rec.record_uid)
        except ApiError as exc:
            return Found(error=f"lookup of the existing row failed: {exc.reason}")
        return Found(row)

    # ---- by key columns --------------------------------------------------------------------------
    def _key_values(self, rec: PreparedRecord) -> list[tuple[str, str, Any]]:
        """(column, kind, value) per key field, with FKs already resolved to ids."""
        out = []
        for kf in self.key_fields:
            if kf.role == "id":
                out.append((self.meta.key_column, "integer", rec.record_id))
            elif kf.role == "uid":
                out.append((self.meta.uu_column, "string", rec.record_uid))
            else:
                value = rec.values.get(kf.column.name)
                if isinstance(value, dict) or value is None or (kf.column.kind == "fk" and value == -1):
                    raise ValueError(f"key column {kf.column.name} has no usable value")
                out.append((kf.column.name, kf.column.kind, value))
        return out

    def _record_filter(self, rec: PreparedRecord) -> tuple[str, bool]:
        """The filter for one record and whether it matches exactly (False: ``contains`` superset)."""
        parts = []
        exact = True
        for column, kind, value in self._key_values(rec):
            expr = eq_or_contains(self.meta, column, kind, value, self.clock)
            exact = exact and not expr.startswith("contains(")
            parts.append(expr)
        return F.and_(*parts), exact

    def _listable_literal(self, rec: PreparedRecord) -> str | None:
        """The key's literal when it may go into an ``in`` list: an exact match (not a ``contains``
        fragment) with no comma or parenthesis (§4.3); None sends the record the ``eq``/``contains`` way.

        Raises:
            ValueError / UnsafeFilterValue: the key cannot be looked up (as ``_record_filter`` would).
        """
        column, kind, value = self._key_values(rec)[0]
        if needs_contains(kind, value):
            return None  # the contains() form
        lit = literal(value, kind, self.clock)
        return None if ("," in lit or "(" in lit or ")" in lit) else lit

    def _in_task(self, items: list[tuple[PreparedRecord, str]]) -> list[tuple[PreparedRecord, str]]:
        """One chunk whose filter is ``Col in (...)``; carried as the first item's expression."""
        column = self._key_values(items[0][0])[0][0]
        expr = F.in_(column, list(dict.fromkeys(lit for _, lit in items)))
        return [(rec, expr) for rec, _ in items]

    def _select(self, recs: Iterable[PreparedRecord]) -> str | None:
        """``$select`` for a lookup (§5.2): only the columns that planning compares or reads, so the server
        builds and sends a few columns per row instead of all of them (FK objects included).

        Those are the records' own columns, the key columns, ``IsActive`` (soft delete) and ``DocStatus``
        (document actions); ``id`` and ``uid`` are always in a record, and the key and ``_UU`` columns are
        not repeated there (§6.1), so they are left out. None (every column) when most would be selected.
        """
        names = {column for rec in recs for column in rec.values}
        names.update(kf.column.name for kf in self.key_fields if kf.column is not None)
        names.update(col.name for c in ("IsActive", "DocStatus") if (col := self.meta.column_ci(c)) is not None)
        names -= {self.meta.key_column, self.meta.uu_column}
        if not names or len(names) * 2 > len(self.meta.columns):
            return None
        return ",".join(sorted(names))

    def _matches(self, rec: PreparedRecord, row: dict) -> bool:
        for column, kind, value in self._key_values(rec):
            have = row.get(column)
            if column == self.meta.key_column:
                have = row.get("id")
            elif column == self.meta.uu_column:
                have = row.get("uid")
            if not same_value(kind, have, value, self.clock):
                return False
        return True

    def _query(self, chunk: Sequence[tuple[PreparedRecord, str]]) -> tuple[str, str | None]:
        """The ``$filter`` and ``$select`` of one lookup request."""
        exprs = list(dict.fromkeys(e for _, e in chunk))  # an ``in`` chunk carries one shared expression
        expr = F.or_(*exprs) if len(exprs) > 1 else exprs[0]
        return with_active(self.meta, expr), self._select(rec for rec, _ in chunk)

    def _query_size(self, chunk: Sequence[tuple[PreparedRecord, str]]) -> int:
        """Encoded length of the lookup's query string (paging parameters included)."""
        filter_text, select = self._query(chunk)
        return query_length({"$orderby": self.orderby, "$top": 100, "$filter": filter_text, "$select": select,
                             "$skip": 10000})

    def _find_chunk(self, chunk: list[tuple[PreparedRecord, str]]) -> dict[int, Found]:
        filter_text, select = self._query(chunk)
        try:
            rows = query_all(self.client, self.meta, filter_text, orderby=self.orderby, select=select)
        except TooManyRows as exc:
            return {rec.seq: Found(error=f"key lookup is ambiguous: {exc}") for rec, _ in chunk}
        except ApiError as exc:
            return {rec.seq: Found(error=f"key lookup failed: {exc.reason}") for rec, _ in chunk}
        out: dict[int, Found] = {}
        index = self._index(rows) if len(chunk) > 1 and len(rows) > 1 else None
        for rec, _ in chunk:
            candidates = rows
            if index is not None:
                wanted = self._key_values(rec)[0][2]
                if isinstance(wanted, str):
                    candidates = index.get(wanted, []) + index[_OTHER]
            matches = [r for r in candidates if self._matches(rec, r)]
            if len(matches) > 1:
                out[rec.seq] = Found(error=f"{len(matches)} rows of {self.meta.name} match the key "
                                           f"{list(rec.key or ())!r}; the key must be unique")
            else:
                out[rec.seq] = Found(matches[0] if matches else None)
        return out

    def _index(self, rows: list[dict]) -> dict[Any, list[dict]] | None:
        """Rows by their key value, for a single text key column (``same_value`` is ``==`` for text), so a
        chunk of 100 records is matched against its rows in linear time; rows whose value is not a string
        go under ``_OTHER`` and are compared with every record. None when the key is not such a column."""
        if len(self.key_fields) != 1 or self.key_fields[0].role != "column":
            return None
        column = self.key_fields[0].column
        if column.kind not in ("string", "list", "other") or column.name in (self.meta.key_column,
                                                                            self.meta.uu_column):
            return None
        index: dict[Any, list[dict]] = {_OTHER: []}
        for row in rows:
            value = row.get(column.name)
            index.setdefault(value if isinstance(value, str) else _OTHER, []).append(row)
        return index

