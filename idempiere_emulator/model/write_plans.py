"""Per-table write plans and small caches that keep POST/PUT cheap per item (batch benchmark, spec §9).

Everything here is derived from the catalog once per table, or cached under ``Store.stamp`` of the tables
it read, so a write elsewhere never serves stale answers: FK existence (``validForeignKeysEx``, §7.2),
``@SQL`` style FK defaults (§7.1 "absent on POST"), and the server-local date for ``@#Date@``.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from erp_emulator.clock import today_text

from ..catalog import DT, Catalog, Column, Table
from ..catalog.properties import property_name
from ..data.store import Store
from ..session import Session

# never mandatory for the REST mandatory check (adapted GridField rule, §7.2)
NOT_MANDATORY = ("Created", "CreatedBy", "Updated", "UpdatedBy", "Value", "DocumentNo", "M_AttributeSetInstance_ID")
_SESSION_DEFAULTS = ("@Client@", "@Org@", "@User@", "@Warehouse@")


@dataclass
class TablePlan:
    """What a write needs to know about one table, computed once."""

    fields: list[tuple[Column, str]]  # every column with its toPropertyName form, in column order
    accepted: dict[str, Column]  # body field names that pass validateJsonFields (exact or property form)
    fk_refs: dict[str, Table]  # lookup column -> referenced table with a single key (FK existence check)
    mandatory: list[tuple[Column, str]]  # columns the mandatory check looks at, with their property name
    # POST: (column, property, name, is key or _UU, the default when absent or DYNAMIC), in column order
    inserts: list[tuple[Column, str, str, bool, Any]]


DYNAMIC = object()  # a default that depends on the session or the data: WritePlans.default computes it per write


class WritePlans:
    """Plans per table plus the stamped caches; one instance per Writer."""

    def __init__(self, store: Store, catalog: Catalog, tz: str) -> None:
        self.store = store
        self.catalog = catalog
        self.tz = tz
        self._plans: dict[str, TablePlan] = {}
        self._insert_steps: dict[tuple, tuple[dict, list]] = {}
        self._exists: dict[str, tuple[tuple, set]] = {}
        self._ref_defaults: dict[tuple[str, int], tuple[tuple, Any]] = {}
        self._today: tuple[int, str] = (-1, "")
        self._refs: dict[str, tuple[list, list]] = {}
        self._refs_size = -1

    def plan(self, table: Table) -> TablePlan:
        found = self._plans.get(table.lname)
        if found is None:
            fields = [(c, property_name(c.name, True)) for c in table.columns]
            accepted: dict[str, Column] = {}
            for col, prop in fields:
                accepted[col.name] = accepted[prop] = col
            fk_refs = {}
            for col in table.columns:
                if col.is_lookup and col.name not in ("CreatedBy", "UpdatedBy"):
                    ref = self.catalog.get(col.ref_table)
                    if ref is not None and ref.key:
                        fk_refs[col.name] = ref
            mandatory = [(c, p) for c, p in fields if c.mandatory and not c.is_key and not c.is_uu
                         and c.dt != DT.YESNO and c.name not in NOT_MANDATORY]
            inserts = [(c, p, c.name, c.is_key or c.is_uu, self._static_default(c)) for c, p in fields]
            found = self._plans[table.lname] = TablePlan(fields, accepted, fk_refs, mandatory, inserts)
        return found

    def insert_steps(self, table: Table, fields: tuple[str, ...], preset: tuple[str, ...] = ()
                     ) -> tuple[dict, list[tuple[Column, str | None, str]]]:
        """POST values planned once per (table, body field names, preset column names): ``Writer._insert``
        copies ``template`` (every other column that gets a value, in column order, static defaults filled
        in) after the preset values (a child's parent link) and runs ``steps`` in column order: (column, body
        field to convert, name), or field None for a DYNAMIC default.
        Same values, key order and conversion order as walking ``TablePlan.inserts`` per item."""
        key = (table.lname, len(table.columns), fields, preset)
        found = self._insert_steps.get(key)
        if found is None:
            if len(self._insert_steps) > 1000:
                self._insert_steps.clear()
            present = set(fields)
            template: dict[str, Any] = {}
            steps: list[tuple[Column, str | None, str]] = []
            for col, prop, name, keyish, static in self.plan(table).inserts:
                if name in template or name in preset:
                    continue
                if prop in present:
                    template[name] = None
                    steps.append((col, prop, name))
                elif name in present:
                    template[name] = None
                    steps.append((col, name, name))
                elif not keyish:
                    template[name] = static
                    if static is DYNAMIC:
                        template[name] = None
                        steps.append((col, None, name))
            found = self._insert_steps[key] = (template, steps)
        return found

    def _static_default(self, col: Column) -> Any:
        """A literal DefaultValue converted once; DYNAMIC for session/@SQL defaults and for a literal that
        does not convert (its error is raised by ``default`` on the write that needs it, as before)."""
        if col.default is not None and col.default[:1] == "@":
            return DYNAMIC
        try:
            return self.default(None, col)  # type: ignore[arg-type] - literals never read the session
        except Exception:  # noqa: BLE001
            return DYNAMIC

    def references(self, table: Table) -> tuple[list[tuple[Table, Column]], list[Table]]:
        """Who points at ``table``: (restricting lookup columns of other tables, child tables whose parent
        link cascades). Built once per table instead of scanning the catalog on every DELETE (§7.5)."""
        if self._refs_size != len(self.catalog):
            self._refs, self._refs_size = {}, len(self.catalog)
        found = self._refs.get(table.lname)
        if found is None:
            keycol = table.key or table.uu_column
            restrict, cascade = [], []
            for other in self.catalog.tables():
                if other.parent_link and other.parent_link == keycol:
                    cascade.append(other)
                for col in other.columns:
                    if (col.is_lookup and col.ref_table.lower() == table.lname and other.parent_link != col.name
                            and col.name not in ("CreatedBy", "UpdatedBy")
                            and not (other is table and col.name == table.key)):
                        restrict.append((other, col))
            found = self._refs[table.lname] = (restrict, cascade)
        return found

    def fk_exists(self, ref: Table, value: Any) -> bool:
        """Does ``ref`` have a row with key ``value``? Positive answers are kept until ``ref`` is written."""
        stamp = self.store.stamp((ref.lname,))
        entry = self._exists.get(ref.lname)
        if entry is None or entry[0] != stamp:
            entry = self._exists[ref.lname] = (stamp, set())
        known = entry[1]
        if value in known:
            return True
        if self.store.query(f'SELECT 1 FROM "{ref.name}" WHERE "{ref.key}"=?', (value,)):
            if len(known) > 50_000:
                known.clear()
            known.add(value)
            return True
        return False

    def default(self, session: Session, col: Column) -> Any:
        """AD_Column.DefaultValue for a column absent on POST (session variables, @SQL defaults, literals)."""
        d = col.default
        if d is None:
            return None
        if d[0] == "@":
            if d == "@Client@":
                return session.client_id
            if d == "@Org@":
                return session.org_id
            if d == "@User@":
                return session.user_id
            if d == "@Warehouse@":
                return session.warehouse_id or None
            if d == "@Date@":
                return self.today()
            if d == "@Default@" and col.ref_table:
                return self._ref_default(col.ref_table, session.client_id)
            return None
        if col.dt == DT.YESNO:
            return "Y" if d == "Y" else "N"
        if col.dt in DT.NUMERIC:
            return float(d)
        if col.dt in DT.IDS or col.dt == DT.INTEGER:
            return int(d)
        return d

    def today(self) -> str:
        """Server-local date, recomputed at most once a second."""
        now = int(time.time())
        if self._today[0] != now:
            self._today = (now, today_text(self.tz))
        return self._today[1]

    def _ref_default(self, ref_name: str, client_id: int) -> Any:
        """``@SQL=SELECT ... WHERE IsDefault='Y'`` style defaults: the client's default row of ``ref``."""
        ref = self.catalog.get(ref_name)
        if ref is None or not ref.key or not ref.has("IsDefault"):
            return None
        key = (ref.lname, client_id)
        stamp = self.store.stamp((ref.lname,))
        cached = self._ref_defaults.get(key)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        rows = self.store.query(f'SELECT "{ref.key}" FROM "{ref.name}" WHERE IsDefault=\'Y\' AND '
                                f"IsActive='Y' AND AD_Client_ID IN (0,?) ORDER BY 1 LIMIT 1", (client_id,))
        value = rows[0][0] if rows else None
        self._ref_defaults[key] = (stamp, value)
        return value
