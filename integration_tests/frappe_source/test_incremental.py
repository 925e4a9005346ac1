"""Incremental reads against the emulator over HTTP: only changed rows, and no loss / no stale row while
documents are created, edited, submitted, cancelled, renamed, deleted and their child rows changed
between page requests, plus a late commit with an old ``modified``."""
from __future__ import annotations

import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from frappe_emulator import FrappeEmulator, FrappeOptions
from integration_tests.frappe_source.helpers import (
    DELETED,
    Warehouse,
    api,
    catalog,
    config,
    control,
    db_rows,
    mismatches,
    new_order,
    run,
)

SO = "Sales Order"
SOI = "Sales Order Item"


def _site_now(emu, delta_seconds: float = 0) -> str:
    now = datetime.now(ZoneInfo(emu.backend.time_zone())) + timedelta(seconds=delta_seconds)
    return now.strftime("%Y-%m-%d %H:%M:%S.%f")


@pytest.mark.parametrize("version", ["14", "15", "16", "dev"])
def test_second_incremental_read_returns_only_changed_rows_plus_lookback(version: str) -> None:
    with FrappeEmulator(FrappeOptions(rows=30, version=version)) as emu:
        cfg = config(emu, page_size=8, lookback_window_seconds=120)
        cat = catalog(cfg, [SO, "Customer"])
        first = run(cfg, cat)
        assert len(first.records[SO]) == len(db_rows(emu, SO))
        names = sorted(db_rows(emu, SO))
        control(emu, "touch", {"doctype": SO, "names": names[:3]})
        # A commit that shows up late with a 'modified' before the first sync's bound, within the look-back:
        control(emu, "touch", {"doctype": SO, "names": [names[5]], "modified": _site_now(emu, -60)})
        second = run(cfg, cat, first.final_state())
        assert sorted(second.names(SO)) == sorted(names[:3] + [names[5]])
        assert second.records.get("Customer", []) == []
        third = run(cfg, cat, second.final_state())
        # Rows inside the look-back window of the second sync's bound are read again (and only those).
        assert set(third.names(SO)) <= set(names[:3] + [names[5]])
        # The nested children of a re-emitted document are its current rows.
        truth_items = db_rows(emu, SOI, "WHERE parent = ?", (names[0],))
        doc = next(r for r in second.records[SO] if r["name"] == names[0])
        assert sorted(i["name"] for i in doc["items"]) == sorted(truth_items)


def _changes(emu) -> list:
    """One change per page request of the sync (what users do while it runs)."""
    drafts = [new_order(emu, items=2) for _ in range(7)]
    cancellable = new_order(emu, items=1, submit=True)  # submitted, and linked from nothing
    submitted = sorted(n for n, r in db_rows(emu, SO).items() if r["docstatus"] == 1)
    late_modified = _site_now(emu, -7200)  # far older than the look-back window

    def child_rows():
        doc = api(emu, "GET", f"resource/{SO}/{drafts[4]}")["data"]
        keep = doc["items"][:1]
        api(emu, "PUT", f"resource/{SO}/{drafts[4]}", json={"items": keep + [
            {"item_code": "ITEM-0002", "qty": 7, "rate": 3, "uom": "Nos", "delivery_date": "2026-12-20"}]})

    return [
        lambda: new_order(emu),
        lambda: api(emu, "PUT", f"resource/{SO}/{drafts[0]}", json={"po_no": "EDITED"}),
        lambda: api(emu, "PUT", f"resource/{SO}/{drafts[1]}", json={"docstatus": 1}),
        lambda: api(emu, "PUT", f"resource/{SO}/{cancellable}", json={"docstatus": 2}),
        lambda: control(emu, "rename", {"doctype": SO, "old": drafts[2], "new": drafts[2] + "-RENAMED"}),
        lambda: api(emu, "DELETE", f"resource/{SO}/{drafts[3]}"),
        child_rows,
        lambda: control(emu, "insert", {"doctype": SO, "modified": late_modified, "docs": [
            {"naming_series": "SAL-ORD-.YYYY.-", "customer": "Customer 0003", "company": "Demo Company",
             "transaction_date": "2026-11-01", "currency": "USD", "selling_price_list": "Standard Selling",
             "order_type": "Sales", "items": [{"item_code": "ITEM-0001", "qty": 1, "rate": 5, "uom": "Nos"}]}]}),
        lambda: control(emu, "delete", {"doctype": SO, "names": [drafts[5]]}),  # no Deleted Document
        lambda: control(emu, "touch", {"doctype": SO, "names": [submitted[1]]}),
        lambda: control(emu, "rename", {"doctype": SO, "old": submitted[2], "new": "AAA-RENAMED-FIRST"}),
    ]


