"""SourceIdempiere: spec, check, discover, and a parallel read of the configured tables."""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator, Mapping
from typing import Any

from airbyte_cdk.models import (
    AirbyteLogMessage,
    AirbyteMessage,
    AirbyteRecordMessage,
    AirbyteStateBlob,
    AirbyteStateMessage,
    AirbyteStateType,
    AirbyteStreamState,
    AirbyteStreamStatus,
    ConfiguredAirbyteCatalog,
    ConfiguredAirbyteStream,
    ConnectorSpecification,
    FailureType,
    Level,
    StreamDescriptor,
    SyncMode,
    Type,
)
from airbyte_cdk.sources import AbstractSource
from airbyte_cdk.sources.connector_state_manager import ConnectorStateManager
from airbyte_cdk.utils.stream_status_utils import as_airbyte_message as status_message
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from erp_http.errors import ApiError, ConfigurationError, TransientError
from idempiere_client.http import IdempiereClient
from idempiere_client.metadata import MetadataCatalog
from idempiere_client.tzcheck import verify_server_timezone
from source_idempiere.concurrency import Cancelled, Emit, StreamPump
from source_idempiere.discovery import discover_tables, select_tables
from source_idempiere.options import SourceOptions, connection_specification
from source_idempiere.progress import StreamProgress
from source_idempiere.reader import CURSOR, ReadSettings
from source_idempiere.streams import IdempiereStream

DOCS_URL = "https://github.com/airbyte-idempiere/airbyte-idempiere/blob/main/docs/source.md"
CHECK_MAX_ATTEMPTS = 3
CHECK_TIMEZONE_TABLES = 5  # tables check may sample for server_timezone (one or two requests each)
NO_CURSOR_STATE = {"__ab_no_cursor_state_message": True}  # what the CDK emits after a full refresh


def config_error(exc: Exception) -> AirbyteTracedException:
    """A user-actionable error (never a traceback for the user)."""
    return AirbyteTracedException(message=str(exc), internal_message=repr(exc), failure_type=FailureType.config_error, exception=exc)


def traced(exc: Exception, stream: str) -> AirbyteTracedException:
    """Map client errors to Airbyte failure types (config vs transient vs system)."""
    descriptor = StreamDescriptor(name=stream)
    if isinstance(exc, AirbyteTracedException):
        return exc
    if isinstance(exc, ConfigurationError) or (isinstance(exc, ApiError) and exc.is_access_denied):
        kind = FailureType.config_error
    elif isinstance(exc, TransientError):
        kind = FailureType.transient_error
    else:
        kind = FailureType.system_error
    return AirbyteTracedException(
        message=f"Stream {stream} failed: {exc}", internal_message=repr(exc), failure_type=kind,
        exception=exc, stream_descriptor=descriptor,
    )


