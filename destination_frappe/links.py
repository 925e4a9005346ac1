"""Link lookups (``{"customer_name": "ACME"}`` -> the Customer's ``name``), one request per distinct value.

A lookup asks the server for at most two matching documents (``limit_page_length=2``): none is a "not
found" reject, two an "ambiguous" one, both naming the DocType, the field and the value. Answers are
cached for the run. A "not found" is forgotten when this run inserts into that DocType, so a document
created earlier in the same sync (a Customer before its orders) is found; that is the only case where
a value is asked twice. A lookup whose URL would not fit ``erp_http.url_budget`` (a very long or
non-ASCII value) is not sent: it is the reject of the records using it. The comparison is the server's (MariaDB collation: case-insensitive), never
Python's.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from destination_frappe.api import FrappeApi, find_url_length, reason_of, too_long
from destination_frappe.payload import LinkRef
from erp_http.url_budget import MAX_QUERY_BYTES
from frappe_client.errors import ApiError, UnsafeFilterValue

ParallelMap = Callable[[Callable[[Any], Any], list], list]


@dataclass(frozen=True)
class Resolution:
    """The target's name, or an error; ``missing``: the lookup ran and matched no document."""

    name: Any = None
    error: str | None = None
    missing: bool = False


class LinkResolver:
    """Resolves ``LinkRef`` lookups through ``api`` (thread-safe; ``pmap`` runs lookups in parallel)."""

    def __init__(self, api: FrappeApi, pmap: ParallelMap, logger: logging.Logger,
                 max_url_bytes: int = MAX_QUERY_BYTES):
        self.api = api
        self.max_url_bytes = max_url_bytes
        self.pmap = pmap
        self.logger = logger
        self.requests = 0
        self._cache: dict[LinkRef, Resolution] = {}
        self._would_create: dict[str, list[dict[str, Any]]] = {}  # dry runs: doctype -> planned inserts
        self._pending: dict[LinkRef, threading.Event] = {}  # lookups in flight for another slice
        self._lock = threading.Lock()

    def resolve_all(self, refs: Iterable[LinkRef]) -> None:
        """Look up every ref not answered yet (in parallel); afterwards ``get`` answers each of them.

        Slices run in parallel: a ref another slice is already looking up is waited for, not asked again.
        """
        with self._lock:
            wanted = [r for r in dict.fromkeys(refs) if r not in self._cache]
            todo = [r for r in wanted if r not in self._pending]
            others = [self._pending[r] for r in wanted if r in self._pending]
            for ref in todo:
                self._pending[ref] = threading.Event()
        try:
            if todo:
                for ref, res in zip(todo, self.pmap(self._lookup, todo), strict=True):
                    with self._lock:
                        self._cache[ref] = res
        finally:
            with self._lock:
                for ref in todo:
                    self._pending.pop(ref).set()
        for event in others:
            event.wait()
        with self._lock:
            lost = [r for r in wanted if r not in self._cache]  # the other slice failed: ask here
        if lost:
            self.resolve_all(lost)

    def get(self, ref: LinkRef) -> Resolution:
        """The answer for ``ref`` (after ``resolve_all``); asked again if another slice forgot it meanwhile
        (``forget_misses`` after inserting into its DocType: the document may exist now)."""
        while True:
            with self._lock:
                res = self._cache.get(ref)
            if res is not None:
                break
            self.resolve_all([ref])
        with self._lock:
            if res.missing:
                for doc in self._would_create.get(ref.doctype, ()):
                    if all(_same(doc.get(f), v) for f, v in ref.filters):
                        return Resolution(name=doc.get("name") or f"(new {ref.doctype})")
            return res

    def would_create(self, doctype: str, body: dict[str, Any], name: Any) -> None:
        """Dry runs: an earlier record would insert this document, so lookups of it count as found."""
        with self._lock:
            self._would_create.setdefault(doctype, []).append({**body, "name": name})

    def forget_misses(self, doctype: str) -> None:
        """Documents were inserted into ``doctype``: earlier "not found" answers may be stale."""
        with self._lock:
            for ref in [r for r, res in self._cache.items() if r.doctype == doctype and res.name is None]:
                del self._cache[ref]

    def _lookup(self, ref: LinkRef) -> Resolution:
        filters = [(f, "=", v) for f, v in ref.filters]
        if find_url_length(ref.doctype, filters, ["name"], 2) > self.max_url_bytes:
            shown = ", ".join(f"{f} = {too_long(v)}" for f, v in ref.filters)
            return Resolution(error=f"lookup of {ref.doctype} where {shown} is too long to send: its request does "
                                    f"not fit in a URL of {self.max_url_bytes} bytes")
        with self._lock:
            self.requests += 1
        try:
            rows = self.api.find(ref.doctype, filters, ["name"], limit=2)
        except UnsafeFilterValue as exc:
            return Resolution(error=f"lookup of {ref.doctype} where {ref.describe()} is not possible: {exc}")
        except ApiError as exc:  # 403, 417 unknown field...: rejects the records using this lookup
            reason = reason_of(exc)
            return Resolution(error=f"lookup of {ref.doctype} where {ref.describe()} failed: {reason}")
        if not rows:
            return Resolution(error=f"no {ref.doctype} where {ref.describe()} (Link lookup found nothing)",
                              missing=True)
        if len(rows) > 1:
            return Resolution(error=f"ambiguous Link lookup: more than one {ref.doctype} where {ref.describe()} "
                                    f"(use the name, or a unique field)")
        return Resolution(name=rows[0]["name"])


def _same(stored: Any, wanted: Any) -> bool:
    """The server's comparison, approximately: case-insensitive for text (dry runs only)."""
    if isinstance(stored, str) and isinstance(wanted, str):
        return stored.casefold() == wanted.casefold()
    return stored == wanted
