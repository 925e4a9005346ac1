"""source-frappe's DocTypeReader reads one page ahead (erp_airbyte.source.read_ahead): the next request is
sent while a page is converted, never more than one ahead; each state covers only rows already yielded; a
failed prefetch is raised after the earlier pages; a stopped read leaves no helper thread."""
from __future__ import annotations

import json
import threading
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from frappe_client.meta import parse_getdoctype
from frappe_client.timeutil import SiteClock
from source_frappe.cursor import SyncBounds
from source_frappe.reader import DocTypeReader
from unit_tests.erp_airbyte.read_ahead_helpers import close_after_pages, helpers_alive

UPPER = datetime(2026, 12, 1, tzinfo=timezone.utc)
META = parse_getdoctype({"docs": [{"name": "ToDo", "fields": [
    {"fieldname": "description", "fieldtype": "Data"}, {"fieldname": "done", "fieldtype": "Check"}]}]}, "ToDo")["ToDo"]


def _matches(row: dict[str, Any], cond: list[Any]) -> bool:
    field, op, value = cond[-3:]
    have = row[field]
    return {">=": have >= value, ">": have > value, "<": have < value, "=": have == value}[op]


class FakeSite:
    """``get_list`` over rows in memory, honouring the keyset filters as the server would (text comparison
    of fixed-width literals); ``before(call_no)`` runs before each answer."""

    def __init__(self, count: int):
        start = datetime(2026, 11, 1, 9, 0, 0)
        self.rows = [{"name": f"TD-{i:04d}", "description": f"todo {i}", "done": i % 2,
                      "modified": (start + timedelta(seconds=i, microseconds=i)).strftime("%Y-%m-%d %H:%M:%S.%f"),
                      "creation": "2026-11-01 08:00:00", "docstatus": 0, "idx": 0} for i in range(count)]
        self.calls = 0
        self.before = lambda call_no: None

    def get_list(self, doctype: str, *, fields: Any, order_by: str, limit: int, filters: str | None = None,
                 or_filters: str | None = None, parent: str | None = None) -> list[dict[str, Any]]:
        self.calls += 1
        self.before(self.calls)
        ands, ors = json.loads(filters or "[]"), json.loads(or_filters or "[]")
        hits = [r for r in self.rows if all(_matches(r, c) for c in ands) and (not ors or any(_matches(r, c) for c in ors))]
        hits.sort(key=lambda r: (r["modified"], r["name"]))
        return [dict(r) for r in hits[:limit]]

    def call(self, method: str, params: dict[str, Any]) -> Any:
        assert method == "frappe.client.get_count"  # asked when deciding whether to split into windows
        return len(self.rows)


def reader(site: FakeSite) -> DocTypeReader:
    bounds = SyncBounds(SiteClock("Europe/Berlin"), UPPER, timedelta(0))
    return DocTypeReader(site, META, {}, bounds, page_size=10, nested=False, detect_deletes=False)  # type: ignore[arg-type]


def test_pages_come_in_order_one_request_ahead_and_each_state_covers_only_yielded_rows():
    site = FakeSite(55)
    started = [threading.Event() for _ in range(10)]
    site.before = lambda call_no: started[call_no].set()
    names, taken = [], 0
    for batch in reader(site).incremental({}):
        if not batch.rows:
            continue
        taken += 1
        names.extend(r["name"] for r in batch.rows)
        if taken < 6:  # six pages: five full ones, then five rows
            assert started[taken + 1].wait(timeout=30)  # request taken + 1 went out while we hold page `taken`
        started[min(taken + 2, 9)].wait(timeout=0.05)  # a reader fetching further ahead would do it now
        assert site.calls <= taken + 1, (taken, site.calls)
        pending = [r["modified"] for r in site.rows if r["name"] not in names]
        cursor = batch.state["cursor"]
        assert all(cursor <= m for m in pending) and (pending or cursor == reader(site).bounds.upper)
    assert names == [r["name"] for r in site.rows] and site.calls == 6 and not helpers_alive()


def test_a_failed_prefetch_is_raised_after_the_pages_before_it_and_leaves_no_thread():
    site = FakeSite(55)

    def fail_third(call_no: int) -> None:
        if call_no == 3:
            raise ConnectionError("page 3 lost")

    site.before = fail_third
    got, states = [], []
    with pytest.raises(ConnectionError, match="page 3 lost"):
        for batch in reader(site).incremental({}):
            got.extend(r["name"] for r in batch.rows)
            if batch.state is not None:
                states.append(batch.state["cursor"])
    assert got == [r["name"] for r in site.rows[:20]] and len(states) == 2
    assert site.calls == 3 and not helpers_alive()


@pytest.mark.parametrize("mode", ["incremental", "full_refresh"])
def test_closing_a_read_mid_way_stops_the_helper(mode: str):
    site = FakeSite(95)
    r = reader(site)
    batches = r.incremental({}) if mode == "incremental" else r.full_refresh()
    close_after_pages(batches, 3)
    assert not helpers_alive() and site.calls <= 4


def test_with_more_than_one_worker_pages_are_not_read_ahead():
    site = FakeSite(35)  # too few pages to split into windows
    threads: set[str] = set()
    site.before = lambda call_no: threads.add(threading.current_thread().name)
    bounds = SyncBounds(SiteClock("Europe/Berlin"), UPPER, timedelta(0))
    r = DocTypeReader(site, META, {}, bounds, page_size=10, nested=False, detect_deletes=False,  # type: ignore[arg-type]
                      workers=4)
    names = [row["name"] for batch in r.full_refresh() for row in batch.rows]
    assert names == [row["name"] for row in site.rows] and threads == {threading.current_thread().name}
