"""destination-idempiere: spec, check and write (reverse ETL into iDempiere through the REST plugin).

State contract (airbyte-notes.md): a STATE message is yielded only after every record received before
it has a final outcome -- committed, unchanged, or reported as rejected. On each STATE every sink is
flushed first; with ``reject_policy=fail`` the run stops at the first rejection after flushing what
came before, so no state after a rejected record is ever emitted. Dry runs emit no state at all (the
source would otherwise skip records that were never written).

The CDK's ``Destination`` only provides the message loop; buffering per stream, holding state, FK
resolution and write retries are hand-rolled here because the CDK has no destination-side facility
for them (the Singer SDK sink lifecycle preprocess -> add -> is_full -> flush is the model, writer.py).
"""
from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import chain
from typing import Any

from airbyte_cdk.destinations import Destination
from airbyte_cdk.models import (
    AirbyteConnectionStatus,
    AirbyteMessage,
    ConfiguredAirbyteCatalog,
    ConnectorSpecification,
    DestinationSyncMode,
    FailureType,
    Status,
    Type,
)
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from destination_idempiere.fk_resolver import FkResolver
from destination_idempiere.options import DestinationOptions, connection_specification
from destination_idempiere.rejects import RejectedRecord, RejectLog
from destination_idempiere.report import Report
from destination_idempiere.values import WriteContext
from destination_idempiere.writer import RunContext, StreamWriter
from destination_idempiere.writes import WriteExecutor
from erp_airbyte.failures import config_error, failure_type, traced
from erp_http.errors import ApiError, ConfigurationError, ErpError, TransientError
from idempiere_client.config import ConnectionConfig
from idempiere_client.http import IdempiereClient
from idempiere_client.metadata import MetadataCatalog, TableMeta
from idempiere_client.timeutil import ServerClock
from idempiere_client.tzcheck import verify_server_timezone

SUPPORTED_MODES = (
    DestinationSyncMode.append, DestinationSyncMode.append_dedup, DestinationSyncMode.update,
    DestinationSyncMode.soft_delete,
)
DOCS_URL = "https://docs.airbyte.com/integrations/destinations/idempiere"
# Core tables that always have rows: check verifies server_timezone with the first readable one
CHECK_TABLES = ("ad_org", "c_bpartner")


@dataclass(frozen=True)
class StreamPlan:
    stream: str
    table: str
    mode: str
    key: list[str]


