"""Foreign-key resolution with a per-run cache: at most one lookup per distinct (table, value).

Identifier heuristic (documented in the README): the referenced table comes from the YAML FK object's
``model-name`` enum; the identifier is matched against ``Name``, then ``Value``, then ``DocumentNo``
(those present in the referenced table), in **one** request ``(Name eq 'v' or Value eq 'v') and
IsActive neq null``. The first candidate column with exactly one matching row wins; 0 rows try the
next candidate; more than one row is ambiguous (unless exactly one of them is active). Composite
display identifiers are handled below.

The source's pair (``X`` + ``X_identifier``, or an object with ``id`` and ``identifier``): the id is
used when that row exists in the target *and agrees* with the identifier (its Name/Value/DocumentNo
equals it, or is the first part of a composite identifier such as ``80001_2024-05-01_100.00``; one GET
per distinct id); otherwise the identifier is resolved. The agreement check stops an id that means a
different row in the target system from being linked silently.

Composite display identifiers (``80001_2024-05-01_100.00`` for an order) are matched in the same single
request: a row whose Name/Value/DocumentNo equals a leading part (``80001``) is accepted only when every
remaining part equals some value of that row (the text, a date's ``yyyy-MM-dd``, a number numerically,
an FK's id or identifier). Servers that format dates or numbers differently fail this check, which means
a rejection, never a wrong link.

Values that cannot go into a ``$filter`` are searched with ``contains`` on a safe fragment and compared
exactly here; when no fragment exists, the server resolves them itself, parameterised
(``{"identifier": v}`` / ``{"lookupColumn", "lookupValue"}``, spec §7.1).
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from destination_idempiere.queries import (
    TooManyRows,
    canonical,
    eq_or_contains,
    query_all,
    row_key_id,
    row_value,
    same_value,
    with_active,
)
from destination_idempiere.values import FkRef
from erp_http.errors import ApiError
from erp_http.parallel import parallel_map
from idempiere_client.filters import F
from idempiere_client.metadata import TableMeta

IDENTIFIER_CANDIDATES = ("Name", "Value", "DocumentNo")
COMPOSITE_SEPARATOR = "_"  # MLookup joins several identifier columns with "_" (e.g. DocumentNo_DateOrdered_GrandTotal)
MAX_PREFIXES = 3


@dataclass(frozen=True)
class ResolvedFk:
    """``value`` to send (an id, or an object the server resolves), or ``error`` (a rejection reason)."""

    value: Any = None
    error: str | None = None
    server_side: bool = False


class _Once:
    """Per-key memo where concurrent callers of the same key wait for one computation."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._done: dict[tuple, Any] = {}
        self._pending: dict[tuple, threading.Event] = {}

    def get(self, key: tuple, compute: Callable[[], Any], keep: Callable[[Any], bool] | None = None) -> Any:
        """The value of ``key``, computed once; ``keep(value)`` False: return it but do not remember it."""
        while True:
            with self._lock:
                if key in self._done:
                    return self._done[key]
                event = self._pending.get(key)
                if event is None:
                    event = self._pending[key] = threading.Event()
                    owner = True
                else:
                    owner = False
            if not owner:
                event.wait()
                continue
            try:
                value = compute()
                with self._lock:
                    if keep is None or keep(value):
                        self._done[key] = value
                return value
            finally:
                with self._lock:
                    self._pending.pop(key, None)
                event.set()

    def peek(self, key: tuple) -> Any:
        with self._lock:
            return self._done.get(key)

    def forget(self, predicate: Callable[[tuple, Any], bool]) -> None:
        with self._lock:
            for key in [k for k, v in self._done.items() if predicate(k, v)]:
                del self._done[key]


