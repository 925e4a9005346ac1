"""iDempiere's table reader (``erp_airbyte.source.table_reader.TableReader``): turns ``cursor.py``
plans into requests and pages into rows + state; large tables are read as parallel windows
(``erp_airbyte.source.windows``).

Only this module builds ``$filter``/``$orderby`` text for data reads, always through the client's
builders: every filter mentions IsActive (inactive rows must be read, spec §3.4), every request has
an explicit ``$orderby`` on real columns (§3.5), timestamps are whole-second server-local literals (§4.7).

Every page loop is two stages (``erp_airbyte.source.read_ahead``): the fetch stage (request, parse, the
scan's accept, which needs each row's ``Updated`` and key only) runs one page ahead on a helper thread
and snapshots the scan's checkpoint with the page; the caller's thread converts the page before it and
emits its rows, then its state. The first page of a read is fetched alone: whether to split the table
into windows is decided on it, before any further request.
"""
from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

import orjson

from erp_airbyte.source.cursor_cap import capped_cursor
from erp_airbyte.source.read_ahead import ReadAhead, closed_after, converted
from erp_airbyte.source.table_reader import Batch
from erp_airbyte.source.windows import (
    Window,
    WindowPage,
    contiguous_checkpoint,
    read_ranges,
    read_windows,
    split_bounds,
    split_key_range,
    split_parts,
)
from erp_http.errors import ConfigurationError
from erp_http.parallel import parallel_map
from erp_http.timeutil import parse_utc
from idempiere_client.filters import F, include_inactive, orderby, time_window
from idempiere_client.literals import literal
from idempiere_client.metadata import TableMeta
from idempiere_client.records import RecordConverter
from idempiere_client.timeutil import ServerClock
from idempiere_client.type_map import DELETED_AT
from source_idempiere.cursor import IncrementalScan, KeysetScan, PageRequest, to_rfc3339
from source_idempiere.deletes import KEYS_STATE_KEY, decode_keys, encode_keys, vanished

CURSOR = "Updated"


@dataclass
class Fetched:
    """One page after the fetch stage: the raw records to emit, their keys, and the scan right after it.

    ``records`` is emptied by the convert stage (``TableReader._rows``): the raw page is freed as soon as it is
    converted, while it is still in the cache, instead of living on across the next fetch, where the cyclic
    GC would move it to an older generation (measured: ~10 µs more CPU per record with 4 windows).
    """

    records: list[dict[str, Any]]
    keys: list[Any]
    checkpoint: Any
    done: bool
    row_count: int = 0

@dataclass(frozen=True)
class ReadSettings:
    page_size: int
    lookback_seconds: int
    start_date: datetime | None
    fk_mode: str
    detect_deletes: bool
    workers: int = 1


