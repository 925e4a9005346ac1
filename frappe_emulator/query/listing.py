"""The v1 list (``frappe.get_list``) and its counts: one SELECT per request (spec §4.1, §7.3, §7.4;
Part II §4, §5, §7). No ORDER BY unless the client sends one (v14-v16); ``dev`` orders by the DocType's
sort field (PR #40670).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import field as dc_field

from ..errors import FrappeError
from ..model.dsl import DocType
from ..model.registry import CHILD_STANDARD, OPTIONAL_STANDARD, STANDARD
from ..serialize import converter
from .fields import FieldResolver, Select
from .filters import FilterBuilder, Where
from .values import cint

_ORDER_ITEM = re.compile(r"^(?:`tab([^`]+)`\.)?`?([\w]+)`?(?:\.`?(\w+)`?)?(?:\s+(asc|desc))?$", re.IGNORECASE)
_ORDER_CHARS = re.compile(r"^[a-zA-Z0-9\-_ ,`'\"().]*$")


@dataclass
class ListArgs:
    doctype: str
    fields: list = dc_field(default_factory=lambda: ["name"])
    filters: object = None
    or_filters: object = None
    order_by: str | None = None
    group_by: str | None = None
    limit_start: object = 0
    limit_page_length: object = 20
    as_dict: bool = True
    parent: str | None = None
    nested: bool = False  # v2 (16): filters may nest "and"/"or" groups


class ListEngine:
    def __init__(self, site):
        self.site = site  # registry, store, perms, options, clock

    # ---- list ------------------------------------------------------------------------------
    def get_list(self, user, args: ListArgs) -> list:
        dt, sql, params, selects = self.build(user, args)
        _cols, rows = self.site.store.query_cols(sql, params)
        convs = [converter(s.fieldtype) for s in selects]
        if any(dt.autoincrement and s.key == "name" for s in selects):
            convs = [(lambda v: v) if s.key == "name" and c is None else c for s, c in zip(selects, convs)]
        out_rows = [[v if c is None or v is None else c(v) for v, c in zip(row, convs)] for row in rows]
        if not args.as_dict:
            return out_rows
        keys = [s.key for s in selects]
        return [dict(zip(keys, row)) for row in out_rows]

    def count(self, user, doctype: str, filters, or_filters=None, check_perms: bool = True) -> int:
        args = ListArgs(doctype, fields=["name"], filters=filters, or_filters=or_filters)
        dt, where = self._where(user, args, check_perms=check_perms, child_ok=True)
        sql = f'SELECT COUNT(DISTINCT "{dt.table}".name) FROM "{dt.table}" {" ".join(where.joins.values())}'
        if where.conds:
            sql += " WHERE " + " AND ".join(where.conds)
        return self.site.store.query(sql, where.params)[0][0]

    # ---- building ---------------------------------------------------------------------------
    def build(self, user, args: ListArgs) -> tuple[DocType, str, list, list[Select]]:
        major = self.site.options.major
        dt, where = self._where(user, args)
        standard_only = bool(dt.istable and not args.parent)  # F16 Administrator without parent
        fields = args.fields if args.fields else ["name"]
        if not isinstance(fields, list):
            fields = [fields]
        selects = FieldResolver(self.site.registry, dt, major, where.joins).resolve(fields, standard_only)
        if not selects:
            selects = [Select(f'"{dt.table}".name', "name", None)]
        joins = list(where.joins.values())
        if dt.istable and args.parent:
            parent = self.site.registry.get(args.parent)
            joins.insert(0, f'JOIN "{parent.table}" ON "{parent.table}".name = "{dt.table}".parent')
        sql = f'SELECT {", ".join(s.sql for s in selects)} FROM "{dt.table}" {" ".join(joins)}'
        if where.conds:
            sql += " WHERE " + " AND ".join(where.conds)
        if args.group_by:
            sql += " GROUP BY " + ", ".join(self._order_items(dt, args.group_by, allow_direction=False))
        order = self._order_by(dt, args.order_by)
        if not order and not where.conds and not joins and not args.group_by:
            # no ORDER BY is sent; an unfiltered scan comes back in primary-key order, as MariaDB's does
            # (SQLite would otherwise walk whichever covering index is smallest)
            order = f'"{dt.table}".name'
        if order:
            sql += " ORDER BY " + order
        sql += self._limit(args)
        return dt, sql, where.params, selects

    def _where(self, user, args: ListArgs, check_perms: bool = True, child_ok: bool = False):
        site = self.site
        major = site.options.major
        dt = site.registry.get(args.doctype)
        if dt.issingle:
            raise FrappeError("ProgrammingError", f"('DocType', '{dt.name}')", module="pymysql.err")
        if dt.istable and check_perms:
            self._check_child(user, dt, args.parent, child_ok)
        elif check_perms:
            site.perms.check(user, dt.name, "read")
        where = Where()
        fb = FilterBuilder(site.registry, dt, major, site.clock.today(), where)
        fb.tree_lookup = site.tree_names
        if args.nested:
            fb.add_nested(args.filters)
        else:
            fb.add(args.filters)
        if check_perms:
            cond = site.perms.row_condition(user, dt.name, f'"{dt.table}"')
            if cond:
                where.conds.append(cond[0])
                where.params.extend(cond[1])
        fb.add(args.or_filters, group="or")
        if dt.istable and args.parent:
            where.conds.append(f'"{dt.table}".parenttype = ?')
            where.params.append(args.parent)
        return dt, where

    def _check_child(self, user, dt: DocType, parent: str | None, child_ok: bool) -> None:
        site = self.site
        parents = [p for p, _ in site.registry.parents_of.get(dt.name, [])]
        admin = user.name == "Administrator"
        if parent and parent in parents:
            site.perms.check(user, parent, "read")
            return
        if parent and site.registry.find(parent) is None:
            raise FrappeError("PermissionError", f"User <strong>{user.name}</strong> does not have doctype access "
                              "via role permission for document <strong>DocType</strong>", title="Not Permitted")
        if admin and (site.options.major >= 16 or child_ok) and not parent:
            return
        if child_ok and site.perms.has(user, dt.name, "read"):
            return
        if parent or site.options.major < 16:
            raise FrappeError("PermissionError", f"Please specify a valid parent DocType for <strong>{dt.name}</strong>",
                              title="Not Permitted")
        raise FrappeError("PermissionError", f"Insufficient Permission for <strong>{dt.name}</strong>",
                          title="Not Permitted")

    def _order_by(self, dt: DocType, order_by: str | None) -> str:
        if not order_by or not str(order_by).strip():
            if self.site.options.version == "dev":
                return f'"{dt.table}"."{dt.sort_field or "creation"}" {dt.sort_order or "DESC"}'
            return ""
        return ", ".join(self._order_items(dt, str(order_by), allow_direction=True))

    def _order_items(self, dt: DocType, text: str, allow_direction: bool) -> list[str]:
        major = self.site.options.major
        lowered = text.lower()
        if (not _ORDER_CHARS.match(text) or ("select" in lowered and "from" in lowered) or "sleep(" in lowered
                or (major >= 16 and any(w in lowered for w in ("union", "benchmark", "substr")))):
            raise FrappeError("ValidationError", f"Invalid field format in Order By: {text}. Use 'field', "
                              "'link_field.field', or 'child_table.field'." if major >= 16 else
                              f"Cannot use sub-query or function in order by: {text}")
        out = []
        for part in text.split(","):
            part = part.strip()
            m = _ORDER_ITEM.match(part)
            if not m or (not allow_direction and m.group(4)):
                if major >= 16:
                    raise FrappeError("ValidationError", f"Invalid field format in Order By: {part}. Use 'field', "
                                      "'link_field.field', or 'child_table.field'.")
                raise FrappeError("OperationalError", f"order_by {part!r} is not emulated (functions/raw SQL)",
                                  module="pymysql.err")
            tab, name, sub, direction = m.groups()
            target, alias = dt, f'"{dt.table}"'
            if tab and tab != dt.name:
                target = self.site.registry.find(tab)
                if target is None or f'"{target.table}"' not in self._joined(dt):
                    raise self._unknown_order(dt, part)
                alias = f'"{target.table}"'
            if sub:  # child_table.field or link_field.field: only when that join exists
                raise self._unknown_order(dt, part)
            known = (name in STANDARD or name in OPTIONAL_STANDARD or (target.istable and name in CHILD_STANDARD)
                     or target.get(name) is not None)
            if not known:
                raise self._unknown_order(target, name)
            out.append(f'{alias}."{name}"' + (f" {direction.upper()}" if direction else ""))
        return out

    def _joined(self, dt: DocType) -> set:
        return {f'"{self.site.registry.get(f.options).table}"' for f in dt.table_fields()}

    def _unknown_order(self, dt: DocType, name: str) -> FrappeError:
        if self.site.options.major >= 16:
            return FrappeError("PermissionError", "You do not have permission to access field: "
                               f"<strong>{dt.name}.{name}</strong>")
        return FrappeError("OperationalError", f"(1054, \"Unknown column '{name}' in 'order clause'\")",
                           module="pymysql.err")

    def _limit(self, args: ListArgs) -> str:
        major = self.site.options.major
        page = args.limit_page_length
        start = cint(args.limit_start) if args.limit_start not in (None, "") else 0
        n = cint(page) if page not in (None, "", False) else 0
        if n < 0 or start < 0:
            if major >= 16:
                raise FrappeError("TypeError", "Limit must be a non-negative integer", module="builtins")
            raise FrappeError("ProgrammingError", "(1064, \"You have an error in your SQL syntax; near '-'\")",
                              module="pymysql.err")
        if not n:
            if start and major >= 16:  # OFFSET without LIMIT is a syntax error there (Part II §4)
                raise FrappeError("ProgrammingError", "(1064, \"You have an error in your SQL syntax; check the "
                                  "manual that corresponds to your MariaDB server version for the right syntax to "
                                  "use near '' at line 1\")", module="MySQLdb")
            return ""
        return f" LIMIT {n} OFFSET {start}"
