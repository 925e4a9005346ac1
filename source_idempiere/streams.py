"""One generic stream class for every table, driven by ``TableMeta`` (no class per table)."""
from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

from airbyte_cdk.models import ConfiguredAirbyteStream, SyncMode
from airbyte_cdk.sources.streams import Stream

from erp_airbyte.source.pipeline import StreamRead
from idempiere_client.metadata import TableMeta
from idempiere_client.type_map import json_schema
from source_idempiere.reader import CURSOR, ReadSettings, TableReader


class IdempiereStream(Stream):
    """A table as an Airbyte stream.

    Name: lower-case table name. Primary key: ``id`` for single-key tables, ``uid`` for tables keyed
    by ``<Table>_UU`` only. Cursor: ``Updated`` when present, else full refresh only.
    Reading goes through ``SourceIdempiere.read`` (the shared parallel pipeline, ``stream_read``);
    ``read_records`` exists so the stream also works under the CDK's sequential reader.
    """

    def __init__(self, meta: TableMeta, fk_mode: str, *, client: Any = None, clock: Any = None,
                 settings: ReadSettings | None = None) -> None:
        self.meta = meta
        self.fk_mode = fk_mode
        self._client = client
        self._clock = clock
        self._settings = settings
        self._schema: dict[str, Any] | None = None

    @property
    def name(self) -> str:
        return self.meta.model_name

    @property
    def primary_key(self) -> str | None:
        if self.meta.key_column:
            return "id"
        if self.meta.uu_column:
            return "uid"
        return None

    @property
    def cursor_field(self) -> str | list[str]:
        return CURSOR if self.meta.has_updated else []

    @property
    def source_defined_cursor(self) -> bool:
        return True

    @property
    def supports_incremental(self) -> bool:
        return self.meta.has_updated

    def get_json_schema(self) -> Mapping[str, Any]:
        if self._schema is None:
            self._schema = json_schema(self.meta, self.fk_mode)
        return self._schema

    def reader(self, logger: logging.Logger | None = None) -> TableReader:
        if self._client is None or self._settings is None:
            raise RuntimeError(f"stream {self.name} was built for discovery only")
        return TableReader(self._client, self.meta, self._clock, self._settings, logger)

    def stream_read(self, configured: ConfiguredAirbyteStream, logger: logging.Logger | None = None) -> StreamRead:
        """This table as an entry of the shared read pipeline (``erp_airbyte.source.pipeline``)."""
        return StreamRead(configured, open_reader=lambda: self.reader(logger), cursor_field=CURSOR,
                          incremental=self.supports_incremental)

    def read_records(
        self,
        sync_mode: SyncMode,
        cursor_field: list[str] | None = None,
        stream_slice: Mapping[str, Any] | None = None,
        stream_state: Mapping[str, Any] | None = None,
    ) -> Iterable[Mapping[str, Any]]:
        reader = self.reader()
        batches = (
            reader.incremental(stream_state)
            if sync_mode == SyncMode.incremental and self.supports_incremental
            else reader.full_refresh()
        )
        for batch in batches:
            yield from batch.rows
