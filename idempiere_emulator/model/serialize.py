"""Stored row -> REST record JSON per display type (spec §6), with batched FK identifier lookups."""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import orjson

from erp_emulator.clock import parse_stored, zone

from ..catalog import DT, Catalog, Column, Table
from ..catalog.properties import property_name
from ..data.store import Store
from ..emulator_options import EmulatorOptions
from .datetime_wire import format_datetime
from .record_plans import CALL, LIST, LOCATION, LOOKUP, MEMO_LIMIT, SAME, YESNO, RecordPlan, compile_plan


class ScaledNumber(float):
    """A numeric column value that remembers its ``BigDecimal.toString()`` text (spec §6.2).

    It behaves as a float inside the emulator (arithmetic, comparisons, test oracles) while the HTTP
    layer splices ``text`` into the body as a raw JSON number, so ``10.00`` keeps its stored scale.
    """

    __slots__ = ("text",)

    def __repr__(self) -> str:
        return self.text


def decimal_text(value: float, scale: int) -> str:
    """Plain (never exponent) text with ``scale`` decimals, widened up to 6 when the value has more."""
    text = f"{value:.{scale}f}"
    if float(text) == round(value, 6):
        return text
    return f"{value:.6f}".rstrip("0")


def wire_number(value: float | int, col: Column) -> orjson.Fragment | int:
    """``number`` for an HTTP body: the same text as a raw JSON token (what the response encoder splices)."""
    out = number(value, col)
    return orjson.Fragment(out.text) if type(out) is ScaledNumber else out


def number(value: float | int, col: Column) -> ScaledNumber | int:
    """Amount/Number/CostPrice/Quantity with the column scale (§6.2); scale 0 integral values are ints."""
    scale = col.scale
    if isinstance(value, int) and scale == 0:
        return value
    value = float(value)
    if value == 0 or (scale == 0 and value.is_integer()):
        return int(value)  # BigDecimal.ZERO (defaults, reset totals) prints "0" whatever the column scale
    text = decimal_text(value, scale)
    out = ScaledNumber(text)
    out.text = text
    return out


class IdentifierCache:
    """Identifier texts per referenced table, shared by requests (§6.2 lookups are the costly part).

    A table's entries stay valid while neither it nor any table its identifier is built from is written
    (``Store.stamp``), so creating business partners does not throw away the client, org or group names;
    raw SQL and rollbacks (``Store.epoch``) drop everything.
    """

    MAX_ENTRIES = 100_000

    def __init__(self, store: Store, catalog: Catalog) -> None:
        self.store = store
        self.catalog = catalog
        self.tables: dict[str, dict[Any, str]] = {}
        self._deps: dict[str, tuple[str, ...]] = {}
        # every table some cached entry depends on -> its version when last looked at, and who depends on it
        self._versions: dict[str, Any] = {}
        self._dependents: dict[str, set[str]] = {}
        self._epoch = store.epoch
        self._version = -1  # store.version at the last refresh

    def refresh(self) -> None:
        """Drop what writes made stale (called once per serialization)."""
        store = self.store
        if self._epoch != store.epoch or sum(map(len, list(self.tables.values()))) > self.MAX_ENTRIES:
            self.tables, self._versions, self._dependents, self._epoch = {}, {}, {}, store.epoch
            return
        if self._version == store.version:  # nothing written since the last check (every page of a read)
            return
        self._version = store.version
        current = store.table_versions
        for table, seen in list(self._versions.items()):
            if current.get(table) != seen:  # written since: entries built from it may be stale
                self._versions[table] = current.get(table)
                for ref in list(self._dependents.get(table, ())):
                    self.tables.pop(ref, None)

    def table(self, ref_l: str) -> dict[Any, str]:
        """The entry dict of one referenced table, created (its tables watched before any read into it)
        when missing. A table already watched keeps its older version, so a write that happened before
        this entry was filled can only drop it once more, never keep it stale."""
        found = self.tables.get(ref_l)
        if found is None:
            current = self.store.table_versions
            for table in self.deps(ref_l):
                self._versions.setdefault(table, current.get(table))
                self._dependents.setdefault(table, set()).add(ref_l)
            found = {}
            self.tables[ref_l] = found
        return found

    def deps(self, ref_l: str) -> tuple[str, ...]:
        """``ref_l`` and every table its identifier columns reach through lookups (transitively)."""
        deps = self._deps.get(ref_l)
        if deps is None:
            seen, todo = [ref_l], [ref_l]
            while todo:
                t = self.catalog.get(todo.pop())
                for name in (t.identifiers if t else ()):
                    c = t.column(name)
                    if c is not None and c.is_lookup and c.ref_table.lower() not in seen:
                        seen.append(c.ref_table.lower())
                        todo.append(c.ref_table.lower())
            deps = self._deps[ref_l] = tuple(seen)
        return deps


