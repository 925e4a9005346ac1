"""One record located by id or UUID (§2.2), and the record a write gives back (§7.2).

Reads and writes both need these, so they live below both: ``reads.Reads`` serves GET by id with
``find_row``; ``writes.Writer`` finds the row a PUT/DELETE acts on and builds its response record with
``record_by_key`` or, without a re-read, ``record_from_values``.
"""
from __future__ import annotations

import re
from typing import Any

from ..catalog import Table
from ..data.store import Store
from ..errors import EmulatorError
from ..session import Session
from .access import Access
from .serialize import Serializer

UUID_RE = re.compile(r"^[a-fA-F0-9]{8}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{12}$")


class Rows:
    """Find a row under data access; turn a just-written row into its record."""

    def __init__(self, store: Store, access: Access, serializer: Serializer) -> None:
        self.store = store
        self.access = access
        self.serializer = serializer
        # table -> (store epoch, SELECT * column names, their SQLite affinity, the names as a set)
        self._row_layouts: dict[str, tuple[int, tuple[str, ...], tuple[str, ...], frozenset]] = {}

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
