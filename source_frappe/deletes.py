"""Deletions, renames and removed child rows: the Deleted Document log and key reconciliation.

* ``Deleted Document`` (System Manager only) records every ``delete_doc`` with the deletion time; it is
  polled with the same (``modified``, ``name``) keyset as any DocType (its ``creation`` = ``modified``).
* Key reconciliation lists every name (``fields=["name"]``, name keyset, a few thousand per request) and
  compares it with the names known from the last sync: a known name that is gone was deleted or renamed
  away (a marker is emitted); a listed name that is neither known nor read in this sync was renamed to
  (renames keep ``modified``, spec §7.2) or committed later than the look-back: it is read now. That is
  also how rows removed from a child table (hard-deleted without a trace, §7.6) are found in stream mode.

A marker is ``{"name": ..., "modified": t, "_ab_cdc_deleted_at": t}``: ``modified`` is set too, so a
destination de-duplicating by cursor keeps the marker over the row's last version.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime, timezone
from typing import Any

from erp_http.timeutil import rfc3339
from frappe_client.client import FrappeClient
from frappe_client.errors import ApiError
from frappe_client.filters import condition
from frappe_client.schema import DELETED_AT
from frappe_client.timeutil import SiteClock
from source_frappe.children import KEY_PAGE, list_all, name_chunks
from source_frappe.scan import KeysetScan

DELETED_DOCUMENT = "Deleted Document"
FETCH_CHUNK = 100  # documents read by name per request (renamed or late rows)


def marker(name: str | int, at: str) -> dict[str, Any]:
    return {"name": name, "modified": at, DELETED_AT: at}


def now_rfc3339() -> str:
    return rfc3339(datetime.now(timezone.utc))


def typed_name(name: str, autoincrement: bool) -> str | int:
    """A name from a key set or the Deleted Document log as the stream types it (integers for autoincrement)."""
    if autoincrement:
        try:
            return int(name)
        except ValueError:
            return name
    return name


def current_names(client: FrappeClient, doctype: str, extra: Sequence[Sequence[Any]] = (),
                  parent: str | None = None) -> set[str]:
    """Every name the user can read now (as text)."""
    return {str(r.get("name")) for r in list_all(client, doctype, extra, fields=["name"], parent=parent,
                                                  page_size=KEY_PAGE)}


PAIR = "\x1e"  # record separator between a child row's name and its parent's name in a key


def child_key(name: object, parent: object) -> str:
    """A child row's key for reconciliation: its name *and* its parent's name, so a renamed parent (which
    rewrites ``parent`` without touching ``modified``, spec §7.2) makes the row read again."""
    return f"{name}{PAIR}{parent}"


def key_name(key: str) -> str:
    return key.split(PAIR, 1)[0]


def current_child_keys(client: FrappeClient, doctype: str, extra: Sequence[Sequence[Any]], parent: str) -> set[str]:
    """``child_key`` of every row of ``doctype`` under parent DocType ``parent``."""
    return {child_key(r.get("name"), r.get("parent"))
            for r in list_all(client, doctype, extra, fields=["name", "parent"], parent=parent, page_size=KEY_PAGE)}


def deleted_documents(client: FrappeClient, clock: SiteClock, doctype: str, lower: str | None, upper: str,
                      page_size: int) -> tuple[list[tuple[str, str]], bool]:
    """``(deleted_name, deleted at RFC 3339)`` logged for ``doctype`` in ``[lower, upper)``, and whether the log
    was readable (403: it is not, and the key check alone finds deletions)."""
    scan = KeysetScan(lower, upper, page_size)
    found: list[tuple[str, str]] = []
    extra = [condition("deleted_doctype", "=", doctype)]
    try:
        while not scan.done:
            rows = client.get_list(DELETED_DOCUMENT, fields=["name", "deleted_name", "modified"], limit=page_size,
                                   **scan.params(extra))
            scan.accept(rows)
            found.extend((str(r.get("deleted_name")), clock.to_rfc3339(str(r.get("modified")))) for r in rows
                         if r.get("deleted_name") not in (None, ""))
    except ApiError as exc:
        if exc.status == 403:
            return [], False
        raise
    return found, True


def fetch_by_name(client: FrappeClient, doctype: str, names: Iterable[str | int], *,
                  parent: str | None = None, extra: Sequence[Sequence[Any]] = ()) -> Iterator[list[dict[str, Any]]]:
    """Full rows of ``names`` (list form), a chunk per request."""
    ordered = list(names)
    for start in range(0, len(ordered), FETCH_CHUNK):
        chunk = ordered[start:start + FETCH_CHUNK]
        for group in name_chunks(chunk):
            conds = [*extra, condition("name", "in", group)]
            rows = list(list_all(client, doctype, conds, fields=["*"], parent=parent, page_size=FETCH_CHUNK))
            if rows:
                yield rows
