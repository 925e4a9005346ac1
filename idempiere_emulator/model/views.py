"""The read path of ``/api/v1/views`` (spec "Views"): a REST view is read like ``/models`` of its table, but
every name the client sends or receives is a view property (exact case), only view columns are served, the
view's where clause is AND-ed, and records carry ``"view-name"``.

Known simplification: view filters do not go through the text-keyed converter cache of ``/models`` (§4.9).
"""
from __future__ import annotations

import sqlite3

from ..catalog import Column, Table
from ..catalog.views import RestView, builtin_views
from ..errors import EmulatorError
from ..query.filter import FilterConverter, bad_column, mentions_isactive
from ..query.orderby_select import order_by, scrambled_order
from ..session import Session
from .reads import QueryResult, Reads, sql_error


class _ViewFilter(FilterConverter):
    """$filter operands are view property names; a table column the view does not show is invalid."""

    def __init__(self, view: RestView, table: Table, **kw) -> None:
        super().__init__(table, **kw)
        self.view = view

    def column(self, name: str) -> Column | None:
        if name in ("id", "uid") and not self.legacy:
            return super().column(name)
        real = self.view.column_of(name)
        return self.table.column(real) if real else None


def _split(text: str | None) -> list[str]:
    return [p.strip() for p in (text or "").split(",") if p.strip()]


class ViewReads:
    """``GET /views`` and ``GET /views/{name}`` over the same store, access rules and serializer as ``Reads``."""

    def __init__(self, reads: Reads, views: tuple[RestView, ...] | None = None) -> None:
        self.reads = reads
        self.views = {v.name: v for v in (views if views is not None else builtin_views())}

    def _view(self, name: str) -> RestView:
        view = self.views.get(name)
        if view is None:
            raise EmulatorError(404, "Invalid rest view name", f"No match found for rest view name: {name}")
        return view

    def list_views(self, session: Session) -> list[dict]:
        """Views on tables the session may read, in id order."""
        out = []
        for view in sorted(self.views.values(), key=lambda v: v.id):
            table = self.reads.catalog.get(view.table)
            if table is None or not self.reads.access.can_read(session, table):
                continue
            item: dict = {"id": view.id, "uid": view.uid, "name": view.name, "tableName": view.table}
            if view.where:
                item["whereClause"] = view.where
            item["columns"] = [{"id": c.id, "uid": f"{view.uid[:-4]}{c.id % 10000:04d}", "name": c.name,
                                "columnName": c.column} for c in view.columns]
            item["relatedViews"] = []
            out.append(item)
        return out

    def query(self, session: Session, name: str, *, filter: str | None = None, orderby: str | None = None,
              select: str | None = None, top: int = 0, skip: int = 0) -> QueryResult:
        view = self._view(name)
        r = self.reads
        t = r.access.readable(session, view.table)
        conv = _ViewFilter(view, t, legacy=r.options.legacy, tz=r.options.tz).convert(filter)
        parts = [f"({conv.where})"] if conv.where else []
        if view.where:
            parts.append(f"({view.where})")
        if not mentions_isactive(" AND ".join(parts)) and t.has("IsActive"):
            parts.append("IsActive='Y'")
        parts.append(r.access.data_sql(session, t))
        where, params = " AND ".join(parts), list(conv.params)
        props = self._props(view, select)
        limit = top or 0
        mx = r.options.max_records
        if mx > 0 and (limit > mx or limit <= 0):
            limit = mx
        if skip < 0:
            raise EmulatorError(500, "GET Error", "ERROR: OFFSET must not be negative")
        try:
            with r.store.lock:
                count = r.counts.count(t, where, params)
                order = order_by(t, self._order_text(view, orderby)) or scrambled_order(t, filter or "", count)
                sql = f'SELECT * FROM "{t.name}" WHERE {where} ORDER BY {order}'
                if limit > 0:
                    sql += f" LIMIT {int(limit)} OFFSET {int(skip)}"
                elif skip:
                    sql += f" LIMIT -1 OFFSET {int(skip)}"
                names, rows = r.store.query_rows(sql, params)
        except sqlite3.Error as exc:
            raise sql_error(exc) from None
        cols = [c for c in (t.column(view.column_of(p) or "") for p in props) if c is not None and not c.secure]
        records = r.serializer.page(t, names, rows, cols)
        return QueryResult(records=[self._record(view, props, rec) for rec in records],
                           row_count=count, records_size=limit)

    @staticmethod
    def _props(view: RestView, select: str | None) -> list[str]:
        """$select: view property names (exact case); unknown -> 400 like /models."""
        wanted = _split(select)
        for p in wanted:
            if view.column_of(p) is None:
                raise bad_column(p)
        return [c.name for c in view.columns if not wanted or c.name in wanted]

    @staticmethod
    def _order_text(view: RestView, text: str | None) -> str | None:
        """$orderby in property names -> the same in column names; an unknown name drops the order (§5.1)."""
        items = []
        for item in _split(text):
            name, _, direction = item.partition(" ")
            real = view.column_of(name) or (name if name in ("id", "uid") else None)
            if real is None:
                return None
            items.append(f"{real} {direction}".strip())
        return ",".join(items) or None

    @staticmethod
    def _record(view: RestView, props: list[str], rec: dict) -> dict:
        out = {k: rec[k] for k in ("id", "uid") if k in rec}
        for p in props:
            value = rec.get(view.column_of(p))
            if value is not None:
                out[p] = value
        out["model-name"] = rec.get("model-name", view.table.lower())
        out["view-name"] = view.name
        return out
