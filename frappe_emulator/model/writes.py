"""Insert, save (PUT), submit/cancel, delete and rename (spec §4.3-§4.6, §7.2, §7.6, §8; Part II §7, §8).

Every save stamps ``modified``/``modified_by`` on the parent and all its rows with one clock value; PUT
replaces a whole child table when its key is present, rebuilding each kept row from the payload plus
defaults; ``modified`` in a body is an optimistic lock compared as a string.
"""
from __future__ import annotations

import json

from ..errors import FrappeError
from . import controllers
from .coerce import to_stored
from .documents import Doc, as_dict, insert_row, load, set_on_child_rows, update_row
from .dsl import NO_VALUE, NUMERIC, TABLE, DocType
from .naming import hash_name
from .registry import STANDARD
from .validate import (
    validate_links,
    validate_mandatory,
    validate_unique,
    validate_values,
)

IGNORED_KEYS = set(STANDARD) | {"doctype", "flags", "meta", "parent_doc", "__newname", "__islocal", "__unsaved",
                                "_user_tags", "_comments", "_assign", "_liked_by"}
_DOCSTATUS = {0: "Draft", 1: "Submitted", 2: "Cancelled"}


def defaults(site, dt: DocType) -> dict:
    out = {}
    for f in dt.data_fields():
        d = f.default
        if d is None and f.fieldtype == "Select" and f.reqd and f.options:
            out[f.fieldname] = next((o for o in f.options.split("\n") if o), None)  # first option (create_new)
        elif d is None:
            out[f.fieldname] = 0 if f.fieldtype in NUMERIC else None
        elif d == "Today":
            out[f.fieldname] = site.clock.today()
        else:
            out[f.fieldname] = to_stored(f, d)
    return out


def apply_values(site, dt: DocType, target: dict, body: dict, echo: dict | None = None) -> None:
    """Copy the body's known data fields (coerced); unknown keys are silently ignored (spec §8.1)."""
    for key, value in body.items():
        f = dt.get(key)
        if f is None or f.fieldtype in TABLE or f.fieldtype in NO_VALUE or key in IGNORED_KEYS:
            continue
        target[key] = to_stored(f, value)
        if echo is not None and f.fieldtype in ("Date", "Datetime", "Time") and isinstance(value, str) and value:
            echo[key] = value


def build_children(site, dt: DocType, body: dict, doc: Doc, existing: dict[str, list[dict]] | None) -> set:
    """Rows of every Table key in ``body``; returns the table fieldnames that were replaced."""
    replaced = set()
    major = site.options.major
    for tf in dt.table_fields():
        if tf.fieldname not in body:
            continue
        rows_in = body[tf.fieldname] or []
        if not isinstance(rows_in, list):
            raise FrappeError("ValidationError", f"Value for {tf.title} must be a list")
        child = site.registry.get(tf.options)
        stored = {str(r["name"]): r for r in (existing or {}).get(tf.fieldname, [])}
        rows = []
        for i, raw in enumerate(rows_in, start=1):
            raw = raw if isinstance(raw, dict) else {}
            row = defaults(site, child)
            apply_values(site, child, row, raw)
            old = stored.get(str(raw.get("name"))) if existing is not None and raw.get("name") else None
            if old is not None:
                row["name"] = old["name"]
                row["creation"] = old["creation"]
                row["owner"] = old["owner"]
                row["_state"] = "keep"
            elif existing is not None and raw.get("name"):
                row["name"] = raw["name"]
                row["_state"] = "ghost"  # an unknown name: echoed, never stored (Part II §7)
            else:
                row["name"] = hash_name(major)
                row["_state"] = "new"
            row.update(parent=doc.name, parenttype=dt.name, parentfield=tf.fieldname, idx=i, docstatus=doc.get("docstatus", 0))
            rows.append(row)
        doc.children[tf.fieldname] = rows
        replaced.add(tf.fieldname)
    return replaced


