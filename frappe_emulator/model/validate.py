"""``Document._validate`` checks in Frappe's order: links (case-corrected), mandatory, selects and
length, unique columns, duplicate names (spec §8.2, §8.5, §3.1; Part II §3 "417 examples", "409").
"""
from __future__ import annotations

from ..errors import FrappeError
from .coerce import check_value
from .documents import Doc
from .dsl import TABLE


def validate_links(site, doc: Doc) -> None:
    _links_of(site, doc.dt, doc.values)
    for tf, rows in doc.children.items():
        child = site.registry.find(doc.dt.get(tf).options)
        for row in rows:
            _links_of(site, child, row)


def _links_of(site, dt, values: dict) -> None:
    for f in dt.data_fields():
        value = values.get(f.fieldname)
        if value in (None, ""):
            continue
        target_name = f.options
        if f.fieldtype == "Dynamic Link":
            target_name = values.get(f.options)
            if not target_name:
                raise FrappeError("ValidationError", f"{f.options} must be set first")
        elif f.fieldtype != "Link":
            continue
        target = site.registry.find(target_name or "")
        if target is None or target.issingle:
            continue  # a DocType this demo site does not serve: not validated
        if target.name == "DocType":
            if site.registry.find(str(value)) is None:
                raise FrappeError("LinkValidationError", f"Could not find {f.title}: {value}")
            continue
        key = int(value) if target.autoincrement and str(value).isdigit() else value
        row = site.store.query(f'SELECT name, docstatus FROM "{target.table}" WHERE name = ?', (key,))
        if not row:
            raise FrappeError("LinkValidationError", f"Could not find {f.title}: {value}")
        if row[0][1] == 2 and f.fieldname != "amended_from":
            raise FrappeError("CancelledLinkError", f"Cannot link cancelled document: {f.title}: {value}")
        values[f.fieldname] = row[0][0] if not target.autoincrement else str(row[0][0])


def validate_mandatory(site, doc: Doc) -> None:
    missing: list[tuple[str, str]] = []
    dt = doc.dt
    for f in dt.all_fields():
        if not f.reqd:
            continue
        if f.fieldtype in TABLE:
            if not doc.children.get(f.fieldname):
                missing.append((f.fieldname, f"Error: Data missing in table: {f.title}"))
        elif doc.values.get(f.fieldname) in (None, "") and f.fieldtype not in ("Check", "Int", "Float",
                                                                              "Currency", "Percent"):
            missing.append((f.fieldname, f"Error: Value missing for {dt.name}: {f.title}"))
    for tf, rows in doc.children.items():
        child = site.registry.find(dt.get(tf).options)
        for row in rows:
            for f in child.all_fields():
                if f.reqd and f.fieldtype not in TABLE and row.get(f.fieldname) in (None, "") and \
                        f.fieldtype not in ("Check", "Int", "Float", "Currency", "Percent"):
                    missing.append((f.fieldname, f"Error: <strong>{child.name}</strong> Row #{row.get('idx')}: "
                                    f"Value missing for: {f.title}"))
    if missing:
        messages = [{"message": m, "title": "Message"} for _, m in missing]
        raise FrappeError("MandatoryError", f"[{dt.name}, {doc.name}]: {', '.join(f for f, _ in missing)}",
                          messages=messages)


def validate_values(site, doc: Doc) -> None:
    for f in doc.dt.data_fields():
        check_value(doc.dt.name, f, doc.values.get(f.fieldname))
    for tf, rows in doc.children.items():
        child = site.registry.find(doc.dt.get(tf).options)
        for row in rows:
            for f in child.data_fields():
                check_value(child.name, f, row.get(f.fieldname))


def validate_unique(site, doc: Doc, is_new: bool) -> None:
    dt = doc.dt
    if is_new and site.store.query(f'SELECT 1 FROM "{dt.table}" WHERE name = ?', (doc.name,)):
        raise FrappeError("DuplicateEntryError", f"{dt.name} <strong>{doc.name}</strong> already exists",
                          title="Duplicate Name", extra={"_exc_args": (dt.name, doc.name)})
    for f in dt.data_fields():
        value = doc.values.get(f.fieldname)
        if not f.unique or value in (None, ""):
            continue
        clash = site.store.query(f'SELECT 1 FROM "{dt.table}" WHERE "{f.fieldname}" = ? AND name != ?',
                                 (value, doc.name))
        if clash:
            raise FrappeError("UniqueValidationError", f"{f.title} must be unique",
                              messages=[{"message": f"{f.title} must be unique", "title": "Message"}])
