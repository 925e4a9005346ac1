"""REST views (``/api/v1/views``, spec "Views"): admin-defined projections of one table, read like tables.

What differs from ``/models`` and why this module exists (facts from the plugin's ModelHelper and
DefaultQueryConverter):

* records carry the view's *property* names, so a view's metadata is its table's metadata with the columns
  renamed (``view_meta``); properties whose column the table metadata lacks are typed as ``other``;
* ``$filter`` takes property names and ``id``/``uid`` (a table column the view hides is 400), but ``$orderby``
  takes *table column* names (the plugin does not translate it). So the key of a keyset scan is ordered by its
  column and filtered by the property showing it, else by ``id``/``uid`` (``key_filter_name``);
* the collection lives at ``views/{name}`` (exact, case-sensitive name): ``ViewPages`` gives the table reader
  that path behind the same ``get_page`` call it uses for tables.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import quote

from idempiere_client.metadata import ColumnMeta, TableMeta
from idempiere_client.paging import Page

_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
STREAM_PREFIX = "view__"  # a stream per view: "view__<name>"; iDempiere table names never start with it


@dataclass(frozen=True)
class ViewDef:
    """One entry of ``GET /views``: name, lower-case table name, property -> column, where clause."""

    name: str
    table: str
    columns: tuple[tuple[str, str], ...]  # (property, column)
    where: str | None = None

    @property
    def stream_name(self) -> str:
        return STREAM_PREFIX + self.name

    def property_of(self, column: str) -> str | None:
        for prop, col in self.columns:
            if col.lower() == column.lower():
                return prop
        return None


def parse_views(body: Any) -> list[ViewDef]:
    """``{"views": [...]}`` -> definitions; entries without a name or table are ignored."""
    items = body.get("views") if isinstance(body, dict) else None
    out = []
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict) or not item.get("name") or not item.get("tableName"):
            continue
        cols = tuple((str(c["name"]), str(c["columnName"])) for c in item.get("columns") or []
                     if isinstance(c, dict) and c.get("name") and c.get("columnName"))
        out.append(ViewDef(str(item["name"]), str(item["tableName"]).lower(), cols, item.get("whereClause")))
    return out


def list_views(client: Any) -> list[ViewDef]:
    """``GET /views`` (the REST_View rows the role may see)."""
    return parse_views(client.get("views"))


def view_meta(view: ViewDef, table: TableMeta) -> TableMeta:
    """The view as a ``TableMeta``: property names as columns, typed by the table's columns.

    ``model_name`` is the stream name; ``name`` is the view name (the request path). The key and ``_UU``
    columns stay the table's: they are what ``$orderby`` needs, and records show them as ``id``/``uid``.

    Raises:
        ValueError: the view maps a property named ``Updated`` to another column (it would pose as the cursor).
    """
    columns: dict[str, ColumnMeta] = {}
    for prop, col in view.columns:
        if col.lower() in {c.lower() for c in (table.key_column, table.uu_column) if c}:
            continue  # the serializer never shows them under a property (only as id/uid)
        base = table.column_ci(col) or ColumnMeta(col, "other")
        columns[prop] = replace(base, name=prop)
    shown = dict(view.columns).get("Updated")
    if shown is not None and shown.lower() != "updated":
        raise ValueError(f"view {view.name}: its property Updated shows column {shown}, not Updated")
    return TableMeta(view.name, view.stream_name, columns, key_column=table.key_column,
                     uu_column=table.uu_column, label=table.label)


def is_plain_name(name: str) -> bool:
    """A property usable as a ``$filter`` operand (a dotted nested-object property is not)."""
    return bool(_PLAIN.match(name))


def key_filter_name(view: ViewDef, table: TableMeta) -> str | None:
    """The ``$filter`` operand for the key: the property showing the key column, else the ``id``/``uid`` alias
    (recognised since plugin 2025-08; older servers need the view to show the key column)."""
    def plain(prop: str | None) -> str | None:
        return prop if prop and is_plain_name(prop) else None  # a dotted (nested) property is no operand

    if table.key_column:
        return plain(view.property_of(table.key_column)) or "id"
    if table.uu_column:
        return plain(view.property_of(table.uu_column)) or "uid"
    return None


class ViewPages:
    """The client as seen by the table reader of one view: ``get_page`` reads ``views/{name}``."""

    def __init__(self, client: Any, view_name: str) -> None:
        self.client = client
        self.view_name = view_name

    def get_page(self, _table: str, *, filter: str | None, orderby: str, select: str | None = None,
                 top: int = 100, skip: int = 0) -> Page:
        return self.client.collection_page("views/" + quote(self.view_name, safe=""), filter=filter,
                                           orderby=orderby, select=select, top=top, skip=skip)
