"""Whitelisted RPC methods under ``/api/method/`` and ``/api/v2/method/`` (spec §4.8, §10; Part II §2, §9).

Each entry: (function, allowed verbs, guest allowed). A Guest calling a non-guest method gets 403 "not
whitelisted"; a disallowed verb gets 403 "Not permitted"; an unknown dotted path is 417.
"""
from __future__ import annotations

import json
import traceback

from ..errors import FrappeError
from ..model.documents import Doc, as_dict, load
from .request import Ctx, json_arg
from .resource import list_args, read_doc

ANY = ("GET", "POST", "PUT", "DELETE", "PATCH")
WRITE = ("POST", "PUT")
VERSIONS = {"14": "14.93.1", "15": "15.54.1", "16": "16.4.1", "dev": "16.0.0-dev"}


class Methods:
    def __init__(self, site, meta):
        self.site = site
        self.meta = meta  # http.meta.Meta: getdoctype payloads
        self.table = {
            "ping": (lambda ctx: "pong", ANY, True),
            "login": (lambda ctx: None, ANY, True),  # v2's login route is a no-op without cmd=login (spec §2.4)
            "logout": (self.logout, ANY, True),
            "frappe.auth.get_logged_user": (lambda ctx: ctx.user.name, ANY, False),
            "frappe.client.get_time_zone": (self.get_time_zone, ANY, True),
            "frappe.client.get_count": (self.get_count, ANY, False),
            "frappe.desk.reportview.get_count": (self.get_count, ANY, False),
            "frappe.client.get_list": (self.get_list, ANY, False),
            "frappe.client.get": (self.get, ANY, False),
            "frappe.client.get_value": (self.get_value, ANY, False),
            "frappe.client.insert": (self.insert, WRITE, False),
            "frappe.client.insert_many": (self.insert_many, WRITE, False),
            "frappe.client.save": (self.save, WRITE, False),
            "frappe.client.submit": (self.submit, WRITE, False),
            "frappe.client.cancel": (self.cancel, WRITE, False),
            "frappe.client.delete": (self.delete, ("POST", "PUT", "DELETE"), False),
            "frappe.client.set_value": (self.set_value, WRITE, False),
            "frappe.client.rename_doc": (self.rename_doc, WRITE, False),
            "frappe.client.bulk_update": (self.bulk_update, WRITE, False),
            "frappe.desk.form.load.getdoctype": (self.getdoctype, ANY, False),
            "frappe.utils.change_log.get_versions": (self.get_versions, ANY, False),
            "frappe.core.doctype.user.user.generate_keys": (self.generate_keys, WRITE, False),
        }

    def call(self, ctx: Ctx, cmd: str):
        entry = self.table.get(cmd)
        if entry is None:
            if ctx.v2:
                raise FrappeError("AppNotInstalledError", f"App {cmd.split('.')[0]} is not installed")
            raise FrappeError("ValidationError", f"Failed to get method for command {cmd} with No module named "
                              f"'{cmd.rsplit('.', 1)[0]}'")
        fn, verbs, guest = entry
        if ctx.user.is_guest and not guest:
            raise FrappeError("PermissionError", "You are not permitted to access this resource. Login to access "
                              f"<br><br>Function <strong>{cmd}</strong> is not whitelisted.", title="Method Not Allowed")
        if ctx.method not in verbs:
            raise FrappeError("PermissionError", "Not permitted", title="Method Not Allowed")
        return fn(ctx)

    # ---- reads -------------------------------------------------------------------------------
    def get_time_zone(self, ctx: Ctx):
        """The caller's own ``time_zone`` default, falling back to the global one (Part II §2)."""
        return {"time_zone": ctx.user.time_zone or self.site.time_zone()}

    def get_count(self, ctx: Ctx):
        f = ctx.form
        check = self.site.options.major >= 16
        n = self.site.lists.count(ctx.user, _need(f, "doctype"), json_arg(f.get("filters"), "filters"),
                                  json_arg(f.get("or_filters"), "or_filters"), check_perms=check)
        limit = f.get("limit")
        return min(n, int(limit)) if limit not in (None, "") and str(limit).isdigit() and int(limit) > 0 else n

    def get_list(self, ctx: Ctx):
        f = ctx.form
        return self.site.lists.get_list(ctx.user, list_args(self.site, f, _need(f, "doctype"), alias_limit=False))

    def get(self, ctx: Ctx):
        f = ctx.form
        doctype = _need(f, "doctype")
        name = f.get("name")
        if not name and f.get("filters"):
            rows = self.site.lists.get_list(ctx.user, list_args(self.site, {"filters": f["filters"],
                                                                             "limit_page_length": 1}, doctype))
            if not rows:
                raise FrappeError("DoesNotExistError", f"{doctype} not found", traceback=False)
            name = rows[0]["name"]
        return read_doc(self.site, ctx, doctype, name, no_nulls=False)

    def get_value(self, ctx: Ctx):
        f = ctx.form
        fieldname = json_arg(f.get("fieldname"), "fieldname", "name") if str(f.get("fieldname", "")).startswith("[") \
            else (f.get("fieldname") or "name")
        fields = fieldname if isinstance(fieldname, list) else [fieldname]
        raw = f.get("filters")
        try:
            filters = json_arg(raw, "filters")
        except FrappeError:
            filters = raw  # a bare name
        if isinstance(filters, (str, int)) or filters is None:
            filters = {"name": raw}
        rows = self.site.lists.get_list(ctx.user, list_args(self.site, {"fields": fields, "filters": filters,
                                                                         "limit_page_length": 1}, _need(f, "doctype")))
        return rows[0] if rows else None

    def getdoctype(self, ctx: Ctx):
        doctype = _need(ctx.form, "doctype")
        ctx.extra["docs"] = self.meta.form_metas(doctype)
        ctx.extra["user_settings"] = {} if self.site.options.major >= 16 else "{}"

    def get_versions(self, ctx: Ctx):
        v = VERSIONS[self.site.options.version]
        branch = "develop" if self.site.options.version == "dev" else f"version-{self.site.options.version}"
        return {"frappe": {"title": "Frappe Framework", "description": "Low Code Web Framework", "branch": branch,
                           "version": v},
                "erpnext": {"title": "ERPNext", "description": "ERP made simple", "branch": branch, "version": v}}

    # ---- writes ------------------------------------------------------------------------------
    def insert(self, ctx: Ctx):
        doc = _doc_arg(ctx.form.get("doc"))
        return as_dict(self.site, self._insert_one(ctx, doc), no_nulls=False)

    def _insert_one(self, ctx: Ctx, doc: dict):
        site = self.site
        doctype = _need(doc, "doctype")
        dt = site.registry.get(doctype)
        if dt.istable and doc.get("parent") and doc.get("parenttype"):
            # a child row appends to its parent and saves the parent (spec §8.3)
            parent = load(site, site.registry.get(doc["parenttype"]), doc["parent"])
            rows = [dict(r) for r in parent.children.get(doc.get("parentfield"), [])] + [doc]
            saved = site.writer.save(ctx.user, doc["parenttype"], doc["parent"], {doc["parentfield"]: rows})
            return Doc(dt, saved.children[doc["parentfield"]][-1])
        return site.writer.insert(ctx.user, doctype, doc)

    def insert_many(self, ctx: Ctx):
        docs = _doc_arg(ctx.form.get("docs"))
        if not isinstance(docs, list):
            raise FrappeError("ValidationError", "docs must be a list")
        if len(docs) > 200:
            raise FrappeError("ValidationError", "Only 200 inserts allowed in one request")
        with self.site.store.transaction():  # all or nothing (spec §10)
            return [self._insert_one(ctx, d).name for d in docs]

    def save(self, ctx: Ctx):
        doc = _doc_arg(ctx.form.get("doc"))
        name = _need(doc, "name")
        return as_dict(self.site, self.site.writer.save(ctx.user, _need(doc, "doctype"), name, doc), no_nulls=False)

    def submit(self, ctx: Ctx):
        doc = _doc_arg(ctx.form.get("doc"))
        body = dict(doc, docstatus=1)
        body.setdefault("modified", None)  # a bare {doctype, name} is a TimestampMismatchError (Part II §8)
        saved = self.site.writer.save(ctx.user, _need(doc, "doctype"), _need(doc, "name"), body)
        return as_dict(self.site, saved, no_nulls=False)

    def cancel(self, ctx: Ctx):
        f = ctx.form
        doc = self.site.writer.set_docstatus(ctx.user, _need(f, "doctype"), _need(f, "name"), 2)
        return as_dict(self.site, doc, no_nulls=False)

    def delete(self, ctx: Ctx):
        f = ctx.form
        self.site.writer.delete(ctx.user, _need(f, "doctype"), _need(f, "name"))

    def set_value(self, ctx: Ctx):
        f = ctx.form
        fieldname = f.get("fieldname")
        values = json_arg(fieldname, "fieldname") if isinstance(fieldname, str) and fieldname.startswith("{") \
            else {fieldname: f.get("value")}
        doc = self.site.writer.save(ctx.user, _need(f, "doctype"), _need(f, "name"), values)
        return as_dict(self.site, doc, no_nulls=False)

    def rename_doc(self, ctx: Ctx):
        f = ctx.form
        new = self.site.writer.rename(ctx.user, _need(f, "doctype"), _need(f, "old_name"), _need(f, "new_name"))
        ctx.extra["_server_messages"] = json.dumps([json.dumps({
            "message": f"Document renamed from {f['old_name']} to {new}", "title": "Message", "indicator": "green",
            "alert": 1, "as_table": False})])
        return new

    def bulk_update(self, ctx: Ctx):
        raw = ctx.form.get("docs")
        if not isinstance(raw, str):
            raise FrappeError("TypeError", "the JSON object must be str, bytes or bytearray, not list",
                              module="builtins")
        failed = []
        for doc in json.loads(raw):
            data = dict(doc)
            doctype, docname = data.pop("doctype", None), data.pop("docname", None)
            try:
                with self.site.store.transaction():
                    self.site.writer.save(ctx.user, doctype, docname, data)
            except FrappeError as err:
                failed.append({"doc": doc, "exc": f"Traceback (most recent call last):\nfrappe.exceptions."
                               f"{err.exc_type}: {err.message or ''}\n"})
            except Exception:  # noqa: BLE001 - each doc fails on its own (spec §10)
                failed.append({"doc": doc, "exc": traceback.format_exc()})
        return {"failed_docs": failed}

    def generate_keys(self, ctx: Ctx):
        if "System Manager" not in ctx.user.roles:
            raise FrappeError("PermissionError", "Not permitted", title="Not Permitted")
        user = _need(ctx.form, "user")
        if self.site.users.get(user) is None:
            raise FrappeError("DoesNotExistError", f"User {user} not found", traceback=False)
        key, secret = self.site.users.generate_keys(user)
        self.site.keys[user] = (key, secret)
        return {"api_secret": secret} if self.site.options.major == 14 else {"api_key": key, "api_secret": secret}

    def logout(self, ctx: Ctx):
        self.site.auth.logout(ctx.ident.sid)
        ctx.extra.update(home_page="/login", full_name="Guest")
        return "No App"


def _need(d: dict, key: str):
    value = d.get(key)
    if value in (None, ""):
        raise FrappeError("TypeError", f"missing 1 required positional argument: '{key}'", module="builtins")
    return value


def _doc_arg(value):
    if isinstance(value, str):
        return json_arg(value, "doc")
    if value is None:
        raise FrappeError("TypeError", "missing 1 required positional argument: 'doc'", module="builtins")
    return value
