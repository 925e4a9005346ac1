"""``/api/resource`` (v1): list, read, create, update, delete, run_method (spec §4.1-§4.6; Part II §4-§8)."""
from __future__ import annotations

import json

from ..errors import FrappeError
from ..model.documents import as_dict, load, load_single
from ..model.writes import apply_values
from ..query.listing import ListArgs
from .request import Ctx, json_arg, sbool
from .responses import html_page


def list_args(site, form: dict, doctype: str, alias_limit: bool = True) -> ListArgs:
    """Arguments of a list call; ``limit`` is an alias only in v1 (get_list drops it, spec §4.1)."""
    page = form.get("limit_page_length")
    if page is None:
        page = (form.get("limit") if alias_limit else None) or 20
    return ListArgs(
        doctype=doctype, fields=json_arg(form.get("fields"), "fields", ["name"]),
        filters=json_arg(form.get("filters"), "filters"), or_filters=json_arg(form.get("or_filters"), "or_filters"),
        order_by=form.get("order_by") or None, group_by=form.get("group_by") or None,
        limit_start=form.get("limit_start", 0), limit_page_length=page,
        as_dict=sbool(form.get("as_dict", True)), parent=form.get("parent") or None)


def read_doc(site, ctx: Ctx, doctype: str, name, no_nulls: bool = True) -> dict:
    dt = site.registry.get(doctype)
    if dt.issingle:
        site.perms.check(ctx.user, dt.name, "read")
        return as_dict(site, load_single(site, dt), no_nulls=no_nulls)
    if not site.perms.has(ctx.user, dt.name, "read"):
        raise FrappeError("PermissionError", f"User <strong>{ctx.user.name}</strong> does not have doctype access via "
                          f"role permission for document <strong>{dt.name}</strong>", title="Not Permitted",
                          extra={"_error_message": f"No permission for {dt.name}"})
    if dt.istable and ctx.user.name != "Administrator":
        raise FrappeError("PermissionError", f"Please specify a valid parent DocType for <strong>{dt.name}</strong>",
                          title="Not Permitted")
    doc = load(site, dt, name)
    site.perms.check_row(ctx.user, dt.name, doc.name)
    return as_dict(site, doc, no_nulls=no_nulls)


def body_of(ctx: Ctx) -> dict:
    """The document in a POST/PUT: ``data`` (JSON or form field), else the arguments themselves."""
    data = ctx.form.get("data")
    if isinstance(data, str):
        data = json_arg(data, "data")
    if isinstance(data, dict):
        return data
    return {k: v for k, v in ctx.form.items() if k not in ("cmd", "sid", "csrf_token")}


