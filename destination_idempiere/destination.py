"""destination-idempiere: spec, check and write (reverse ETL into iDempiere through the REST plugin).

``write`` sets the run up -- target tables' metadata, the batch endpoint, the server's date-time convention,
one sink per stream (``table_planner.table_sink``) -- and hands the messages to the shared outcome pipeline
(``erp_airbyte.destination.state_gate``: STATE only after every earlier record has its outcome, the
``reject_policy``, dry runs, the rejects file and the report). The CDK's ``Destination`` only provides the
message loop; the CDK has no destination-side facility for the rest.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Mapping
from itertools import chain
from typing import Any

from airbyte_cdk.destinations import Destination
from airbyte_cdk.models import (
    AirbyteConnectionStatus,
    AirbyteMessage,
    ConfiguredAirbyteCatalog,
    ConnectorSpecification,
    Status,
)
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from destination_idempiere.child_rows import child_keys_problem
from destination_idempiere.fk_resolver import FkResolver
from destination_idempiere.post_processes import attach_post_processes, post_process_problems
from destination_idempiere.table_planner import RunContext, table_sink
from destination_idempiere.values import WriteContext
from destination_idempiere.write_options import DestinationOptions, connection_specification
from destination_idempiere.write_requests import write_executor
from erp_airbyte.destination.check_run import checked
from erp_airbyte.destination.guarded_write import WriteFailureWording, guarded_write
from erp_airbyte.destination.rejects import RejectLog, rejects_path_problem
from erp_airbyte.destination.report import Report
from erp_airbyte.destination.state_gate import gate_state
from erp_airbyte.destination.stream_plans import SUPPORTED_MODES, StreamPlan
from erp_airbyte.destination.stream_plans import stream_plans as shared_stream_plans
from erp_airbyte.failures import CHECK_MAX_ATTEMPTS, config_error
from erp_http.errors import ApiError, ConfigurationError, TransientError
from idempiere_client.config import ConnectionConfig
from idempiere_client.http import IdempiereClient
from idempiere_client.metadata import MetadataCatalog, TableMeta
from idempiere_client.processes import Processes
from idempiere_client.timeutil import ServerClock
from idempiere_client.tzcheck import verify_server_timezone

DOCS_URL = "https://docs.airbyte.com/integrations/destinations/idempiere"
# Core tables that always have rows: check verifies server_timezone with the first readable one
CHECK_TABLES = ("ad_org", "c_bpartner")
WRITE_FAILURE = WriteFailureWording(unreliable="The iDempiere server did not answer reliably",
                                    failed="Writing to iDempiere failed")




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
        problem = rejects_path_problem(config.get("rejected_records_path"))
        if problem:
            return AirbyteConnectionStatus(status=Status.FAILED, message=problem)
        client = IdempiereClient(conn, max_in_flight=2, logger=logger, max_attempts=CHECK_MAX_ATTEMPTS)

        def steps() -> str | None:
            client.tokens.current()  # log in: bad credentials are reported as such, before any table
            catalog = MetadataCatalog(client, workers=1)
            problem = child_keys_problem(options.children.keys, catalog)  # as write would refuse it
            if problem:
                return problem
            problem = _doc_action_problem(options, catalog, logger)
            if problem:  # what write would refuse: a doc_action on a table that has no documents
                return problem
            problems = post_process_problems(Processes(client, logger=logger), options.post_write_processes.values())
            if problems:  # an unknown process, or parameter names it does not have
                return "; ".join(problems)
            outcome, meta = verify_server_timezone(client, clock, _readable(catalog, CHECK_TABLES, logger))
            batch = _detect_batch(client)
            logger.info("Check: logged in; batch endpoint %s; server_timezone %s",
                        "available" if batch else "absent (older server)", _describe(outcome, meta))
            return None

        return checked(client, steps)

    # ---- write -------------------------------------------------------------------------------------
    def write(self, config: Mapping[str, Any], configured_catalog: ConfiguredAirbyteCatalog,
              input_messages: Iterable[AirbyteMessage]) -> Iterable[AirbyteMessage]:
        logger = logging.getLogger("airbyte")
        return guarded_write(
            config, parse_options=DestinationOptions.from_airbyte, parse_connection=ConnectionConfig.from_airbyte,
            plan=lambda options: stream_plans(configured_catalog),  # overwrite etc. refused before anything is written
            open_client=lambda conn, options: IdempiereClient(conn, max_in_flight=options.num_workers, logger=logger),
            write=lambda client, options, plans: self._write(
                client, options, ServerClock(options.server_timezone),  # the zone name was validated by the options
                plans, input_messages, logger),
            wording=WRITE_FAILURE)

    def _write(self, client: IdempiereClient, options: DestinationOptions, clock: ServerClock,
               plans: list[StreamPlan], messages: Iterable[AirbyteMessage], logger: logging.Logger
               ) -> Iterable[AirbyteMessage]:
        catalog = MetadataCatalog(client, workers=options.num_workers)
        metas, errors = catalog.get_many([p.table for p in plans])
        if errors:
            detail = "; ".join(f"{t}: {e}" for t, e in errors.items())
            raise config_error(f"Target table(s) not found or not accessible with this role: {detail}")
        _check_doc_actions(options, metas, logger)
        problem = child_keys_problem(options.children.keys, catalog)
        if problem:
            raise config_error(problem)
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
            executor=write_executor(client, use_batch, options.batch_size, options.num_workers, logger),
            options=options, ctx=WriteContext(clock, legacy), report=report, rejects=rejects, logger=logger,
            use_batch=use_batch,
        )
        self.last_run = run
        sinks = []
        for plan in plans:
            try:
                sinks.append((plan.stream, plan.table, table_sink(run, plan.stream, metas[plan.table], plan.mode,
                                                                  plan.key)))
            except ValueError as exc:
                raise config_error(exc) from None
        try:  # post_write_processes: checked now, run at the pipeline's checkpoints (post_processes.py)
            attach_post_processes(run, sinks, metas, Processes(client, logger=logger))
        except ConfigurationError as exc:
            raise config_error(exc) from None
        yield from gate_state(run.pipeline, messages)


def stream_plans(catalog: ConfiguredAirbyteCatalog) -> list[StreamPlan]:
    """The shared catalog check (``erp_airbyte.destination.stream_plans``); table names are lower-case model names.

    Raises:
        AirbyteTracedException (config_error): ``overwrite`` or another unsupported mode, a missing key.
    """
    return shared_stream_plans(catalog, key_examples="Value, DocumentNo, uid or id", table_name=str.lower)


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


def _doc_action_problem(options: DestinationOptions, catalog: MetadataCatalog, logger: logging.Logger) -> str | None:
    """Why ``write`` would refuse the configured ``doc_action`` (a table without documents, or unreadable)."""
    metas = {}
    for table in options.doc_action:
        try:
            metas[table] = catalog.get(table)
        except ApiError as exc:
            return f"doc_action for {table}: the table cannot be read with this role ({exc.reason})."
    try:
        _check_doc_actions(options, metas, logger)
    except AirbyteTracedException as exc:
        return exc.message
    return None


def _check_doc_actions(options: DestinationOptions, metas: dict[str, TableMeta], logger: logging.Logger) -> None:
    for table in options.doc_action:
        meta = metas.get(table)
        if meta is None:
            logger.warning("doc_action for %s is ignored: no stream writes to that table", table)
        elif "DocStatus" not in meta.columns:
            raise config_error(f"doc_action for {table}: {meta.name} is not a document table (no DocStatus column).")