class FkResolver:
    """Resolves ``FkRef``s for every stream of a run.

    Args:
        client: ``IdempiereClient``.
        catalog: ``MetadataCatalog`` (referenced tables' metadata).
        workers: parallel lookups.
        logger: destination logger.
    """

    def __init__(self, client: Any, catalog: Any, workers: int, logger: logging.Logger):
        self.client = client
        self.catalog = catalog
        self.workers = max(1, workers)
        self.logger = logger
        self._memo = _Once()
        self._epochs: dict[str, int] = {}  # per table: how many times rows were inserted into it (forget_misses)
        self._epoch_lock = threading.Lock()
        self.lookups = 0
        self._count_lock = threading.Lock()

    # ---- public ----------------------------------------------------------------------------------
    def resolve_all(self, refs: Iterable[FkRef]) -> None:
        """Resolve every distinct reference (in parallel); results are cached for ``get``."""
        todo = {self._key(r): r for r in refs}
        todo = {k: r for k, r in todo.items() if self._memo.peek(k) is None}
        if not todo:
            return
        parallel_map(self.get, todo.values(), self.workers, name="fk")

    def get(self, ref: FkRef) -> ResolvedFk:
        """The (cached) resolution of one reference; never raises for data problems."""
        return self._cached(self._key(ref), ref.ref_table, lambda: self._resolve(ref))

    def forget_misses(self, table: str) -> None:
        """Drop cached "not found" answers about ``table`` after this run inserted rows into it.

        A lookup of ``table`` that is running meanwhile (another slice) may have read before the insert:
        its "not found" is returned to its caller but not cached (see ``_cached``)."""
        with self._epoch_lock:
            self._epochs[table] = self._epochs.get(table, 0) + 1
        self._memo.forget(lambda key, value: len(key) >= 2 and key[1] == table and _is_miss(value))

    def _cached(self, key: tuple, table: str | None, compute: Callable[[], Any]) -> Any:
        """``compute`` once per key; a miss is only remembered when no insert into ``table`` came meanwhile."""
        start = self._epochs.get(table, 0)
        return self._memo.get(key, compute, keep=lambda value: not _is_miss(value)
                              or self._epochs.get(table, 0) == start)

    def id_exists(self, table: str, record_id: int) -> bool:
        """Whether ``table`` has a row with this id (cached; one GET per distinct id)."""
        return self._id_row(table, record_id) is not None

    def _id_row(self, table: str, record_id: int) -> dict | None:
        found = self._cached(("exists", table, record_id), table, lambda: self._exists(table, record_id))
        return found or None

    # ---- resolution ------------------------------------------------------------------------------
    @staticmethod
    def _key(ref: FkRef) -> tuple:
        if ref.form == "lookup":
            return ("lookup", ref.ref_table, (ref.lookup_column or "").lower(), repr(ref.value))
        if ref.form == "pair":
            return ("pair", ref.ref_table, ref.pair_id, ref.value)
        return (ref.form, ref.ref_table, ref.value)

    def _resolve(self, ref: FkRef) -> ResolvedFk:
        try:
            if ref.ref_table is None:
                return self._server_side(ref)
            if ref.form == "pair":
                row = self._id_row(ref.ref_table, ref.pair_id)
                if row is not None and _agrees(row, ref.value):
                    return ResolvedFk(ref.pair_id)
                res = self._cached(("identifier", ref.ref_table, ref.value), ref.ref_table,
                                     lambda: self._by_identifier(ref.ref_table, ref.value))
                if res.error:
                    return ResolvedFk(error=f"id {ref.pair_id} does not exist in {ref.ref_table} and {res.error}")
                return res
            if ref.form == "identifier":
                return self._by_identifier(ref.ref_table, ref.value)
            if ref.form == "uid":
                return self._by_uid(ref.ref_table, ref.value)
            return self._by_lookup(ref)
        except TooManyRows as exc:
            return ResolvedFk(error=f"{ref.describe()} is ambiguous in {ref.ref_table}: {exc}")
        except ApiError as exc:
            if exc.status in (401, 403, 404):
                # the role cannot read the referenced table: let the server resolve it with its own rights
                return self._server_side(ref)
            return ResolvedFk(error=f"lookup of {ref.describe()} in {ref.ref_table} failed: {exc}")

    def _meta(self, table: str) -> TableMeta:
        return self.catalog.get(table)

    def _count(self) -> None:
        with self._count_lock:
            self.lookups += 1

    def _server_side(self, ref: FkRef) -> ResolvedFk:
        if ref.form == "pair":
            return ResolvedFk(ref.pair_id)
        if ref.form == "uid":
            return ResolvedFk({"uid": ref.value}, server_side=True)
        if ref.form == "lookup":
            return ResolvedFk({"lookupColumn": ref.lookup_column, "lookupValue": ref.value}, server_side=True)
        return ResolvedFk({"identifier": ref.value}, server_side=True)

    def _exists(self, table: str, record_id: int) -> dict:
        """The row's identifier candidates ({} when it does not exist or cannot be read)."""
        self._count()
        try:
            row = self.client.get(f"models/{table}/{int(record_id)}", params={"$select": self._select(table)})
        except ApiError as exc:
            if exc.status in (403, 404):
                return {}
            raise
        if not isinstance(row, dict):
            return {}
        row = canonical(self._meta(table), row)
        return {"id": record_id, **{c: row.get(c) for c in IDENTIFIER_CANDIDATES if c in row}}

    def _select(self, table: str) -> str:
        meta = self._meta(table)
        names = [c for c in IDENTIFIER_CANDIDATES if c in meta.columns]
        return ",".join(names) if names else ("IsActive" if "IsActive" in meta.columns else next(iter(meta.columns)))

    def _by_identifier(self, table: str, value: str) -> ResolvedFk:
        meta = self._meta(table)
        candidates = [c for c in IDENTIFIER_CANDIDATES if c in meta.columns]
        if not candidates:
            return self._server_side(FkRef("", table, "identifier", value))
        segments = value.split(COMPOSITE_SEPARATOR)
        prefixes = [COMPOSITE_SEPARATOR.join(segments[:k]) for k in range(1, min(len(segments), MAX_PREFIXES + 1))]
        prefixes = [p for p in prefixes if p.strip()]
        try:
            parts = [eq_or_contains(meta, c, "string", v) for c in candidates for v in [value, *prefixes]]
        except ValueError:
            # nothing searchable in the value: the server resolves it parameterised (never interpolated)
            return self._server_side(FkRef("", table, "identifier", value))
        # composite candidates are checked against the whole row, so only then is every column read
        select = None if prefixes else ",".join(candidates + (["IsActive"] if "IsActive" in meta.columns else []))
        self._count()
        rows = query_all(self.client, meta, with_active(meta, F.or_(*parts)), select=select)
        for column in candidates:
            matches = [r for r in rows if r.get(column) == value]
            if matches:
                return self._pick(matches, f"identifier {value!r}: {len(matches)} rows of {table} have "
                                           f"{column} = {value!r}", meta)
        for k in range(len(prefixes), 0, -1):  # longest first: "P_100_Azalea" tries "P_100" before "P"
            prefix, rest = prefixes[k - 1], segments[k:]
            for column in candidates:
                matches = [r for r in rows if r.get(column) == prefix and _rest_matches(r, rest, column)]
                if matches:
                    return self._pick(matches, f"composite identifier {value!r}: {len(matches)} rows of {table} "
                                               f"match {column} = {prefix!r}", meta)
        return ResolvedFk(error=f"identifier {value!r} not found in {table} (searched {', '.join(candidates)})")

    def _by_uid(self, table: str, uid: str) -> ResolvedFk:
        self._count()
        try:
            row = self.client.get(f"models/{table}/{uid}", params={"$select": self._select(table)})
        except ApiError as exc:
            if exc.status == 404:
                return ResolvedFk(error=f"uid {uid} not found in {table}")
            raise
        return ResolvedFk(row_key_id(row, self._meta(table)) if isinstance(row, dict) else None)

    def _by_lookup(self, ref: FkRef) -> ResolvedFk:
        meta = self._meta(ref.ref_table)
        col = meta.column_ci(ref.lookup_column or "")
        if col is None:
            return ResolvedFk(error=f"lookupColumn {ref.lookup_column!r} is not a column of {ref.ref_table}")
        try:
            expr = eq_or_contains(meta, col.name, col.kind, ref.value)
        except ValueError:
            return self._server_side(ref)
        self._count()
        rows = query_all(self.client, meta, with_active(meta, expr))
        matches = [r for r in rows if same_value(col.kind, r.get(col.name), ref.value)]
        if not matches:
            return ResolvedFk(error=f"no {ref.ref_table} row with {col.name} = {ref.value!r}")
        return self._pick(matches, f"{len(matches)} rows of {ref.ref_table} have {col.name} = {ref.value!r}", meta)

    @staticmethod
    def _pick(matches: list[dict], ambiguous: str, meta: TableMeta | None = None) -> ResolvedFk:
        if len(matches) == 1:
            return ResolvedFk(row_key_id(matches[0], meta))
        active = [r for r in matches if row_value(r, "IsActive") is not False]
        if len(active) == 1:
            return ResolvedFk(row_key_id(active[0], meta))
        return ResolvedFk(error=f"ambiguous {ambiguous}")


