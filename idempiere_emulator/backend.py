"""Backend facade: everything below HTTP (moto-style model layer; never sees HTTP).

The protocol layer (handlers.py) calls these methods with a ``Session``; every API error comes
out of here as ``EmulatorError`` (docs/architecture.md "Backend interface").
"""
from __future__ import annotations

import re
import sqlite3
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any

from erp_emulator.clock import now_text

from .access import Access
from .catalog import Table, builtin_catalog
from .dataset import seed_ad_table, seed_master
from .dataset_docs import seed_documents
from .errors import EmulatorError
from .options import EmulatorOptions
from .query.counts import RangeCounts
from .query.filter import ConverterCache, Converted, mentions_isactive
from .query.options import order_by, scrambled_order, select_columns
from .serialize import Serializer, property_name
from .session import Session
from .store import Store

UUID_RE = re.compile(r"^[a-fA-F0-9]{8}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{12}$")


@dataclass
class QueryResult:
    """One collection page (spec §3.1); records are already serialized (§6)."""

    records: list[dict] = field(default_factory=list)
    row_count: int = 0
    records_size: int = 0


def sql_error(exc: Exception) -> EmulatorError:
    """A database error while running a converted filter -> 500 with the DB text (§4.8)."""
    return EmulatorError(500, "GET Error", f"ERROR: {exc}")