class DestinationIdempiere(Destination):
    """Writes Airbyte records into iDempiere tables (stream name = table, case-insensitive)."""

    def __init__(self) -> None:
        self.last_report: Report | None = None
        self.last_rejects: RejectLog | None = None
        self.last_run: RunContext | None = None  # for tests and the benchmark: resolver/executor counters

    def spec(self, logger: logging.Logger) -> ConnectorSpecification:
        return ConnectorSpecification(
            documentationUrl=DOCS_URL,
            connectionSpecification=connection_specification(),
            supportsIncremental=True,
            supported_destination_sync_modes=list(SUPPORTED_MODES),
        )

    # ---- check -------------------------------------------------------------------------------------
    def check(self, logger: logging.Logger, config: Mapping[str, Any]) -> AirbyteConnectionStatus:
        """Parse the config, log in, verify server_timezone (tzcheck.py) and detect the batch endpoint.

        A few requests: login, ``ad_org``'s key probe and YAML, one or two ``Updated`` reads, ``POST /batch``.
        """
        try:
            options = DestinationOptions.from_airbyte(config)
            conn = ConnectionConfig.from_airbyte(config)
            clock = ServerClock(options.server_timezone)
        except ConfigurationError as exc:
            return AirbyteConnectionStatus(status=Status.FAILED, message=str(exc))
        client = IdempiereClient(conn, max_in_flight=2, logger=logger)
        try:
            client.tokens.current()  # log in: bad credentials are reported as such, before any table
            catalog = MetadataCatalog(client, workers=1)
            outcome, meta = verify_server_timezone(client, clock, _readable(catalog, CHECK_TABLES, logger))
            batch = _detect_batch(client)
            logger.info("Check: logged in; batch endpoint %s; server_timezone %s",
                        "available" if batch else "absent (older server)", _describe(outcome, meta))
            return AirbyteConnectionStatus(status=Status.SUCCEEDED)
        except ErpError as exc:
            return AirbyteConnectionStatus(status=Status.FAILED, message=str(exc))
        finally:
            client.close()

    # ---- write -------------------------------------------------------------------------------------
    def write(self, config: Mapping[str, Any], configured_catalog: ConfiguredAirbyteCatalog,
              input_messages: Iterable[AirbyteMessage]) -> Iterable[AirbyteMessage]:
        logger = logging.getLogger("airbyte")
        try:
            options = DestinationOptions.from_airbyte(config)
            conn = ConnectionConfig.from_airbyte(config)
            clock = ServerClock(options.server_timezone)
        except ConfigurationError as exc:
            raise config_error(exc) from None
        plans = stream_plans(configured_catalog)  # overwrite etc. refused before anything is written
        client = IdempiereClient(conn, max_in_flight=options.num_workers, logger=logger)
        try:
            yield from self._write(client, options, clock, plans, input_messages, logger)
        except AirbyteTracedException:
            raise
        except ErpError as exc:
            raise traced(exc, _write_failure_text(exc)) from None
        finally:
            client.close()

    def _write(self, client: IdempiereClient, options: DestinationOptions, clock: ServerClock,
               plans: list[StreamPlan], messages: Iterable[AirbyteMessage], logger: logging.Logger
               ) -> Iterable[AirbyteMessage]:
        catalog = MetadataCatalog(client, workers=options.num_workers)
        metas, errors = catalog.get_many([p.table for p in plans])
        if errors:
            detail = "; ".join(f"{t}: {e}" for t, e in errors.items())
            raise config_error(f"Target table(s) not found or not accessible with this role: {detail}")
        _check_doc_actions(options, metas, logger)
        use_batch = _detect_batch(client)
        # the target tables first; when none has a row, the check's tables (loaded only then)
        probe_tables = chain(metas.values(), _readable(catalog, [t for t in CHECK_TABLES if t not in metas], logger))
        legacy = _legacy_datetime(client, clock, probe_tables, use_batch, logger)
        logger.info("Server: batch endpoint %s; date-times written as %s%s",
                    "available" if use_batch else "absent (single requests)",
                    "server-local wall clock with Z (older server)" if legacy else "UTC instants",
                    "; DRY RUN: nothing will be written" if options.dry_run else "")
        report = Report(logger, dry_run=options.dry_run)
        rejects = RejectLog(options.rejected_records_path, logger, dry_run=options.dry_run)
        self.last_report, self.last_rejects = report, rejects
        run = RunContext(
            client=client,
            resolver=FkResolver(client, catalog, options.num_workers, logger),
            executor=WriteExecutor(client, use_batch, options.batch_size, options.num_workers, logger),
            options=options, ctx=WriteContext(clock, legacy), report=report, rejects=rejects, logger=logger,
        )
        self.last_run = run
        writers: dict[str, StreamWriter] = {}
        for plan in plans:
            try:
                writers[plan.stream] = StreamWriter(run, plan.stream, metas[plan.table], plan.mode, plan.key)
            except ValueError as exc:
                raise config_error(exc) from None
        fail_fast = options.reject_policy == "fail" and not options.dry_run
        seq = 0
        try:
            for message in messages:
                if message.type == Type.RECORD and message.record is not None:
                    seq += 1
                    writer = writers.get(message.record.stream)
                    if writer is None:
                        report.add(message.record.stream, "received")
                        report.add(message.record.stream, "rejected")
                        rejects.add(RejectedRecord(message.record.stream, None,
                                                   "stream is not in the configured catalog", message.record.data, seq))
                    else:
                        writer.add(seq, message.record.data)
                        if writer.is_full() and not (fail_fast and rejects.first):
                            _flush_all(writers)  # earlier records of other streams first: they may be referenced
                    if fail_fast and rejects.first:
                        _flush_all(writers)
                        raise _rejected_error(rejects.first)
                elif message.type == Type.STATE:
                    _flush_all(writers)
                    if fail_fast and rejects.first:
                        raise _rejected_error(rejects.first)
                    if not options.dry_run:
                        yield message
            _flush_all(writers)
            if fail_fast and rejects.first:
                raise _rejected_error(rejects.first)
        finally:
            report.log_summary()
            rejects.close()


def _write_failure_text(exc: ErpError) -> str:
    """What the user reads when a write fails as a whole (the failure type comes from erp_airbyte.failures)."""
    kind = failure_type(exc)
    if kind == FailureType.config_error:
        return str(exc)
    if kind == FailureType.transient_error:
        return f"The iDempiere server did not answer reliably: {exc}"
    return f"Writing to iDempiere failed: {exc}"


