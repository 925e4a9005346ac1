"""ReadAhead / converted: order, one item ahead at most, failures in order, clean shutdown (no thread left)."""
from __future__ import annotations

import threading

import pytest

from erp_airbyte.source.read_ahead import ReadAhead, converted

NAME = "read-ahead-test"


def helpers_alive() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == NAME and t.is_alive()]


class Pages:
    """A fetch stage that records, when it starts producing item ``k``, how many items the caller has taken."""

    def __init__(self, count: int, fail_at: int | None = None, block_at: int | None = None):
        self.count, self.fail_at, self.block_at = count, fail_at, block_at
        self.taken = 0
        self.started: list[tuple[int, int]] = []  # (item index, items taken by the caller then)
        self.start_events = [threading.Event() for _ in range(count + 1)]
        self.release = threading.Event()
        self.closed = threading.Event()
        self.threads: set[str] = set()

    def __iter__(self):
        try:
            for k in range(self.count):
                self.threads.add(threading.current_thread().name)
                self.started.append((k, self.taken))
                self.start_events[k].set()
                if k == self.block_at:
                    self.release.wait(timeout=30)
                if k == self.fail_at:
                    raise ConnectionError(f"page {k} failed")
                yield k
        finally:
            self.closed.set()


def test_items_arrive_in_order_and_are_produced_on_the_helper_thread():
    pages = Pages(50)
    assert list(converted(pages, lambda k: k * 10, NAME)) == [k * 10 for k in range(50)]
    assert pages.threads == {NAME}
    assert pages.closed.is_set() and not helpers_alive()


def test_next_item_is_fetched_while_the_caller_holds_the_current_one():
    pages = Pages(3)
    with ReadAhead(iter(pages), NAME) as ahead:
        assert next(ahead) == 0
        # the caller has not asked for item 1 yet; the helper fetches it anyway
        assert pages.start_events[1].wait(timeout=30)
        assert list(ahead) == [1, 2]


def test_never_more_than_one_item_ahead_of_the_caller():
    pages = Pages(8)
    with ReadAhead(iter(pages), NAME) as ahead:
        for k in ahead:
            pages.taken += 1
            if k + 1 < pages.count:  # item k + 1 is always started while the caller holds k
                assert pages.start_events[k + 1].wait(timeout=30)
            # give an implementation that fetched further ahead the chance to start item k + 2 now
            pages.start_events[min(k + 2, pages.count)].wait(timeout=0.05)
    # item k is only started once the caller has taken item k - 1
    assert all(index - taken <= 1 for index, taken in pages.started), pages.started
    assert [index for index, _ in pages.started] == list(range(8))


def test_a_failed_fetch_is_raised_in_the_callers_thread_after_every_earlier_item():
    pages = Pages(10, fail_at=3)
    got = []
    with pytest.raises(ConnectionError, match="page 3 failed"):
        for k in converted(pages, lambda k: k, NAME):
            got.append(k)
    assert got == [0, 1, 2]
    assert pages.closed.is_set() and not helpers_alive()


def test_closing_mid_read_stops_the_helper_and_closes_the_fetch_stage():
    pages = Pages(100)
    out = converted(pages, lambda k: k, NAME)
    assert [next(out) for _ in range(3)] == [0, 1, 2]
    out.close()  # e.g. the sync was cancelled: the reader's generator is closed
    assert pages.closed.is_set() and not helpers_alive()
    assert len(pages.started) <= 4  # items 0-2 taken, at most item 3 fetched ahead


def test_closing_while_a_fetch_is_in_flight_waits_for_it_and_leaves_no_thread():
    pages = Pages(5, block_at=1)
    ahead = ReadAhead(iter(pages), NAME)
    assert next(ahead) == 0
    assert pages.start_events[1].wait(timeout=30)  # the helper is inside the request for item 1
    closer = threading.Thread(target=ahead.close)
    closer.start()
    closer.join(timeout=0.2)
    assert closer.is_alive()  # close waits for the request in flight instead of abandoning the thread
    pages.release.set()
    closer.join(timeout=30)
    assert not closer.is_alive() and pages.closed.is_set() and not helpers_alive()
    assert [index for index, _ in pages.started] == [0, 1]
    with pytest.raises(StopIteration):
        next(ahead)


def test_closing_before_the_first_item_starts_no_thread_and_closes_the_iterator():
    pages = Pages(3)
    iterator = iter(pages)
    ReadAhead(iterator, NAME).close()
    assert not helpers_alive() and list(iterator) == []


def test_an_empty_fetch_stage_ends_at_once():
    assert list(converted(iter(()), lambda k: k, NAME)) == []
    assert not helpers_alive()


def test_disabled_it_iterates_in_the_callers_thread_and_closes_the_iterator():
    pages = Pages(5)
    with ReadAhead(iter(pages), NAME, enabled=False) as ahead:
        ahead.start()
        assert next(ahead) == 0 and not helpers_alive()
        assert list(converted(iter(range(3)), lambda k: k + 1, NAME, enabled=False)) == [1, 2, 3]
    assert pages.closed.is_set() and pages.threads == {threading.current_thread().name}
    assert [index for index, _ in pages.started] == [0]  # nothing fetched ahead
