"""destination-frappe: spec, check and write (reverse ETL into Frappe / ERPNext through the v1 REST API).

Wiring only: ``frappe_client`` (connection, auth, retries, meta, site time zone) -> targets.py (streams to
DocTypes) -> one ``DocTypePlanner`` per stream -> the shared outcome pipeline (``erp_airbyte.destination``:
STATE only after every earlier record has an outcome, uncertain writes proven before resending, dry run,
rejects file, report) with ``FrappeSender`` and ``FrappeProver``.
"""
from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any
from zoneinfo import ZoneInfo

from airbyte_cdk.destinations import Destination
from airbyte_cdk.models import (
    AirbyteConnectionStatus,
    AirbyteMessage,
    ConfiguredAirbyteCatalog,
    ConnectorSpecification,
    Status,
)

from destination_frappe.api import FrappeApi
from destination_frappe.keys import KeyFinder
from destination_frappe.links import LinkResolver
from destination_frappe.payload import RecordMapper
from destination_frappe.planner import DocTypePlanner
from destination_frappe.prover import FrappeProver
from destination_frappe.sender import FrappeSender
from destination_frappe.targets import resolve_targets, with_key_fields
from destination_frappe.write_options import WriteOptions, connection_specification
from erp_airbyte.destination.check_run import checked
from erp_airbyte.destination.guarded_write import WriteFailureWording, guarded_write
from erp_airbyte.destination.rejects import RejectLog
from erp_airbyte.destination.report import Report
from erp_airbyte.destination.sink import PipelineRun, StreamSink
from erp_airbyte.destination.state_gate import gate_state
from erp_airbyte.destination.stream_plans import SUPPORTED_MODES, stream_plans
from erp_airbyte.destination.write_rounds import WriteRounds
from erp_airbyte.failures import CHECK_MAX_ATTEMPTS
from erp_http.parallel import parallel_map
from frappe_client.client import FrappeClient
from frappe_client.config import ConnectionConfig
from frappe_client.errors import ConfigurationError
from frappe_client.site_zone import resolve_site_clock

DOCS_URL = "https://docs.airbyte.com/integrations/destinations/frappe"
# A role without access (HTTP 403) reads "Writing to Frappe failed: ..."; only a ConfigurationError is told as is.
WRITE_FAILURE = WriteFailureWording(unreliable="The Frappe site did not answer reliably",
                                    failed="Writing to Frappe failed",
                                    in_own_words=lambda exc: isinstance(exc, ConfigurationError))


class DestinationFrappe(Destination):
    """Writes Airbyte records into Frappe DocTypes (stream name = DocType; see targets.py)."""

    def __init__(self) -> None:
        self.last_report: Report | None = None
        self.last_rejects: RejectLog | None = None
        self.last_prover: FrappeProver | None = None
        self.last_resolver: LinkResolver | None = None

    def spec(self, logger: logging.Logger) -> ConnectorSpecification:
        return ConnectorSpecification(
            documentationUrl=DOCS_URL, connectionSpecification=connection_specification(),
            supportsIncremental=True, supported_destination_sync_modes=list(SUPPORTED_MODES))

    def check(self, logger: logging.Logger, config: Mapping[str, Any]) -> AirbyteConnectionStatus:
        """Parse the config, authenticate (``get_logged_user``) and settle the site time zone."""
        try:
            options = WriteOptions.from_airbyte(config)
            conn = ConnectionConfig.from_airbyte(config)
        except ConfigurationError as exc:
            return AirbyteConnectionStatus(status=Status.FAILED, message=str(exc))
        client = FrappeClient(conn, max_in_flight=2, logger=logger, max_attempts=CHECK_MAX_ATTEMPTS)

        def steps() -> str | None:
            user = client.logged_user()
            _, where = site_zone(client, options)
            logger.info("Check: logged in as %s; site time zone from %s", user, where)
            return None

        return checked(client, steps)

    def write(self, config: Mapping[str, Any], configured_catalog: ConfiguredAirbyteCatalog,
              input_messages: Iterable[AirbyteMessage]) -> Iterable[AirbyteMessage]:
        logger = logging.getLogger("airbyte")
        return guarded_write(
            config, parse_options=WriteOptions.from_airbyte, parse_connection=ConnectionConfig.from_airbyte,
            plan=lambda options: stream_plans(
                with_key_fields(configured_catalog, options),
                key_examples="name, or a unique field such as customer_name, or the stream's key_field"),
            open_client=lambda conn, options: FrappeClient(conn, max_in_flight=options.num_workers, logger=logger),
            write=lambda client, options, plans: self._write(client, options, plans, input_messages, logger),
            wording=WRITE_FAILURE)

    def _write(self, client: FrappeClient, options: WriteOptions, plans: list, messages: Iterable[AirbyteMessage],
               logger: logging.Logger) -> Iterable[AirbyteMessage]:
        tz, where = site_zone(client, options)
        targets = resolve_targets(client, plans, options, logger)
        logger.info("Site time zone from %s%s", where, "; DRY RUN: nothing will be written" if options.dry_run else "")
        workers = options.num_workers

        def pmap(fn, items):
            return parallel_map(fn, items, workers, name="frappe")

        api = FrappeApi(client)
        resolver = LinkResolver(api, pmap, logger)
        prover = FrappeProver(api, logger)
        rounds = WriteRounds(FrappeSender(api, options.batch_size, logger, workers), prover, workers, logger)
        run = PipelineRun.open(rounds, logger, options.policy)
        self.last_report, self.last_rejects, self.last_prover, self.last_resolver = (
            run.report, run.rejects, prover, resolver)
        for target in targets:
            mapper = RecordMapper(target.dt, target.settings.key_field, tz, options.drop_unknown, target.stream,
                                  logger, ext_field=target.settings.external_id_field)
            keys = KeyFinder(api, target.dt, target.settings.key_field, pmap,
                             ext_field=target.settings.external_id_field,
                             keyless_inserts=target.settings.mode == "append_dedup")
            planner = DocTypePlanner(target, mapper, keys, resolver, pmap, logger, check_named_links=options.dry_run)
            StreamSink(run, target.stream, planner, workers=workers, slice_size=options.batch_size,
                       capacity=options.batch_size * workers, keyed=target.settings.mode != "append")
        try:
            yield from gate_state(run, messages)
        finally:
            for stream, n in sorted(prover.unverified_resends.items()):
                logger.warning("Write summary: stream %s: %d insert(s) were sent again after a lost answer without "
                               "proof (no external_id_field): check for duplicates", stream, n)


def site_zone(client: FrappeClient, options: WriteOptions) -> tuple[ZoneInfo | None, str]:
    """The site time zone (Datetime values are written in it) and where it came from.

    A user who cannot read System Settings and configured no ``site_timezone`` can still write: only a
    record with a Datetime value is then rejected (values.py), since guessing the zone would shift it.

    Raises:
        ConfigurationError: a configured ``site_timezone`` that is not the site's.
    """
    try:
        clock, where = resolve_site_clock(client, options.site_timezone)
    except ConfigurationError:
        if options.site_timezone:
            raise
        return None, ("unknown: the user cannot read System Settings and site_timezone is not set, so records "
                      "with Datetime values will be rejected")
    return clock.tz, where
