"""iDempiere's tables in the shared SQLite store: its schema, its indexes and its id sequence.

Values are stored as the backend writes them: Dates as ``YYYY-MM-DD``, YesNo as ``'Y'``/``'N'``, lists as their
codes, FKs as integers, datetimes as UTC text (spec §6.2, §12).
"""
from __future__ import annotations

from erp_emulator.store import SqliteStore

from ..catalog import Table

# iDempiere hands out ids from 1,000,000 upwards for user-created records (AD_Sequence)
FIRST_NEW_ID = 1_000_000
# tables that grow with --rows get covering indexes for keyset paging on Updated (spec §12)
_BIG = {"c_order", "c_orderline", "c_invoice", "c_invoiceline", "c_payment", "fact_acct"}
# lookup columns of master data: the destination finds records by Value/Name (`Value in (...)`, §7.1 identifiers)
_LOOKUP_INDEXED = ("Value", "Name")


class Store(SqliteStore):
    """The shared store with iDempiere's schema rules; LIKE is case-sensitive as on PostgreSQL (§4.5)."""

    def __init__(self, path: str | None = None) -> None:
        super().__init__(path, case_sensitive_like=True)
        self._next_ids: dict[str, int] = {}

    def create_table(self, table: Table, indexes: bool = True) -> None:
        """CREATE TABLE (if missing); indexes may be deferred until after a bulk seed."""
        cols = []
        for col in table.columns:
            decl = f'"{col.name}" {col.sql_type}'
            if col.name == table.key:
                decl += " PRIMARY KEY"
            cols.append(decl)
        n = table.name
        with self.lock:
            self.conn.execute(f'CREATE TABLE IF NOT EXISTS "{n}" ({", ".join(cols)})')
        if indexes:
            self.create_indexes(table)

    def create_indexes(self, table: Table) -> None:
        """Unique _UU, Updated+key (covering the default data-access columns) and parent links."""
        n = table.name
        with self.lock:
            if table.uu_column:
                self.conn.execute(f'CREATE UNIQUE INDEX IF NOT EXISTS "{n}_uu" ON "{n}"("{table.uu_column}")')
            if table.lname in _BIG and table.key:
                self.conn.execute(f'CREATE INDEX IF NOT EXISTS "{n}_upd" ON "{n}"'
                                  f'(Updated, "{table.key}", AD_Client_ID, AD_Org_ID, IsActive)')
                self.conn.execute(f'CREATE INDEX IF NOT EXISTS "{n}_act" ON "{n}"(IsActive, AD_Client_ID, AD_Org_ID)')
            elif table.key and table.has("Updated"):
                self.conn.execute(f'CREATE INDEX IF NOT EXISTS "{n}_upd" ON "{n}"(Updated, "{table.key}")')
            if table.parent_link:
                self.conn.execute(f'CREATE INDEX IF NOT EXISTS "{n}_parent" ON "{n}"("{table.parent_link}")')
            if table.lname not in _BIG:
                for col in _LOOKUP_INDEXED:
                    if table.has(col):
                        self.conn.execute(f'CREATE INDEX IF NOT EXISTS "{n}_{col.lower()}" ON "{n}"("{col}")')

    def next_id(self, table: Table) -> int:
        """Next key for a user-created record: max(key)+1, never below 1,000,000 (AD_Sequence)."""
        with self.lock:
            mx = self.max_key(table.name, table.key)
            cur = self._next_ids.get(table.lname)
            cur = max(mx + 1, FIRST_NEW_ID) if cur is None else max(cur, mx + 1)
            self._next_ids[table.lname] = cur + 1
            return cur
