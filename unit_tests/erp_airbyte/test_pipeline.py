"""The shared read pipeline over a fake table reader (no ERP): message order, statuses, state after
its records, a failing stream that fails loudly while the others finish, unavailable streams, resume."""
from __future__ import annotations

import logging
import threading
from collections.abc import Iterator, Mapping
from typing import Any

import pytest
from airbyte_cdk.models import (
    AirbyteMessage,
    AirbyteStateMessage,
    AirbyteStreamStatus,
    FailureType,
    Level,
    SyncMode,
    Type,
)
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from erp_airbyte.messages import configured_stream, state_message
from erp_airbyte.source.pipeline import NO_CURSOR_STATE, SourceRead, StreamRead
from erp_airbyte.source.table_reader import Batch, TableReader
from erp_http.errors import ConfigurationError, TransientError

LOGGER = logging.getLogger("test")


class FakeReader:
    """Rows 1..n in pages; the cursor is the row number; state {"n": last} after each page."""

    def __init__(self, n: int, page: int = 3, fail_after_pages: int | None = None,
                 gate: threading.Event | None = None) -> None:
        self.n, self.page, self.fail_after_pages, self.gate = n, page, fail_after_pages, gate
        self.seen_state: Mapping[str, Any] | None = None

    def _pages(self, start: int) -> Iterator[list[dict[str, Any]]]:
        for i, lo in enumerate(range(start + 1, self.n + 1, self.page)):
            if self.fail_after_pages is not None and i == self.fail_after_pages:
                raise TransientError("server said no")
            if self.gate is not None:
                assert self.gate.wait(10)
            yield [{"n": v} for v in range(lo, min(lo + self.page, self.n + 1))]

    def incremental(self, state: Mapping[str, Any]) -> Iterator[Batch]:
        self.seen_state = state
        start = int(state.get("n", 0))
        yield Batch([], None, [f"from {start}"])
        for rows in self._pages(start):
            yield Batch(rows, {"n": rows[-1]["n"]})
        yield Batch([], {"n": self.n})

    def full_refresh(self) -> Iterator[Batch]:
        for rows in self._pages(0):
            yield Batch(rows)


def _stream(name: str, reader: TableReader | None, *, incremental: bool = True, has_cursor: bool = True,
            unavailable: str | None = None, cursor_field: str = "n") -> StreamRead:
    configured = configured_stream(name, sync_mode=SyncMode.incremental if incremental else SyncMode.full_refresh)
    return StreamRead(configured, open_reader=(lambda: reader) if reader is not None else None,
                      cursor_field=cursor_field, incremental=has_cursor, unavailable=unavailable)


def _run(streams: list[StreamRead], state: list[AirbyteStateMessage] | None = None,
         workers: int = 2) -> tuple[list[AirbyteMessage], SourceRead]:
    run = SourceRead(streams, state, workers=workers, logger=LOGGER)
    return list(run.messages()), run


def _of(messages: list[AirbyteMessage], stream: str) -> list[AirbyteMessage]:
    out = []
    for m in messages:
        if m.type == Type.RECORD and m.record.stream == stream:
            out.append(m)
        elif m.type == Type.STATE and m.state.stream.stream_descriptor.name == stream:
            out.append(m)
        elif m.type == Type.TRACE and m.trace.stream_status and m.trace.stream_status.stream_descriptor.name == stream:
            out.append(m)
        elif m.type == Type.TRACE and m.trace.error and m.trace.error.stream_descriptor.name == stream:
            out.append(m)
        elif m.type == Type.LOG and m.log.message.startswith(f"Stream {stream}"):
            out.append(m)
    return out


def _statuses(messages: list[AirbyteMessage]) -> list[AirbyteStreamStatus]:
    return [m.trace.stream_status.status for m in messages if m.type == Type.TRACE and m.trace.stream_status]


def test_every_state_follows_the_records_it_covers_and_statuses_run_in_order():
    messages, run = _run([_stream("a", FakeReader(10)), _stream("b", FakeReader(7, page=2))])
    run.raise_failures()
    for name, n in (("a", 10), ("b", 7)):
        mine = _of(messages, name)
        emitted = 0
        for m in mine:
            if m.type == Type.RECORD:
                assert m.record.data["n"] == emitted + 1
                emitted += 1
            elif m.type == Type.STATE:
                assert m.state.stream.stream_state.n <= emitted, "state before its records"
        assert emitted == n
        assert mine[-1].type == Type.TRACE  # COMPLETE is the last word
        assert _statuses(mine) == [AirbyteStreamStatus.STARTED, AirbyteStreamStatus.RUNNING, AirbyteStreamStatus.COMPLETE]
        assert [m.state.stream.stream_state.n for m in mine if m.type == Type.STATE][-1] == n
    logs = [m.log.message for m in messages if m.type == Type.LOG]
    assert "Stream a: started (incremental)" in logs and "Stream a: from 0" in logs
    assert any(line.startswith("Stream b: COMPLETE - 7 records in ") for line in logs)


