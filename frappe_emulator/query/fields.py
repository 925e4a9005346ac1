"""``fields`` of a list request -> SELECT items (spec §4.1 ``fields``; Part II §4).

Accepted: fieldnames and standard fields, ``*`` (standard + data fields in table order; alone in 16),
``x as y``, ```tabDocType`.field``, ``tablefield.child_field`` (LEFT JOIN, one row per child),
``linkfield.target_field`` (LEFT JOIN of the linked table), aggregates (strings up to 15, dict syntax
in 16). A Table fieldname is silently dropped; anything unknown is 417 ``DataError``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import FrappeError
from ..model.dsl import TABLE, DocType
from ..model.registry import CHILD_STANDARD, OPTIONAL_STANDARD, STANDARD
from ..serialize import STANDARD_TYPES

_ALIAS = re.compile(r"^\s*(.+?)\s+as\s+[`\"]?(\w+)[`\"]?\s*$", re.IGNORECASE)
_TAB = re.compile(r"^`tab([^`]+)`\.`?(\w+)`?$")
_FUNC = re.compile(r"^(count|sum|avg|min|max)\(\s*(\*|[`\w.]+)\s*\)$", re.IGNORECASE)
AGGREGATES = ("COUNT", "SUM", "AVG", "MIN", "MAX")


@dataclass
class Select:
    sql: str  # SQL expression
    key: str  # output key
    fieldtype: str | None  # for serialization


def not_permitted(name: str) -> FrappeError:
    return FrappeError("DataError", f"Field not permitted in query: {name}")


class FieldResolver:
    def __init__(self, registry, dt: DocType, major: int, joins: dict[str, str]):
        self.registry = registry
        self.dt = dt
        self.major = major
        self.joins = joins
        self.alias = f'"{dt.table}"'

    def resolve(self, fields: list, standard_only: bool = False) -> list[Select]:
        if len(fields) > 1 and "*" in fields and self.major >= 16:
            raise not_permitted("*")
        out: list[Select] = []
        for item in fields:
            if isinstance(item, dict):
                out.append(self._aggregate_dict(item))
                continue
            if not isinstance(item, str):
                raise not_permitted(str(item))
            item = item.strip()
            if item == "*":
                out.extend(self._star(standard_only))
                continue
            sel = self._one(item, standard_only)
            if sel is not None:
                out.append(sel)
        return out

    def _star(self, standard_only: bool) -> list[Select]:
        dt = self.dt
        cols = self.registry.columns(dt)
        if self.major >= 15 or standard_only:
            cols = [c for c in cols if c not in OPTIONAL_STANDARD]
        if standard_only:
            cols = [c for c in cols if c in STANDARD]
        return [self._column(dt, self.alias, c, c) for c in cols]

    def _one(self, item: str, standard_only: bool) -> Select | None:
        key = None
        m = _ALIAS.match(item)
        if m:
            item, key = m.group(1).strip(), m.group(2)
        if "(" in item:
            return self._aggregate_string(item, key)
        m = _TAB.match(item)
        if m:
            target = self.registry.find(m.group(1))
            if target is None:
                raise not_permitted(item)
            if target.name == self.dt.name:
                return self._checked(self.dt, self.alias, m.group(2), key, standard_only)
            link = next((f for f in self.dt.table_fields() if f.options == target.name), None)
            if link is None:
                raise not_permitted(item)
            return self._child(link.fieldname, m.group(2), key)
        if "." in item:
            head, tail = item.split(".", 1)
            if tail == "*":
                raise not_permitted(item)
            f = self.dt.get(head)
            if f is not None and f.fieldtype in TABLE:
                return self._child(head, tail, key)
            if f is not None and f.fieldtype == "Link" and self.registry.find(f.options):
                return self._link(f, tail, key)
            raise not_permitted(item)
        return self._checked(self.dt, self.alias, item.strip("`"), key, standard_only)

    def _checked(self, dt: DocType, alias: str, name: str, key: str | None, standard_only: bool) -> Select | None:
        known = (name in STANDARD or name in OPTIONAL_STANDARD or (dt.istable and name in CHILD_STANDARD))
        f = dt.get(name)
        if name == "_seen" and f is None:  # a column only track_seen DocTypes have: the SQL fails (Part II §3)
            raise FrappeError("OperationalError", "(1054, \"Unknown column '_seen' in 'SELECT'\")", module="MySQLdb")
        if not known and f is None:
            raise not_permitted(name)
        if f is not None and f.fieldtype in TABLE:
            return None  # a Table field in `fields` is silently dropped
        if standard_only and name not in STANDARD:
            return None
        return self._column(dt, alias, name, key or name)

    def _column(self, dt: DocType, alias: str, name: str, key: str) -> Select:
        f = dt.get(name)
        ftype = f.fieldtype if f is not None else STANDARD_TYPES.get(name)
        return Select(f'{alias}."{name}"', key, ftype)

    def _child(self, tablefield: str, name: str, key: str | None) -> Select:
        child = self.registry.get(self.dt.get(tablefield).options)
        alias = f'"{child.table}"'
        self.joins.setdefault(alias, (
            f'LEFT JOIN {alias} ON {alias}.parent = {self.alias}.name AND {alias}.parenttype = '
            f"'{self.dt.name}' AND {alias}.parentfield = '{tablefield}'"))
        sel = self._checked(child, alias, name, key, False)
        if sel is None:
            raise not_permitted(f"{tablefield}.{name}")
        return sel

    def _link(self, f, name: str, key: str | None) -> Select:
        target = self.registry.get(f.options)
        alias = f'"link_{f.fieldname}"'
        self.joins.setdefault(alias, f'LEFT JOIN "{target.table}" {alias} ON {alias}.name = {self.alias}."{f.fieldname}"')
        sel = self._checked(target, alias, name, key, False)
        if sel is None:
            raise not_permitted(f"{f.fieldname}.{name}")
        return sel

    def _aggregate_string(self, item: str, key: str | None) -> Select:
        if self.major >= 16:
            text = item + (f" as {key}" if key else "")
            raise FrappeError("ValidationError", f"SQL functions are not allowed as strings in SELECT: {text}. "
                              "Use dict syntax like {'COUNT': '*'} instead.")
        m = _FUNC.match(item)
        if not m:
            raise not_permitted(item)
        return self._agg(m.group(1).upper(), m.group(2).strip("`"), key or item)

    def _aggregate_dict(self, item: dict) -> Select:
        if self.major < 16:
            raise not_permitted(str(item))
        funcs = [k for k in item if k.upper() in AGGREGATES]
        if len(funcs) != 1:
            raise not_permitted(str(item))
        func = funcs[0].upper()
        arg = str(item[funcs[0]])
        return self._agg(func, arg, item.get("as") or f"{func}({arg})")

    def _agg(self, func: str, arg: str, key: str) -> Select:
        if arg == "*":
            col = "*"
        else:
            sel = self._checked(self.dt, self.alias, arg, None, False)
            col = sel.sql
        return Select(f"{func}({col})", key, "Float" if func in ("SUM", "AVG") else None)
