"""Collection envelope parsing and a paginator with loop detection (spec §3.1, §3.3, §12).

``array-count`` is 0 on servers before 2025-10-07 (bug #100), so the page size is always ``len(records)``.
``records-size`` is the page size the server actually applied (``$top`` is clamped silently).
"""
from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any

from erp_http.errors import PagingError


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


@dataclass
class Paginator:
    """Tracks page tokens (skip, or a keyset tuple) and fails loudly on a loop.

    A fresh one is used per slice. ``advance(token)`` raises when a token repeats, which means the
    cursor did not move (for example every row of a page shares the keyset value): reading on would
    loop forever or silently drop rows.

    Example:
        pager = Paginator()
        token = initial
        while True:
            page = fetch(token)
            ...
            if not page.is_full: break
            token = next_token(page)
            pager.advance(token)
    """

    max_pages: int | None = None
    _seen: set[Hashable] = field(default_factory=set)
    pages: int = 0
    finished: bool = False

    def advance(self, token: Hashable) -> None:
        """Record the next page token.

        Raises:
            PagingError: the token was already used, or ``max_pages`` was exceeded.
        """
        if token in self._seen:
            raise PagingError(f"pagination loop detected: page token {token!r} was returned twice")
        self._seen.add(token)
        self.pages += 1
        if self.max_pages is not None and self.pages > self.max_pages:
            raise PagingError(f"pagination exceeded {self.max_pages} pages")

    def finish(self) -> None:
        self.finished = True
