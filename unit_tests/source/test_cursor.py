"""The no-loss core of the incremental read, against an in-memory 'server' that behaves like §3/§6.3:
stored timestamps have milliseconds, filters and output resolve whole seconds, rows move while paging."""
from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

import pytest

from erp_http.errors import PagingOrderError
from erp_http.timeutil import parse_utc
from source_idempiere.cursor import (
    IncrementalScan,
    KeysetScan,
    PageRequest,
    to_rfc3339,
)

T0 = datetime(2026, 11, 20, 10, 0, 0, tzinfo=timezone.utc)


class FakeTable:
    """rows: key -> stored Updated (ms precision). Answers PageRequests like the REST plugin would."""

    def __init__(self, rows: dict[int, datetime]):
        self.rows = dict(rows)

    def answer(self, req: PageRequest, top: int) -> list[tuple[str, int]]:
        hits = [
            (u, k)
            for k, u in self.rows.items()
            if (req.ge is None or u >= req.ge) and (req.lt is None or u < req.lt)
            and (req.key_gt is None or k > req.key_gt)
        ]
        hits.sort(key=(lambda r: r[1]) if req.by_key else (lambda r: (r[0], r[1])))
        page = hits[req.skip: req.skip + top]
        return [(to_rfc3339(u.replace(microsecond=0)), k) for u, k in page]


def run_scan(table: FakeTable, scan: IncrementalScan, *, between_pages=None, stop_after=None):
    """Drive a scan; returns (emitted keys in order, checkpoints after each page)."""
    emitted, checkpoints = [], []
    while (req := scan.next_request()) is not None:
        page = table.answer(req, scan.page_size)
        keep = scan.accept(page)
        emitted.extend(page[i][1] for i in keep)
        checkpoints.append(scan.checkpoint)
        if between_pages:
            between_pages(len(checkpoints))
        if stop_after is not None and len(checkpoints) >= stop_after:
            break
    return emitted, checkpoints


def ms(second_offset: float) -> datetime:
    return T0 + timedelta(milliseconds=int(second_offset * 1000))


def test_rfc3339_round_trip_and_offsets():
    assert to_rfc3339(T0) == "2026-11-20T10:00:00Z"
    assert parse_utc("2026-11-20T12:00:00+02:00") == T0
    assert parse_utc("2026-11-20T10:00:00") == T0


def test_short_first_page_ends_scan_and_checkpoint_is_upper():
    table = FakeTable({1: ms(1.5), 2: ms(2.1)})
    scan = IncrementalScan(None, T0 + timedelta(minutes=1), 10)
    emitted, cps = run_scan(table, scan)
    assert emitted == [1, 2]
    assert cps == [T0 + timedelta(minutes=1)]


def test_full_page_restarts_inclusive_at_last_second_and_dedups():
    # 3 rows in second 1 split across the page boundary, then more rows later
    table = FakeTable({1: ms(0.1), 2: ms(1.1), 3: ms(1.2), 4: ms(1.3), 5: ms(2.0), 6: ms(3.0)})
    scan = IncrementalScan(None, T0 + timedelta(minutes=1), 3)
    req = scan.next_request()
    assert req == PageRequest(None, T0 + timedelta(minutes=1))
    assert scan.accept(table.answer(req, 3)) == [0, 1, 2]  # keys 1,2,3
    assert scan.checkpoint == T0 + timedelta(seconds=1)
    req = scan.next_request()
    assert req.ge == T0 + timedelta(seconds=1) and not req.by_key
    page = table.answer(req, 3)  # keys 2,3,4 (second 1)... all in one second -> drain
    assert [k for _, k in page] == [2, 3, 4]
    assert [page[i][1] for i in scan.accept(page)] == [4]
    emitted, _ = run_scan(table, scan)
    assert emitted == [5, 6]


def test_page_inside_one_second_is_drained_by_key_then_scan_moves_past_it():
    rows = {k: ms(5 + (k % 997) / 1000) for k in range(1, 251)}  # 250 rows in second 5
    rows[1000] = ms(7.5)
    table = FakeTable(rows)
    scan = IncrementalScan(None, T0 + timedelta(minutes=1), 100)
    requests = []
    emitted = []
    while (req := scan.next_request()) is not None:
        requests.append(req)
        page = table.answer(req, 100)
        emitted.extend(page[i][1] for i in scan.accept(page))
    assert sorted(emitted) == sorted(rows) and len(emitted) == len(rows)
    drains = [r for r in requests if r.by_key]
    assert drains and all(r.ge == T0 + timedelta(seconds=5) and r.lt == T0 + timedelta(seconds=6) for r in drains)
    assert requests[-1].ge == T0 + timedelta(seconds=6) and not requests[-1].by_key


