"""Collection envelope parsing (spec §3.1, §3.3, §12); the one paging guard is ``erp_http.errors.PagingOrderError``.

``array-count`` is 0 on servers before 2025-10-07 (bug #100), so the page size is always ``len(records)``.
``records-size`` is the page size the server actually applied (``$top`` is clamped silently).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass
class Page:
    """One page of ``GET /models/{table}``.

    Attributes:
        records: the records as sent (spec §6).
        row_count: ``row-count`` (COUNT(*) of the whole filter; may disagree with the data under writes, §12).
        records_size: effective page size after server clamping (``records-size``).
        skip: ``skip-records`` echoed.
        page_count: ``page-count``.
    """

    records: list[dict[str, Any]]
    row_count: int
    records_size: int
    skip: int
    page_count: int = 1

    @classmethod
    def from_json(cls, body: Mapping[str, Any], *, skip: int = 0, top: int = 0) -> Page:
        """Parse the envelope; tolerant of missing counts (uses ``len(records)``)."""
        records = body.get("records")
        if records is None:
            records = []
        if not isinstance(records, list):
            raise ValueError("collection response has no 'records' array")
        n = len(records)
        row_count = _int(body.get("row-count"), n + skip)
        records_size = _int(body.get("records-size"), top or n)
        return cls(
            records=records,
            row_count=row_count,
            records_size=records_size,
            skip=_int(body.get("skip-records"), skip),
            page_count=_int(body.get("page-count"), 1),
        )

    @property
    def count(self) -> int:
        """Number of records in this page (never ``array-count``, see module doc)."""
        return len(self.records)

    @property
    def is_full(self) -> bool:
        """True when the page is as large as the server's page size, so more rows may follow."""
        return self.records_size > 0 and len(self.records) >= self.records_size

    @property
    def next_skip(self) -> int:
        return self.skip + len(self.records)


def _int(value: Any, default: int) -> int:
    if isinstance(value, bool):
        return default
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return default