class SourceIdempiere(AbstractSource):
    """Airbyte source for the iDempiere REST API (bxservice/idempiere-rest)."""

    def spec(self, logger: logging.Logger) -> ConnectorSpecification:
        return ConnectorSpecification(
            documentationUrl=DOCS_URL,
            connectionSpecification=connection_specification(),
            supportsIncremental=True,
        )

    @staticmethod
    def options(config: Mapping[str, Any]) -> SourceOptions:
        try:
            return SourceOptions.from_airbyte(config)
        except ConfigurationError as exc:
            raise config_error(exc) from None

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
            return True, None
        except (ConfigurationError, ApiError) as exc:
            raise config_error(exc) from None
        except TransientError as exc:
            # An unreachable or failing server is something the user fixes (URL, proxy, server down), and
            # the standard tests expect check to *report* FAILED rather than raise.
            raise config_error(ConfigurationError(
                f"Could not get a reliable answer from {options.connection.base_url}: {exc}. "
                "Check base_url and that the iDempiere REST plugin is running.")) from None
        finally:
            client.close()

    # ---- discover -----------------------------------------------------------------------
    def streams(self, config: Mapping[str, Any]) -> list[IdempiereStream]:
        options = self.options(config)
        logger = logging.getLogger("airbyte")
        client = self._client(options, logger)
        try:
            started = time.monotonic()
            found = discover_tables(MetadataCatalog(client, workers=options.num_workers), options, logger)
            logger.info(f"Discovered {len(found.metas)} tables in {time.monotonic() - started:.1f} s"
                        f" ({len(found.skipped)} skipped)")
            return [IdempiereStream(meta, options.foreign_keys) for meta in found.metas]
        except (ConfigurationError, ApiError) as exc:
            raise config_error(exc) from None
        except TransientError as exc:
            raise AirbyteTracedException(
                message=f"Discovery failed: the server did not answer reliably ({exc})", internal_message=repr(exc),
                failure_type=FailureType.transient_error, exception=exc,
            ) from None
        finally:
            client.close()

    # ---- read ---------------------------------------------------------------------------
    def read(
        self,
        logger: logging.Logger,
        config: Mapping[str, Any],
        catalog: ConfiguredAirbyteCatalog,
        state: list[AirbyteStateMessage] | None = None,
    ) -> Iterator[AirbyteMessage]:
        """Read the configured streams in parallel (``num_workers`` bounds requests in flight).

        Overridden because the CDK reads streams sequentially; statuses, state messages and the final
        non-zero exit on any failed stream follow ``AbstractSource.read``.
        """
        options = self.options(config)
        client = self._client(options, logger)
        state_manager = ConnectorStateManager(state=state)
        settings = ReadSettings(options.page_size, options.lookback_window_seconds, options.start_date,
                                options.foreign_keys, options.detect_deletes, options.num_workers)
        clock = options.clock()
        failures: dict[str, AirbyteTracedException] = {}
        lock = threading.Lock()
        try:
            try:
                client.tokens.current()  # log in once up front: bad credentials fail the sync, not each table
            except ConfigurationError as exc:
                raise config_error(exc) from None
            names = [cs.stream.name for cs in catalog.streams]
            metas, errors = MetadataCatalog(client, workers=options.num_workers).get_many(names)
            self._check_timezone(client, clock, [metas[n] for n in names if n in metas], logger)
            jobs = []
            for configured in catalog.streams:
                name = configured.stream.name
                meta = metas.get(name)
                if meta is None:
                    jobs.append(self._missing_job(configured, errors.get(name, "unknown table"), failures, lock))
                    continue
                stream = IdempiereStream(meta, options.foreign_keys, client=client, clock=clock, settings=settings)
                stream_state = state_manager.get_stream_state(name, configured.stream.namespace)
                jobs.append(self._stream_job(stream, configured, stream_state, logger, failures, lock))
            yield from StreamPump(options.num_workers).run(jobs)
        finally:
            client.close()
        logger.info(f"Requests: {client.stats}")
        if failures:
            failed = ", ".join(sorted(failures))
            raise AirbyteTracedException(
                message=f"During the sync, the following streams did not sync successfully: {failed}",
                failure_type=FailureType.config_error
                if all(f.failure_type == FailureType.config_error for f in failures.values())
                else FailureType.system_error,
            )

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

    @staticmethod
    def _missing_job(configured: ConfiguredAirbyteStream, error: str, failures: dict, lock: threading.Lock):
        def job(emit: Emit) -> None:
            name = configured.stream.name
            exc = AirbyteTracedException(
                message=f"Table {name} is not available to this role ({error}). Refresh the schema or check the "
                "role's table access.", failure_type=FailureType.config_error,
                stream_descriptor=StreamDescriptor(name=name),
            )
            with lock:
                failures[name] = exc
            emit([status_message(configured.stream, AirbyteStreamStatus.INCOMPLETE),
                  exc.as_sanitized_airbyte_message(stream_descriptor=StreamDescriptor(name=name))])
        return job

    @staticmethod
    def _stream_job(stream: IdempiereStream, configured: ConfiguredAirbyteStream, stream_state: Mapping[str, Any],
                    logger: logging.Logger, failures: dict, lock: threading.Lock):
        def job(emit: Emit) -> None:
            name = stream.name
            descriptor = StreamDescriptor(name=name, namespace=configured.stream.namespace)
            incremental = configured.sync_mode == SyncMode.incremental and stream.supports_incremental
            progress = StreamProgress(name)
            emit([status_message(configured.stream, AirbyteStreamStatus.STARTED),
                  _log(progress.start_line("incremental" if incremental else "full refresh",
                                           f"from cursor {stream_state.get(CURSOR)}" if incremental and stream_state else ""))])
            if configured.sync_mode == SyncMode.incremental and not incremental:
                emit([_log(f"Stream {name} has no Updated column: reading it in full", Level.WARN)])
            running = False
            try:
                reader = stream.reader(logger)
                batches = reader.incremental(stream_state) if incremental else reader.full_refresh()
                for batch in batches:
                    out: list[AirbyteMessage] = []
                    if batch.rows:
                        if not running:
                            out.append(status_message(configured.stream, AirbyteStreamStatus.RUNNING))
                            running = True
                        now_ms = int(time.time() * 1000)
                        out.extend(
                            AirbyteMessage(type=Type.RECORD, record=AirbyteRecordMessage(stream=name, data=row, emitted_at=now_ms))
                            for row in batch.rows
                        )
                        line = progress.add_page(len(batch.rows))
                        if line:
                            out.append(_log(line))
                    out.extend(_log(f"Stream {name}: {note}") for note in batch.notes)
                    if batch.state is not None:
                        out.append(_state(descriptor, batch.state))
                    emit(out)
                if not incremental:
                    emit([_state(descriptor, NO_CURSOR_STATE)])
                emit([_log(progress.finish_line("COMPLETE")),
                      status_message(configured.stream, AirbyteStreamStatus.COMPLETE)])
            except Cancelled:
                raise
            except Exception as exc:  # noqa: BLE001 - every failure is reported, never swallowed
                error = traced(exc, name)
                with lock:
                    failures[name] = error
                logger.error(f"Stream {name} failed after {progress.records} records: {exc}")
                emit([_log(progress.finish_line("INCOMPLETE"), Level.ERROR),
                      status_message(configured.stream, AirbyteStreamStatus.INCOMPLETE),
                      error.as_sanitized_airbyte_message(stream_descriptor=descriptor)])
        return job


def _log(message: str, level: Level = Level.INFO) -> AirbyteMessage:
    return AirbyteMessage(type=Type.LOG, log=AirbyteLogMessage(level=level, message=message))


def _state(descriptor: StreamDescriptor, value: Mapping[str, Any]) -> AirbyteMessage:
    return AirbyteMessage(
        type=Type.STATE,
        state=AirbyteStateMessage(
            type=AirbyteStateType.STREAM,
            stream=AirbyteStreamState(stream_descriptor=descriptor, stream_state=AirbyteStateBlob(dict(value))),
        ),
    )
