"""SourceFrappe: spec, check, discover, and a parallel read of the configured DocTypes.

The read itself (parallel streams, statuses, progress, state after records) is the shared pipeline
(``erp_airbyte.source.pipeline``); this module does Frappe's set-up -- log in, read the site time zone
from System Settings, freeze the sync's upper bound, load metas -- and gives the pipeline one table
reader per stream (``reader.py``).
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import datetime, timedelta, timezone
from functools import partial
from typing import Any

from airbyte_cdk.config_observation import emit_configuration_as_airbyte_control_message
from airbyte_cdk.models import (
    AirbyteCatalog,
    AirbyteStateMessage,
    ConfiguredAirbyteCatalog,
    ConfiguredAirbyteStream,
    ConnectorSpecification,
    FailureType,
    StreamDescriptor,
)
from airbyte_cdk.sources import AbstractSource
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from erp_airbyte.failures import CHECK_MAX_ATTEMPTS, config_error, parsed_config, setup_errors, unreachable_check
from erp_airbyte.source.client_lifetime import closing_client
from erp_airbyte.source.pipeline import Out, PipelineReads, SourceRead, StreamRead
from erp_airbyte.source.table_reader import Batch, TableReader
from frappe_client.client import FrappeClient
from frappe_client.errors import ApiError, ConfigurationError, TransientError
from frappe_client.filters import NAME_ORDER
from frappe_client.meta import DocTypeMeta
from frappe_client.site_zone import resolve_site_clock
from source_frappe.cursor import SyncBounds
from source_frappe.discovery import (
    airbyte_streams,
    candidate_doctypes,
    discover,
    load_metas,
    main_meta,
    parents_of_child,
)
from source_frappe.options import SourceOptions, connection_specification
from source_frappe.reader import ChildTableReader, DocTypeReader, SingleReader

DOCS_URL = "https://github.com/airbyte-idempiere/airbyte-idempiere/blob/main/docs/source-frappe.md"


def explain_access_denied(exc: ApiError, stream: str) -> AirbyteTracedException:
    """A DocType that became unreadable (403): a config error with the fix spelled out, never an empty stream."""
    return AirbyteTracedException(
        message=f"Stream {stream} failed: the API user cannot read DocType {stream} ({exc.reason}). Give the user "
        "read permission on it (Role Permissions Manager) or remove the stream.",
        internal_message=repr(exc), failure_type=FailureType.config_error, exception=exc,
        stream_descriptor=StreamDescriptor(name=stream))


class _Explained:
    """A table reader whose 403s carry ``explain_access_denied``'s message (the pipeline maps the rest)."""

    def __init__(self, reader: TableReader, stream: str) -> None:
        self.reader = reader
        self.stream = stream

    def _guard(self, batches: Iterable[Batch]) -> Iterator[Batch]:
        try:
            yield from batches
        except ApiError as exc:
            if exc.is_access_denied:
                raise explain_access_denied(exc, self.stream) from None
            raise

    def incremental(self, state: Mapping[str, Any]) -> Iterator[Batch]:
        return self._guard(self.reader.incremental(state))

    def full_refresh(self) -> Iterator[Batch]:
        return self._guard(self.reader.full_refresh())


def _explained(open_reader: Callable[[], TableReader], stream: str) -> TableReader:
    return _Explained(open_reader(), stream)


