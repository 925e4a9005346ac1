"""SQLite persistence for an emulator: one connection guarded by one lock (the HTTP server is threaded).

Datetimes are stored as UTC text (erp_emulator.clock) so that comparisons are lexicographic and milliseconds
survive. Per-table write versions let an ERP's caches (counts, identifiers, permissions) survive writes to
other tables; raw SQL and rollbacks bump an epoch that drops them all.
"""
from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

# the table a write statement changes (per-table versions let caches survive writes to other tables)
_WRITE_TARGET = re.compile(r'^\s*(?:UPDATE|DELETE\s+FROM|INSERT\s+(?:OR\s+\w+\s+)?INTO)\s+"?(\w+)"?', re.I)


class SqliteStore:
    """Owns the SQLite connection; every statement runs under ``self.lock``."""

    def __init__(self, path: str | None = None, *, case_sensitive_like: bool = False) -> None:
        """``path`` None = in memory; ``case_sensitive_like`` for ERPs on PostgreSQL (LIKE is case-sensitive there)."""
        self.path = path or ":memory:"
        self.conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self.lock = threading.RLock()
        self._savepoint = 0
        self._absorbing = 0  # savepoint level that absorbs the failures of the transactions inside it
        self.version = 0  # bumped by every write: keys the COUNT cache
        # finer keys for caches that only depend on a few tables (identifiers, FK existence, org access):
        # a write to a known table bumps its own version; raw SQL and rollbacks bump the epoch (drop everything)
        self.epoch = 0
        self.table_versions: dict[str, int] = {}
        self._counts: dict[tuple, int] = {}
        self._insert_sql: dict[tuple, str] = {}
        self._names: dict[tuple, tuple[str, ...]] = {}  # (SELECT text, epoch) -> column names
        self._max_keys: dict[str, tuple[tuple, str, int]] = {}  # table -> (stamp, key column, MAX(key) then)
        self._inserted: dict[str, int] = {}  # rows inserted per table since its statistics were taken
        self._analyzed: dict[str, int] = {}  # rows the table had when this process last analyzed it
        c = self.conn
        if case_sensitive_like:
            c.execute("PRAGMA case_sensitive_like = ON")
        c.execute("PRAGMA synchronous = OFF")
        c.execute("PRAGMA temp_store = MEMORY")
        c.execute("PRAGMA cache_size = -200000")
        if path:
            c.execute("PRAGMA journal_mode = WAL")

    # ---- schema -------------------------------------------------------------------------
    def create_index(self, table: str, columns: Sequence[str]) -> None:
        """Create an index named after its table and columns, once (idempotent at every start)."""
        name = f"{table}_{'_'.join(columns)}"
        with self.lock:
            self.conn.execute(f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}"({", ".join(columns)})')

    def table_exists(self, name: str) -> bool:
        """Whether ``name`` is a table in this database (e.g. to seed a fresh file only once)."""
        return bool(self.query("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (name,)))

    def get_meta(self, key: str) -> str | None:
        """A value stored with ``set_meta`` (None if never set), kept across restarts of a file database."""
        with self.lock:
            self.conn.execute("CREATE TABLE IF NOT EXISTS _emulator_meta (k TEXT PRIMARY KEY, v TEXT)")
            row = self.conn.execute("SELECT v FROM _emulator_meta WHERE k=?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        """Store ``value`` under ``key`` in the emulator's own table (e.g. which seed a file holds)."""
        with self.lock:
            self.conn.execute("CREATE TABLE IF NOT EXISTS _emulator_meta (k TEXT PRIMARY KEY, v TEXT)")
            self.conn.execute("INSERT OR REPLACE INTO _emulator_meta VALUES (?,?)", (key, value))

    # ---- versions -----------------------------------------------------------------------
    def wrote(self, table: str | None) -> None:
        """Record a write to ``table`` (None: unknown, every cache keyed by ``stamp`` is dropped)."""
        self.version += 1
        if table is None:
            self.epoch += 1
        else:
            key = table.lower()
            self.table_versions[key] = self.table_versions.get(key, 0) + 1

    def stamp(self, tables: Iterable[str]) -> tuple:
        """Cache key for data read from ``tables`` (lower-case names); changes when any of them is written."""
        return (self.epoch, *map(self.table_versions.get, tables))  # None: never written

    # ---- statements ---------------------------------------------------------------------
    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        """Run one statement, return all rows; anything but a read drops every cache (the SQL is opaque)."""
        with self.lock:
            if not sql.lstrip()[:7].upper() in ("SELECT ", "EXPLAIN", "WITH RE"):
                self.wrote(None)  # raw SQL from tests may write anything
            return self.conn.execute(sql, tuple(params)).fetchall()

    def count(self, table: str, where: str, params: Sequence[Any]) -> int:
        """COUNT(*) with a small cache keyed by the data version: offset paging repeats the same count."""
        with self.lock:
            key = (table, where, tuple(params), self.version)
            n = self._counts.get(key)
            if n is None:
                if len(self._counts) > 512:
                    self._counts.clear()
                n = self.conn.execute(f'SELECT COUNT(*) FROM "{table}" WHERE {where}', tuple(params)).fetchone()[0]
                self._counts[key] = n
            return n

    def query_dicts(self, sql: str, params: Sequence[Any] = ()) -> list[dict]:
        """Like ``query`` but each row a dict keyed by column name; for reads only: it marks nothing written."""
        with self.lock:
            cur = self.conn.execute(sql, tuple(params))
            names = [d[0] for d in cur.description]
            return [dict(zip(names, row)) for row in cur.fetchall()]

    def query_rows(self, sql: str, params: Sequence[Any] = ()) -> tuple[tuple[str, ...], list[tuple]]:
        """Column names and row tuples (no dict per row: the serializer reads rows by position)."""
        with self.lock:
            cur = self.conn.execute(sql, tuple(params))
            rows = cur.fetchall()
            key = (sql, self.epoch)  # only raw SQL (an epoch) can change what SELECT * returns
            names = self._names.get(key)
            if names is None or (rows and len(rows[0]) != len(names)):
                if len(self._names) > 1000:
                    self._names.clear()
                names = self._names[key] = tuple(d[0] for d in cur.description)  # description is costly
            return names, rows

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run one write statement; returns the affected row count."""
        target = _WRITE_TARGET.match(sql)
        with self.lock:
            self.wrote(target.group(1) if target else None)
            return self.conn.execute(sql, tuple(params)).rowcount

    def insert_many(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        """Insert ``rows`` in one ``executemany`` (seed data); marks ``table`` written."""
        cols = ", ".join(f'"{c}"' for c in columns)
        marks = ", ".join("?" for _ in columns)
        with self.lock:
            self.wrote(table)
            self.conn.executemany(f'INSERT INTO "{table}" ({cols}) VALUES ({marks})', rows)

    ANALYZE_AFTER = 1000  # rows inserted into a table before its planner statistics are refreshed

    def insert(self, table: str, values: dict[str, Any]) -> int:
        """Insert one row, return its rowid; statements are cached per column set."""
        cols = tuple(values)
        key = table.lower()
        sql = self._insert_sql.get((table, cols))
        if sql is None:
            if len(self._insert_sql) > 1000:
                self._insert_sql.clear()
            names = ", ".join(f'"{c}"' for c in cols)
            sql = self._insert_sql[(table, cols)] = (f'INSERT INTO "{table}" ({names}) '
                                                     f'VALUES ({", ".join("?" for _ in cols)})')
        with self.lock:
            known = self._max_keys.get(key)
            if known is not None and known[0] != self.stamp((key,)):
                known = None
            self.wrote(table)
            cur = self.conn.execute(sql, list(values.values()))
            if known is not None:  # nobody else wrote since MAX(key) was known: it is still known
                value = values.get(known[1])
                if type(value) is int and type(known[2]) is int:
                    self._max_keys[key] = (self.stamp((key,)), known[1], max(known[2], value))
            self._grew(key, table)
            return cur.lastrowid or 0

    def _grew(self, key: str, table: str) -> None:
        """ANALYZE a table that has grown a lot since its statistics were taken (PostgreSQL's autoanalyze).

        Without it the planner keeps the seed's statistics (a 12-row C_BPartner) and answers the destination's
        ``Value in (...)`` lookups with a full scan of 20k partners instead of the ``Value`` index.
        """
        n = self._inserted.get(key, 0) + 1
        rows = self._analyzed.get(key)
        if rows is None:
            rows = self._analyzed[key] = self._stat_rows(table)
        if n < max(self.ANALYZE_AFTER, rows):
            self._inserted[key] = n
            return
        self._inserted[key] = 0
        self.conn.execute(f'ANALYZE "{table}"')
        self._analyzed[key] = self.conn.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]

    def _stat_rows(self, table: str) -> int:
        """The row count the planner's statistics assume for ``table`` (0 when never analyzed)."""
        try:
            row = self.conn.execute("SELECT stat FROM sqlite_stat1 WHERE tbl=? LIMIT 1", (table,)).fetchone()
        except sqlite3.Error:  # no statistics at all yet
            return 0
        head = str(row[0]).split(" ", 1)[0] if row else ""
        return int(head) if head.isdigit() else 0

    def max_key(self, table: str, key: str) -> int:
        """MAX(key) of ``table`` (0 when empty); read again only when somebody but ``insert`` wrote the table."""
        with self.lock:
            lname = table.lower()
            stamp = self.stamp((lname,))
            known = self._max_keys.get(lname)
            if known is not None and known[0] == stamp and known[1] == key:
                return known[2]
            mx: int = self.conn.execute(f'SELECT MAX("{key}") FROM "{table}"').fetchone()[0] or 0
            self._max_keys[lname] = (stamp, key, mx)
            return mx

    # ---- transactions -------------------------------------------------------------------
    @contextmanager
    def transaction(self, absorbs: bool = False) -> Iterator[None]:
        """SAVEPOINT-based unit of work: nested use is fine; an exception rolls back this level.

        ``absorbs=True`` promises that the caller rolls this whole level back whenever anything inside it
        fails (a batch item: a failed item is always undone, §9). Transactions opened inside such a level
        then join it instead of opening a savepoint of their own: the end state is the same, and a nested
        SAVEPOINT + RELEASE is a third of a batch item's SQLite time.
        """
        with self.lock:
            if self._absorbing and self._absorbing == self._savepoint:
                yield
                return
            self._savepoint += 1
            name = f"sp{self._savepoint}"
            outer_absorbing = self._absorbing
            if absorbs:
                self._absorbing = self._savepoint
            self.conn.execute(f"SAVEPOINT {name}")
            try:
                yield
            except BaseException:
                self.wrote(None)
                self.conn.execute(f"ROLLBACK TO {name}")
                self.conn.execute(f"RELEASE {name}")
                raise
            else:
                self.conn.execute(f"RELEASE {name}")
            finally:
                self._savepoint -= 1
                self._absorbing = outer_absorbing

    def close(self) -> None:
        """Close the connection under the lock, so no statement is cut off mid-way."""
        with self.lock:
            self.conn.close()