class Writer:
    def __init__(self, site):
        self.site = site

    # ---- insert -------------------------------------------------------------------------------
    def insert(self, user, doctype: str, body: dict, honour_name: bool = False, check_perms: bool = True,
               modified: str | None = None) -> Doc:
        site = self.site
        dt = site.registry.get(doctype)
        docstatus = int(body.get("docstatus") or 0)
        if check_perms:
            site.perms.check(user, dt.name, "create")
            if docstatus == 1:
                site.perms.check(user, dt.name, "submit")
        if docstatus not in (0, 1):
            raise FrappeError("DocstatusTransitionError", f"Cannot change docstatus from 0 (Draft) to {docstatus} "
                              f"({_DOCSTATUS.get(docstatus, docstatus)})")
        if dt.name == "User" and not body.get("email"):  # the controller fails before validation (Part II §3)
            raise FrappeError("AttributeError", "'NoneType' object has no attribute 'strip'", module="builtins")
        values = defaults(site, dt)
        echo: dict = {}
        apply_values(site, dt, values, body, echo)
        if dt.istable:
            for key in ("parent", "parenttype", "parentfield"):
                values[key] = body.get(key)
        values["docstatus"] = docstatus
        doc = Doc(dt, values, echo=echo)
        if dt.name in ("Customer", "Sales Order", "Sales Invoice"):
            controllers.before_validate(site, doc)  # fetches run before links/naming (customer_name)
        if dt.issingle:
            raise FrappeError("ValidationError", f"{dt.name} is a Single DocType")
        if dt.name == "Custom Field" and not values.get("fieldname") and values.get("label"):
            scrubbed = "".join(ch if ch.isalnum() else "_" for ch in str(values["label"]).strip().lower())
            values["fieldname"] = scrubbed if site.options.major == 14 else "custom_" + scrubbed
        name = site.namer.new_name(dt, values, body.get("name"), honour_name or dt.autoname == "Prompt")
        values["name"] = name
        build_children(site, dt, body, doc, None)
        _validate(site, doc, is_new=True)
        now = modified or site.clock.now_text()
        values.update(owner=user.name, modified_by=user.name, creation=now, modified=now, idx=0)
        self._stamp_children(doc, now, user.name, creation=now)
        if dt.autoincrement and isinstance(name, int):
            site.namer.bump_autoincrement(dt, name)
        insert_row(site, dt, values)
        self._write_children(doc, set(doc.children), fresh=True)
        if dt.name == "Custom Field":
            site.add_custom_field(values)
        return doc

    # ---- save (PUT) ------------------------------------------------------------------------------
    def save(self, user, doctype: str, name, body: dict, check_perms: bool = True) -> Doc:
        site = self.site
        dt = site.registry.get(doctype)
        if check_perms:
            site.perms.check(user, dt.name, "write", name)
        doc = load(site, dt, name)
        if check_perms:
            site.perms.check_row(user, dt.name, doc.name)
        body = {k: v for k, v in body.items() if k != "flags"}
        if "name" in body and str(body["name"]) != str(doc.name):
            other = load(site, dt, body["name"])
            if other.get("modified") != doc.get("modified"):
                raise self._mismatch(other, doc.get("modified"))
            raise FrappeError("CannotChangeConstantError", "Value cannot be changed for <strong>Created On</strong>")
        if "modified" in body:
            sent = body["modified"]
            stored = _fmt(doc.get("modified"))
            if sent is None or str(sent) != stored:
                raise self._mismatch(doc, sent)
        old_status = int(doc.get("docstatus") or 0)
        new_status = int(body.get("docstatus", old_status) or 0)
        self._check_transition(dt, old_status, new_status)
        if check_perms and new_status != old_status:
            site.perms.check(user, dt.name, "submit" if new_status == 1 else "cancel", name)
        before = {k: v for k, v in doc.values.items()}
        before_children = {k: list(v) for k, v in doc.children.items()}
        apply_values(site, dt, doc.values, body)
        for f in dt.data_fields():
            if f.set_only_once and before.get(f.fieldname) not in (None, "") and \
                    doc.values.get(f.fieldname) != before.get(f.fieldname):
                raise FrappeError("CannotChangeConstantError", f"Value cannot be changed for {f.title}")
        replaced = build_children(site, dt, body, doc, before_children)
        if new_status == 2 and old_status == 1:
            self._check_links(dt, doc, submitted_only=True)
        doc.values["docstatus"] = new_status
        if old_status == 1 and new_status == 1:
            self._check_after_submit(doc, before, before_children, replaced)
        return self._save(user, doc, replaced)

    def set_docstatus(self, user, doctype: str, name, new_status: int) -> Doc:
        """run_method=submit|cancel and frappe.client.submit/cancel."""
        site = self.site
        dt = site.registry.get(doctype)
        site.perms.check(user, dt.name, "submit" if new_status == 1 else "cancel", name)
        doc = load(site, dt, name)
        old = int(doc.get("docstatus") or 0)
        if not dt.is_submittable:
            raise FrappeError("ValidationError", f"Cannot edit standard fields: {dt.name} is not submittable")
        self._check_transition(dt, old, new_status)
        if new_status == 2:
            self._check_links(dt, doc, submitted_only=True)
        doc.values["docstatus"] = new_status
        return self._save(user, doc, set())

    def _save(self, user, doc: Doc, replaced: set) -> Doc:
        site = self.site
        _validate(site, doc, is_new=False)
        now = site.clock.now_text()
        doc.values.update(modified=now, modified_by=user.name)
        self._stamp_children(doc, now, user.name, creation=doc.get("creation"))
        update_row(site, doc.dt, doc.values)
        self._write_children(doc, replaced, fresh=False)
        return doc

    def _check_transition(self, dt: DocType, old: int, new: int) -> None:
        if old == 2:
            raise FrappeError("ValidationError", "Cannot edit cancelled document")
        if (old, new) in ((1, 0), (0, 2)) or new not in (0, 1, 2):
            raise FrappeError("DocstatusTransitionError", f"Cannot change docstatus from {old} "
                              f"({_DOCSTATUS[old]}) to {new} ({_DOCSTATUS.get(new, new)})")
        if new and not dt.is_submittable:
            raise FrappeError("ValidationError", f"{dt.name} is not submittable")

    def _check_after_submit(self, doc: Doc, before: dict, before_children: dict, replaced: set) -> None:
        for f in doc.dt.data_fields():
            if f.allow_on_submit or f.fieldname in ("status",):
                continue
            if doc.values.get(f.fieldname) != before.get(f.fieldname):
                raise FrappeError("UpdateAfterSubmitError", f"Not allowed to change {f.title} after submission from "
                                  f"{before.get(f.fieldname)} to {doc.values.get(f.fieldname)}",
                                  title="Cannot Update After Submit")
        for tf in replaced:
            f = doc.dt.get(tf)
            if f.allow_on_submit:
                continue
            old_rows, new_rows = before_children.get(tf, []), doc.children.get(tf, [])
            if len(old_rows) != len(new_rows):
                raise FrappeError("UpdateAfterSubmitError", f"Not allowed to change {f.title} after submission from "
                                  f"{len(old_rows)} to {len(new_rows)}", title="Cannot Update After Submit")
            child = self.site.registry.get(f.options)
            for old, new in zip(old_rows, new_rows):
                for cf in child.data_fields():
                    if not cf.allow_on_submit and old.get(cf.fieldname) != new.get(cf.fieldname):
                        raise FrappeError("UpdateAfterSubmitError", f"Not allowed to change {cf.title} in row "
                                          f"{new.get('idx')} after submission from {old.get(cf.fieldname)} to "
                                          f"{new.get(cf.fieldname)}", title="Cannot Update After Submit")

    def _mismatch(self, doc: Doc, sent) -> FrappeError:
        stored = _fmt(doc.get("modified"))
        if self.site.options.major >= 16:
            text = (f"Error: {doc.name} ({doc.dt.name}) has been modified after you have opened it ({stored}, {sent})."
                    " Please refresh to get the latest document.")
        else:
            text = (f"Error: Document has been modified after you have opened it ({stored}, {sent}). "
                    "Please refresh to get the latest document.")
        return FrappeError("TimestampMismatchError", text)

    def _stamp_children(self, doc: Doc, now: str, user: str, creation: str) -> None:
        for rows in doc.children.values():
            for row in rows:
                row.update(modified=now, modified_by=user, docstatus=doc.get("docstatus", 0), parent=doc.name)
                row.setdefault("owner", user)
                row.setdefault("creation", creation)

    def _write_children(self, doc: Doc, tables: set, fresh: bool) -> None:
        site = self.site
        for tf in doc.dt.table_fields():
            child = site.registry.find(tf.options)
            if child is None:
                continue
            rows = doc.children.get(tf.fieldname, [])
            if tf.fieldname in tables and not fresh:
                site.store.execute(f'DELETE FROM "{child.table}" WHERE parent = ? AND parenttype = ? AND parentfield = ?',
                                   (str(doc.name), doc.dt.name, tf.fieldname))
            for row in rows:
                state = row.pop("_state", "keep")
                if tf.fieldname in tables and state != "ghost":
                    insert_row(site, child, row)
                elif tf.fieldname not in tables:
                    update_row(site, child, row)
                row["_state"] = state
            for row in rows:
                row.pop("_state", None)

    # ---- delete ---------------------------------------------------------------------------------
    def delete(self, user, doctype: str, name, check_perms: bool = True, deleted_document: bool = True) -> None:
        site = self.site
        dt = site.registry.get(doctype)
        if check_perms:
            site.perms.check(user, dt.name, "delete", name)
        doc = load(site, dt, name, missing_ok=True)
        if doc is None:
            raise FrappeError("DoesNotExistError", None, traceback=False, messages=[])
        if check_perms:
            site.perms.check_row(user, dt.name, doc.name)
        if int(doc.get("docstatus") or 0) == 1:
            raise FrappeError("ValidationError", "Submitted Record cannot be deleted. You must <a href='/app/"
                              f"{dt.name.lower().replace(' ', '-')}/{doc.name}'> Cancel </a> it first.")
        self._check_links(dt, doc)
        if deleted_document and dt.name != "Deleted Document":
            self.deleted_document(user, doc)
        site.store.execute(f'DELETE FROM "{dt.table}" WHERE name = ?', (doc.name,))
        for tf in dt.table_fields():
            child = site.registry.find(tf.options)
            if child is not None:
                site.store.execute(f'DELETE FROM "{child.table}" WHERE parent = ? AND parenttype = ?',
                                   (str(doc.name), dt.name))

    def deleted_document(self, user, doc: Doc) -> None:
        site = self.site
        now = site.clock.now_text()
        data = json.dumps(as_dict(site, doc, no_nulls=False), indent=1, sort_keys=False, default=str)
        dd = site.registry.get("Deleted Document")
        insert_row(site, dd, {"name": hash_name(site.options.major), "owner": user.name, "modified_by": user.name,
                              "creation": now, "modified": now, "docstatus": 0, "idx": 0,
                              "deleted_name": str(doc.name), "deleted_doctype": doc.dt.name, "restored": 0,
                              "data": data})

    def _check_links(self, dt: DocType, doc: Doc, submitted_only: bool = False) -> None:
        """Delete: any Link to the document blocks it; cancel: only Links from submitted documents do."""
        site = self.site
        for other in site.registry.doctypes.values():
            if other.issingle or other.name in ("Deleted Document", "Comment"):
                continue
            for f in other.data_fields():
                if f.fieldtype != "Link" or f.options != dt.name:
                    continue
                if other.name == dt.name and f.fieldname != "amended_from":
                    continue
                cols = "parent, parenttype" if other.istable else "name, NULL"
                extra = " AND docstatus = 1" if submitted_only else ""
                row = site.store.query(f'SELECT {cols} FROM "{other.table}" WHERE "{f.fieldname}" = ?{extra} LIMIT 1',
                                       (str(doc.name),))
                if row:
                    linked_dt = row[0][1] or other.name
                    raise FrappeError("LinkExistsError", f"Cannot delete or cancel because {dt.name} <a href=\"/app/"
                                      f"{_slug(dt.name)}/{doc.name}\">{doc.name}</a> is linked with {linked_dt} "
                                      f"<a href=\"/app/{_slug(linked_dt)}/{row[0][0]}\">{row[0][0]}</a>")

    # ---- rename ---------------------------------------------------------------------------------
    def rename(self, user, doctype: str, old, new, merge: bool = False) -> str:
        """A raw UPDATE of name: ``modified`` untouched, Links follow, a Comment records it (spec §7.2)."""
        site = self.site
        dt = site.registry.get(doctype)
        site.perms.check(user, dt.name, "write", old)
        doc = load(site, dt, old)
        new = str(new).strip()
        if load(site, dt, new, missing_ok=True) is not None and str(new).lower() != str(doc.name).lower():
            raise FrappeError("ValidationError", f"Another {dt.name} with name <strong>{new}</strong> exists, select "
                              "another name")
        old_name = doc.name
        site.store.execute(f'UPDATE "{dt.table}" SET name = ? WHERE name = ?', (new, old_name))
        set_on_child_rows(site, dt, old_name, "parent", new)
        for other in site.registry.doctypes.values():
            if other.issingle:
                continue
            for f in other.data_fields():
                if f.fieldtype == "Link" and f.options == dt.name:
                    site.store.execute(f'UPDATE "{other.table}" SET "{f.fieldname}" = ? WHERE "{f.fieldname}" = ?',
                                       (new, str(old_name)))
        now = site.clock.now_text()
        insert_row(site, site.registry.get("Comment"), {
            "name": hash_name(site.options.major), "owner": user.name, "modified_by": user.name, "creation": now,
            "modified": now, "docstatus": 0, "idx": 0, "comment_type": "Edit", "comment_email": user.name,
            "reference_doctype": dt.name, "reference_name": new,
            "content": f"renamed from <strong>{old_name}</strong> to <strong>{new}</strong>", "published": 0,
            "seen": 0})
        return new


def _validate(site, doc: Doc, *, is_new: bool) -> None:
    """The checks of every save, insert or update, in Frappe's order: password hashing, Links, the DocType's
    before_validate hooks (fetches), mandatory fields, field values, unique fields."""
    controllers.user_password(site, doc)
    validate_links(site, doc)
    controllers.before_validate(site, doc)
    validate_mandatory(site, doc)
    validate_values(site, doc)
    validate_unique(site, doc, is_new=is_new)


def _fmt(text: str | None) -> str | None:
    return text[:-7] if text and text.endswith(".000000") else text


def _slug(name: str) -> str:
    return name.lower().replace(" ", "-")