class SourceFrappe(PipelineReads, AbstractSource):
    """Airbyte source for Frappe Framework / ERPNext sites.

    Args:
        now: the connector's clock (UTC); the sync's upper bound is taken from it (tests move it).
    """

    def __init__(self, now: Callable[[], datetime] | None = None) -> None:
        super().__init__()
        self._now = now or (lambda: datetime.now(timezone.utc))

    def spec(self, logger: logging.Logger) -> ConnectorSpecification:
        return ConnectorSpecification(documentationUrl=DOCS_URL, connectionSpecification=connection_specification(),
                                      supportsIncremental=True)

    @staticmethod
    def options(config: Mapping[str, Any]) -> SourceOptions:
        return parsed_config(SourceOptions.from_airbyte, config)

    @staticmethod
    def _client(options: SourceOptions, logger: logging.Logger, config: Mapping[str, Any],
                **kwargs: Any) -> FrappeClient:
        return FrappeClient(options.connection, max_in_flight=options.num_workers, logger=logger,
                            on_new_refresh_token=partial(_emit_rotated_refresh_token, config), **kwargs)

    def streams(self, config: Mapping[str, Any]) -> list:
        """Not used: ``discover`` and ``read`` are overridden (streams are DocTypes known only at run time)."""
        raise NotImplementedError("SourceFrappe builds its catalog in discover() and reads in read()")

    # ---- check --------------------------------------------------------------------------------
    def check_connection(self, logger: logging.Logger, config: Mapping[str, Any]) -> tuple[bool, Any]:
        """Log in, read the site time zone, and read one page of the first selected DocType."""
        options = self.options(config)
        client = self._client(options, logger, config, max_attempts=CHECK_MAX_ATTEMPTS)
        try:
            user = client.logged_user()
            clock, how = resolve_site_clock(client, options.site_timezone)
            names, notes = candidate_doctypes(client, options)
            for note in notes:
                logger.info(note)
            if not names:
                raise ConfigurationError("No DocType matches 'doctypes'/'exclude_doctypes' for this user.")
            meta = main_meta(names[0], client.get_meta(names[0]))
            if meta.issingle:
                client.get_doc(meta.name, meta.name)
            else:
                client.get_list(meta.name, fields=["name"], order_by=NAME_ORDER, limit=1)
            logger.info(f"Check: logged in as {user}; {how}; {len(names)} DocTypes selected; {meta.name} readable")
            return True, None
        except (ConfigurationError, ApiError) as exc:
            raise config_error(exc) from None
        except TransientError as exc:
            return False, unreachable_check(options.connection.site_url, exc, "Check site_url and that the site is up.")
        finally:
            client.close()

    # ---- discover -----------------------------------------------------------------------------
    def discover(self, logger: logging.Logger, config: Mapping[str, Any]) -> AirbyteCatalog:
        options = self.options(config)
        client = self._client(options, logger, config)
        try:
            with setup_errors("Discovery failed: the site did not answer reliably"):
                started = time.monotonic()
                found = discover(client, options, logger)
                streams = airbyte_streams(found, options)
                logger.info(f"Discovered {len(streams)} streams in {time.monotonic() - started:.1f} s "
                            f"({len(found.skipped)} DocTypes skipped)")
                return AirbyteCatalog(streams=streams)
        finally:
            client.close()

    # ---- read ---------------------------------------------------------------------------------
    def pipeline_read(self, logger: logging.Logger, config: Mapping[str, Any], catalog: ConfiguredAirbyteCatalog,
                      state: list[AirbyteStateMessage] | None, drain: Callable[[SourceRead], Iterator[Out]],
                      ) -> Iterator[Out]:
        """Log in, resolve the site's clock and the sync's bounds, load metadata; then the shared pipeline."""
        options = self.options(config)
        client = self._client(options, logger, config)
        with closing_client(client, logger):
            with setup_errors("The site did not answer reliably before the read"):
                client.logged_user()  # bad credentials fail the sync once, not each stream
                clock, how = resolve_site_clock(client, options.site_timezone)
                bounds = SyncBounds(clock, self._upper_bound(client, logger),
                                    timedelta(seconds=options.lookback_window_seconds), options.start_date)
                loaded, errors = load_metas(client, [cs.stream.name for cs in catalog.streams], options.num_workers)
            logger.info(f"Site time zone: {how}")
            parents = [main_meta(n, m) for n, m in loaded.items()]
            reads = [self._stream_read(cs, client, options, bounds, loaded, errors, parents, logger)
                     for cs in catalog.streams]
            pipeline = SourceRead(reads, state, workers=options.num_workers, logger=logger)
            yield from drain(pipeline)
        pipeline.raise_failures()

    def _upper_bound(self, client: FrappeClient, logger: logging.Logger) -> datetime:
        """The sync's frozen upper bound: this connector's clock, or the site's if it is behind (skew-safe).

        The site's ``Date`` header has whole seconds (rounded down), so its end of second is used: with clocks
        in step, this connector's own (microsecond) clock decides.
        """
        mine = self._now()
        site = client.server_now()
        if site is None:
            return mine
        site += timedelta(seconds=1)
        skew = (mine - site).total_seconds()
        if skew > 2:
            logger.warning(f"This connector's clock is {skew:.0f} s ahead of the site's (HTTP Date header); the "
                           "sync's upper bound uses the site's")
        return min(mine, site)

    @staticmethod
    def _stream_read(configured: ConfiguredAirbyteStream, client: FrappeClient, options: SourceOptions,
                     bounds: SyncBounds, loaded: dict[str, dict[str, DocTypeMeta]], errors: dict[str, str],
                     parents: list[DocTypeMeta], logger: logging.Logger) -> StreamRead:
        name = configured.stream.name
        if name not in loaded:
            return StreamRead(configured, unavailable=(
                f"DocType {name} is not available to this user ({errors.get(name, 'unknown DocType')}). Refresh the "
                "schema or check the user's permissions."))
        metas = loaded[name]
        meta = main_meta(name, metas)
        if meta.issingle:
            opener: Callable[[], TableReader] = partial(SingleReader, client, meta, bounds)
        elif meta.istable:
            opener = partial(_child_reader, client, meta, options, bounds, parents, logger)
        else:
            opener = partial(DocTypeReader, client, meta, metas, bounds, page_size=options.page_size,
                             nested=options.nested, detect_deletes=options.detect_deletes,
                             workers=options.num_workers, logger=logger)
        # The pipeline's start line shows this state key: the site wall-time cursor ("cursors" per parent DocType
        # for a child stream). A Single has no cursor: configured incremental, it is read in full with a warning.
        state_key = "cursors" if meta.istable else "cursor"
        return StreamRead(configured, partial(_explained, opener, name), state_key, incremental=not meta.issingle)


def _emit_rotated_refresh_token(config: Mapping[str, Any], refresh_token: str) -> None:
    """Hand a rotated OAuth2 refresh token to the platform at once (a CONNECTOR_CONFIG control message, the
    CDK's mechanism for single-use refresh tokens, in every command): the old one may no longer work."""
    credentials = config.get("credentials")
    if isinstance(credentials, Mapping):
        emit_configuration_as_airbyte_control_message(
            {**config, "credentials": {**credentials, "refresh_token": refresh_token}})


def _child_reader(client: FrappeClient, meta: DocTypeMeta, options: SourceOptions, bounds: SyncBounds,
                  parents: list[DocTypeMeta], logger: logging.Logger) -> ChildTableReader:
    """Runs on the stream's worker: finding the parents is part of that stream (its failure fails it only)."""
    found = parents_of_child(client, meta.name, options, parents, logger)
    if not found:
        raise ConfigurationError(f"No selected DocType has {meta.name} as a child table: add its parent to doctypes.")
    return ChildTableReader(client, meta, found, bounds, page_size=options.page_size, workers=options.num_workers,
                            logger=logger)
