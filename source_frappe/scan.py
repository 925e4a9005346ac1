"""One keyset scan over (``modified``, ``name``): pure planning, no I/O.

The server compares and orders (``filters.keyset``): Frappe has no default order and compares ``name``
with the database collation, so this module never compares names. It only checks what it can check
without doing so: ``modified`` never goes backwards inside a scan, and a full page always moves the
position (a server that ignored ``or_filters`` would otherwise hand back the same page forever).

Bounds are site wall-time literals (``lower`` inclusive, ``upper`` exclusive or None for an open scan).
The position after a page is the last row's own ``modified`` text and ``name`` as the server sent them,
so the next page's comparison is made on exactly the stored value (microseconds included).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from frappe_client.errors import PagingOrderError
from frappe_client.filters import Position, keyset
from frappe_client.timeutil import literal, parse_site_datetime


@dataclass
class KeysetScan:
    """Pages of ``[lower, upper)`` in ``modified asc, name asc`` order.

    Attributes:
        lower: inclusive lower bound literal, or None (from the beginning).
        upper: exclusive upper bound literal, or None (open: a full refresh reads rows saved meanwhile).
        page_size: rows per request; a shorter page ends the scan.
        after: keyset position (None before the first page).
    """

    lower: str | None
    upper: str | None
    page_size: int
    after: Position | None = None
    done: bool = False
    pages: int = 0

    def __post_init__(self) -> None:
        if self.page_size < 1:
            raise ValueError("page_size must be >= 1")
        if self.lower is not None and self.upper is not None and self.lower >= self.upper:
            self.done = True

    def params(self, extra: Iterable[Sequence[Any]] = ()) -> dict[str, str]:
        """``filters``/``or_filters``/``order_by`` of the next page."""
        return keyset(lower=self.lower, upper=self.upper, after=self.after, extra=extra)

    def accept(self, rows: Sequence[Mapping[str, Any]]) -> None:
        """Consume one page (in the order the server returned it).

        Raises:
            PagingOrderError: rows out of ``modified`` order, or a full page that does not move the position.
        """
        self.pages += 1
        previous = parse_site_datetime(self.after.modified) if self.after is not None else None
        for row in rows:
            current = parse_site_datetime(str(row.get("modified")))
            if previous is not None and current < previous:
                raise PagingOrderError(f"rows out of 'modified' order ({row.get('modified')} after an older row): "
                                  "the server did not apply order_by")
            previous = current
        if len(rows) < self.page_size:
            self.done = True
        if not rows:
            return
        last = rows[-1]
        position = Position(str(last.get("modified")), last.get("name"))
        if not self.done and self.after is not None and position == self.after:
            raise PagingOrderError("a full page did not move the keyset position: the server ignored or_filters")
        self.after = position

    @property
    def checkpoint(self) -> str | None:
        """Inclusive lower bound from which a resumed scan loses nothing (``upper`` once done)."""
        if self.done and self.upper is not None:
            return self.upper
        if self.after is not None:
            return literal(parse_site_datetime(self.after.modified))
        return self.lower