def _is_miss(value: Any) -> bool:
    """A cached "not found": an id that does not exist ({}), or a resolution that failed."""
    return value == {} or (isinstance(value, ResolvedFk) and value.error is not None)


def _agrees(row: dict, identifier: str) -> bool:
    """Whether a row found by id is the one the identifier names (see module doc)."""
    values = [str(row[c]) for c in IDENTIFIER_CANDIDATES if row.get(c) not in (None, "")]
    if not values:
        return True  # nothing to compare with
    return any(identifier == v or identifier.startswith(v + "_") for v in values)


def _rest_matches(row: dict, rest: list[str], used: str) -> bool:
    """Whether every remaining part of a composite identifier is some value of ``row`` (see module doc)."""
    texts: set[str] = set()
    numbers: list[Decimal] = []
    for column, value in row.items():
        if column == used or value is None or column in ("model-name", "uid"):
            continue
        for v in ((value.get("identifier"), value.get("id")) if isinstance(value, dict) else (value,)):
            if v is None or isinstance(v, (dict, list)):
                continue
            text = str(v)
            texts.update({text, text[:10]})
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                numbers.append(Decimal(str(v)))
    for part in rest:
        if part in texts:
            continue
        try:
            if any(Decimal(part) == n for n in numbers):
                continue
        except InvalidOperation:
            pass
        return False
    return True
