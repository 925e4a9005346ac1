"""Child-table rows for a page of parents (nested mode) and name-only key listings.

A child DocType is listed with ``parent=<ParentDocType>`` (required, even for Administrator on F16,
Part II §7) and ``parenttype``/``parentfield`` filters (a child DocType can belong to several parents).
The parents of one page are asked for with ``parent in [...]`` in chunks whose percent-encoded filter stays
within a byte budget (proxies cut request lines near 8 kB, and a non-ASCII name costs up to 9 bytes per
character, so a count or character budget is not enough: ``erp_http.url_budget``), and the rows are paged by
name keyset, so a large child set is never one
unbounded request. Rows are grouped by their ``parent`` value exactly as the server sent it.
"""
from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from erp_http.url_budget import query_length, split_until_fits
from frappe_client.client import FrappeClient
from frappe_client.filters import condition, name_keyset
from frappe_client.meta import DocTypeMeta

NAME_BUDGET = 2500  # bytes of the percent-encoded ``parent in [...]`` filter per request
CHILD_PAGE = 1000  # child rows per request
KEY_PAGE = 5000  # names per request of a key listing (names only: small answers)


def name_chunks(names: Sequence[str | int], budget: int = NAME_BUDGET) -> Iterator[list[str | int]]:
    """Chunks of ``names`` (in order) whose ``in`` list, JSON as the filters carry it and percent-encoded, stays
    within ``budget`` bytes; a name too long for any budget comes alone (its request then fails loudly)."""
    fitting, alone = split_until_fits(list(names), _encoded_size, budget)
    yield from fitting
    yield from ([name] for name in alone)


def _encoded_size(names: Sequence[str | int]) -> int:
    return query_length({"filters": json.dumps(list(names), ensure_ascii=False, separators=(",", ":"))})


def fetch_children(client: FrappeClient, meta: DocTypeMeta, names: Sequence[str | int],
                   page_size: int = CHILD_PAGE) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """Current child rows of the parents ``names`` of DocType ``meta``, by (parent name, table field), by idx."""
    by_child: dict[str, list[str]] = defaultdict(list)
    for fieldname, child in meta.table_fields.items():
        by_child[child].append(fieldname)
    groups: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    if not names:
        return groups
    for child, fieldnames in by_child.items():
        for chunk in name_chunks(names):
            extra = [condition("parent", "in", chunk), condition("parenttype", "=", meta.name),
                     condition("parentfield", "in", fieldnames)]
            for row in list_all(client, child, extra, parent=meta.name, fields=["*"], page_size=page_size):
                groups[(str(row.get("parent")), str(row.get("parentfield")))].append(row)
    for rows in groups.values():
        rows.sort(key=lambda r: _idx(r.get("idx")))
    return groups


def attach_children(meta: DocTypeMeta, rows: Sequence[dict[str, Any]],
                    groups: Mapping[tuple[str, str], list[dict[str, Any]]]) -> None:
    """Put each parent's current child rows into its Table fields (an empty list when it has none)."""
    for row in rows:
        key = str(row.get("name"))
        for fieldname in meta.table_fields:
            row[fieldname] = groups.get((key, fieldname), [])


def list_all(client: FrappeClient, doctype: str, extra: Sequence[Sequence[Any]], *, fields: Sequence[str],
             parent: str | None = None, page_size: int = KEY_PAGE) -> Iterator[dict[str, Any]]:
    """Every row matching ``extra``, paged by name keyset (the server orders and compares names)."""
    after: Any = None
    while True:
        params = name_keyset(after, extra)
        rows = client.get_list(doctype, fields=fields, limit=page_size, parent=parent, **params)
        yield from rows
        if len(rows) < page_size:
            return
        after = rows[-1].get("name")


def _idx(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0
