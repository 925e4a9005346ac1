"""API v2 (15+): ``/api/v2/document``, ``/api/v2/doctype/{dt}/meta|count``, ``/api/v2/method`` (spec §5;
Part II §11). 15: the list is get_list (``limit``, ``limit_start``; ``limit=0`` = all); 16: ``start``,
``limit`` (default 20; 0 gives ``[]``), ``has_next_page``, nested AND/OR filters, child queries, unknown
fields dropped, ``or_filters`` ignored; GET/POST/PUT keep nulls and create honours ``name``.
"""
from __future__ import annotations

from ..errors import FrappeError
from ..model.documents import as_dict, load
from ..query.listing import ListArgs
from .request import Ctx, json_arg
from .resource import body_of, list_args, read_doc
from .responses import html_page


class V2:
    def __init__(self, site, methods, meta):
        self.site = site
        self.methods = methods
        self.meta = meta

    def handle(self, ctx: Ctx, parts: list[str]):
        site = self.site
        kind = parts[0] if parts else ""
        if kind == "method" and len(parts) >= 2:
            cmd = parts[1] if len(parts) == 2 else ".".join(parts[1:])
            value = self.methods.call(ctx, cmd)
            return 200, ({"data": value} if value is not None else {})
        if kind == "doctype" and len(parts) == 3 and parts[2] in ("meta", "count"):
            if ctx.user.is_guest:
                raise FrappeError("PermissionError", "Not permitted", title="Not Permitted")
            dt = site.registry.get(parts[1])
            if parts[2] == "meta":
                return 200, {"data": self.meta.merged(dt)}
            return 200, {"data": site.lists.count(ctx.user, dt.name, json_arg(ctx.form.get("filters"), "filters"))}
        if kind == "document" and len(parts) >= 2:
            return self.document(ctx, parts[1], parts[2] if len(parts) > 2 else None, parts[3:])
        raise FrappeError("DoesNotExistError", None, traceback=False, messages=[])

    def document(self, ctx: Ctx, doctype: str, name: str | None, rest: list[str]):
        site = self.site
        m = ctx.method
        major = site.options.major
        if name is None:
            if m == "GET":
                return self.list(ctx, doctype)
            if m == "POST":
                body = body_of(ctx)
                doc = site.writer.insert(ctx.user, doctype, body, honour_name=major >= 16 and "name" in body)
                return 200, {"data": as_dict(site, doc, no_nulls=major < 16)}
            return html_page(405, "Method Not Allowed", "The method is not allowed for the requested URL.")
        if rest:
            if rest[0] == "copy" and m == "GET" and major >= 16:
                doc = read_doc(site, ctx, doctype, name, no_nulls=False)
                for k in ("name", "creation", "modified", "owner", "modified_by", "docstatus", "amended_from"):
                    doc.pop(k, None)
                return 200, {"data": doc}
            if rest[0] == "method" and len(rest) == 2 and rest[1] in ("submit", "cancel"):
                doc = site.writer.set_docstatus(ctx.user, doctype, name, 1 if rest[1] == "submit" else 2)
                data = as_dict(site, doc, no_nulls=major < 16)
                return 200, ({"docs": [data], "data": data} if major >= 16 else {"data": data})
            raise FrappeError("DoesNotExistError", None, traceback=False, messages=[])
        if m == "GET":
            return 200, {"data": read_doc(site, ctx, doctype, name, no_nulls=major < 16)}
        if m in ("PUT", "PATCH"):
            doc = site.writer.save(ctx.user, doctype, name, body_of(ctx))
            return 200, {"data": as_dict(site, doc, no_nulls=major < 16)}
        if m == "DELETE":
            dt = site.registry.get(doctype)
            if dt.istable:  # through the parent, which is saved (Part II §7)
                row = load(site, dt, name)
                parent = load(site, site.registry.get(row.get("parenttype")), row.get("parent"))
                rows = [r for r in parent.children.get(row.get("parentfield"), []) if r["name"] != row.name]
                site.writer.save(ctx.user, parent.dt.name, parent.name, {row.get("parentfield"): rows})
            else:
                site.writer.delete(ctx.user, doctype, name)
            return 202, {"data": "ok"}
        return html_page(405, "Method Not Allowed", "The method is not allowed for the requested URL.")

    def list(self, ctx: Ctx, doctype: str):
        site = self.site
        f = ctx.form
        if site.options.major < 16:  # 15: frappe.client.get_list with limit / limit_start
            args = list_args(site, {**f, "limit_page_length": f.get("limit", 20)}, doctype)
            return 200, {"data": site.lists.get_list(ctx.user, args)}
        limit = int(f.get("limit", 20) or 0)
        start = int(f.get("start", 0) or 0)
        fields = json_arg(f.get("fields"), "fields", ["name"])
        filters = json_arg(f.get("filters"), "filters")
        dt = site.registry.get(doctype)
        children = [x for x in fields if isinstance(x, dict) and len(x) == 1
                    and dt.get(next(iter(x))) is not None]
        plain = [x for x in fields if x not in children and (not isinstance(x, str) or x == "*" or "." in x
                                                              or dt.get(x) is not None or x in _STD)]
        if children and "name" not in plain:
            plain = ["name"] + plain
        if limit <= 0:
            return 200, {"data": [], "has_next_page": True}
        args = ListArgs(doctype, fields=plain or ["name"], filters=filters, nested=True,
                        order_by=f.get("order_by") or None, limit_start=start, limit_page_length=limit + 1,
                        group_by=f.get("group_by") or None)
        rows = site.lists.get_list(ctx.user, args)
        more = len(rows) > limit
        rows = rows[:limit]
        for spec in children:
            tf, cols = next(iter(spec.items()))
            child = site.registry.get(dt.get(tf).options)
            for row in rows:
                got = site.lists.get_list(site.users.get("Administrator"), ListArgs(
                    child.name, fields=cols, parent=dt.name, order_by="idx asc", limit_page_length=0,
                    filters=[["parent", "=", row["name"]], ["parentfield", "=", tf]]))
                row[tf] = got
        return 200, {"data": rows, "has_next_page": more}


_STD = ("name", "owner", "creation", "modified", "modified_by", "docstatus", "idx", "parent", "parentfield",
        "parenttype", "_user_tags", "_comments", "_assign", "_liked_by")
