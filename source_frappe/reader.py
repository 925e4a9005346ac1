"""Table readers for the shared read pipeline (``erp_airbyte.source``): one per configured stream.

* ``DocTypeReader``: a parent DocType, keyset on (``modified``, ``name``) inside the sync's frozen bounds,
  Table fields attached in nested mode, a state after every page; with ``detect_deletes`` it ends with
  the Deleted Document log and a key check (``deletes.py``).
* ``ChildTableReader``: a child DocType as its own stream (``child_tables`` = streams|both), read per
  parent DocType with ``parent=`` and ``parenttype``; rows removed from their documents are found by a key
  check every sync (Frappe deletes them without a trace).
* ``SingleReader``: a Single DocType as one row.

Full refresh uses the same keyset with no bounds (never ``limit_start`` over a moving set): a document
saved during the read moves behind the position and is read again, never skipped.

Every keyset loop is two stages (``erp_airbyte.source.read_ahead``): the fetch stage (request, scan
position, child rows in nested mode) runs one page ahead on a helper thread and snapshots the page's
checkpoint; the caller's thread converts the page before it, then emits its rows and state.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from erp_airbyte.source.cursor_cap import capped_cursor
from erp_airbyte.source.read_ahead import closed_after, converted
from erp_airbyte.source.table_reader import Batch
from erp_airbyte.source.windows import Window, WindowPage, read_ranges, read_windows
from frappe_client.client import FrappeClient
from frappe_client.filters import condition
from frappe_client.meta import DocTypeMeta
from frappe_client.records import RecordConverter
from frappe_client.timeutil import literal
from source_frappe.children import attach_children, fetch_children
from source_frappe.cursor import SyncBounds, floor_cursor
from source_frappe.deletes import (
    child_key,
    current_child_keys,
    current_names,
    deleted_documents,
    fetch_by_name,
    key_name,
    marker,
    now_rfc3339,
    typed_name,
)
from source_frappe.keys import decode_keys, encode_keys
from source_frappe.scan import KeysetScan
from source_frappe.split import plan_windows


@dataclass
class FetchedPage:
    """One page as the fetch stage left it: raw rows, and the scan's checkpoint and completion right after it.

    The convert stage takes the rows (``take``), so a raw page is freed as soon as it is converted instead of
    living on across the next fetch (where the cyclic GC would move it to an older generation).
    """

    rows: list[dict[str, Any]]
    checkpoint: str | None
    done: bool

    def take(self) -> list[dict[str, Any]]:
        rows, self.rows = self.rows, []
        return rows


def fetch_pages(fetch: Callable[[KeysetScan], list[dict[str, Any]]], scan: KeysetScan) -> Iterator[FetchedPage]:
    """The fetch stage of one keyset scan: ``fetch(scan)`` returns a page's raw rows, the scan accepts them."""
    while not scan.done:
        yield _accepted(scan, fetch(scan))  # no local keeps the raw page


def _accepted(scan: KeysetScan, rows: list[dict[str, Any]]) -> FetchedPage:
    scan.accept(rows)
    return FetchedPage(rows, scan.checkpoint, scan.done)