def test_a_failing_stream_fails_loudly_while_the_others_finish():
    gate = threading.Event()
    good = FakeReader(30, page=3, gate=gate)
    bad = FakeReader(30, page=3, fail_after_pages=2)
    streams = [_stream("bad", bad), _stream("good", good)]
    run = SourceRead(streams, None, workers=2, logger=LOGGER)
    messages = []
    for m in run.messages():
        messages.append(m)
        if m.type == Type.TRACE and m.trace.error:
            gate.set()  # the good stream only proceeds once the bad one has failed
    bad_msgs, good_msgs = _of(messages, "bad"), _of(messages, "good")
    assert [m.record.data["n"] for m in bad_msgs if m.type == Type.RECORD] == list(range(1, 7))
    assert _statuses(bad_msgs)[-1] == AirbyteStreamStatus.INCOMPLETE
    error = next(m.trace.error for m in bad_msgs if m.type == Type.TRACE and m.trace.error)
    assert error.failure_type == FailureType.transient_error and error.message == "Stream bad failed: server said no"
    assert any(m.type == Type.LOG and m.log.level == Level.ERROR and "INCOMPLETE - 6 records" in m.log.message
               for m in bad_msgs)
    assert len([m for m in good_msgs if m.type == Type.RECORD]) == 30
    assert _statuses(good_msgs)[-1] == AirbyteStreamStatus.COMPLETE
    with pytest.raises(AirbyteTracedException) as err:
        run.raise_failures()
    assert err.value.failure_type == FailureType.system_error
    assert err.value.message == "During the sync, the following streams did not sync successfully: bad"


def test_unavailable_stream_is_a_config_error_and_the_sync_fails_as_one():
    messages, run = _run([_stream("gone", None, unavailable="Table gone is not readable."),
                          _stream("ok", FakeReader(2))])
    gone = _of(messages, "gone")
    assert _statuses(gone) == [AirbyteStreamStatus.INCOMPLETE]
    assert next(m.trace.error for m in gone if m.trace.error).message == "Table gone is not readable."
    assert len([m for m in _of(messages, "ok") if m.type == Type.RECORD]) == 2
    with pytest.raises(AirbyteTracedException) as err:
        run.raise_failures()
    assert err.value.failure_type == FailureType.config_error  # every failure is a config error


def test_resume_passes_the_saved_state_to_the_reader_and_names_it_in_the_start_line():
    reader = FakeReader(10)
    saved = state_message("a", {"n": 6}).state
    messages, run = _run([_stream("a", reader)], [saved])
    run.raise_failures()
    assert reader.seen_state == {"n": 6}
    assert [m.record.data["n"] for m in messages if m.type == Type.RECORD] == [7, 8, 9, 10]
    assert "Stream a: started (incremental, from cursor 6)" in [m.log.message for m in messages if m.type == Type.LOG]


def test_full_refresh_ends_with_the_no_cursor_state_after_its_records():
    messages, run = _run([_stream("f", FakeReader(5), incremental=False)])
    run.raise_failures()
    kinds = [m.type for m in messages if m.type in (Type.RECORD, Type.STATE)]
    assert kinds == [Type.RECORD] * 5 + [Type.STATE]
    assert messages[[m.type for m in messages].index(Type.STATE)].state.stream.stream_state.__dict__ == NO_CURSOR_STATE


def test_incremental_requested_without_a_cursor_reads_in_full_with_a_warning():
    messages, run = _run([_stream("nc", FakeReader(4), has_cursor=False)])
    run.raise_failures()
    warn = [m.log for m in messages if m.type == Type.LOG and m.log.level == Level.WARN]
    assert [w.message for w in warn] == ["Stream nc has no n column: reading it in full"]
    assert "Stream nc: started (full refresh)" in [m.log.message for m in messages if m.type == Type.LOG]
    assert len([m for m in messages if m.type == Type.RECORD]) == 4


def test_incremental_requested_for_a_stream_without_any_cursor_says_so_without_a_warning():
    messages, run = _run([_stream("rep", FakeReader(2), has_cursor=False, cursor_field="")])
    run.raise_failures()
    logs = [(m.log.level, m.log.message) for m in messages if m.type == Type.LOG]
    assert (Level.INFO, "Stream rep has no cursor (full refresh only): reading it in full") in logs
    assert not [message for level, message in logs if level == Level.WARN]  # by design, nothing to warn about


