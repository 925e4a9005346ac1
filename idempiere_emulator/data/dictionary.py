"""``--dictionary PATH``: serve every table of a dictionary.json (format of ../shared/idempiere/README.md).

Tables already built in keep their hand-written definitions; every other table is created from the
file, empty or with ``--dictionary-rows`` generated rows, so discovery can be tested at scale.
"""
from __future__ import annotations

import json
import random
import re
from typing import Any

from erp_emulator.clock import epoch_text

from ..catalog import DT, Catalog, Column, Table, builtin_catalog
from ..catalog.dsl import _standard_columns
from ..catalog.elements import label_for
from .dataset import fast_uuid
from .store import Store

_DEFAULTS = {"@#AD_Org_ID@": "@Org@", "@#AD_Client_ID@": "@Client@", "@#Date@": "@Date@",
             "@#AD_User_ID@": "@User@", "@#M_Warehouse_ID@": "@Warehouse@"}
_BUTTONS = {"DocAction", "Posted", "Processing"}


def _column(c: dict, known: set[str]) -> Column:
    """One dictionary column -> Column (display type inferred from ``kind``; README 'Limits')."""
    name, kind = c["name"], c.get("kind")
    ref = c.get("fk_table") or c.get("fk_table_guess")
    if name in _BUTTONS:
        dt = DT.BUTTON
    elif kind == "fk":
        dt = DT.TABLE if ref and ref.lower() in known else DT.INTEGER
    elif kind == "key":
        dt = DT.ID
    elif kind == "list":
        dt = DT.LIST
    elif kind == "yesno":
        dt = DT.YESNO
    elif kind == "amount":
        dt = DT.QUANTITY if name.startswith("Qty") else DT.AMOUNT
    elif kind == "integer":
        dt = DT.INTEGER
    elif kind == "datetime":
        dt = DT.DATE if c.get("date_only_guess") else DT.DATETIME
    elif kind == "binary":
        dt = DT.BINARY
    else:
        dt = DT.STRING
    raw = (c.get("default_logic") or "").strip()
    # context variables we can resolve; plain literals as they are; @SQL=... and other logic are dropped
    default = _DEFAULTS.get(raw) or (raw if raw and "@" not in raw and "'" not in raw else None)
    return Column(name=name, dt=dt, label=c.get("description") or label_for(name),
                  ref_table=ref if dt == DT.TABLE else None, list_values=c.get("list_values") if dt in (
                      DT.LIST, DT.BUTTON) else None, mandatory=bool(c.get("mandatory")),
                  updateable=bool(c.get("updateable", True)), default=default,
                  scale=0 if dt == DT.QUANTITY else 2, description=c.get("long_description") or "",
                  is_key=kind == "key", is_uu=kind == "uu", secure=bool(c.get("encrypted")))


def table_from_dictionary(t: dict, known: set[str]) -> Table:
    name = t["table_name"]
    std = {c.name: c for c in _standard_columns()}
    cols: list[Column] = []
    seen: set[str] = set()
    keys = list(t.get("key_columns") or [])
    for c in t.get("columns", []):
        if c["name"].lower() in seen:
            continue
        seen.add(c["name"].lower())
        col = std[c["name"]] if c.get("standard") and c["name"] in std else _column(c, known)
        if t.get("key_style") == "uuid" and col.is_uu:
            col.is_key = True
        if col.name in keys and not col.is_uu:
            col.updateable = False
        cols.append(col)
    cols.sort(key=lambda col: (not col.is_key, col.is_uu))  # key first, _UU last, rest in file order
    label = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name.split("_", 1)[-1]).replace("_", " ")
    ident = t.get("identifier_column")
    return Table(name=name, table_id=int(t["table_id"]), label=label, columns=cols, key_columns=keys,
                 uu_column=t.get("uu_column"), identifiers=[ident] if ident else [],
                 description=label, access_level=int(t.get("access_level") or 3),
                 uid=f"{int(t['table_id']):08x}-0000-4000-8000-{int(t['table_id']):012x}")


def load_dictionary(catalog: Catalog, path: str) -> list[Table]:
    """Add every table of the file that the catalog does not define yet; returns the added tables."""
    with open(path, encoding="utf-8") as fh:
        data = json.load(fh)
    tables = data["tables"] if isinstance(data, dict) else data
    known = {t["table_name"].lower() for t in tables} | {t.lname for t in catalog.tables()}
    added = []
    for t in tables:
        if t["table_name"] in catalog:
            continue
        table = table_from_dictionary(t, known)
        catalog.add(table)
        added.append(table)
    return added


def _value(col: Column, i: int, table: Table, rng: random.Random) -> Any:
    if col.is_uu:
        return fast_uuid(rng)
    if col.dt == DT.YESNO:
        return "Y" if i % 2 == 0 else "N"
    if col.dt == DT.LIST:
        values = list(col.list_values or {"?": "?"})
        return values[i % len(values)]
    if col.dt == DT.TABLE:
        return None if not col.mandatory else 100
    if col.dt in (DT.INTEGER, DT.ID):
        return i
    if col.dt in DT.NUMERIC:
        return round(i * 1.25, 2)
    if col.dt == DT.DATE:
        return f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}"
    if col.dt == DT.DATETIME:
        return epoch_text(1704067200 + i * 3607, (i * 37) % 1000)
    if col.dt == DT.BUTTON:
        return None
    return f"{col.name} {i}"


def seed_dictionary_rows(store: Store, catalog: Catalog, rows: int, seed: int) -> None:
    """``rows`` generated rows for every table that came from the dictionary (built-ins untouched)."""
    builtin = {t.lname for t in builtin_catalog().tables()}
    rng = random.Random(seed)
    for table in catalog.tables():
        if table.lname in builtin:
            continue
        out = []
        for i in range(1, rows + 1):
            row = {c.name: _value(c, i, table, rng) for c in table.columns}
            row.update({"AD_Client_ID": 11, "AD_Org_ID": 0, "IsActive": "Y" if i % 10 else "N",
                        "CreatedBy": 100, "UpdatedBy": 100,
                        "Created": epoch_text(1704067200 + i * 60, i % 1000),
                        "Updated": epoch_text(1704067200 + i * 90, (i * 7) % 1000)})
            if table.key:
                row[table.key] = 1000 + i
            out.append(row)
        if not out:
            continue
        cols = [c.name for c in table.columns if c.name in out[0]]
        store.insert_many(table.name, cols, [[r[c] for c in cols] for r in out])