class Resource:
    def __init__(self, site, methods):
        self.site = site
        self.methods = methods

    def handle(self, ctx: Ctx, doctype: str, name: str | None):
        site = self.site
        major = site.options.major
        m = ctx.method
        if name is not None and major >= 16 and site.registry.find(doctype) is None:
            raise FrappeError("ImportError", f"No module named '{doctype.lower().replace(' ', '_')}'",
                              module="builtins")  # Part II §4: an unknown DocType's document is a 500
        if name is None:
            if m == "GET":
                return self.list(ctx, doctype)
            if m == "POST":
                return self.create(ctx, doctype)
            return html_page(405, "Method Not Allowed", "The method is not allowed for the requested URL.")
        if m == "GET":
            if ctx.form.get("run_method"):
                return self.run_method(ctx, doctype, name, ctx.form["run_method"])
            if major >= 16 and sbool(ctx.form.get("expand_links", False)):
                return 200, {"data": self._expand_links(ctx, read_doc(site, ctx, doctype, name, no_nulls=False))}
            return 200, {"data": read_doc(site, ctx, doctype, name)}
        if m == "PUT":
            dt = site.registry.get(doctype)
            if dt.issingle:
                return self.save_single(ctx, dt)
            doc = site.writer.save(ctx.user, doctype, name, body_of(ctx))
            if dt.istable and doc.get("parent") and doc.get("parenttype"):  # the row, then its parent (spec §4.4)
                site.writer.save(ctx.user, doc.get("parenttype"), doc.get("parent"), {})
            return 200, {"data": as_dict(site, doc)}
        if m == "DELETE":
            site.registry.get(doctype)
            site.writer.delete(ctx.user, doctype, name)
            return 202, ({"message": "ok"} if major == 14 else {"data": "ok"})
        if m == "POST":
            method = ctx.form.get("run_method")
            if not method:
                raise FrappeError("KeyError", "'run_method'", module="builtins")
            return self.run_method(ctx, doctype, name, method)
        if m == "PATCH" and major >= 16:
            raise FrappeError("DoesNotExistError", None, traceback=False, messages=[])
        return html_page(405, "Method Not Allowed", "The method is not allowed for the requested URL.")

    def list(self, ctx: Ctx, doctype: str):
        site = self.site
        args = list_args(site, ctx.form, doctype)
        rows = site.lists.get_list(ctx.user, args)
        expand = json_arg(ctx.form.get("expand"), "expand") if site.options.major >= 16 else None
        if expand and args.as_dict:
            self._expand(ctx, doctype, rows, expand)
        if sbool(ctx.form.get("debug", False)) and not ctx.user.is_guest:
            _dt, sql, params, _sel = site.lists.build(ctx.user, args)
            ctx.extra["_debug_messages"] = json.dumps([_render_sql(sql, params), "Execution time: 0.2 ms"])
        return 200, {"data": rows}

    def _expand(self, ctx: Ctx, doctype: str, rows: list, expand: list) -> None:
        """16's ``expand``: a Link in ``fields`` becomes the linked row (nulls kept)."""
        site = self.site
        dt = site.registry.get(doctype)
        cache: dict = {}
        for fieldname in expand:
            f = dt.get(fieldname)
            target = site.registry.find(f.options) if f is not None and f.fieldtype == "Link" else None
            if target is None:
                continue
            for row in rows:
                value = row.get(fieldname)
                if value in (None, ""):
                    continue
                key = (target.name, value)
                if key not in cache:
                    got = site.lists.get_list(ctx.user, ListArgs(target.name, fields=["*"],
                                                                 filters=[["name", "=", value]], limit_page_length=1))
                    cache[key] = got[0] if got else value
                row[fieldname] = cache[key]

    def _expand_links(self, ctx: Ctx, doc: dict) -> dict:
        """16's ``expand_links=1``: Link values (also in child rows) become the linked documents, nulls kept."""
        site = self.site

        def expand(row: dict) -> None:
            dt = site.registry.find(row.get("doctype", ""))
            for f in dt.data_fields() if dt else []:
                target = site.registry.find(f.options or "") if f.fieldtype == "Link" else None
                value = row.get(f.fieldname)
                if target is not None and not target.issingle and value not in (None, "") and \
                        site.perms.has(ctx.user, target.name, "read"):
                    found = load(site, target, value, missing_ok=True)
                    if found is not None:
                        row[f.fieldname] = as_dict(site, found, no_nulls=False)
        expand(doc)
        for value in list(doc.values()):
            if isinstance(value, list):
                for row in value:
                    if isinstance(row, dict):
                        expand(row)
        return doc

    def create(self, ctx: Ctx, doctype: str):
        site = self.site
        body = body_of(ctx)
        doc = site.writer.insert(ctx.user, doctype, body)
        if site.options.major == 14:
            return 200, {"data": as_dict(site, doc, no_nulls=False)}
        return 200, {"data": as_dict(site, doc, echo=True)}

    def save_single(self, ctx: Ctx, dt):
        site = self.site
        site.perms.check(ctx.user, dt.name, "write")
        values = dict(site.store.single(dt.name))
        apply_values(site, dt, values, body_of(ctx))
        values["modified"] = site.clock.now_text()
        site.store.set_single(dt.name, values)
        if values.get("time_zone"):
            site.clock.set_tz(values["time_zone"])
        return 200, {"data": as_dict(site, load_single(site, dt))}

    def run_method(self, ctx: Ctx, doctype: str, name: str, method: str):
        site = self.site
        if method not in ("submit", "cancel"):
            return html_page(404, "Not Found", f"Method {method} not found")
        site.registry.get(doctype)
        doc = site.writer.set_docstatus(ctx.user, doctype, name, 1 if method == "submit" else 2)
        return 200, {"data": as_dict(site, doc)}


def _render_sql(sql: str, params: list) -> str:
    """The debug SQL with its parameters inlined (display only; the query itself is parameterised)."""
    out = sql
    for p in params:
        out = out.replace("?", repr(p) if isinstance(p, str) else str(p), 1)
    return out.replace('"', "`")
