"""Reading one large DocType in parallel: consecutive ``modified`` ranges, each its own keyset scan.

The range ``[lower, upper)`` of a sync is cut evenly in wall-clock time when the DocType holds more than a
few pages of rows in it (``frappe.client.get_count``; F14/F15 count without permissions, which only makes
the plan coarser). Each window is scanned like a whole DocType (``scan.py``); the shared pipeline's
``read_windows`` merges them and only checkpoints the contiguous prefix that has been yielded. A full
refresh's last window is open-ended, so documents saved during the read are still read.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from erp_airbyte.source.windows import split_bounds, split_parts
from frappe_client.client import FrappeClient
from frappe_client.errors import ApiError
from frappe_client.filters import condition, dumps
from frappe_client.timeutil import literal, parse_site_datetime


def count_rows(client: FrappeClient, doctype: str, lower: str | None, upper: str | None) -> int | None:
    """Rows of ``doctype`` with ``modified`` in ``[lower, upper)``, or None when the server does not say."""
    conds = []
    if lower is not None:
        conds.append(condition("modified", ">=", lower))
    if upper is not None:
        conds.append(condition("modified", "<", upper))
    try:
        value = client.call("frappe.client.get_count", {"doctype": doctype, "filters": dumps(conds)})
    except ApiError:
        return None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def first_modified(client: FrappeClient, doctype: str, upper: str | None) -> str | None:
    """The oldest ``modified`` (below ``upper``), as a literal; None for an empty DocType."""
    conds = [condition("modified", "<", upper)] if upper is not None else []
    rows = client.get_list(doctype, fields=["modified"], order_by="modified asc", limit=1, filters=dumps(conds))
    return literal(parse_site_datetime(str(rows[0]["modified"]))) if rows else None


def plan_windows(client: FrappeClient, doctype: str, lower: str | None, upper: str | None, *, page_size: int,
                 workers: int) -> list[tuple[str | None, str | None]] | None:
    """Consecutive ``(lower, upper)`` literal pairs covering the range, or None when one scan is enough.

    The first window starts at ``lower`` (None: from the beginning) and the last ends at ``upper`` (None: open).
    """
    if workers < 2:
        return None
    count = count_rows(client, doctype, lower, upper)
    parts = split_parts(count or 0, page_size, workers)
    if parts < 2:
        return None
    start = lower or first_modified(client, doctype, upper)
    end = upper
    if start is None:
        return None
    if end is None:
        newest = client.get_list(doctype, fields=["modified"], order_by="modified desc", limit=1)
        if not newest:
            return None
        end = literal(parse_site_datetime(str(newest[0]["modified"])))
    bounds = split_bounds(parse_site_datetime(start), parse_site_datetime(end), parts)
    cuts: list[str] = [literal(b) for b in bounds[1:-1]]
    if not cuts:
        return None
    edges: Sequence[Any] = [lower, *cuts, upper]
    return [(edges[i], edges[i + 1]) for i in range(len(edges) - 1)]
