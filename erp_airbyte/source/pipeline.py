"""The read pipeline every ERP source shares: configured streams in, Airbyte messages out.

An ERP source does its own set-up (log in, load metadata, check the server), then describes each
configured stream as a ``StreamRead`` -- how to open its table reader (``table_reader.py``), or why it
cannot be read -- and hands them to ``SourceRead``. The pipeline owns everything Airbyte expects of a
read, identically for every ERP:

* streams are read in parallel on the stream pump, at most ``workers`` at a time;
* per stream: status STARTED, a start line, RUNNING at the first rows, RECORD messages (or, for the
  console, one ``RecordPage`` per page: ``output()``), progress lines (``progress.py``), then COMPLETE
  with a finish line;
* each batch's RECORDs come first, then its notes, then its STATE: a STATE never precedes a record
  it covers; a full refresh ends with the CDK's "no cursor" state;
* a failing stream is marked INCOMPLETE with its error as a TRACE (failure type from
  ``erp_airbyte.failures``) while the other streams finish; ``raise_failures`` then fails the sync
  naming every failed stream (as ``AbstractSource.read`` does).

Overridden rather than inherited because the CDK's ``AbstractSource.read`` reads streams one after another.
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from airbyte_cdk.models import (
    AirbyteMessage,
    AirbyteRecordMessage,
    AirbyteStateMessage,
    AirbyteStreamStatus,
    ConfiguredAirbyteCatalog,
    ConfiguredAirbyteStream,
    FailureType,
    Level,
    StreamDescriptor,
    SyncMode,
    Type,
)
from airbyte_cdk.sources.connector_state_manager import ConnectorStateManager
from airbyte_cdk.utils.stream_status_utils import as_airbyte_message as status_message
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from erp_airbyte.failures import stream_failure
from erp_airbyte.messages import log_message, state_message
from erp_airbyte.record_output import RecordPage, record_page
from erp_airbyte.source.progress import StreamProgress
from erp_airbyte.source.read_ahead import closed_after
from erp_airbyte.source.stream_pump import Cancelled, Emit, Job, StreamPump
from erp_airbyte.source.table_reader import TableReader

NO_CURSOR_STATE = {"__ab_no_cursor_state_message": True}  # what the CDK emits after a full refresh


@dataclass(frozen=True)
class StreamRead:
    """One configured stream and how to read it.

    Attributes:
        configured: the catalog entry (name, namespace, sync mode).
        open_reader: builds the stream's table reader; called on the worker thread inside the stream's
            error handling, so a failure there fails this stream only. None when ``unavailable``.
        cursor_field: the state key holding the cursor (start line) and the column named in the warning
            when an incremental stream has none.
        incremental: the stream has that cursor; configured incremental without it, it is read in full.
        unavailable: instead of a reader, why the stream cannot be read (a user-actionable message);
            the stream then fails as a config error.
    """

    configured: ConfiguredAirbyteStream
    open_reader: Callable[[], TableReader] | None = None
    cursor_field: str = ""
    incremental: bool = False
    unavailable: str | None = None

    @property
    def name(self) -> str:
        """The stream's name."""
        name: str = self.configured.stream.name
        return name


Out = TypeVar("Out")  # what a read yields: messages, or messages and pages (``PipelineReads``)


class PipelineReads:
    """``read`` (the CDK's ``Source`` interface) and ``read_output`` (the console's) of a pipeline source.

    Both ERP sources end their read in a ``SourceRead``; they implement ``pipeline_read`` (set-up, then
    ``yield from drain(SourceRead(...))``) once, and this gives them both ways out of it: one RECORD
    message per row, or whole ``RecordPage``s for ``console.py``. Listed before ``AbstractSource``.
    """

    def read(self, logger: logging.Logger, config: Mapping[str, Any], catalog: ConfiguredAirbyteCatalog,
             state: list[AirbyteStateMessage] | None = None) -> Iterator[AirbyteMessage]:
        """Read the configured streams through the shared pipeline, one RECORD message per row."""
        return self.pipeline_read(logger, config, catalog, state, SourceRead.messages)

    def read_output(self, logger: logging.Logger, config: Mapping[str, Any], catalog: ConfiguredAirbyteCatalog,
                    state: list[AirbyteStateMessage] | None = None) -> Iterator[AirbyteMessage | RecordPage]:
        """``read`` with each page's records as one ``RecordPage`` (the console script's fast path)."""
        return self.pipeline_read(logger, config, catalog, state, SourceRead.output)

    def pipeline_read(self, logger: logging.Logger, config: Mapping[str, Any], catalog: ConfiguredAirbyteCatalog,
                      state: list[AirbyteStateMessage] | None, drain: Callable[[SourceRead], Iterator[Out]],
                      ) -> Iterator[Out]:
        """The source's set-up, then ``yield from drain(run)`` and ``run.raise_failures()``."""
        raise NotImplementedError