class Identifiers:
    """Resolves FK ids to lookup identifiers with one IN-query per referenced table (MLookup display).

    ``tables`` pins the per-table dicts this serialization uses, so a concurrent refresh cannot take
    them away halfway through a page.
    """

    def __init__(self, store: Store, catalog: Catalog, cache: IdentifierCache | None = None) -> None:
        self.store = store
        self.catalog = catalog
        self.cache = cache if cache is not None else IdentifierCache(store, catalog)
        self.tables: dict[str, dict[Any, str]] = {}

    def _table(self, ref_l: str) -> dict[Any, str]:
        found = self.tables.get(ref_l)
        if found is None:
            found = self.tables[ref_l] = self.cache.table(ref_l)
        return found

    def prefetch(self, table: Table, rows: Iterable[dict], columns: Iterable[Column], depth: int = 0) -> None:
        wanted: dict[str, set] = {}
        for col in columns:
            if col.is_lookup and not col.secure:
                name, known = col.name, self._table(col.ref_table.lower())
                missing = {v for r in rows if (v := r.get(name)) is not None and v not in known}
                if missing:
                    wanted.setdefault(col.ref_table, set()).update(missing)
        for ref, ids in wanted.items():
            self._load(ref, ids, depth)

    def prefetch_rows(self, rows: list[tuple], columns: list[tuple[int, str, str]]) -> None:
        """``prefetch`` for row tuples: ``columns`` are (position, referenced table, the same lower-cased)
        of lookup columns in column order."""
        wanted: dict[str, set] = {}
        tables = self.tables
        if len(rows) == 1:  # one record (a write's re-read): no set comprehension per column
            row = rows[0]
            for i, ref, ref_l in columns:
                v = row[i]
                if v is None:
                    continue
                known = tables.get(ref_l)
                if known is None:
                    known = self._table(ref_l)
                if v not in known:
                    wanted.setdefault(ref, set()).add(v)
            for ref, ids in wanted.items():
                self._load(ref, ids, 0)
            return
        for i, ref, ref_l in columns:
            known = tables.get(ref_l)
            if known is None:
                known = self._table(ref_l)
            missing = {v for r in rows if (v := r[i]) is not None and v not in known}
            if missing:
                wanted.setdefault(ref, set()).update(missing)
        for ref, ids in wanted.items():
            self._load(ref, ids, 0)

    def _load(self, ref_name: str, ids: set, depth: int) -> None:
        known = self._table(ref_name.lower())
        ref = self.catalog.get(ref_name)
        if ref is None or not ref.identifiers or not (ref.key or ref.uu_column):
            for i in ids:
                known[i] = f"<{i}>"
            return
        keycol = ref.key or ref.uu_column
        ident_cols = [ref.column(c) for c in ref.identifiers if ref.column(c)]
        found: dict[Any, dict] = {}
        id_list = list(ids)
        for start in range(0, len(id_list), 500):
            chunk = id_list[start:start + 500]
            sel = ", ".join(f'"{c.name}"' for c in ident_cols)
            sql = f'SELECT "{keycol}", {sel} FROM "{ref.name}" WHERE "{keycol}" IN ({",".join("?" * len(chunk))})'
            for row in self.store.query(sql, chunk):
                found[row[0]] = dict(zip([c.name for c in ident_cols], row[1:]))
        if depth < 2:
            self.prefetch(ref, list(found.values()), ident_cols, depth + 1)
        for i in ids:
            r = found.get(i)
            known[i] = f"<{i}>" if r is None else self._display(ref, ident_cols, r)

    def _display(self, ref: Table, cols: list[Column], row: dict) -> str:
        parts = []
        for c in cols:
            v = row.get(c.name)
            if v is None:
                continue
            if c.is_lookup:
                parts.append(self.get(c.ref_table, v))
            elif c.is_list and c.list_values:
                parts.append(c.list_values.get(v, v))
            elif c.dt in DT.NUMERIC:
                parts.append(f"{float(v):.{c.scale}f}")
            elif c.dt in (DT.DATETIME,):
                parts.append(str(v)[:10])
            else:
                parts.append(str(v))
        return "_".join(parts)

    def get(self, ref_table: str, value: Any) -> str:
        known = self.tables.get(ref_table.lower()) or self.cache.tables.get(ref_table.lower()) or {}
        return known.get(value, f"<{value}>")