def test_a_reader_that_cannot_be_opened_fails_only_its_stream():
    def boom() -> TableReader:
        raise ConfigurationError("role cannot read x")

    streams = [StreamRead(configured_stream("x"), open_reader=boom, cursor_field="n"), _stream("y", FakeReader(3))]
    messages, run = _run(streams)
    assert {name: error.failure_type for name, error in run.failures.items()} == {"x": FailureType.config_error}
    assert len([m for m in messages if m.type == Type.RECORD]) == 3


class ReadAheadReader(FakeReader):
    """FakeReader whose pages are fetched one ahead on a helper thread (``read_ahead.converted``)."""

    def incremental(self, state: Mapping[str, Any]) -> Iterator[Batch]:
        from erp_airbyte.source.read_ahead import converted  # noqa: PLC0415 - only these tests need it

        start = int(state.get("n", 0))
        for rows in converted(self._pages(start), lambda rows: [dict(r) for r in rows], "read-ahead fake"):
            yield Batch(rows, {"n": rows[-1]["n"]})
        yield Batch([], {"n": self.n})


def _read_ahead_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "read-ahead fake" and t.is_alive()]


def test_a_failed_prefetch_fails_its_stream_after_the_records_and_states_before_it_and_leaves_no_thread():
    messages, run = _run([_stream("bad", ReadAheadReader(30, page=3, fail_after_pages=4)),
                          _stream("good", ReadAheadReader(20, page=3))])
    bad = _of(messages, "bad")
    records_and_states = [(m.record.data["n"] if m.type == Type.RECORD else ("state", m.state.stream.stream_state.n))
                          for m in bad if m.type in (Type.RECORD, Type.STATE)]
    assert records_and_states == [1, 2, 3, ("state", 3), 4, 5, 6, ("state", 6), 7, 8, 9, ("state", 9),
                                  10, 11, 12, ("state", 12)]
    assert _statuses(bad)[-1] == AirbyteStreamStatus.INCOMPLETE
    assert len([m for m in _of(messages, "good") if m.type == Type.RECORD]) == 20
    with pytest.raises(AirbyteTracedException):
        run.raise_failures()
    assert not _read_ahead_threads()


def test_a_sync_stopped_mid_read_leaves_no_read_ahead_thread():
    run = SourceRead([_stream("a", ReadAheadReader(3000, page=3)), _stream("b", ReadAheadReader(3000, page=3))],
                     None, workers=2, logger=LOGGER)
    messages = run.messages()
    records = 0
    for m in messages:
        records += m.type == Type.RECORD
        if records == 50:
            break
    messages.close()  # the platform stops the sync
    assert not _read_ahead_threads()


def test_output_carries_the_same_messages_with_each_page_of_records_as_one_record_page():
    """The console's ``output()`` and the CDK interface's ``messages()`` agree message for message per stream."""
    import orjson

    from erp_airbyte.record_output import RecordPage

    def expanded(items):
        out = []
        for item in items:
            if isinstance(item, RecordPage):
                lines = item.text.splitlines()
                assert len(lines) == item.count and item.count > 0
                out += [("RECORD", item.stream, orjson.loads(line)["record"]["data"]) for line in lines]
            elif item.type == Type.RECORD:
                out.append(("RECORD", item.record.stream, item.record.data))
            elif item.type == Type.STATE:
                out.append(("STATE", item.state.stream.stream_descriptor.name, dict(item.state.stream.stream_state.__dict__)))
            elif item.type == Type.TRACE and item.trace.stream_status:
                out.append(("STATUS", item.trace.stream_status.stream_descriptor.name, item.trace.stream_status.status))
        return out

    def streams():
        return [_stream("a", FakeReader(10)), _stream("b", FakeReader(7, page=2), incremental=False)]

    pages = list(SourceRead(streams(), None, workers=2, logger=LOGGER).output())
    assert sum(isinstance(p, RecordPage) for p in pages) == 4 + 4  # one per page: ceil(10/3) + ceil(7/2)
    assert not any(isinstance(p, AirbyteMessage) and p.type == Type.RECORD for p in pages)
    plain = list(SourceRead(streams(), None, workers=2, logger=LOGGER).messages())
    for name in ("a", "b"):
        assert [m for m in expanded(pages) if m[1] == name] == [m for m in expanded(plain) if m[1] == name]
