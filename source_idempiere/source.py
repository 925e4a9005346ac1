"""SourceIdempiere: spec, check, discover, and a parallel read of the configured tables."""
from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from airbyte_cdk.models import (
    AirbyteStateMessage,
    ConfiguredAirbyteCatalog,
    ConnectorSpecification,
)
from airbyte_cdk.sources import AbstractSource
from airbyte_cdk.sources.streams import Stream

from erp_airbyte.failures import (
    CHECK_MAX_ATTEMPTS,
    config_error,
    parsed_config,
    setup_errors,
    traced,
    unreachable_check,
)
from erp_airbyte.source.client_lifetime import closing_client
from erp_airbyte.source.pipeline import Out, PipelineReads, SourceRead, StreamRead
from erp_http.errors import ApiError, ConfigurationError, ErpError, TransientError
from idempiere_client.http import IdempiereClient
from idempiere_client.metadata import MetadataCatalog
from idempiere_client.tzcheck import verify_server_timezone
from source_idempiere.attachment_streams import (
    STREAM_SUFFIX,
    AttachmentStream,
    load_attachment_sources,
    require,
    stream_name,
)
from source_idempiere.discovery import discover_tables, select_tables
from source_idempiere.options import SourceOptions, connection_specification
from source_idempiere.reader import ReadSettings
from source_idempiere.report_options import is_report_stream
from source_idempiere.report_runs import ReportRunner
from source_idempiere.report_streams import ReportStream, refuse_taken, report_streams, unavailable_reason
from source_idempiere.streams import IdempiereStream
from source_idempiere.view_streams import ViewSource, ViewStream, is_view_stream, load_views

DOCS_URL = "https://github.com/airbyte-idempiere/airbyte-idempiere/blob/main/docs/source.md"
CHECK_TIMEZONE_TABLES = 5  # tables check may sample for server_timezone (one or two requests each)