class DocTypeReader:
    """Reads one parent DocType.

    Args:
        client: the API client.
        meta: the DocType; ``children``: metas of its child DocTypes (nested mode).
        bounds: the sync's frozen bounds.
        page_size: documents per request.
        nested: attach Table fields.
        detect_deletes: Deleted Document log + key check at the end of incremental reads.
        workers: a DocType with many pages in range is read as that many ``modified`` windows in parallel.
    """

    def __init__(self, client: FrappeClient, meta: DocTypeMeta, children: Mapping[str, DocTypeMeta],
                 bounds: SyncBounds, *, page_size: int, nested: bool, detect_deletes: bool, workers: int = 1,
                 logger: logging.Logger | None = None):
        self.client = client
        self.workers = workers
        self.meta = meta
        self.bounds = bounds
        self.page_size = page_size
        self.nested = nested and bool(meta.table_fields)
        self.detect_deletes = detect_deletes
        self.logger = logger or logging.getLogger("airbyte")
        self.converter = RecordConverter(meta, bounds.clock, children if nested else None)
        self.emitted: set[str] = set()

    # ---- pipeline interface --------------------------------------------------------------------
    def full_refresh(self) -> Iterator[Batch]:
        plan = plan_windows(self.client, self.meta.name, None, None, page_size=self.page_size, workers=self.workers)
        if plan:
            yield Batch([], None, [self._split_note(plan)])
            yield from read_ranges([partial(self._range_pages, lo, hi) for lo, hi in plan], workers=self.workers)
        else:
            yield from (Batch(rows) for rows in self._range_pages(None, None))
        yield from self._notes()

    def _pages(self, lower: str | None, upper: str | None) -> Iterator[FetchedPage]:
        return fetch_pages(self._fetch, KeysetScan(lower, upper, self.page_size))

    def _range_pages(self, lower: str | None, upper: str | None) -> Iterator[list[dict[str, Any]]]:
        return converted(self._pages(lower, upper), lambda page: self._convert(page.take()), self._thread_name,
                         enabled=self.workers <= 1)

    def _window_pages(self, lower: str | None, upper: str | None) -> Iterator[WindowPage]:
        return converted(self._pages(lower, upper),
                         lambda page: WindowPage(self._convert(page.take()), page.checkpoint, page.done),
                         self._thread_name, enabled=self.workers <= 1)

    @property
    def _thread_name(self) -> str:
        return f"read-ahead {self.meta.name}"  # one worker only: see erp_airbyte.source.read_ahead

    def _split_note(self, plan: list) -> str:
        return f"many rows to read: split into {len(plan)} 'modified' ranges read by up to {self.workers} workers"

    def incremental(self, state: Mapping[str, Any]) -> Iterator[Batch]:
        bounds = self.bounds
        upper = bounds.upper
        previous_wall = bounds.wall_cursor(state)
        if previous_wall is not None:  # a cursor in the future would make every later window empty
            capped, warning = capped_cursor(previous_wall, bounds.clock.wall(bounds.upper_instant), self.meta.name)
            if warning:
                self.logger.warning(warning)
                previous_wall = capped
                state = {**state, "cursor": literal(capped), "time_zone": bounds.clock.name, "synced_at": None}
        previous = literal(previous_wall) if previous_wall is not None else None
        known = decode_keys(state.get("keys")) if self.detect_deletes else None
        keep = {"keys": state.get("keys"), "deleted_cursor": state.get("deleted_cursor")}
        lower = bounds.lower(state)
        plan = plan_windows(self.client, self.meta.name, lower, upper, page_size=self.page_size, workers=self.workers)
        if plan:
            windows = [Window(lo, False, partial(self._window_pages, lo, hi)) for lo, hi in plan]
            yield Batch([], None, [self._split_note(plan)])
            yield from read_windows(windows, upper=upper, floor=previous, workers=self.workers,
                                    state_at=lambda point: None if point is None else bounds.state(point, state, **keep))
            yield Batch([], bounds.state(upper, state, **keep))
        else:
            with closed_after(converted(self._pages(lower, upper), lambda page: (page, self._convert(page.take())),
                                        self._thread_name, enabled=self.workers <= 1)) as pages:
                for page, rows in pages:
                    # Once the scan is done the cursor is the frozen bound; a key check cut short by a kill is done
                    # again next sync (names read now count as "not seen before" then: read again, never lost).
                    checkpoint = upper if page.done else floor_cursor(page.checkpoint, previous)
                    yield Batch(rows, bounds.state(checkpoint, state, **keep))
        if self.detect_deletes:
            yield from self._deletions(state, known)
        yield from self._notes()

    # ---- pages ---------------------------------------------------------------------------------
    def _fetch(self, scan: KeysetScan) -> list[dict[str, Any]]:
        """Fetch stage: one page of the scan, with its child rows in nested mode (requests stay on this stage)."""
        return self._with_children(self.client.get_list(self.meta.name, fields=["*"], limit=self.page_size,
                                                        **scan.params()))

    def _with_children(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if self.nested and rows:
            groups = fetch_children(self.client, self.meta, [r.get("name") for r in rows])
            attach_children(self.meta, rows, groups)
        return rows

    def _convert(self, rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
        """Convert stage: rows as the catalog describes them."""
        if self.detect_deletes:
            self.emitted.update(str(r.get("name")) for r in rows)
        return [self.converter.convert(r) for r in rows]

    def _notes(self) -> Iterator[Batch]:
        issues = self.converter.all_issues()
        if issues:
            detail = ", ".join(f"{field} ({count})" for field, count in sorted(issues.items()))
            yield Batch([], None, [f"values that do not fit their field type were emitted as null: {detail}"])

    # ---- deletions and renames -----------------------------------------------------------------
    def _deletions(self, state: Mapping[str, Any], known: set[str] | None) -> Iterator[Batch]:
        """Markers for names gone (logged or not), and rows for names not seen before (renames, late commits).

        Gone = (names known from the last sync, plus names read in this one) minus names listed now: a
        document renamed or deleted while this sync ran is marked too. "Not seen before" is skipped on a
        first sync with ``start_date`` (older documents are left out on purpose there).
        """
        bounds, meta = self.bounds, self.meta
        markers: list[dict[str, Any]] = []
        notes: list[str] = []
        logged: list[tuple[str, str]] = []
        readable = True
        if state.get("cursor"):  # a first sync has nothing to delete yet
            log_lower = bounds.lower(state, "deleted_cursor" if state.get("deleted_cursor") else "cursor")
            logged, readable = deleted_documents(self.client, bounds.clock, meta.name, log_lower, bounds.upper,
                                                 self.page_size)
        current = current_names(self.client, meta.name)
        marked: set[str] = set()
        for name, at in logged:
            if name not in current and name not in marked:
                marked.add(name)
                markers.append(marker(typed_name(name, meta.autoincrement), at))
        if not readable:
            notes.append("Deleted Document is not readable by this user: deletions are found by the key check only")
        gone = sorted(((known or set()) | self.emitted) - current - marked)
        stamp = now_rfc3339()
        markers.extend(marker(typed_name(name, meta.autoincrement), stamp) for name in gone)
        if gone:
            notes.append(f"{len(gone)} documents deleted or renamed away")
        if known is not None or bounds.start_date is None:
            appeared = sorted(current - (known or set()) - self.emitted)
            if appeared:
                notes.append(f"{len(appeared)} documents not seen before were read by name (renamed, or committed "
                             "later than the look-back window)")
                for rows in fetch_by_name(self.client, meta.name, [typed_name(n, meta.autoincrement) for n in appeared]):
                    yield Batch(self._convert(self._with_children(rows)))
        final = bounds.state(bounds.upper, state, keys=encode_keys(current),
                             deleted_cursor=bounds.upper if readable else None)
        yield Batch(markers, final, notes)


class ChildTableReader:
    """Reads one child DocType as its own stream, for each of its parent DocTypes.

    State: ``{"cursors": {parent doctype: cursor}, "time_zone", "synced_at", "keys": known row names}``.
    """

    def __init__(self, client: FrappeClient, meta: DocTypeMeta, parents: Sequence[str], bounds: SyncBounds, *,
                 page_size: int, workers: int = 1, logger: logging.Logger | None = None):
        self.client = client
        self.workers = workers
        self.meta = meta
        self.parents = list(parents)
        self.bounds = bounds
        self.page_size = page_size
        self.logger = logger or logging.getLogger("airbyte")
        self.converter = RecordConverter(meta, bounds.clock)
        self.emitted: set[str] = set()

    def _extra(self, parent: str) -> list[list[Any]]:
        return [condition("parenttype", "=", parent)]

    def _scan(self, parent: str, scan: KeysetScan) -> Iterator[tuple[FetchedPage, list[dict[str, Any]]]]:
        """Pages of one parent DocType's rows, each with its converted rows, fetched one page ahead."""
        def fetch(scan: KeysetScan) -> list[dict[str, Any]]:
            return self.client.get_list(self.meta.name, fields=["*"], limit=self.page_size, parent=parent,
                                        **scan.params(self._extra(parent)))

        def convert(page: FetchedPage) -> tuple[FetchedPage, list[dict[str, Any]]]:
            rows = page.take()
            self.emitted.update(child_key(r.get("name"), r.get("parent")) for r in rows)
            return page, [self.converter.convert(r) for r in rows]

        return converted(fetch_pages(fetch, scan), convert, f"read-ahead {self.meta.name}", enabled=self.workers <= 1)

    def full_refresh(self) -> Iterator[Batch]:
        for parent in self.parents:
            with closed_after(self._scan(parent, KeysetScan(None, None, self.page_size))) as pages:
                yield from (Batch(rows) for _page, rows in pages)

    def incremental(self, state: Mapping[str, Any]) -> Iterator[Batch]:
        bounds = self.bounds
        saved = state.get("cursors") if isinstance(state.get("cursors"), Mapping) else {}
        cursors: dict[str, Any] = dict(saved)
        zone = {"time_zone": state.get("time_zone"), "synced_at": state.get("synced_at")}
        for parent in self.parents:
            parent_state = {"cursor": saved.get(parent), **zone}
            wall = bounds.wall_cursor(parent_state)
            previous = literal(wall) if wall is not None else None
            with closed_after(self._scan(parent, KeysetScan(bounds.lower(parent_state), bounds.upper,
                                                            self.page_size))) as pages:
                for page, rows in pages:
                    cursors[parent] = floor_cursor(page.checkpoint, previous)
                    yield Batch(rows, self._state(cursors, state, state.get("keys")))
        known = decode_keys(state.get("keys"))
        current: set[str] = set()
        for parent in self.parents:
            current |= current_child_keys(self.client, self.meta.name, self._extra(parent), parent)
        names_now = {key_name(k) for k in current}
        gone = sorted({key_name(k) for k in (known or set()) | self.emitted} - names_now)
        stamp = now_rfc3339()
        markers = [marker(name, stamp) for name in gone]
        notes = [f"{len(gone)} child rows removed from their documents"] if gone else []
        if known is not None or self.bounds.start_date is None:
            appeared = sorted({key_name(k) for k in current - (known or set()) - self.emitted})
            for parent in self.parents:
                for rows in fetch_by_name(self.client, self.meta.name, appeared, parent=parent,
                                          extra=self._extra(parent)):
                    yield Batch([self.converter.convert(r) for r in rows])
        for parent in self.parents:
            cursors[parent] = bounds.upper
        yield Batch(markers, self._state(cursors, state, encode_keys(current), final=True), notes)

    def _state(self, cursors: Mapping[str, Any], previous: Mapping[str, Any], keys: Any,
               final: bool = False) -> dict[str, Any]:
        base = self.bounds.state(self.bounds.upper if final else None, previous)
        base.pop("cursor", None)
        return {**base, "cursors": dict(cursors), **({"keys": keys} if keys else {})}


class SingleReader:
    """A Single DocType (values in ``tabSingles``) as a one-row stream; full refresh only."""

    def __init__(self, client: FrappeClient, meta: DocTypeMeta, bounds: SyncBounds):
        self.client = client
        self.meta = meta
        self.converter = RecordConverter(meta, bounds.clock)

    def full_refresh(self) -> Iterator[Batch]:
        doc = self.client.get_doc(self.meta.name, self.meta.name)
        doc.setdefault("name", self.meta.name)
        yield Batch([self.converter.convert(doc)])

    def incremental(self, state: Mapping[str, Any]) -> Iterator[Batch]:
        yield from self.full_refresh()