class SourceRead:
    """One sync's read of many streams: iterate ``messages()``, then call ``raise_failures()``.

    Args:
        streams: the configured streams, in catalog order.
        state: the state the platform passed to ``read`` (per-stream).
        workers: streams read at the same time.
        logger: the connector's logger (one line per failed stream).
    """

    def __init__(self, streams: Sequence[StreamRead], state: list[AirbyteStateMessage] | None, *, workers: int,
                 logger: logging.Logger) -> None:
        """Prepare the read; nothing runs until ``messages()`` is iterated."""
        self.streams = list(streams)
        self.workers = workers
        self.logger = logger
        self.failures: dict[str, AirbyteTracedException] = {}
        self._state = ConnectorStateManager(state=state)
        self._lock = threading.Lock()

    def messages(self) -> Iterator[AirbyteMessage]:
        """Every message of every stream, one RECORD message per row (the CDK's ``Source.read`` interface)."""
        yield from self._run(pages=False)

    def output(self) -> Iterator[AirbyteMessage | RecordPage]:
        """The same, with each page's records as one ``RecordPage`` (for the console, ``console.py``)."""
        yield from self._run(pages=True)

    def _run(self, pages: bool) -> Iterator[Any]:
        """One stream's messages keep their order; streams run on the pump."""
        jobs = [self._unavailable_job(s) if s.unavailable is not None else self._stream_job(s, pages)
                for s in self.streams]
        yield from StreamPump(self.workers).run(jobs)

    def raise_failures(self) -> None:
        """Fail the sync when any stream failed: a config error only if every failure is one.

        Raises:
            AirbyteTracedException: naming the failed streams.
        """
        if not self.failures:
            return
        failed = ", ".join(sorted(self.failures))
        raise AirbyteTracedException(
            message=f"During the sync, the following streams did not sync successfully: {failed}",
            failure_type=FailureType.config_error
            if all(f.failure_type == FailureType.config_error for f in self.failures.values())
            else FailureType.system_error,
        )

    def _failed(self, name: str, error: AirbyteTracedException) -> None:
        with self._lock:
            self.failures[name] = error

    def _unavailable_job(self, read: StreamRead) -> Job:
        def job(emit: Emit) -> None:
            name = read.name
            exc = AirbyteTracedException(message=read.unavailable, failure_type=FailureType.config_error,
                                         stream_descriptor=StreamDescriptor(name=name))
            self._failed(name, exc)
            emit([status_message(read.configured.stream, AirbyteStreamStatus.INCOMPLETE),
                  exc.as_sanitized_airbyte_message(stream_descriptor=StreamDescriptor(name=name))])
        return job

    def _stream_job(self, read: StreamRead, pages: bool) -> Job:
        configured = read.configured
        stream_state: Mapping[str, Any] = self._state.get_stream_state(read.name, configured.stream.namespace)

        def job(emit: Emit) -> None:
            name = read.name
            descriptor = StreamDescriptor(name=name, namespace=configured.stream.namespace)
            incremental = configured.sync_mode == SyncMode.incremental and read.incremental
            progress = StreamProgress(name)
            emit([status_message(configured.stream, AirbyteStreamStatus.STARTED),
                  log_message(progress.start_line(
                      "incremental" if incremental else "full refresh",
                      f"from cursor {stream_state.get(read.cursor_field)}" if incremental and stream_state else ""))])
            if configured.sync_mode == SyncMode.incremental and not incremental:
                # A table without its cursor column is a surprise worth a warning; a stream that never has a
                # cursor (a report) is full refresh by design, and a client asking incremental of every stream
                # (PyAirbyte does) should not make every sync warn about it.
                if read.cursor_field:
                    emit([log_message(f"Stream {name} has no {read.cursor_field} column: reading it in full",
                                      Level.WARN)])
                else:
                    emit([log_message(f"Stream {name} has no cursor (full refresh only): reading it in full")])
            running = False
            try:
                if read.open_reader is None:
                    raise ValueError(f"stream {name} has neither a reader nor a reason it is unavailable")
                reader = read.open_reader()
                with closed_after(reader.incremental(stream_state) if incremental else reader.full_refresh()) as batches:
                    for batch in batches:
                        out: list[AirbyteMessage | RecordPage] = []
                        if batch.rows:
                            if not running:
                                out.append(status_message(configured.stream, AirbyteStreamStatus.RUNNING))
                                running = True
                            now_ms = int(time.time() * 1000)
                            if pages:  # serialised here, on the reader's thread (record_output.py)
                                out.append(record_page(name, batch.rows, now_ms))
                            else:
                                out.extend(
                                    AirbyteMessage(type=Type.RECORD,
                                                   record=AirbyteRecordMessage(stream=name, data=row, emitted_at=now_ms))
                                    for row in batch.rows
                                )
                            line = progress.add_page(len(batch.rows))
                            if line:
                                out.append(log_message(line))
                        out.extend(log_message(f"Stream {name}: {note}") for note in batch.notes)
                        if batch.state is not None:
                            out.append(state_message(descriptor, batch.state))
                        emit(out)
                if not incremental:
                    emit([state_message(descriptor, NO_CURSOR_STATE)])
                emit([log_message(progress.finish_line("COMPLETE")),
                      status_message(configured.stream, AirbyteStreamStatus.COMPLETE)])
            except Cancelled:
                raise
            except Exception as exc:  # noqa: BLE001 - every failure is reported, never swallowed
                error = stream_failure(exc, name)
                self._failed(name, error)
                self.logger.error(f"Stream {name} failed after {progress.records} records: {exc}")
                emit([log_message(progress.finish_line("INCOMPLETE"), Level.ERROR),
                      status_message(configured.stream, AirbyteStreamStatus.INCOMPLETE),
                      error.as_sanitized_airbyte_message(stream_descriptor=descriptor)])
        return job
