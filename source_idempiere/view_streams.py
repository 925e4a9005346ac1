"""REST views as streams (option ``include_views``): a stream ``view__<name>`` per view the role can read.

A view is read by the same ``TableReader`` as a table (cursor, windows, keyset paging, deletes, the shared
pipeline), given three things that differ for views (facts in ``idempiere_client/views.py``): the ``views/{name}``
path (``ViewPages``), the ``$filter`` operand of the key, and how to ask for inactive rows too (the property
showing IsActive; a view that hides IsActive streams the rows its definition shows, i.e. active ones).
Incremental when the view shows ``Updated`` under that exact property name, else full refresh only.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from erp_http.errors import ApiError, ConfigurationError
from idempiere_client.filters import F
from idempiere_client.metadata import MetadataCatalog, TableMeta
from idempiere_client.views import (
    STREAM_PREFIX,
    ViewDef,
    ViewPages,
    is_plain_name,
    key_filter_name,
    list_views,
    view_meta,
)
from source_idempiere.reader import TableReader
from source_idempiere.streams import IdempiereStream


@dataclass(frozen=True)
class ViewSource:
    """What a view stream needs: its definition, its metadata as a view, and its table's metadata."""

    view: ViewDef
    meta: TableMeta
    table: TableMeta


def is_view_stream(name: str) -> bool:
    return name.startswith(STREAM_PREFIX)


def load_views(client: object, catalog: MetadataCatalog, logger: logging.Logger,
               wanted: set[str] | None = None) -> tuple[dict[str, ViewSource], dict[str, str]]:
    """Views by stream name (all, or the ``wanted`` stream names) plus why others were skipped.

    Raises:
        ConfigurationError: the server has no ``/views`` endpoint (plugin before 2024-12) or denies it.
    """
    try:
        views = list_views(client)
    except ApiError as exc:
        if exc.status in (401, 403, 404, 405):
            raise ConfigurationError(
                f"The server does not list REST views (GET /api/v1/views answered {exc.status}): it needs the "
                "REST plugin from 2024-12 or later and access to REST_View. Turn off include_views.") from None
        raise
    tables = {str(m.get("model-name") or "").lower() for m in catalog.list_tables()}
    chosen = [v for v in views if wanted is None or v.stream_name in wanted]
    metas, errors = catalog.get_many([v.table for v in chosen if v.table in tables])
    found: dict[str, ViewSource] = {}
    skipped: dict[str, str] = {}
    for view in chosen:
        table = metas.get(view.table)
        if view.stream_name in tables:
            skipped[view.stream_name] = f"a table is also named {view.stream_name}"
        elif table is None:
            skipped[view.stream_name] = (f"its table {view.table} is not readable by this role "
                                         f"({errors.get(view.table, 'not in GET /models')})")
        else:
            try:
                found[view.stream_name] = ViewSource(view, view_meta(view, table), table)
            except ValueError as exc:
                skipped[view.stream_name] = str(exc)
    for name, why in skipped.items():
        logger.warning(f"Skipping view stream {name}: {why}")
    return found, skipped


class ViewStream(IdempiereStream):
    """A REST view as an Airbyte stream: ``IdempiereStream`` with the view's reader."""

    def __init__(self, source: ViewSource, fk_mode: str, **kwargs) -> None:
        super().__init__(source.meta, fk_mode, **kwargs)
        self.source = source

    def reader(self, logger: logging.Logger | None = None) -> TableReader:
        if self._client is None or self._settings is None:
            raise RuntimeError(f"stream {self.name} was built for discovery only")
        view, table = self.source.view, self.source.table
        reader = TableReader(ViewPages(self._client, view.name), self.meta, self._clock, self._settings, logger)
        reader.key_filter = key_filter_name(view, table)
        active = view.property_of("IsActive")
        reader.all_rows = F.not_null(active) if active and is_plain_name(active) else None
        return reader
