"""SQLite persistence for the site: one ``tab{DocType}`` table per DocType (spec §6.4), ``tabSingles``,
``tabSeries`` (naming-series counters), ``__Auth`` (passwords and API secrets).

MariaDB facts reproduced: text compares case-insensitively (utf8mb4_unicode_ci -> COLLATE NOCASE),
numeric and Check columns are ``NOT NULL DEFAULT 0``, Datetime is ``datetime(6)`` (stored here as
``YYYY-MM-DD HH:MM:SS.ffffff`` text, always six digits, so comparisons are lexicographic), Time is
``time(6)`` (``HH:MM:SS.ffffff``), and a table without ORDER BY returns rows in primary-key order
(WITHOUT ROWID tables keyed on ``name``). One HTTP request is one transaction (spec §1): the shared
store's savepoints.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from erp_emulator.store import SqliteStore

from .model.dsl import INTEGER, NUMERIC, DocType
from .model.registry import Registry


def column_sql(fieldtype: str) -> str:
    if fieldtype in INTEGER:
        return "INTEGER NOT NULL DEFAULT 0"
    if fieldtype in NUMERIC:
        return "REAL NOT NULL DEFAULT 0"
    return "TEXT COLLATE NOCASE"


class Store(SqliteStore):
    """The shared SQLite store (connection, lock, savepoint transactions) plus the site's Frappe tables."""

    def __init__(self, path: str | None = None):
        super().__init__(path)  # LIKE stays case-insensitive, as on MariaDB

    # ---- schema ---------------------------------------------------------------------------
    def create_schema(self, registry: Registry, indexes: bool = True) -> None:
        """Every table (IF NOT EXISTS); ``indexes=False`` defers them until after a bulk seed."""
        with self.lock:
            c = self.conn
            c.execute("CREATE TABLE IF NOT EXISTS tabSingles (doctype TEXT, field TEXT, value TEXT, "
                      "PRIMARY KEY (doctype, field))")
            c.execute("CREATE TABLE IF NOT EXISTS tabSeries (name TEXT PRIMARY KEY, current INTEGER NOT NULL)")
            c.execute('CREATE TABLE IF NOT EXISTS "__Auth" (doctype TEXT, name TEXT, fieldname TEXT, '
                      "password TEXT, PRIMARY KEY (doctype, name, fieldname))")
            c.execute("CREATE TABLE IF NOT EXISTS _emulator_meta (k TEXT PRIMARY KEY, v TEXT)")
            for dt in registry.doctypes.values():
                if not dt.issingle:
                    self.create_table(registry, dt)
                    if indexes:
                        self.create_indexes(dt)

    def create_table(self, registry: Registry, dt: DocType) -> None:
        fields = {f.fieldname: f for f in dt.data_fields()}
        decls = []
        for col in registry.columns(dt):
            if col == "name":
                decls.append('"name" INTEGER PRIMARY KEY' if dt.autoincrement
                             else '"name" TEXT COLLATE NOCASE PRIMARY KEY')
            elif col in ("docstatus", "idx"):
                decls.append(f'"{col}" INTEGER NOT NULL DEFAULT 0')
            elif col in fields:
                decls.append(f'"{col}" {column_sql(fields[col].fieldtype)}')
            else:
                decls.append(f'"{col}" TEXT COLLATE NOCASE')
        rowid = "" if dt.autoincrement else " WITHOUT ROWID"
        self.conn.execute(f'CREATE TABLE IF NOT EXISTS "{dt.table}" ({", ".join(decls)}){rowid}')

    def create_indexes(self, dt: DocType) -> None:
        """(modified, name) for keyset reads, creation, parent on child tables, unique columns, and the
        search-indexed links ERPNext lists filter on (customer, item_code)."""
        t = dt.table
        with self.lock:
            c = self.conn
            c.execute(f'CREATE INDEX IF NOT EXISTS "{t}_modified" ON "{t}"(modified, name)')
            c.execute(f'CREATE INDEX IF NOT EXISTS "{t}_creation" ON "{t}"(creation)')
            if dt.istable:
                c.execute(f'CREATE INDEX IF NOT EXISTS "{t}_parent" ON "{t}"(parent)')
            for f in dt.data_fields():
                if f.unique:
                    c.execute(f'CREATE UNIQUE INDEX IF NOT EXISTS "{t}_{f.fieldname}" ON "{t}"("{f.fieldname}")')
                elif f.fieldname in ("customer", "item_code", "sales_order"):
                    c.execute(f'CREATE INDEX IF NOT EXISTS "{t}_{f.fieldname}" ON "{t}"("{f.fieldname}")')

    def add_column(self, dt: DocType, fieldname: str, fieldtype: str) -> None:
        with self.lock:
            cols = {r[1] for r in self.conn.execute(f'PRAGMA table_info("{dt.table}")')}
            if fieldname not in cols:
                self.conn.execute(f'ALTER TABLE "{dt.table}" ADD COLUMN "{fieldname}" {column_sql(fieldtype)}')

    # ---- statements -----------------------------------------------------------------------
    def query_cols(self, sql: str, params: Sequence[Any] = ()) -> tuple[list[str], list[tuple]]:
        cols, rows = self.query_rows(sql, params)
        return list(cols), rows

    def executemany(self, sql: str, rows) -> None:
        with self.lock:
            self.conn.executemany(sql, rows)
            self.wrote(None)

    # ---- small tables ---------------------------------------------------------------------
    def single(self, doctype: str) -> dict[str, str]:
        return dict(self.query("SELECT field, value FROM tabSingles WHERE doctype=?", (doctype,)))

    def set_single(self, doctype: str, values: dict[str, Any]) -> None:
        for k, v in values.items():
            self.execute("INSERT OR REPLACE INTO tabSingles VALUES (?,?,?)",
                         (doctype, k, None if v is None else str(v)))

    def next_series(self, prefix: str) -> int:
        with self.lock:
            row = self.conn.execute("SELECT current FROM tabSeries WHERE name=?", (prefix,)).fetchone()
            n = (row[0] if row else 0) + 1
            self.conn.execute("INSERT OR REPLACE INTO tabSeries VALUES (?,?)", (prefix, n))
            return n

    def set_password(self, doctype: str, name: str, fieldname: str, value: str) -> None:
        self.execute('INSERT OR REPLACE INTO "__Auth" VALUES (?,?,?,?)', (doctype, str(name), fieldname, value))

    def get_password(self, doctype: str, name: str, fieldname: str) -> str | None:
        row = self.query('SELECT password FROM "__Auth" WHERE doctype=? AND name=? AND fieldname=?',
                         (doctype, str(name), fieldname))
        return row[0][0] if row else None
