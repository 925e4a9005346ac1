"""The read path of ``/api/v1/views`` (spec "Views"): a REST view is read like ``/models`` of its table, but
$filter/$select names are view properties (exact case), $orderby names are table columns (the plugin does not
translate them), only view columns are served, the view's where clause is AND-ed, records carry ``"view-name"``.

Known simplification: view filters do not go through the text-keyed converter cache of ``/models`` (§4.9).
"""
from __future__ import annotations

from ..catalog import Column, Table
from ..catalog.views import RestView, builtin_views
from ..errors import EmulatorError
from ..query.filter import FilterConverter, bad_column, mentions_isactive
from ..query.orderby_select import select_columns
from ..session import Session
from .reads import QueryResult, Reads


class _ViewFilter(FilterConverter):
    """DefaultQueryConverter with a view: an operand is a view property (exact case) or ``id``/``uid``; a name
    the view lacks but the table has is 400. Quirk kept: a name that is also a table column (case-insensitive)
    resolves to that table column even when the view property of that name shows another column."""

    def __init__(self, view: RestView, table: Table, **kw) -> None:
        super().__init__(table, **kw)
        self.view = view

    def column(self, name: str) -> Column | None:
        table_col = super().column(name)
        real = self.view.column_of(name)
        if real is None and table_col is not None and name not in ("id", "uid"):
            raise bad_column(name)
        return self.table.column(real) if real is not None and table_col is None else table_col


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
        """Every active view, ordered by name (the plugin lists REST_View rows, not filtered by table access).

        ``$filter`` on REST_View and the columns' ``help``/``referenceView`` are not emulated.
        """
        out = []
        for view in sorted(self.views.values(), key=lambda v: v.name):
            item: dict = {"id": view.id, "uid": view.uid, "name": view.name, "tableName": view.table.lower()}
            if view.where:
                item["whereClause"] = view.where
            if view.columns:
                item["columns"] = [{"id": c.id, "name": c.name, "columnName": c.column} for c in view.columns]
            out.append(item)  # no related views are defined, so no "relatedViews" key
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
        chosen = select_columns(t, self._select_text(view, select))
        limit, count, names, rows = r.page(t, where, params, orderby=orderby, filter=filter, top=top, skip=skip)
        picked = {c.name for c in chosen} if chosen else None
        shown = [c for c in view.columns if picked is None or c.column in picked]
        cols = [t.column(c.column) for c in shown]
        records = r.serializer.page(t, names, rows, [c for c in cols if c is not None])
        return QueryResult(records=[self._record(view, shown, rec) for rec in records],
                           row_count=count, records_size=limit)

    @staticmethod
    def _select_text(view: RestView, text: str | None) -> str | None:
        """$select: view properties become their columns, other names stay (validated as table columns)."""
        if not text or not text.strip():
            return text
        return ",".join(view.column_of(p.strip()) or p for p in text.split(","))

    @staticmethod
    def _record(view: RestView, shown: list, rec: dict) -> dict:
        """The table record re-keyed by view property, in view column order; the key and _UU columns are
        only ``id``/``uid`` (the serializer already skips them)."""
        out = {k: rec[k] for k in ("id", "uid") if k in rec}
        for col in shown:
            value = rec.get(col.column, rec.get(col.column.lower()))  # --tolowercase renames underscore-free names
            if value is not None:
                out[col.name] = value
        out["model-name"] = rec.get("model-name", view.table.lower())
        out["view-name"] = view.name
        return out
