"""Backend facade: everything below HTTP (moto-style model layer; never sees HTTP).

The protocol layer (http/handlers.py) calls these methods with a ``Session``; every API error comes
out of here as ``EmulatorError`` (docs/architecture.md "Backend interface"). The facade builds the
parts and delegates: ``reads.Reads`` (GET), ``writes.Writer`` (POST/PUT/DELETE), ``rows.Rows``
(one record by id, the record a write returns); the control plane (touch, raw inserts, hard deletes,
counts, raw SQL) is small enough to live here.
"""
from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any

from erp_emulator.clock import now_text

from ..catalog import Table, builtin_catalog
from ..data.dataset import seed_ad_table, seed_master
from ..data.dataset_docs import seed_documents
from ..data.dataset_processes import seed_processes
from ..data.dictionary import load_dictionary, seed_dictionary_rows
from ..data.store import Store
from ..emulator_options import EmulatorOptions
from ..errors import EmulatorError
from ..query.counts import RangeCounts
from ..query.filter import Converted, ConverterCache
from ..query.orderby_select import scrambled_order
from ..session import Session
from .access import Access
from .attachments import Attachments, seed_attachments, seed_older_file
from .fk_lookup import ForeignKeys
from .process_files import ProcessFiles
from .process_jobs import JobScheduler
from .processes import Processes
from .raw_rows import insert_raw
from .reads import QueryResult, Reads
from .rows import Rows
from .serialize import Serializer
from .views import ViewReads
from .writes import Writer


class Backend:
    """Emulated iDempiere data layer: catalog + SQLite store + query/serialize/write logic."""

    def __init__(self, options: EmulatorOptions) -> None:
        self.options = options
        self.catalog = builtin_catalog()
        self.store = Store(options.db)
        if options.dictionary:
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
        self.rows = Rows(self.store, self.access, self.serializer)
        fks = ForeignKeys(self.store, self.catalog, self.access)
        self.reads = Reads(options, self.catalog, self.store, self.access, self.filters, self.counts,
                           self.serializer, self.rows, fks)
        self.views = ViewReads(self.reads)
        self.attachments = Attachments(self.store, self.catalog, self.access, self.rows, self.views.views)
        if not fresh:
            seed_older_file(self.store, self.catalog)
        self.writer = Writer(options, self.store, self.catalog, self.access, self.rows, fks)
        if not fresh and not self.store.query("SELECT 1 FROM AD_Process LIMIT 1"):  # a file seeded before processes
            with self.store.transaction():
                seed_processes(self.store, self.catalog, options.seed)
        self.process_files = ProcessFiles()
        self.jobs = JobScheduler(options.job_delay_ms)
        self.processes = Processes(options, self.reads, self.writer, self.process_files)

    def _seed(self) -> None:
        o = self.options
        seed_master(self.store, self.catalog, o.seed)
        seed_ad_table(self.store, self.catalog, self.catalog.tables())
        seed_documents(self.store, o.rows, o.seed)
        seed_processes(self.store, self.catalog, o.seed)
        seed_attachments(self.store, self.catalog)
        if o.dictionary and o.dictionary_rows:
            seed_dictionary_rows(self.store, self.catalog, o.dictionary_rows, o.seed)

    # ---- reads (reads.Reads) ------------------------------------------------------------
    def list_models(self, session: Session, filter: str | None = None) -> list[dict]:
        return self.reads.list_models(session, filter)

    def table_yaml(self, session: Session, table: str) -> str:
        return self.reads.table_yaml(session, table)

    def convert_filter(self, table: Table, text: str | None) -> Converted:
        return self.reads.convert_filter(table, text)

    def where_clause(self, session: Session, table: Table, filter: str | None) -> tuple[str, list]:
        return self.reads.where_clause(session, table, filter)

    def query(self, session: Session, table: str, *, filter: str | None = None,
              orderby: str | None = None, select: str | None = None, top: int = 0,
              skip: int = 0, expand: str | None = None, wire: bool = False) -> QueryResult:
        return self.reads.query(session, table, filter=filter, orderby=orderby, select=select, top=top,
                                skip=skip, expand=expand, wire=wire)

    def get_record(self, session: Session, table: str, record_id: str, *,
                   select: str | None = None, expand: str | None = None, wire: bool = False) -> dict:
        return self.reads.get_record(session, table, record_id, select=select, expand=expand, wire=wire)

    def get_record_column(self, session: Session, table: str, record_id: str, column: str, *,
                          wire: bool = False) -> dict:
        return self.reads.get_record_column(session, table, record_id, column, wire=wire)

    def find_row(self, session: Session, table: Table, record_id: str, *, for_write: bool = False) -> dict:
        return self.rows.find_row(session, table, record_id, for_write=for_write)

    def record_by_key(self, table: Table, key_value: Any) -> dict:
        return self.rows.record_by_key(table, key_value)

    def record_from_values(self, table: Table, values: dict[str, Any]) -> dict | None:
        return self.rows.record_from_values(table, values)

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
        with self.store.lock:
            return insert_raw(self.store, self.writer.plans, self._control_table(table), rows)

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
        """Release the SQLite connection (the server may call it on shutdown) and the processes' files."""
        self.jobs.close()
        self.process_files.close()
        self.store.close()


__all__ = ["Backend", "QueryResult", "EmulatorError"]
