"""source-idempiere's TableReader reads one page ahead (erp_airbyte.source.read_ahead): the next request is
sent while a page is converted, never more than one ahead; a state never covers a row not yet yielded,
even when the scan has already moved on; a failed prefetch is raised after the earlier pages; a stopped
read leaves no helper thread and sends no further request."""
from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone

import pytest

from idempiere_client.timeutil import ServerClock
from source_idempiere.reader import ReadSettings, TableReader
from unit_tests.erp_airbyte.read_ahead_helpers import close_after_pages, helpers_alive

from .fakes import FakeClient, Row, order_meta

NOW = datetime(2026, 11, 20, 12, 0, 0, tzinfo=timezone.utc)
T0 = datetime(2026, 11, 20, 10, 0, 0, tzinfo=timezone.utc)


def settings() -> ReadSettings:
    return ReadSettings(page_size=10, lookback_seconds=0, start_date=None, fk_mode="flatten", detect_deletes=False)


def rows(n: int) -> dict[int, Row]:
    return {k: Row(k, T0 + timedelta(seconds=2 * k, milliseconds=250)) for k in range(1, n + 1)}  # one per second


def pages_of(reader: TableReader):
    """The batches that carry rows (the first batch is the window note)."""
    return (b for b in reader.incremental(None, now=NOW) if b.rows)


def test_the_next_page_is_requested_while_the_reader_holds_one_and_never_two_ahead():
    client = FakeClient(rows(55))
    started = [threading.Event() for _ in range(10)]
    client.before_page = lambda call_no: started[call_no].set()
    reader = TableReader(client, order_meta(), ServerClock("UTC"), settings())
    seen = []
    taken = 0
    for batch in pages_of(reader):
        taken += 1
        seen.extend(r["id"] for r in batch.rows)
        assert started[taken + 1].wait(timeout=30)  # request taken + 1 went out while we hold page `taken`
        started[min(taken + 2, 9)].wait(timeout=0.05)  # a reader fetching further ahead would do it now
        assert len(client.calls) <= taken + 1, (taken, len(client.calls))
    # six pages of new rows (each page after the first re-reads its first second), a seventh with none
    assert seen == list(range(1, 56)) and taken == 6 and len(client.calls) == 7
    assert not helpers_alive()


def test_a_state_never_covers_a_row_not_yet_yielded_even_when_the_scan_has_moved_on():
    client = FakeClient(rows(45))
    reader = TableReader(client, order_meta(), ServerClock("UTC"), settings())
    accepted = [0]
    moved = threading.Condition()
    accept = reader._accept

    def counting_accept(scan, page):
        fetched = accept(scan, page)
        with moved:
            accepted[0] += 1
            moved.notify_all()
        return fetched

    reader._accept = counting_accept
    convert = reader.convert
    page_of_first_row = {1: 1, 11: 2, 20: 3, 29: 4}  # pages of new rows: 1-10, 11-19, 20-28, 29-37, 38-45

    def slow_convert(record):  # converting page k waits until page k + 1 has been fetched and accepted
        page = page_of_first_row.get(record["id"])
        if page is not None:
            with moved:
                assert moved.wait_for(lambda: accepted[0] >= page + 1, timeout=30)
        return convert(record)

    reader.convert = slow_convert
    emitted: set[int] = set()
    all_rows = rows(45)
    states = []
    for batch in reader.incremental(None, now=NOW):
        emitted.update(r["id"] for r in batch.rows)
        if batch.state is not None:
            cursor = datetime.strptime(batch.state["Updated"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
            pending = [r.updated.replace(microsecond=0) for k, r in all_rows.items() if k not in emitted]
            assert all(cursor <= p for p in pending), (batch.state, sorted(set(all_rows) - emitted)[:3])
            states.append(cursor)
    assert emitted == set(all_rows) and len(states) == 5 and states == sorted(states)


def test_a_failed_prefetch_is_raised_after_the_pages_before_it_and_leaves_no_thread():
    client = FakeClient(rows(55))

    def fail_third(call_no: int) -> None:
        if call_no == 3:
            raise ConnectionError("page 3 lost")

    client.before_page = fail_third
    reader = TableReader(client, order_meta(), ServerClock("UTC"), settings())
    got, states = [], []
    with pytest.raises(ConnectionError, match="page 3 lost"):
        for batch in reader.incremental(None, now=NOW):
            got.extend(r["id"] for r in batch.rows)
            if batch.state is not None:
                states.append(batch.state)
    assert got == list(range(1, 20)) and len(states) == 2  # pages 1 and 2 (one row of each second re-read)
    assert len(client.calls) == 3 and not helpers_alive()


@pytest.mark.parametrize("mode", ["incremental", "full_refresh"])
def test_closing_a_read_mid_way_stops_the_helper_and_sends_nothing_more(mode: str):
    client = FakeClient(rows(95))
    reader = TableReader(client, order_meta(), ServerClock("UTC"), settings())
    batches = reader.incremental(None, now=NOW) if mode == "incremental" else reader.full_refresh()
    close_after_pages(batches, 3)
    assert not helpers_alive()
    calls = len(client.calls)
    assert calls <= 4  # three pages taken, at most one fetched ahead
    assert len(client.calls) == calls


def test_with_more_than_one_worker_pages_are_not_read_ahead():
    """Other streams and windows overlap requests then; a helper per scan would only contend for the GIL."""
    client = FakeClient(rows(55))
    seen_threads: set[str] = set()
    client.before_page = lambda call_no: seen_threads.add(threading.current_thread().name)
    reader = TableReader(client, order_meta(), ServerClock("UTC"),
                         ReadSettings(page_size=10, lookback_seconds=0, start_date=None, fk_mode="flatten",
                                      detect_deletes=False, workers=2))
    taken = 0
    for _batch in pages_of(reader):
        taken += 1
        assert len(client.calls) == taken  # requested when needed, not before
    assert seen_threads == {threading.current_thread().name} and not helpers_alive()
