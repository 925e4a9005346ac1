"""Documents: loading a record with its child rows, serializing it, and writing it back (spec §4.2,
§4.7, §6.4). A document is a ``Doc``: stored values plus child rows per Table field, in ``idx`` order.
"""
from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dc_field

from ..errors import FrappeError
from ..serialize import converter
from .dsl import NO_VALUE, TABLE, DocType
from .registry import CHILD_STANDARD, OPTIONAL_STANDARD, STANDARD


@dataclass
class Doc:
    dt: DocType
    values: dict
    children: dict[str, list[dict]] = dc_field(default_factory=dict)
    echo: dict = dc_field(default_factory=dict)  # values as the client sent them (POST echoes those)

    @property
    def name(self):
        return self.values.get("name")

    def get(self, key, default=None):
        return self.values.get(key, default)


def lookup_name(dt: DocType, name):
    """URL name -> key value: integers for autoincrement DocTypes."""
    if dt.autoincrement:
        try:
            return int(str(name))
        except ValueError:
            return name
    return name


def load(site, dt: DocType, name, missing_ok: bool = False) -> Doc | None:
    store = site.store
    cols = site.registry.columns(dt)
    rows = store.query(f'SELECT {", ".join(f"{chr(34)}{c}{chr(34)}" for c in cols)} FROM "{dt.table}" WHERE name = ?',
                       (lookup_name(dt, name),))
    if not rows:
        if missing_ok:
            return None
        raise FrappeError("DoesNotExistError", f"{dt.name} {name} not found", traceback=False)
    doc = Doc(dt, dict(zip(cols, rows[0])))
    for tf in dt.table_fields():
        child = site.registry.find(tf.options)
        if child is None:
            continue
        ccols = site.registry.columns(child)
        crow = store.query(f'SELECT {", ".join(f"{chr(34)}{c}{chr(34)}" for c in ccols)} FROM "{child.table}" '
                           "WHERE parent = ? AND parenttype = ? AND parentfield = ? ORDER BY idx",
                           (str(doc.name), dt.name, tf.fieldname))
        doc.children[tf.fieldname] = [dict(zip(ccols, r)) for r in crow]
    return doc


def load_single(site, dt: DocType) -> Doc:
    stored = site.store.single(dt.name)
    values = {"name": dt.name, "owner": "Administrator", "modified_by": "Administrator",
              "creation": stored.get("creation"), "modified": stored.get("modified"),
              "docstatus": "0", "idx": "0"}  # Singles store text: idx comes back as "0" (Part II §2)
    for f in dt.data_fields():
        values[f.fieldname] = stored.get(f.fieldname)
    return Doc(dt, values)


def row_dict(site, dt: DocType, values: dict, no_nulls: bool, parent_fields: bool = True) -> dict:
    """One record's JSON object: standard fields, data fields, then (children) parent keys and doctype."""
    out: dict = {}
    types = {f.fieldname: f for f in dt.data_fields()}
    order = list(STANDARD) + [f.fieldname for f in dt.all_fields() if f.fieldtype not in NO_VALUE]
    for key in order:
        if key in types:
            f = types[key]
            value = values.get(key)
            conv = converter(f.fieldtype)  # Singles are cast by fieldtype too (get_singles_dict(cast=True))
            if value is not None and conv is not None:
                value = conv(value)
        elif key in STANDARD:
            value = values.get(key)
            if key in ("creation", "modified"):
                value = converter("Datetime")(value) if value else value
            elif key in ("docstatus", "idx") and not dt.issingle and value is not None:
                value = int(value)
        else:
            continue  # Table fields are added by the caller
        if value is None and no_nulls:
            continue
        out[key] = value
    for key in OPTIONAL_STANDARD:
        if values.get(key) is not None:
            out[key] = values[key]
    if dt.istable:
        for key in CHILD_STANDARD:
            if values.get(key) is not None or not no_nulls:
                out[key] = values.get(key)
    out["doctype"] = dt.name
    return out


def as_dict(site, doc: Doc, no_nulls: bool = True, echo: bool = False) -> dict:
    dt = doc.dt
    out = row_dict(site, dt, doc.values, no_nulls)
    if echo:
        for key, value in doc.echo.items():
            if key in out or not no_nulls:
                out[key] = value
    tables = {}
    for tf in dt.table_fields():
        child = site.registry.find(tf.options)
        if child is None:
            continue
        tables[tf.fieldname] = [row_dict(site, child, r, no_nulls) for r in doc.children.get(tf.fieldname, [])]
    if not tables:
        return out
    # Table fields sit in field order, before "doctype"
    final: dict = {}
    pending = dict(tables)
    field_order = [f.fieldname for f in dt.all_fields()]
    for key, value in out.items():
        if key == "doctype":
            final.update(pending)
            pending = {}
        elif key in field_order:
            idx = field_order.index(key)
            for tname in [t for t in pending if field_order.index(t) < idx]:
                final[tname] = pending.pop(tname)
        final[key] = value
    return final


def insert_row(site, dt: DocType, values: dict) -> None:
    cols = [c for c in site.registry.columns(dt) if c in values]
    site.store.execute(f'INSERT INTO "{dt.table}" ({", ".join(f"{chr(34)}{c}{chr(34)}" for c in cols)}) '
                       f'VALUES ({", ".join("?" * len(cols))})', [values[c] for c in cols])


def update_row(site, dt: DocType, values: dict) -> None:
    cols = [c for c in site.registry.columns(dt) if c in values and c != "name"]
    site.store.execute(f'UPDATE "{dt.table}" SET {", ".join(f"{chr(34)}{c}{chr(34)} = ?" for c in cols)} '
                       "WHERE name = ?", [values[c] for c in cols] + [values["name"]])


def set_on_child_rows(site, dt: DocType, parent, column: str, value) -> None:
    """Set ``column`` (``parent`` on a rename, ``modified`` on a touch) on the child rows of ``dt``'s document
    ``parent``, in every child table its Table fields name."""
    for tf in dt.table_fields():
        child = site.registry.find(tf.options)
        if child is not None:
            site.store.execute(f'UPDATE "{child.table}" SET "{column}" = ? WHERE parent = ? AND parenttype = ?',
                               (value, str(parent), dt.name))


def child_fields(dt: DocType) -> list:
    return [f for f in dt.all_fields() if f.fieldtype in TABLE]