class SourceIdempiere(PipelineReads, AbstractSource):
    """Airbyte source for the iDempiere REST API (bxservice/idempiere-rest)."""

    def spec(self, logger: logging.Logger) -> ConnectorSpecification:
        return ConnectorSpecification(
            documentationUrl=DOCS_URL,
            connectionSpecification=connection_specification(),
            supportsIncremental=True,
        )

    @staticmethod
    def options(config: Mapping[str, Any]) -> SourceOptions:
        return parsed_config(SourceOptions.from_airbyte, config)

    @staticmethod
    def _client(options: SourceOptions, logger: logging.Logger, **policy: Any) -> IdempiereClient:
        return IdempiereClient(options.connection, max_in_flight=options.num_workers, logger=logger, **policy)

    # ---- check --------------------------------------------------------------------------
    def check_connection(self, logger: logging.Logger, config: Mapping[str, Any]) -> tuple[bool, Any]:
        """Log in, list the readable tables and verify server_timezone with one of them (tzcheck.py)."""
        options = self.options(config)
        # Fewer attempts than a sync: "Test connection" should answer in seconds; one blip is still tolerated.
        client = self._client(options, logger, max_attempts=CHECK_MAX_ATTEMPTS)
        try:
            catalog = MetadataCatalog(client, workers=options.num_workers)
            selected = select_tables(catalog.list_tables(), options)
            metas = (catalog.get(table) for table in selected[:CHECK_TIMEZONE_TABLES])  # loaded as far as needed
            outcome, meta = verify_server_timezone(client, options.clock(), metas)
            if meta is None:
                logger.info(f"Check: {len(selected)} tables readable (no Updated value found to verify the time zone)")
            else:
                logger.info(f"Check: {len(selected)} tables readable; time zone checked with "
                            f"{meta.model_name}.Updated ({outcome})")
            if options.include_views:
                views, _skipped = load_views(client, catalog, logger)
                logger.info(f"Check: {len(views)} REST views readable")
            if options.attachments.tables:
                sources, problems = load_attachment_sources(catalog, options.attachments.tables)
                require(problems)
                logger.info(f"Check: attachments of {len(sources)} tables readable")
            if options.report_streams:
                taken = {str(m.get("model-name") or "").lower() for m in catalog.list_tables()}
                taken |= {stream_name(t) for t in options.attachments.tables}
                for report in options.report_streams:
                    refuse_taken(report, taken)
                    ReportRunner(client, report, logger).describe()
                logger.info(f"Check: the processes of {len(options.report_streams)} report streams exist, may be "
                            "run, and take the configured parameters")
            return True, None
        except (ConfigurationError, ApiError) as exc:
            raise config_error(exc) from None
        except TransientError as exc:
            return False, unreachable_check(options.connection.base_url, exc,
                                            "Check base_url and that the iDempiere REST plugin is running.")
        finally:
            client.close()

    # ---- discover -----------------------------------------------------------------------
    def streams(self, config: Mapping[str, Any]) -> list[Stream]:
        options = self.options(config)
        logger = logging.getLogger("airbyte")
        client = self._client(options, logger)
        try:
            with setup_errors("Discovery failed: the server did not answer reliably"):
                started = time.monotonic()
                catalog = MetadataCatalog(client, workers=options.num_workers)
                found = discover_tables(catalog, options, logger)
                streams: list[Stream] = [IdempiereStream(meta, options.foreign_keys) for meta in found.metas]
                views: dict = {}
                if options.include_views:
                    views, _skipped = load_views(client, catalog, logger)
                    streams += [ViewStream(view, options.foreign_keys) for view in views.values()]
                attachments, problems = load_attachment_sources(catalog, options.attachments.tables)
                require(problems)
                streams += [AttachmentStream(source, options.attachments, options.foreign_keys)
                            for source in attachments.values()]
                taken = {s.name for s in streams} | {str(m.get("model-name") or "").lower()
                                                     for m in catalog.list_tables()}
                streams += report_streams(options.report_streams, client, logger, taken)
                logger.info(f"Discovered {len(found.metas)} tables, {len(views)} views, {len(attachments)} attachment "
                            f"streams and {len(options.report_streams)} report streams in "
                            f"{time.monotonic() - started:.1f} s ({len(found.skipped)} tables skipped)")
                return streams
        except ErpError as exc:  # a report stream's process failed or its output is unreadable (report_runs.py)
            raise traced(exc, f"Discovery failed: {exc}") from None
        finally:
            client.close()

    # ---- read ---------------------------------------------------------------------------
    def pipeline_read(self, logger: logging.Logger, config: Mapping[str, Any], catalog: ConfiguredAirbyteCatalog,
                      state: list[AirbyteStateMessage] | None, drain: Callable[[SourceRead], Iterator[Out]],
                      ) -> Iterator[Out]:
        """Read the configured streams in parallel (``num_workers`` bounds requests in flight).

        Set-up (login, metadata, the time-zone check) is iDempiere's; the streams then go through the
        shared read pipeline (``erp_airbyte.source.pipeline``), which the CDK's sequential
        ``AbstractSource.read`` would not do in parallel.
        """
        options = self.options(config)
        client = self._client(options, logger)
        settings = ReadSettings(options.page_size, options.lookback_window_seconds, options.start_date,
                                options.foreign_keys, options.detect_deletes, options.num_workers)
        clock = options.clock()
        with closing_client(client, logger):
            wanted = {stream_name(t): t for t in options.attachments.tables}
            attachment_names = {cs.stream.name for cs in catalog.streams if cs.stream.name in wanted}
            names = [cs.stream.name for cs in catalog.streams if not is_view_stream(cs.stream.name)
                     and cs.stream.name not in attachment_names and not is_report_stream(cs.stream.name)]
            meta_catalog = MetadataCatalog(client, workers=options.num_workers)
            try:
                client.tokens.current()  # log in once up front: bad credentials fail the sync, not each table
                metas, errors = meta_catalog.get_many(names)
            except ConfigurationError as exc:
                raise config_error(exc) from None
            except TransientError as exc:
                raise traced(exc, f"The server did not answer reliably: {exc}") from None
            attachments, attachment_errors = self._attachments(meta_catalog, [wanted[n] for n in attachment_names])
            indexes = [source.index for source in list(attachments.values())[:1]]  # AD_Attachment's Updated counts too
            self._check_timezone(client, clock, [metas[n] for n in names if n in metas] + indexes, logger)
            view_names = {cs.stream.name for cs in catalog.streams if is_view_stream(cs.stream.name)}
            views, view_errors = self._views(client, meta_catalog, view_names, logger)
            reports = {r.stream_name: r for r in options.report_streams}
            streams = []
            for configured in catalog.streams:
                name = configured.stream.name
                if name in view_names:
                    streams.append(self._view_read(configured, views, view_errors, options, client, clock,
                                                   settings, logger))
                    continue
                if name in attachment_names:
                    source = attachments.get(name)
                    if source is None:
                        streams.append(StreamRead(configured, unavailable=(
                            f"Attachment stream {name} is not available: {attachment_errors.get(name)}.")))
                    else:
                        stream = AttachmentStream(source, options.attachments, options.foreign_keys, client=client,
                                                  clock=clock, settings=settings)
                        streams.append(stream.stream_read(configured, logger))
                    continue
                if is_report_stream(name):
                    report = reports.get(name)
                    streams.append(StreamRead(configured, unavailable=unavailable_reason(name)) if report is None
                                   else ReportStream(report, {}, client=client, logger=logger).stream_read(configured))
                    continue
                meta = metas.get(name)
                if meta is None:
                    hint = (" An attachment stream needs its table in attachments.tables."
                            if name.endswith(STREAM_SUFFIX) else "")
                    streams.append(StreamRead(configured, unavailable=(
                        f"Table {name} is not available to this role ({errors.get(name, 'unknown table')}). "
                        f"Refresh the schema or check the role's table access.{hint}")))
                    continue
                stream = IdempiereStream(meta, options.foreign_keys, client=client, clock=clock, settings=settings)
                streams.append(stream.stream_read(configured, logger))
            run = SourceRead(streams, state, workers=options.num_workers, logger=logger)
            yield from drain(run)
        run.raise_failures()

    @staticmethod
    def _views(client: IdempiereClient, catalog: MetadataCatalog, names: set[str],
               logger: logging.Logger) -> tuple[dict[str, ViewSource], dict[str, str]]:
        if not names:
            return {}, {}
        try:
            return load_views(client, catalog, logger, wanted=names)
        except ConfigurationError as exc:
            raise config_error(exc) from None
        except (ApiError, TransientError) as exc:
            raise traced(exc, f"Listing the REST views failed: {exc}") from None

    @staticmethod
    def _attachments(catalog: MetadataCatalog, tables: list[str]) -> tuple[dict, dict[str, str]]:
        try:
            return load_attachment_sources(catalog, tables)
        except ConfigurationError as exc:
            raise config_error(exc) from None
        except (ApiError, TransientError) as exc:
            raise traced(exc, f"Reading the metadata of the attachment streams failed: {exc}") from None

    @staticmethod
    def _view_read(configured: Any, views: dict[str, ViewSource], errors: dict[str, str], options: SourceOptions,
                   client: IdempiereClient, clock: Any, settings: ReadSettings, logger: logging.Logger) -> StreamRead:
        name = configured.stream.name
        source = views.get(name)
        if source is None:
            why = errors.get(name, "no REST view of that name is listed by GET /api/v1/views")
            return StreamRead(configured, unavailable=f"View stream {name} is not available ({why}). "
                              "Refresh the schema or check the REST view definitions and the role's access.")
        stream = ViewStream(source, options.foreign_keys, client=client, clock=clock, settings=settings)
        return stream.stream_read(configured, logger)

    @staticmethod
    def _check_timezone(client: IdempiereClient, clock: Any, metas: list, logger: logging.Logger) -> None:
        """Verify server_timezone once before reading (tzcheck.py): a contradiction fails the sync."""
        try:
            outcome, meta = verify_server_timezone(client, clock, metas)
        except ConfigurationError as exc:
            raise config_error(exc) from None
        except (ApiError, TransientError) as exc:
            logger.warning(f"Could not verify server_timezone: {exc}")
            return  # the stream itself reports the problem
        if meta is not None:
            logger.info(f"Time zone checked with {meta.model_name}.Updated ({outcome})")
