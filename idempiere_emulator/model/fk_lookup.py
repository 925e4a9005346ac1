"""Foreign-key lookups: a referenced row found by one of its column values, or read by its key.

Writes resolve the FK forms of a body (``{"uid"}``, ``{"identifier"}``, ``{"lookupColumn","lookupValue"}``,
spec §7.1) to a key here, under the caller's data access; ``$expand`` of a master column reads the referenced
row by its key here (§5.3). One home, so both sides find a referenced row the same way.
"""
from __future__ import annotations

from typing import Any

from ..catalog import Catalog, Table
from ..data.store import Store
from ..session import Session
from .access import Access
from .write_values import ConversionError, gson_text


class ForeignKeys:
    """Find the key of a referenced row (writes) or the row of a key (master expansion)."""

    def __init__(self, store: Store, catalog: Catalog, access: Access) -> None:
        self.store = store
        self.catalog = catalog
        self.access = access

    def key_by(self, session: Session | None, ref: str, column: str, value: Any, raw: Any) -> Any:
        """The key of the one row of ``ref`` whose ``column`` equals ``value``, within ``session``'s data access
        (all rows without a session); none or several rows are conversion errors naming ``raw``."""
        t = self.catalog.get(ref)
        col = t.column(column) if t else None
        if t is None or col is None:
            raise ConversionError(f"Column not found -> {ref}.{column}")
        keycol = t.key or t.uu_column
        access = self.access.data_sql(session, t) if session else "1=1"
        rows = self.store.query(f'SELECT "{keycol}" FROM "{t.name}" WHERE "{col.name}"=? AND {access}', (value,))
        if not rows:
            raise ConversionError(f"Could not convert value {gson_text(raw)} for {ref}")
        if len(rows) > 1:
            raise ConversionError(f"More than one ID found for {t.name}.{col.name} = {value}")
        return rows[0][0]

    def key_by_identifier(self, session: Session | None, ref: str, identifier: Any, raw: Any) -> Any:
        """{"identifier"}: first identifier column, then the Name/Value display fallback (§7.1)."""
        t = self.catalog.get(ref)
        if t is None:
            raise ConversionError(f"Could not convert value {gson_text(raw)} for {ref}")
        candidates = [c for c in (t.identifiers[:1] + ["Name", "Value", "DocumentNo"]) if t.column(c)]
        for cname in dict.fromkeys(candidates):
            try:
                return self.key_by(session, ref, cname, identifier, raw)
            except ConversionError as exc:
                if str(exc).startswith("More than one ID"):
                    raise
        raise ConversionError(f"Could not convert value {gson_text(raw)} for {ref}")

    def row_by_key(self, ref: Table, value: Any) -> dict | None:
        """The row of ``ref`` whose key (``_UU`` for a table without an integer key) is ``value``; no data-access
        SQL here (a master's table-level read access is the caller's check). None when there is none."""
        keycol = ref.key or ref.uu_column
        found = self.store.query_dicts(f'SELECT * FROM "{ref.name}" WHERE "{keycol}"=?', (value,))
        return found[0] if found else None