@pytest.mark.parametrize("version", ["14", "15", "16", "dev"])
def test_no_loss_and_no_stale_rows_under_concurrent_changes(version: str) -> None:
    with FrappeEmulator(FrappeOptions(rows=40, version=version)) as emu:
        cfg = config(emu, page_size=4, child_tables="both", detect_deletes=True, lookback_window_seconds=60)
        cat = catalog(cfg, [SO, SOI])
        changes = _changes(emu)
        done: list[int] = []
        lock = threading.Lock()

        def hook(info: dict) -> None:
            if info["method"] != "GET" or info.get("doctype") != SO or "order_by=modified" not in info["query"]:
                return
            with lock:
                if len(done) >= len(changes):
                    return
                step = len(done)
                done.append(step)
            changes[step]()

        emu.add_hook(hook)
        first = run(cfg, cat)
        emu.remove_hook(hook)
        assert emu.hook_errors == []
        assert len(done) == len(changes)
        # Between syncs too: a child row removed from a document the first sync emitted with it.
        target = drafts_with_two_items(emu, first)
        doc = api(emu, "GET", f"resource/{SO}/{target}")["data"]
        removed_row = doc["items"][1]["name"]
        api(emu, "PUT", f"resource/{SO}/{target}", json={"items": doc["items"][:1]})
        second = run(cfg, cat, first.final_state())
        house = Warehouse().apply(first).apply(second)
        tz = emu.backend.time_zone()
        assert mismatches(emu, SO, list(house.tables[SO].values()), tz) == []
        assert mismatches(emu, SOI, list(house.tables[SOI].values()), tz, child_of=SO) == []
        # nested arrays hold exactly the current child rows
        for name, doc in house.tables[SO].items():
            assert sorted(i["name"] for i in doc["items"]) == sorted(db_rows(emu, SOI, "WHERE parent = ?", (name,)))
        removed = [r["name"] for r in second.records.get(SOI, []) if r.get(DELETED)]
        assert removed_row in removed, "the child row removed from its document was not marked deleted"


def drafts_with_two_items(emu, first) -> str:
    """A draft Sales Order the first sync emitted with at least two child rows."""
    truth = db_rows(emu, SO)
    for doc in first.records[SO]:
        name = doc["name"]
        if name in truth and truth[name]["docstatus"] == 0 and len(doc.get("items") or []) >= 2:
            return name
    raise AssertionError("no draft with two items was synced")


def test_a_connector_clock_ahead_of_the_site_does_not_skip_rows() -> None:
    """The upper bound is capped by the site's clock (HTTP Date): an hour of skew loses nothing."""
    from datetime import timezone as tz

    ahead = lambda: datetime.now(tz.utc) + timedelta(hours=1)  # noqa: E731
    with FrappeEmulator(FrappeOptions(rows=10)) as emu:
        cfg = config(emu, lookback_window_seconds=60)
        cat = catalog(cfg, [SO])
        first = run(cfg, cat, now=ahead)
        assert any("ahead of the site" in line for line in first.logs)
        names = sorted(db_rows(emu, SO))[:2]
        control(emu, "touch", {"doctype": SO, "names": names})
        second = run(cfg, cat, first.final_state(), now=ahead)
        assert set(names) <= set(second.names(SO))