class TableReader:
    """Reads one table through ``client.get_page`` (implements ``erp_airbyte``'s ``TableReader``).

    Args:
        client: ``IdempiereClient`` (retries, auth and the in-flight bound live there).
        meta: table metadata.
        clock: server clock (literals and datetime conversion).
        settings: paging and cursor settings.
        logger: for warnings.
    """

    def __init__(self, client: Any, meta: TableMeta, clock: ServerClock, settings: ReadSettings,
                 logger: logging.Logger | None = None) -> None:
        self.client = client
        self.meta = meta
        self.clock = clock
        self.settings = settings
        self.logger = logger or logging.getLogger("airbyte")
        converter = RecordConverter(meta, settings.fk_mode, clock)
        self.convert = converter.convert
        self._cursor_of = converter.column_value
        self.key_column = meta.row_key  # order column (and filter operand for tables)
        self.key_filter = self.key_column  # a REST view filters its key by a property or id/uid (client views.py)
        # a view names IsActive by its property, or cannot; a table without IsActive (AD_PInstance_Log) has no
        # hidden IsActive='Y' to switch off and would refuse a filter that names the column
        self.all_rows: str | None = include_inactive() if meta.column_ci("IsActive") is not None else None
        self.key_field = "id" if meta.key_column else ("uid" if meta.uu_column else None)  # record property
        self.key_kind = "integer" if meta.key_column else "string"
        self.page_size = settings.page_size
        self._clamp_noted = False
        self.split_note = ""

    # ---- request building ---------------------------------------------------------------
    def _filter(self, req: PageRequest) -> str:
        parts = [self.all_rows] if self.all_rows else []
        if req.ge is not None or req.lt is not None:
            parts.append(time_window(CURSOR, req.ge, req.lt, self.clock))
        if req.key_gt is not None and self.key_filter:
            parts.append(F.gt(self.key_filter, literal(req.key_gt, self.key_kind)))
        if req.key_le is not None and self.key_filter:
            parts.append(F.le(self.key_filter, literal(req.key_le, self.key_kind)))
        return F.and_(*parts) if parts else ""

    def _orderby(self, req: PageRequest) -> str:
        if self.key_column:
            return orderby(self.key_column) if req.by_key else orderby(CURSOR, self.key_column)
        # No usable key (§2.2: neither _ID nor _UU): order by what exists; only used inside frozen windows.
        return orderby(CURSOR) if self.meta.has_updated else orderby(next(iter(self.meta.columns)))

    def _fetch(self, req: PageRequest, *, select: str | None = None) -> Any:
        page = self.client.get_page(
            self.meta.model_name, filter=self._filter(req), orderby=self._orderby(req),
            select=select, top=self.page_size, skip=req.skip,
        )
        size = getattr(page, "records_size", 0) or 0
        if 0 < size < self.page_size:
            # $top is clamped silently to REST_MAX_RECORDS_SIZE (§3.3): a page of `size` rows is full.
            if not self._clamp_noted:
                self.logger.info(f"{self.meta.model_name}: server page size is {size}; using it instead of {self.page_size}")
                self._clamp_noted = True
            self.page_size = size
        return page

    def _key_of(self, record: Mapping[str, Any]) -> Any:
        if self.key_field:
            return record.get(self.key_field)
        return hash(orjson.dumps(record, option=orjson.OPT_SORT_KEYS))  # keyless: de-dup by content

    # ---- incremental ----------------------------------------------------------------------
    def bounds(self, state: Mapping[str, Any] | None, now: datetime | None = None) -> tuple[datetime | None, datetime, datetime | None]:
        """(lower, upper, resume_floor) for a read starting now (upper frozen here, whole second UTC)."""
        upper = (now or datetime.now(timezone.utc)).astimezone(timezone.utc).replace(microsecond=0)
        floor = None
        value = (state or {}).get(CURSOR)
        if value not in (None, ""):
            try:
                floor = parse_utc(str(value)).replace(microsecond=0)
            except ValueError:
                raise ConfigurationError(
                    f"The saved state of stream {self.meta.model_name} has Updated={value!r}, which is not an "
                    "RFC 3339 timestamp. Reset the stream (or fix the state) to continue."
                ) from None
            floor, warning = capped_cursor(floor, upper, self.meta.model_name)
            if warning:
                self.logger.warning(warning)
            lower: datetime | None = floor - timedelta(seconds=self.settings.lookback_seconds)
        else:
            lower = self.settings.start_date.replace(microsecond=0) if self.settings.start_date else None
        return lower, upper, floor

    def _accept(self, scan: IncrementalScan, page: Any) -> Fetched:
        """Fetch stage: keep the records the scan says are new (de-dup inside a second), not converted yet.

        The scan compares each row's converted ``Updated`` (``column_value``: the same value ``convert``
        gives, the clock's memo makes the second conversion cheap).
        """
        scan.page_size = self.page_size
        records = page.records
        cursor_of, key_of = self._cursor_of, self._key_of
        keys = [key_of(r) for r in records]
        keep = scan.accept([(cursor_of(r, CURSOR) or "", key) for r, key in zip(records, keys)])
        if len(keep) != len(records):
            records = [records[i] for i in keep]
            keys = [keys[i] for i in keep]
        return Fetched(records, keys, scan.checkpoint, scan.done, getattr(page, "row_count", 0) or 0)

    def _scan_pages(self, scan: IncrementalScan) -> Iterator[Fetched]:
        """Fetch stage of an incremental scan: every remaining page, accepted."""
        while (req := scan.next_request()) is not None:
            yield self._accept(scan, self._fetch(req))  # no local keeps the raw page (see Fetched)

    def _rows(self, fetched: Fetched) -> list[dict[str, Any]]:
        """Convert stage: the page's rows (its raw records are let go here, see ``Fetched``)."""
        records, fetched.records = fetched.records, []
        convert = self.convert
        return [convert(r) for r in records]

    def _converted(self, pages: Iterator[Fetched]) -> Iterator[tuple[Fetched, list[dict[str, Any]]]]:
        """Each fetched page with its converted rows; the next page is fetched meanwhile."""
        return converted(pages, lambda f: (f, self._rows(f)), self._thread_name, enabled=self._read_ahead)

    @property
    def _thread_name(self) -> str:
        return f"read-ahead {self.meta.model_name}"

    @property
    def _read_ahead(self) -> bool:
        """Read ahead only with one worker (see ``erp_airbyte.source.read_ahead``)."""
        return self.settings.workers <= 1

    def _state(self, point: datetime | None, known_blob: Any) -> dict[str, Any] | None:
        if point is None:
            return None
        out: dict[str, Any] = {CURSOR: to_rfc3339(point)}
        if known_blob is not None:
            out[KEYS_STATE_KEY] = known_blob
        return out

    def incremental(self, state: Mapping[str, Any] | None, now: datetime | None = None) -> Iterator[Batch]:
        """Yield batches of the incremental algorithm (cursor.py); the last batch carries the final state.

        A large table (first page reports more than ``windows.SPLIT_MIN_PAGES`` pages) is split after its first
        page into consecutive time windows read in parallel; state then only advances to the lowest
        contiguous completed point (``contiguous_checkpoint``).
        """
        lower, upper, floor = self.bounds(state, now)
        scan = IncrementalScan(lower, upper, self.page_size, keyed=self.key_field is not None, resume_floor=floor)
        deletes = self.settings.detect_deletes and self.key_field is not None
        known_blob = (state or {}).get(KEYS_STATE_KEY) if deletes else None
        emitted_keys: set[Any] = set()
        yield Batch([], None, [f"window {to_rfc3339(lower) if lower else 'beginning'} .. {to_rfc3339(upper)} (exclusive)"])
        req = scan.next_request()
        first = self._accept(scan, self._fetch(req)) if req is not None else None
        windows = self._split(scan, first.row_count, upper) if first is not None else None
        with ReadAhead(self._scan_pages(scan) if not windows else iter(()), self._thread_name,
                       enabled=self._read_ahead) as ahead:
            ahead.start()  # the second page is fetched while the first is converted and emitted
            for fetched in ([first] if first is not None else []):
                if deletes:
                    emitted_keys.update(fetched.keys)
                yield Batch(self._rows(fetched), None if fetched.done else self._state(fetched.checkpoint, known_blob),
                            [self.split_note] if windows else [])
            for fetched in ahead:
                rows = self._rows(fetched)
                if deletes:
                    emitted_keys.update(fetched.keys)
                yield Batch(rows, None if fetched.done else self._state(fetched.checkpoint, known_blob))
        if windows:
            yield from self._read_windows(windows, upper, floor, known_blob, emitted_keys if deletes else None)
        final: dict[str, Any] = {CURSOR: to_rfc3339(contiguous_checkpoint([], [], upper, floor) or upper)}
        if deletes:
            current = self.list_keys()
            known = decode_keys(known_blob) or set()
            known |= emitted_keys
            gone = vanished(known, current)
            if gone:
                at = to_rfc3339(datetime.now(timezone.utc))
                field_name = self.key_field
                yield Batch([{field_name: k, DELETED_AT: at} for k in gone], None, [f"{len(gone)} deleted rows detected"])
            final[KEYS_STATE_KEY] = encode_keys(current)
        yield Batch([], final)

    def _split(self, scan: IncrementalScan, row_count: int, upper: datetime) -> list[IncrementalScan] | None:
        """Windows for the rest of a large table (``row_count`` rows in range), or None when splitting would not help."""
        workers = self.settings.workers
        if scan.done or self.key_field is None or scan.position is None:
            return None
        parts = split_parts(row_count, self.page_size, workers)
        if not parts:
            return None
        start = scan.position + timedelta(seconds=1)  # the first scan finishes the second it is in
        bounds = self._quantile_bounds(start, upper, parts, row_count) or split_bounds(start, upper, parts)
        if len(bounds) < 3:
            return None
        scan.upper = bounds[0]
        windows = [scan] + [IncrementalScan(lo, hi, self.page_size) for lo, hi in zip(bounds, bounds[1:])]
        self.split_note = (f"{row_count} rows to read, split into {len(windows)} time windows "
                           f"read by up to {workers} workers")
        return windows

    def _quantile_bounds(self, start: datetime, upper: datetime, parts: int, rows: int) -> list[datetime] | None:
        """Cut ``[start, upper)`` where the *rows* are, not evenly in time: ERP data is rarely even in
        time (years of little history, then a busy quarter), and an even split can leave every row in one
        window. One ``$top=1`` request per cut reads the ``Updated`` of the row at that rank (``$skip``
        on the frozen window, run in parallel). Any failure falls back to the even split; the windows
        stay contiguous either way, so the cuts only affect balance, never which rows are read.
        """
        if not self.key_column:
            return None
        filt = self._filter(PageRequest(ge=start, lt=upper))
        order = orderby(CURSOR, self.key_column)

        def probe(k: int) -> datetime | None:
            page = self.client.get_page(self.meta.model_name, filter=filt, orderby=order, top=1,
                                        skip=rows * k // parts)
            value = self.convert(page.records[0]).get(CURSOR) if page.records else None
            return parse_utc(value).replace(microsecond=0) if isinstance(value, str) and value else None

        try:
            cuts = parallel_map(probe, range(1, parts), self.settings.workers, name="probe")
        except Exception as exc:  # noqa: BLE001 - balance only; the real reads report real failures
            self.logger.info(f"{self.meta.model_name}: window probes failed ({exc}); splitting evenly in time")
            return None
        bounds = [start]
        for cut in cuts:
            if cut is not None and bounds[-1] < cut < upper:
                bounds.append(cut)
        bounds.append(upper)
        return bounds if len(bounds) >= 3 else None

    def _read_windows(self, windows: list[IncrementalScan], upper: datetime, floor: datetime | None,
                      known_blob: Any, emitted_keys: set[Any] | None) -> Iterator[Batch]:
        def pages(window: IncrementalScan) -> Iterator[WindowPage]:
            with closed_after(self._converted(self._scan_pages(window))) as fetched_pages:
                for fetched, rows in fetched_pages:
                    yield WindowPage(rows, fetched.checkpoint, fetched.done, fetched.keys)

        parts = [Window(w.checkpoint, w.done, lambda w=w: pages(w)) for w in windows]
        return read_windows(parts, upper=upper, floor=floor, workers=self.settings.workers,
                            state_at=lambda point: self._state(point, known_blob), emitted_keys=emitted_keys)

    def list_keys(self) -> set[Any]:
        """Every current key (active or not), key-only pages, keyset by key (detect_deletes)."""
        scan = KeysetScan(self.page_size, keyed=True)
        keys: set[Any] = set()
        while (req := scan.next_request()) is not None:
            page = self._fetch(req, select=self.key_column)
            scan.page_size = self.page_size
            page_keys = [r.get(self.key_field) for r in page.records]
            scan.accept(page_keys)
            keys.update(page_keys)
        return keys

    # ---- full refresh ---------------------------------------------------------------------
    def full_refresh(self) -> Iterator[Batch]:
        """Yield pages ordered by key, keyset ``<Key> gt last`` (``$skip`` only for keyless tables).

        A large table with an integer key is split after its first page into key ranges read in
        parallel; the last range is open-ended so rows inserted during the read are not missed.
        """
        scan = KeysetScan(self.page_size, keyed=self.key_field is not None)
        first = next(self._key_pages(scan), None)
        ranges = self._split_keys(scan, first.row_count) if first is not None else None
        with ReadAhead(self._key_pages(scan) if not ranges else iter(()), self._thread_name,
                       enabled=self._read_ahead) as ahead:
            ahead.start()  # the second page is fetched while the first is converted and emitted
            if first is not None:
                yield Batch(self._rows(first), None, [self.split_note] if ranges else [])
            yield from (Batch(self._rows(page)) for page in ahead)
        if ranges:
            yield from self._read_key_ranges(ranges)

    def _key_pages(self, scan: KeysetScan) -> Iterator[Fetched]:
        """Fetch stage of a full-refresh keyset scan: every remaining page, accepted (raw records)."""
        while (req := scan.next_request()) is not None:
            yield self._accept_keys(scan, self._fetch(req))  # no local keeps the raw page (see Fetched)

    def _accept_keys(self, scan: KeysetScan, page: Any) -> Fetched:
        scan.page_size = self.page_size
        records = page.records
        scan.accept([r.get(self.key_field) for r in records] if scan.keyed else [None] * len(records))
        return Fetched(records, [], None, scan.done, getattr(page, "row_count", 0) or 0)

    def _split_keys(self, scan: KeysetScan, row_count: int) -> list[KeysetScan] | None:
        workers = self.settings.workers
        if scan.done or not self.meta.key_column or not isinstance(scan.position, int):
            return None
        parts = split_parts(row_count, self.page_size, workers)
        if not parts:
            return None
        top = self.client.get_page(self.meta.model_name, filter=self.all_rows,
                                   orderby=orderby(f"{self.meta.key_column} desc"), top=1)
        highest = top.records[0].get("id") if top.records else None
        if not isinstance(highest, int) or highest <= scan.position:
            return None
        bounds = split_key_range(scan.position, highest, parts)
        if len(bounds) < 3:
            return None
        scan.upper = bounds[1]
        ranges = [scan] + [KeysetScan(self.page_size, start=lo, upper=hi) for lo, hi in zip(bounds[1:], bounds[2:])]
        ranges[-1].upper = None  # open-ended: keys above the max seen at split time are read too
        self.split_note = (f"{row_count} rows to read, split into {len(ranges)} key ranges "
                           f"read by up to {workers} workers")
        return ranges

    def _read_key_ranges(self, ranges: list[KeysetScan]) -> Iterator[Batch]:
        def pages(scan: KeysetScan) -> Iterator[list[dict[str, Any]]]:
            return converted(self._key_pages(scan), self._rows, self._thread_name, enabled=self._read_ahead)

        return read_ranges([lambda scan=scan: pages(scan) for scan in ranges], workers=self.settings.workers)