def stream_plans(catalog: ConfiguredAirbyteCatalog) -> list[StreamPlan]:
    """Validate the configured catalog: supported modes, a primary key where one is needed.

    Raises:
        AirbyteTracedException (config_error): ``overwrite`` or another unsupported mode, a missing key.
    """
    plans = []
    for configured in catalog.streams:
        stream = configured.stream
        mode = configured.destination_sync_mode
        mode_name = mode.value if isinstance(mode, DestinationSyncMode) else str(mode)
        if mode_name == "overwrite":
            raise config_error(
                f"Stream {stream.name!r} uses the 'overwrite' sync mode, which this destination refuses: it would "
                f"have to delete ERP rows that are not in the input. Use append, append_dedup (upsert), update or "
                f"soft_delete.")
        if mode_name not in {m.value for m in SUPPORTED_MODES}:
            raise config_error(f"Stream {stream.name!r}: unsupported destination sync mode {mode_name!r}.")
        key_paths = configured.primary_key or stream.source_defined_primary_key or []
        key: list[str] = []
        for path in key_paths:
            if len(path) != 1:
                raise config_error(f"Stream {stream.name!r}: nested primary key {path!r} is not supported.")
            key.append(path[0])
        if mode_name != "append" and not key:
            raise config_error(f"Stream {stream.name!r}: sync mode {mode_name} needs a primary key (e.g. Value, "
                               f"DocumentNo, uid or id) to find existing rows.")
        table = getattr(configured, "destination_object_name", None) or stream.name
        plans.append(StreamPlan(stream.name, table.lower(), mode_name, key))
    return plans


def _flush_all(writers: dict[str, StreamWriter]) -> None:
    """Flush in order of each buffer's oldest record, so a row is written before later records that
    reference it (e.g. an order before its lines) are resolved."""
    for writer in sorted(writers.values(), key=lambda w: w.oldest_seq()):
        writer.flush()


def _rejected_error(first: RejectedRecord) -> AirbyteTracedException:
    return config_error(
        f"Record rejected ({first.describe()}). reject_policy is 'fail': the records before it were written and "
        f"their state was emitted. Fix the cause (the record, or the role's access), or set reject_policy to "
        f"'continue' to report rejected records and write the rest.")


def _detect_batch(client: IdempiereClient) -> bool:
    """``POST /batch`` with an empty list; an uncertain answer is harmless to repeat (nothing to commit)."""
    for attempt in range(5):
        try:
            return client.has_batch_endpoint()
        except TransientError:
            if attempt == 4:
                raise
            time.sleep(0.2 * (attempt + 1))
    return False


def _readable(catalog: MetadataCatalog, tables: Iterable[str], logger: logging.Logger) -> Iterable[TableMeta]:
    """Metadata of those ``tables`` the role can read, loaded one at a time (a generator)."""
    for table in tables:
        try:
            yield catalog.get(table)
        except ApiError as exc:
            if not (exc.is_access_denied or exc.is_not_found):
                raise
            logger.info("Time zone check: %s is not readable with this role (%s)", table, exc)
        except ValueError as exc:  # a YAML the parser cannot read (metadata.parse_yaml)
            logger.info("Time zone check: the metadata of %s could not be read (%s)", table, exc)


def _describe(outcome: str, meta: TableMeta | None) -> str:
    if meta is None:
        return "not verified (no Updated value found)"
    return f"checked with {meta.model_name}.Updated ({outcome})"


def _legacy_datetime(client: IdempiereClient, clock: ServerClock, metas: Iterable[TableMeta], use_batch: bool,
                     logger: logging.Logger) -> bool:
    """Whether DateTime input is read as server-local wall clock (servers before 2026-04-30, spec §13).

    ``verify_server_timezone`` decides with the first of ``metas`` that has a row (the target tables, then
    the check's; tzcheck.py; a contradiction raises ConfigurationError). With UTC configured the
    generation does not matter (a UTC wall clock is UTC). When no table has a row, a server without the
    batch endpoint (older than 2025-08) is old; one with it is assumed current.
    """
    outcome, meta = verify_server_timezone(client, clock, metas)
    logger.info("server_timezone %s", _describe(outcome, meta))
    if outcome == "empty":
        if not clock.is_utc:
            logger.info("Could not tell the server's date-time convention; assuming %s.",
                        "a current server (ISO instants)" if use_batch else "an older server (no batch endpoint)")
        return not use_batch
    return outcome == "legacy"


def _check_doc_actions(options: DestinationOptions, metas: dict[str, TableMeta], logger: logging.Logger) -> None:
    for table in options.doc_action:
        meta = metas.get(table)
        if meta is None:
            logger.warning("doc_action for %s is ignored: no stream writes to that table", table)
        elif "DocStatus" not in meta.columns:
            raise config_error(f"doc_action for {table}: {meta.name} is not a document table (no DocStatus column).")