def test_keyless_table_drains_second_with_skip():
    rows = {k: ms(5 + k / 10000) for k in range(1, 31)}
    table = FakeTable(rows)
    scan = IncrementalScan(None, T0 + timedelta(minutes=1), 10, keyed=False)
    reqs, emitted = [], []
    while (req := scan.next_request()) is not None:
        reqs.append(req)
        page = table.answer(req, 10)
        emitted.extend(page[i][1] for i in scan.accept(page))
    assert sorted(emitted) == list(range(1, 31))
    assert [r.skip for r in reqs if r.skip or r.lt == T0 + timedelta(seconds=6)] == [0, 10, 20, 30]


def test_empty_window_when_lower_reaches_upper():
    scan = IncrementalScan(T0, T0, 10)
    assert scan.next_request() is None and scan.checkpoint == T0


def test_checkpoint_never_below_resume_floor():
    table = FakeTable({k: ms(k) for k in range(1, 30)})
    floor = T0 + timedelta(seconds=20)
    scan = IncrementalScan(floor - timedelta(seconds=15), T0 + timedelta(minutes=1), 5, resume_floor=floor)
    _, cps = run_scan(table, scan)
    assert all(cp >= floor for cp in cps)
    assert cps[-1] == T0 + timedelta(minutes=1)


def test_out_of_order_rows_fail_loudly():
    scan = IncrementalScan(None, T0 + timedelta(minutes=1), 2)
    with pytest.raises(PagingOrderError):
        scan.accept([("2026-11-20T10:00:05Z", 1), ("2026-11-20T10:00:01Z", 2)])


def test_drain_with_keys_out_of_order_fails_loudly():
    scan = IncrementalScan(None, T0 + timedelta(minutes=1), 2)
    scan.accept([("2026-11-20T10:00:05Z", 1), ("2026-11-20T10:00:05Z", 2)])
    assert scan.next_request().by_key
    with pytest.raises(PagingOrderError):
        scan.accept([("2026-11-20T10:00:05Z", 9), ("2026-11-20T10:00:05Z", 3)])


@pytest.mark.parametrize("seed", range(25))
def test_no_loss_under_concurrent_edits_and_resume_from_any_checkpoint(seed):
    """Random tables with dense seconds; rows are touched/inserted/deleted between pages.
    Every row that exists at the end with Updated < upper was emitted, and resuming from any
    emitted checkpoint (with look-back 0) and unioning the two reads loses nothing."""
    rnd = random.Random(seed)
    n = rnd.randint(50, 400)
    rows = {k: ms(rnd.choice([1, 2, 2, 2, 3, 7]) + rnd.random()) for k in range(1, n + 1)}
    upper = T0 + timedelta(seconds=30)
    page = rnd.choice([3, 7, 10, 25])
    table = FakeTable(rows)
    clock = [upper + timedelta(seconds=1)]
    next_key = [n + 1]

    def mutate(_page_no: int) -> None:
        for _ in range(rnd.randint(0, 3)):
            op = rnd.random()
            keys = list(table.rows)
            if op < 0.4 and keys:  # touch: moves the row past upper
                clock[0] += timedelta(milliseconds=7)
                table.rows[rnd.choice(keys)] = clock[0]
            elif op < 0.7:  # insert (committed late inside the window or after upper)
                table.rows[next_key[0]] = rnd.choice([clock[0], ms(rnd.choice([2, 3]) + rnd.random())])
                next_key[0] += 1
            elif keys:
                del table.rows[rnd.choice(keys)]

    scan = IncrementalScan(None, upper, page)
    emitted, cps = run_scan(table, scan, between_pages=mutate)
    in_window_now = {k for k, u in table.rows.items() if u < upper}
    late_inserts = {k for k in in_window_now if k > n}
    # rows inserted 'late' behind the cursor are the look-back's job; all others must be there
    assert (in_window_now - late_inserts) <= set(emitted)

    # resume: cut after a random page and restart from that checkpoint
    table2 = FakeTable(rows)
    scan_a = IncrementalScan(None, upper, page)
    cut = rnd.randint(1, max(1, len(cps)))
    first, cps_a = run_scan(table2, scan_a, stop_after=cut)
    scan_b = IncrementalScan(cps_a[-1], upper, page, resume_floor=cps_a[-1])
    second, _ = run_scan(table2, scan_b)
    assert set(first) | set(second) == set(rows)
    assert len(second) == len(set(second))  # no duplicates inside one read


def test_keyset_full_refresh_pages_by_key():
    table = FakeTable({k: ms(k % 5) for k in range(1, 26)})
    scan = KeysetScan(10)
    got = []
    while (req := scan.next_request()) is not None:
        page = table.answer(req, 10)
        keys = [k for _, k in page]
        scan.accept(keys)
        got.extend(keys)
    assert got == list(range(1, 26)) and scan.pages == 3


def test_keyset_detects_dropped_orderby():
    scan = KeysetScan(3)
    with pytest.raises(PagingOrderError):
        scan.accept([3, 1, 2])