class Backend:
    """Emulated iDempiere data layer: catalog + SQLite store + query/serialize/write logic."""

    def __init__(self, options: EmulatorOptions) -> None:
        self.options = options
        self.catalog = builtin_catalog()
        self.store = Store(options.db)
        if options.dictionary:
            from .dictionary import load_dictionary
            load_dictionary(self.catalog, options.dictionary)
        fresh = self.store.get_meta("seeded") is None
        for table in self.catalog.tables():
            self.store.create_table(table, indexes=not fresh)
        if fresh:
            with self.store.transaction():
                self._seed()
                for table in self.catalog.tables():  # indexes after the bulk load: much faster
                    self.store.create_indexes(table)
            self.store.conn.execute("ANALYZE")
            self.store.set_meta("seeded", "1")
        self.access = Access(self.store, self.catalog)
        self.filters = ConverterCache(legacy=options.legacy, tz=options.tz)
        self.counts = RangeCounts(self.store)
        self.serializer = Serializer(self.store, self.catalog, options)
        # table -> (store epoch, SELECT * column names, their SQLite affinity, the names as a set)
        self._row_layouts: dict[str, tuple[int, tuple[str, ...], tuple[str, ...], frozenset]] = {}
        from .writes import Writer
        self.writer = Writer(self)

    def _seed(self) -> None:
        o = self.options
        seed_master(self.store, self.catalog, o.seed)
        seed_ad_table(self.store, self.catalog, self.catalog.tables())
        seed_documents(self.store, o.rows, o.seed)
        if o.dictionary and o.dictionary_rows:
            from .dictionary import seed_dictionary_rows
            seed_dictionary_rows(self.store, self.catalog, o.dictionary_rows, o.seed)

    # ---- models -------------------------------------------------------------------------
    def list_models(self, session: Session, filter: str | None = None) -> list[dict]:
        """GET /models: active AD_Table rows the role can access, by TableName (§2.1)."""
        ad_table = self.catalog.get("AD_Table")
        conv = self.convert_filter(ad_table, filter)
        where = f"({conv.where}) AND IsActive='Y'" if conv.where else "IsActive='Y'"
        try:
            rows = self.store.query_dicts(f"SELECT * FROM AD_Table WHERE {where} ORDER BY TableName", conv.params)
        except sqlite3.Error as exc:
            raise sql_error(exc) from None
        out = []
        for r in rows:
            t = self.catalog.get(r["TableName"])
            if t is None or not self.access.can_read(session, t):
                continue
            entry: dict[str, Any] = {"id": r["AD_Table_ID"]}
            if r.get("AD_Table_UU"):
                entry["uid"] = r["AD_Table_UU"]
            entry["model-name"] = t.lname
            entry["name"] = r["Name"]
            if r.get("Description"):
                entry["description"] = r["Description"]
            out.append(entry)
        return out

    def table_yaml(self, session: Session, table: str) -> str:
        """GET /models/{t}/yaml; unknown/denied tables escape as a container 500 (§2.4)."""
        t = self.catalog.get(table)
        if t is None or not self.access.can_read(session, t):
            raise EmulatorError(500, empty_body=True)
        from .yaml_schema import table_yaml
        return table_yaml(t)

    # ---- reads --------------------------------------------------------------------------
    def convert_filter(self, table: Table, text: str | None) -> Converted:
        """$filter -> SQL through the plugin's text-keyed converter cache (§4.9); /models and $expand share it."""
        return self.filters.convert(table, text)

    def where_clause(self, session: Session, table: Table, filter: str | None) -> tuple[str, list]:
        """Converted $filter + default IsActive + data access, as ModelHelper/Query build it (§3.4)."""
        conv = self.convert_filter(table, filter)
        parts = [f"({conv.where})"] if conv.where else []
        params = list(conv.params)
        if "Updated" in conv.bounds and table.key and table.has("Updated"):
            parts.append('"Updated" >= ?')  # implied by the filter; gives keyset ORs an index range
            params.append(conv.bounds["Updated"])
        if not mentions_isactive(conv.where) and table.has("IsActive"):
            parts.append("IsActive='Y'")
        parts.append(self.access.data_sql(session, table))
        return " AND ".join(parts), params

    def query(self, session: Session, table: str, *, filter: str | None = None,
              orderby: str | None = None, select: str | None = None, top: int = 0,
              skip: int = 0, expand: str | None = None, wire: bool = False) -> QueryResult:
        """GET /models/{t}: COUNT(*) plus one page; $top clamp, $skip, no default order (§3).

        ``wire=True`` (the HTTP handler) gives records meant only for the response encoder (``Serializer.page``).
        """
        t = self.access.readable(session, table)
        where, params = self.where_clause(session, t, filter)
        cols = select_columns(t, select)
        limit = top or 0
        mx = self.options.max_records
        if mx > 0 and (limit > mx or limit <= 0):
            limit = mx
        if skip < 0:
            raise EmulatorError(500, "GET Error", "ERROR: OFFSET must not be negative")
        try:
            with self.store.lock:
                count = self.counts.count(t, where, params)
                order = order_by(t, orderby) or scrambled_order(t, filter or "", count)
                sql = f'SELECT * FROM "{t.name}" WHERE {where} ORDER BY {order}'
                if limit > 0:
                    sql += f" LIMIT {int(limit)} OFFSET {int(skip)}"
                elif skip:
                    sql += f" LIMIT -1 OFFSET {int(skip)}"
                names, rows = self.store.query_rows(sql, params)
        except sqlite3.Error as exc:
            raise sql_error(exc) from None
        records = self.serializer.page(t, names, rows, cols, wire)
        if expand:
            from .query.expand import apply_expand
            apply_expand(self, session, t, [dict(zip(names, r)) for r in rows], records, expand)
        return QueryResult(records=records, row_count=count, records_size=limit)

    def find_row(self, session: Session, table: Table, record_id: str, *, for_write: bool = False) -> dict:
        """Locate one record by integer id or UUID with data access; 400/403/404 as §2.2."""
        rid = str(record_id)
        if UUID_RE.match(rid):
            if not table.uu_column:
                raise EmulatorError(404, "Record not found", f"No record found matching id: {rid}")
            keycol, value = table.uu_column, rid
        else:
            try:
                value = int(rid)
            except ValueError:
                if for_write:  # PUT/DELETE: the NumberFormatException escapes -> container 500 (§7.2)
                    raise EmulatorError(500, empty_body=True) from None
                raise EmulatorError(400, "Request Error",
                                    f"Wrong ID {rid} is not an UU value nor a valid integer ID") from None
            if table.key is None:
                raise EmulatorError(500, "GET Error", f"Wrong detail / none or more than one primary key for "
                                                      f"table {table.name}")
            keycol = table.key
        access = self.access.data_sql(session, table)
        if for_write and table.has("AD_Client_ID"):  # writes need the own client, not System (§10.3)
            access += f" AND AD_Client_ID={int(session.client_id)}"
        rows = self.store.query_dicts(f'SELECT * FROM "{table.name}" WHERE "{keycol}"=? AND {access}', (value,))
        if rows:
            return rows[0]
        if self.store.query(f'SELECT 1 FROM "{table.name}" WHERE "{keycol}"=?', (value,)):
            raise EmulatorError(403, "Access denied", f"Access denied for record with id: {rid}")
        raise EmulatorError(404, "Record not found", f"No record found matching id: {rid}")

    def get_record(self, session: Session, table: str, record_id: str, *,
                   select: str | None = None, expand: str | None = None, wire: bool = False) -> dict:
        """GET /models/{t}/{id}: inactive records are returned too (§2.2)."""
        t = self.access.readable(session, table)
        cols = select_columns(t, select)
        row = self.find_row(session, t, record_id)
        record = self.serializer.page(t, tuple(row), [tuple(row.values())], cols, wire)[0]
        if expand:
            from .query.expand import apply_expand
            apply_expand(self, session, t, [row], [record], expand)
        return record

    def get_record_column(self, session: Session, table: str, record_id: str, column: str, *,
                          wire: bool = False) -> dict:
        """GET /models/{t}/{id}/{column} (§2.3)."""
        t = self.access.readable(session, table)
        col = t.column(column)
        if col is None:
            raise EmulatorError(404, "Invalid property name", f"No match found for column name: {column}")
        row = self.find_row(session, t, record_id)
        return self.serializer.page(t, tuple(row), [tuple(row.values())], [col], wire)[0]

    def record_by_key(self, table: Table, key_value: Any) -> dict:
        """Re-read a record after a write (all columns, §7.2)."""
        keycol = table.key or table.uu_column
        names, rows = self.store.query_rows(f'SELECT * FROM "{table.name}" WHERE "{keycol}"=?', (key_value,))
        known = self._row_layouts.get(table.lname)
        if known is None or known[0] != self.store.epoch or known[1] != names:
            kinds = []
            for n in names:
                col = table.column(n)
                kinds.append(col.sql_type if col is not None and col.name == n else "?")
            self._row_layouts[table.lname] = (self.store.epoch, names, tuple(kinds), frozenset(names))
        return self.serializer.page(table, names, rows)[0]

    def record_from_values(self, table: Table, values: dict[str, Any]) -> dict | None:
        """The record ``record_by_key`` would give right after ``values`` were inserted, without reading it back.

        Only when the stored row is certain to equal ``values`` (None: the caller re-reads): the ``SELECT *``
        column layout of the table is known from an earlier re-read (raw SQL resets it), every value needs no
        SQLite type-affinity conversion except int -> REAL, and nothing else wrote the row since (the caller's
        business). Unset columns are NULL: the tables have no SQL defaults or triggers.
        """
        known = self._row_layouts.get(table.lname)
        if known is None or known[0] != self.store.epoch or not values.keys() <= known[3]:
            return None  # never re-read in this epoch, or a value for a column the row does not have
        names, kinds = known[1], known[2]
        row = []
        for name, kind in zip(names, kinds):
            v = values.get(name)
            t = type(v)
            if v is None or (t is str and kind == "TEXT") or (t is int and kind == "INTEGER") or \
                    (t is float and kind == "REAL"):
                row.append(v)
            elif t is int and kind == "REAL" and abs(v) < 2 ** 53:
                row.append(float(v))
            else:
                return None  # SQLite would convert it (affinity): let the re-read tell
        return self.serializer.page(table, names, [tuple(row)])[0]

    # ---- writes -------------------------------------------------------------------------
    def create(self, session: Session, table: str, body: dict) -> dict:
        return self.writer.create(session, table, body)

    def update(self, session: Session, table: str, record_id: str, body: dict) -> dict:
        return self.writer.update(session, table, record_id, body)

    def delete(self, session: Session, table: str, record_id: str) -> dict:
        return self.writer.delete(session, table, record_id)

    def transaction(self, absorbs: bool = False) -> AbstractContextManager[None]:
        """SAVEPOINT scope for the batch endpoint: an exception rolls everything back (``Store.transaction``)."""
        return self.store.transaction(absorbs)

    # ---- control ------------------------------------------------------------------------
    def _control_table(self, table: str) -> Table:
        t = self.catalog.get(table)
        if t is None:
            raise EmulatorError(404, "Invalid table name", f"No match found for table name: {table}")
        return t

    def touch(self, table: str, ids: list[int] | None = None, count: int | None = None) -> int:
        """Set Updated=now (ms) on the given ids, or on ``count`` scrambled rows."""
        t = self._control_table(table)
        keycol = t.key or "rowid"
        now = now_text()
        with self.store.lock:
            if ids is not None:
                n = 0
                for i in ids:
                    n += self.store.execute(f'UPDATE "{t.name}" SET Updated=? WHERE "{keycol}"=?', (now, i))
                return n
            limit = int(count or 0)
            return self.store.execute(
                f'UPDATE "{t.name}" SET Updated=? WHERE rowid IN (SELECT rowid FROM "{t.name}" '
                f'ORDER BY {scrambled_order(t, "touch")} LIMIT ?)', (now, limit))

    def insert_raw(self, table: str, rows: list[dict]) -> list[int]:
        from .raw_rows import insert_raw
        with self.store.lock:
            return insert_raw(self.writer, self._control_table(table), rows)

    def hard_delete(self, table: str, ids: list[int]) -> int:
        t = self._control_table(table)
        keycol = t.key or "rowid"
        with self.store.lock:
            return sum(self.store.execute(f'DELETE FROM "{t.name}" WHERE "{keycol}"=?', (i,)) for i in ids)

    def count(self, table: str) -> int:
        t = self._control_table(table)
        return self.store.query(f'SELECT COUNT(*) FROM "{t.name}"')[0][0]

    def sql(self, query: str, params: tuple | list = ()) -> list[tuple]:
        """Raw SQL for test oracles (datetimes are UTC text with ms)."""
        return self.store.query(query, params)

    def close(self) -> None:
        """Release the SQLite connection (the server may call it on shutdown)."""
        self.store.close()


__all__ = ["Backend", "QueryResult", "EmulatorError", "property_name"]
