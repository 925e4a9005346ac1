"""The read path of the API: /models, /yaml, collections, one record, one column (spec §2, §3, §5).

``Reads`` is also what ``$expand`` reads through (``idempiere_emulator.query.expand.ExpandReads``), so the query package never
imports the model: it gets a narrow interface instead.
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from typing import Any

from ..catalog import Catalog, Column, Table
from ..data.store import Store
from ..emulator_options import EmulatorOptions
from ..errors import EmulatorError
from ..query.counts import RangeCounts
from ..query.expand import apply_expand
from ..query.filter import Converted, ConverterCache, mentions_isactive
from ..query.orderby_select import order_by, scrambled_order, select_columns
from ..session import Session
from .access import Access
from .fk_lookup import ForeignKeys
from .rows import Rows
from .serialize import Serializer
from .yaml_schema import table_yaml


@dataclass
class QueryResult:
    """One collection page (spec §3.1); records are already serialized (§6)."""

    records: list[dict] = field(default_factory=list)
    row_count: int = 0
    records_size: int = 0


def sql_error(exc: Exception) -> EmulatorError:
    """A database error while running a converted filter -> 500 with the DB text (§4.8)."""
    return EmulatorError(500, "GET Error", f"ERROR: {exc}")


class Reads:
    """GET semantics over the store: filters, data access, counts, paging, serialization and $expand."""

    def __init__(self, options: EmulatorOptions, catalog: Catalog, store: Store, access: Access,
                 filters: ConverterCache, counts: RangeCounts, serializer: Serializer, rows: Rows,
                 fks: ForeignKeys) -> None:
        self.options = options
        self.catalog = catalog
        self.store = store
        self.access = access
        self.filters = filters
        self.counts = counts
        self.serializer = serializer
        self.rows = rows
        self.fks = fks
        self.max_records = options.max_records  # ExpandReads
        self.tolowercase = options.tolowercase  # ExpandReads

    # ---- models -------------------------------------------------------------------------
    def list_models(self, session: Session, filter: str | None = None) -> list[dict]:
        """GET /models: active AD_Table rows the role can access, by TableName (§2.1)."""
        ad_table = self.catalog.get("AD_Table")
        conv = self.convert_filter(ad_table, filter)
        where = f"({conv.where}) AND IsActive='Y'" if conv.where else "IsActive='Y'"
        try:
            rows = self.store.query_dicts(f"SELECT * FROM AD_Table WHERE {where} ORDER BY TableName", conv.params)
        except sqlite3.Error as exc:
            raise sql_error(exc) from None
        out = []
        for r in rows:
            t = self.catalog.get(r["TableName"])
            if t is None or not self.access.can_read(session, t):
                continue
            entry: dict[str, Any] = {"id": r["AD_Table_ID"]}
            if r.get("AD_Table_UU"):
                entry["uid"] = r["AD_Table_UU"]
            entry["model-name"] = t.lname
            entry["name"] = r["Name"]
            if r.get("Description"):
                entry["description"] = r["Description"]
            out.append(entry)
        return out

    def table_yaml(self, session: Session, table: str) -> str:
        """GET /models/{t}/yaml; unknown/denied tables escape as a container 500 (§2.4)."""
        t = self.catalog.get(table)
        if t is None or not self.access.can_read(session, t):
            raise EmulatorError(500, empty_body=True)
        return table_yaml(t)

    # ---- collections and records --------------------------------------------------------
    def convert_filter(self, table: Table, text: str | None) -> Converted:
        """$filter -> SQL through the plugin's text-keyed converter cache (§4.9); /models and $expand share it."""
        return self.filters.convert(table, text)

    def where_clause(self, session: Session, table: Table, filter: str | None) -> tuple[str, list]:
        """Converted $filter + default IsActive + data access, as ModelHelper/Query build it (§3.4)."""
        conv = self.convert_filter(table, filter)
        parts = [f"({conv.where})"] if conv.where else []
        params = list(conv.params)
        if "Updated" in conv.bounds and table.key and table.has("Updated"):
            parts.append('"Updated" >= ?')  # implied by the filter; gives keyset ORs an index range
            params.append(conv.bounds["Updated"])
        if not mentions_isactive(conv.where) and table.has("IsActive"):
            parts.append("IsActive='Y'")
        parts.append(self.access.data_sql(session, table))
        return " AND ".join(parts), params

    def query(self, session: Session, table: str, *, filter: str | None = None,
              orderby: str | None = None, select: str | None = None, top: int = 0,
              skip: int = 0, expand: str | None = None, wire: bool = False) -> QueryResult:
        """GET /models/{t}: COUNT(*) plus one page; $top clamp, $skip, no default order (§3).

        ``wire=True`` (the HTTP handler) gives records meant only for the response encoder (``Serializer.page``).
        """
        t = self.access.readable(session, table)
        where, params = self.where_clause(session, t, filter)
        cols = select_columns(t, select)
        limit, count, names, rows = self.page(t, where, params, orderby=orderby, filter=filter, top=top, skip=skip)
        records = self.serializer.page(t, names, rows, cols, wire)
        if expand:
            apply_expand(self, session, t, [dict(zip(names, r)) for r in rows], records, expand)
        return QueryResult(records=records, row_count=count, records_size=limit)

    def page(self, t: Table, where: str, params: list, *, orderby: str | None, filter: str | None, top: int,
             skip: int) -> tuple[int, int, tuple, list]:
        """One page of ``t`` under a built WHERE: (clamped limit, row-count, column names, rows).

        Shared by /models and /views, which differ only in how the WHERE is built and how rows are shown.
        """
        limit = top or 0
        mx = self.options.max_records
        if mx > 0 and (limit > mx or limit <= 0):
            limit = mx
        if skip < 0:
            raise EmulatorError(500, "GET Error", "ERROR: OFFSET must not be negative")
        try:
            with self.store.lock:
                count = self.counts.count(t, where, params)
                order = order_by(t, orderby) or scrambled_order(t, filter or "", count)
                sql = f'SELECT * FROM "{t.name}" WHERE {where} ORDER BY {order}'
                if limit > 0:
                    sql += f" LIMIT {int(limit)} OFFSET {int(skip)}"
                elif skip:
                    sql += f" LIMIT -1 OFFSET {int(skip)}"
                names, rows = self.store.query_rows(sql, params)
        except sqlite3.Error as exc:
            raise sql_error(exc) from None
        return limit, count, names, rows

    def get_record(self, session: Session, table: str, record_id: str, *,
                   select: str | None = None, expand: str | None = None, wire: bool = False) -> dict:
        """GET /models/{t}/{id}: inactive records are returned too (§2.2)."""
        t = self.access.readable(session, table)
        cols = select_columns(t, select)
        row = self.rows.find_row(session, t, record_id)
        record = self.serializer.page(t, tuple(row), [tuple(row.values())], cols, wire)[0]
        if expand:
            apply_expand(self, session, t, [row], [record], expand)
        return record

    def get_record_column(self, session: Session, table: str, record_id: str, column: str, *,
                          wire: bool = False) -> dict:
        """GET /models/{t}/{id}/{column} (§2.3)."""
        t = self.access.readable(session, table)
        col = t.column(column)
        if col is None:
            raise EmulatorError(404, "Invalid property name", f"No match found for column name: {column}")
        row = self.rows.find_row(session, t, record_id)
        return self.serializer.page(t, tuple(row), [tuple(row.values())], [col], wire)[0]

    # ---- what $expand reads through (query.expand.ExpandReads) --------------------------
    def master(self, session: Session, name: str) -> Table | None:
        """The referenced table of a master column when the session may read it, else None."""
        ref = self.catalog.get(name)
        return ref if ref is not None and self.access.can_read(session, ref) else None

    def readable(self, session: Session, name: str) -> Table:
        return self.access.readable(session, name)

    def data_sql(self, session: Session, table: Table) -> str:
        return self.access.data_sql(session, table)

    def row_by_key(self, table: Table, value: Any) -> dict | None:
        return self.fks.row_by_key(table, value)

    def rows_of(self, sql: str, params: list) -> list[dict]:
        return self.store.query_dicts(sql, params)

    def records(self, table: Table, rows: list[dict], columns: list[Column] | None) -> list[dict]:
        return self.serializer.records(table, rows, columns)