class Serializer:
    """Builds record objects in the plugin's order: id, uid, columns, model-name (§6.1)."""

    def __init__(self, store: Store, catalog: Catalog, options: EmulatorOptions) -> None:
        self.store = store
        self.catalog = catalog
        self.options = options
        self._plans: dict[tuple, list] = {}
        self._compiled: dict[tuple, RecordPlan] = {}
        self._numbers: dict[tuple[bool, int], dict] = {}
        self._idents = IdentifierCache(store, catalog)
        tz = options.tz
        self._datetime = None if tz in ("UTC", "Z", "") else (lambda v: format_datetime(v, tz, options.legacy))

    def identifiers(self) -> Identifiers:
        """An identifier resolver over the shared cache, with stale tables dropped first."""
        self._idents.refresh()
        return Identifiers(self.store, self.catalog, self._idents)

    def records(self, table: Table, rows: list[dict], selected: list[Column] | None = None) -> list[dict]:
        """Records of rows read with ``SELECT *`` (dicts of one query: every row has the first row's keys)."""
        if not rows:
            return []
        names = tuple(rows[0])
        return self.page(table, names, [tuple(map(r.get, names)) for r in rows], selected)

    def page(self, table: Table, names: tuple[str, ...], rows: list[tuple], selected: list[Column] | None = None,
             wire: bool = False) -> list[dict]:
        """Records of row tuples laid out as ``names``; ``wire`` records are only for ``orjson.dumps``."""
        plan = self._compiled_plan(table, names, selected, wire)
        idents = self.identifiers()
        idents.prefetch_rows(rows, plan.prefetch)
        refs = [idents._table(ref_l) for ref_l in plan.lookups]
        locations = self._locations(rows, plan.locations, idents) if plan.locations else {}
        build = plan.make(refs, locations, lambda col, v: self._lookup(col, v, idents))
        return [build(r) for r in rows]

    def _compiled_plan(self, table: Table, names: tuple[str, ...], selected: list[Column] | None,
                       wire: bool) -> RecordPlan:
        key = (table.lname, len(table.columns), tuple(c.name for c in selected) if selected else None, names, wire)
        found = self._compiled.get(key)
        if found is None:
            if len(self._compiled) > 2000:
                self._compiled.clear()
            cols = selected if selected else table.data_columns
            plan, prefetch, _ = self._plan(table, cols, not selected)
            found = self._compiled[key] = compile_plan(
                table, plan, prefetch, names, legacy=bool(self.options.legacy), wire=wire,
                number=wire_number if wire else number, datetime_text=self._datetime,
                number_memos=lambda scale: self._numbers.setdefault((wire, scale), {}))
        for memo in found.numbers:
            if len(memo) > MEMO_LIMIT:
                memo.clear()
        return found

    # plan kinds (record_plans.py compiles them into straight-line code)
    _SAME, _CALL, _LOOKUP, _LIST, _YESNO, _LOCATION = SAME, CALL, LOOKUP, LIST, YESNO, LOCATION

    def _plan(self, table: Table, cols: list[Column], every: bool) -> tuple[list[tuple], list[Column], list[Column]]:
        """Per-column (property, column, kind, a, b) plus the lookup and Location columns to prefetch,
        cached per table and column selection (``every``: all data columns, keyed without the names)."""
        key = (table.lname, len(table.columns)) if every else (table.lname, tuple(c.name for c in cols))
        found = self._plans.get(key)
        if found is None:
            plan = [(property_name(c.name, self.options.tolowercase), c, *self._kind(c))
                    for c in cols if not (c.is_key or c.is_uu or c.secure or c.is_button_string)]
            found = (plan, [c for c in cols if c.is_lookup and not c.secure], [c for c in cols if c.dt == DT.LOCATION])
            self._plans[key] = found
        return found

    def _kind(self, col: Column) -> tuple[int, Any, Any]:
        dt = col.dt
        if dt == DT.LOCATION:
            return self._LOCATION, col, None
        if col.is_lookup:
            return self._LOOKUP, col.label, col.ref_table.lower()
        if dt == DT.LIST:
            return self._LIST, col.label, col.list_values or {}
        if dt == DT.YESNO:
            return self._YESNO, None, None
        conv = self._converter(col)
        return (self._SAME, None, None) if conv is str else (self._CALL, conv, None)  # TEXT is already str

    def _converter(self, col: Column) -> Any:
        dt = col.dt
        if dt == DT.YESNO:
            return lambda v: v == "Y" or v is True
        if dt in DT.NUMERIC:
            return lambda v: number(v, col)
        if dt in (DT.INTEGER, DT.ID, DT.BUTTON):
            return int
        if dt == DT.DATETIME:
            tz, legacy = self.options.tz, self.options.legacy
            if tz in ("UTC", "Z", ""):
                return lambda v: f"{v[:10]}T{v[11:19]}Z"  # UTC: both generations print ...Z
            return lambda v: format_datetime(v, tz, legacy)
        if dt == DT.DATE:
            return lambda v: str(v)[:10]
        return str

    def value(self, col: Column, v: Any, idents: Identifiers) -> Any:
        """One column value as JSON (None = omit the property)."""
        if v is None or col.secure or col.is_button_string:
            return None
        if col.is_lookup or col.dt == DT.LOCATION:
            return self._lookup(col, v, idents)
        if col.dt == DT.LIST:
            return {"propertyLabel": col.label, "id": v, "identifier": (col.list_values or {}).get(v, v),
                    "model-name": "ad_ref_list"}
        return self._converter(col)(v)

    @staticmethod
    def _lookup(col: Column, v: Any, idents: Identifiers) -> dict:
        obj: dict[str, Any] = {"propertyLabel": col.label, "id": v}
        ident = idents.get(col.ref_table, v)
        if ident:
            obj["identifier"] = ident
        obj["model-name"] = col.ref_table.lower()
        return obj

    def _locations(self, rows: list[tuple], loc_cols: list[tuple[int, Column]], idents: Identifiers) -> dict:
        """Location objects embed every non-key C_Location column, as strings or lookups (§6.2)."""
        ids = {v for r in rows for i, _ in loc_cols if (v := r[i]) is not None}
        loc_table = self.catalog.get("C_Location")
        if not ids or loc_table is None:
            return {}
        ids_l = list(ids)
        found = self.store.query_dicts(f'SELECT * FROM C_Location WHERE C_Location_ID IN ({",".join("?" * len(ids_l))})',
                                       ids_l)
        idents.prefetch(loc_table, found, loc_table.columns)
        out = {}
        for r in found:
            obj: dict[str, Any] = {"propertyLabel": "Address", "id": r["C_Location_ID"],
                                   "identifier": idents.get("C_Location", r["C_Location_ID"]),
                                   "model-name": "c_location"}
            for c in loc_table.columns:
                v = r.get(c.name)
                if c.is_key or v is None:
                    continue
                if c.is_lookup:
                    obj[c.name] = self._lookup(c, v, idents)
                elif c.dt == DT.YESNO:
                    obj[c.name] = "true" if v == "Y" else "false"
                elif c.dt == DT.DATETIME:
                    dt = parse_stored(v).astimezone(zone(self.options.tz))
                    frac = f"{dt.microsecond // 1000:03d}".rstrip("0") or "0"
                    obj[c.name] = f"{dt:%Y-%m-%d %H:%M:%S}.{frac}"
                else:
                    obj[c.name] = str(v)
            out[r["C_Location_ID"]] = obj
        return out
