"""Report streams (option ``report_streams``): a stream ``report__<name>`` per configured process or report.

Full refresh only: every sync runs the process once with the configured parameters and emits its output's
rows (``report_runs.ReportRunner``). A read types the rows by the schema in the configured catalog, the
one the destination was set up with: a value that contradicts it fails the stream naming the line and
column (refresh the schema), a column the output lacks is null, a column it adds passes through as text.
Each stream goes through the shared read pipeline like a table (``TableReader`` protocol: batches of rows).
"""
from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from airbyte_cdk.models import ConfiguredAirbyteStream, SyncMode
from airbyte_cdk.sources.streams import Stream

from erp_airbyte.source.pipeline import StreamRead
from erp_airbyte.source.table_reader import Batch
from erp_http.errors import ConfigurationError
from idempiere_client.report_columns import convert_rows, kinds_of_schema
from source_idempiere.report_options import ReportConfig
from source_idempiere.report_runs import ReportRunner

BATCH_ROWS = 1000  # rows per batch: a progress line per batch, like a page of a table


class ReportReader:
    """Reads one report stream: check the process, run it, emit its rows typed by ``kinds``."""

    def __init__(self, runner: ReportRunner, kinds: Mapping[str, str]) -> None:
        self.runner = runner
        self.kinds = dict(kinds)

    def incremental(self, state: Mapping[str, Any]) -> Iterable[Batch]:
        return self.full_refresh()  # never called: report streams have no cursor

    def full_refresh(self) -> Iterator[Batch]:
        runner = self.runner
        runner.describe()
        table, result = runner.run()
        said = f"process {runner.slug} (AD_PInstance_ID {result.instance_id})"
        notes = [f"{said} answered: {result.describe()}"] if result.summary or result.logs else []
        notes += [f"{said}: {note}" for note in table.notes]
        if not table.rows:
            yield Batch([], notes=[*notes, f"{said} returned no rows: the stream has no records this sync"])
            return
        missing = [c for c in self.kinds if c not in table.columns]
        extra = [c for c in table.columns if c not in self.kinds]
        notes.append(f"{said} returned {len(table.rows)} rows")
        if missing:
            notes.append(f"columns {', '.join(missing)} of the schema are not in the output (null); refresh the schema")
        if extra:
            notes.append(f"columns {', '.join(extra)} are not in the schema (passed through as they came); "
                         "refresh the schema to type them")
        # Every row is typed before the first is emitted: a bad row fails the stream with nothing half-sent.
        records = list(convert_rows(table, self.kinds, what=f"the output of {said}"))
        for start in range(0, len(records), BATCH_ROWS):
            last = start + BATCH_ROWS >= len(records)
            yield Batch(records[start:start + BATCH_ROWS], notes=notes if last else [])


class ReportStream(Stream):
    """A configured process or report as an Airbyte stream (no primary key, no cursor)."""

    primary_key = None

    def __init__(self, report: ReportConfig, schema: Mapping[str, Any], *, client: Any = None,
                 logger: logging.Logger | None = None) -> None:
        self.report = report
        self._schema = dict(schema)
        self._client = client
        self._logger = logger or logging.getLogger("airbyte")

    @property
    def name(self) -> str:
        return self.report.stream_name

    def get_json_schema(self) -> Mapping[str, Any]:
        return self._schema

    def reader(self, schema: Mapping[str, Any] | None = None) -> ReportReader:
        if self._client is None:
            raise RuntimeError(f"stream {self.name} was built for discovery only")
        kinds = kinds_of_schema(schema if schema is not None else self._schema)
        return ReportReader(ReportRunner(self._client, self.report, self._logger), kinds)

    def stream_read(self, configured: ConfiguredAirbyteStream) -> StreamRead:
        """This report as an entry of the shared read pipeline, typed by the configured catalog's schema."""
        schema = configured.stream.json_schema
        return StreamRead(configured, open_reader=lambda: self.reader(schema), incremental=False)

    def read_records(
        self,
        sync_mode: SyncMode,
        cursor_field: list[str] | None = None,
        stream_slice: Mapping[str, Any] | None = None,
        stream_state: Mapping[str, Any] | None = None,
    ) -> Iterable[Mapping[str, Any]]:
        for batch in self.reader().full_refresh():
            yield from batch.rows


def report_streams(reports: Iterable[ReportConfig], client: Any, logger: logging.Logger,
                   taken: set[str]) -> list[ReportStream]:
    """Discovery: one stream per configured report, with its declared or discovered schema.

    Raises:
        ConfigurationError: a report stream name that another stream has (``taken``), or the errors of
            ``ReportRunner.discovered_schema``.
    """
    streams = []
    for report in reports:
        refuse_taken(report, taken)
        schema = ReportRunner(client, report, logger).discovered_schema()
        streams.append(ReportStream(report, schema))
    return streams


def refuse_taken(report: ReportConfig, taken: set[str]) -> None:
    """A report stream whose name a table or view stream already has is a configuration error."""
    if report.stream_name.lower() in {t.lower() for t in taken}:
        raise ConfigurationError(f"{report.label}: another stream (a table, view or attachment stream) is also "
                                 f"named {report.stream_name}; rename report_streams[{report.index}].name.")


def unavailable_reason(name: str) -> str:
    """Why a report stream of the catalog that the config no longer has cannot be read."""
    return (f"Report stream {name} is not configured (no entry of report_streams is named "
            f"{name.removeprefix('report__')}). Refresh the source schema, or restore the entry.")
