"""$filter -> parameterised SQL WHERE, following DefaultQueryConverter step by step (spec §4).

The output SQL is assembled by concatenation like the plugin's, so malformed-but-tokenisable
input fails later in the database (500), exactly where the real server fails.
"""
from __future__ import annotations

import re
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field

from ..catalog import Column, Table
from ..errors import EmulatorError
from . import literals
from .filter_tokens import (
    PARAM_METHODS,
    first_param,
    get_method,
    is_method_call,
    npe,
    second_param,
    split,
    sql_function,
)

OPERATORS = {"and": "AND", "eq": "=", "in": " IN ", "ge": ">=", "gt": ">", "le": "<=", "lt": "<", "neq": "<>",
             "or": "OR"}
_ISACTIVE = re.compile(r"\bisactive\b", re.IGNORECASE)


def mentions_isactive(where: str) -> bool:
    """The default IsActive='Y' is skipped when the final WHERE names isactive (§3.4)."""
    return bool(_ISACTIVE.search(where))


def index_error(index: int, size: int) -> EmulatorError:
    """LinkedList.get past the end: IndexOutOfBoundsException -> 500 GET Error (§4.8)."""
    return EmulatorError(500, "GET Error", f"Index: {index}, Size: {size}")


def bad_column(name: str) -> EmulatorError:
    return EmulatorError(400, None, f"Invalid column for filter: {name}")


@dataclass
class Converted:
    where: str = ""
    params: list = field(default_factory=list)
    # column -> value such that the whole filter implies ``column >= value``: lets the backend add a
    # redundant index range for keyset filters like ``Updated gt t or (Updated eq t and id gt k)``
    bounds: dict = field(default_factory=dict)


def _merge(groups: list[list[dict]]) -> dict:
    """Implied lower bounds: AND keeps every bound (the larger wins), OR keeps columns bound in all branches."""
    per = []
    for terms in groups:
        merged: dict = {}
        for bound in terms:
            for col, val in bound.items():
                try:
                    merged[col] = max(merged[col], val) if col in merged else val
                except TypeError:
                    merged.pop(col, None)
        per.append(merged)
    result = per[0] if per else {}
    for other in per[1:]:
        try:
            result = {c: min(v, other[c]) for c, v in result.items() if c in other}
        except TypeError:
            return {}
    return result


class FilterConverter:
    """Converts one $filter for one table; ``legacy`` drops the id/uid aliases (§13)."""

    def __init__(self, table: Table, *, legacy: bool = False, tz: str = "UTC") -> None:
        self.table = table
        self.legacy = legacy
        self.tz = tz
        self.out = Converted()
        self._bound: dict = {}

    def convert(self, text: str | None) -> Converted:
        if text and text.strip():
            self.out.bounds = self._literals(split(text))
        return self.out

    # ---- structure (§4.2) ----------------------------------------------------------------
    def _literals(self, toks: list[str]) -> dict:
        """Convert a token list into SQL (appended to ``self.out``); returns its implied lower bounds."""
        i = 0
        n = len(toks)
        groups: list[list[dict]] = [[]]

        def get(k: int) -> str:
            if k >= n:
                raise index_error(k, n)
            return toks[k]

        while i < n:
            tok = toks[i]
            sql = ""
            self._bound = {}
            if tok.lower() in ("and", "or"):
                sql = f" {tok.upper()} "
                if tok.lower() == "or":
                    groups.append([])
            elif tok.lower() == "not":
                i += 1
                nxt = get(i)
                if is_method_call(nxt):
                    sql = self._method_literal(nxt, True)
                else:
                    raise EmulatorError(400, None, f"Operator NOT is only compatible with certain functions. "
                                                   f"Not with {nxt}")
            elif tok.startswith("(") and tok.endswith(")"):
                self.out.where += "("
                self._bound = self._literals(split(tok[1:-1]))
                self.out.where += ")"
            elif is_method_call(tok) and get_method(tok) in PARAM_METHODS:
                sql = self._method_literal(tok, False)
            else:
                op = get(i + 1)
                right = get(i + 2)
                i += 2
                sql = self._binary(tok, op, right)
            self.out.where += sql
            groups[-1].append(self._bound)
            i += 1
        return _merge(groups)

    # ---- columns -----------------------------------------------------------------------
    def column(self, name: str) -> Column | None:
        """getTableColumn: case-insensitive names plus the exact-case id/uid aliases (§4.4)."""
        if not self.legacy:
            if name == "id":
                key = self.table.key_columns[0] if len(self.table.key_columns) == 1 else None
                if key is None or self.table.is_uuid_keyed:
                    return None
                name = key
            elif name == "uid":
                name = self.table.uu_column or ""
        return self.table.column(name)

    def _valid(self, name: str) -> Column:
        col = self.column(name)
        if col is None or col.secure:
            raise bad_column(name)
        return col

    def _param(self, col: Column, raw: str) -> None:
        self.out.params.append(literals.convert(col, raw, legacy=self.legacy, tz=self.tz))

    # ---- binary comparisons (§4.3, §4.4) -------------------------------------------------
    def _binary(self, left: str, operator: str, right: str) -> str:
        op = OPERATORS.get(operator)
        if op is None:
            raise EmulatorError(400, None, f"Unsupported operator: {operator}")
        if "(" in left:
            inner = get_method(left)
            name = first_param(inner, left)
            if name is None:
                raise npe("trim")
            col = self._valid(name.strip())
            lhs = sql_function(inner, f'"{col.name}"')
        else:
            col = self._valid(left.strip())
            lhs = f'"{col.name}"'
        if right == "null":
            if operator == "eq":
                return f"{lhs} IS NULL"
            if operator == "neq":
                return f"{lhs} IS NOT NULL"
            raise EmulatorError(400, None, f"Operator {operator} is not compatible with NULL comparision")
        if operator == "in":
            if right.startswith("(") and right.endswith(")"):
                values = right[1:-1].strip().split(",")
                for v in values:
                    self._param(col, v.strip())
                return f"{lhs} IN ({','.join('?' for _ in values)})"
            raise EmulatorError(400, None, "Wrong right parameter for IN operator")
        if right.startswith("'") and right.endswith("'"):
            self._param(col, right)
            self._lower_bound(left, operator, col)
            return f"{lhs}{op} ?"
        if "(" in right:
            inner = get_method(right)
            value = first_param(inner, right)
            if value is None:
                raise npe("trim")
            rcol = self.column(value.strip())
            if rcol is not None:
                if rcol.secure:
                    raise bad_column(value.strip())
                return f"{lhs}{op}{sql_function(inner, chr(34) + rcol.name + chr(34))}"
            self._param(col, value)
            return f"{lhs}{op}{sql_function(inner, '?')}"
        rcol = self.column(right.strip())
        if rcol is not None:  # column-to-column comparison (§4.4)
            if rcol.secure:
                raise bad_column(right.strip())
            return f'{lhs}{op}"{rcol.name}"'
        self._param(col, right)
        self._lower_bound(left, operator, col)
        return f"{lhs}{op} ?"

    def _lower_bound(self, left: str, operator: str, col: Column) -> None:
        if "(" not in left and operator in ("gt", "ge", "eq"):
            self._bound = {col.name: self.out.params[-1]}

    # ---- contains/startswith/endswith (§4.5) ---------------------------------------------
    def _method_literal(self, tok: str, negate: bool) -> str:
        method = get_method(tok)
        left = first_param(method, tok)
        if left is None:
            raise npe("contains")
        column_name = left
        lhs = None
        if "(" in left:
            inner = get_method(left)
            column_name = first_param(inner, left) or ""
            lhs = sql_function(inner, column_name)
        value = second_param(method, tok)
        if value is None:
            raise npe("contains")
        col = self.column(column_name)
        if col is None or col.secure:
            raise bad_column(column_name)
        lhs = lhs.replace(column_name, f'"{col.name}"', 1) if lhs else f'"{col.name}"'
        rhs = "?"
        inner_r = None
        if "(" in value:
            inner_r = get_method(value)
            value = first_param(inner_r, value) or ""
            rhs = sql_function(inner_r, "?")
        rcol = self.column(value.strip())
        if rcol is not None:
            if rcol.secure:
                raise bad_column(value.strip())
            rhs = sql_function(inner_r, f'"{rcol.name}"') if inner_r else f'"{rcol.name}"'
        else:
            value = literals.strip_quotes(value)
            pattern = {"contains": f"'%{value}%'", "startswith": f"'{value}%'", "endswith": f"'%{value}'"}[method]
            self._param(col, pattern)
        return f"{lhs}{' NOT ' if negate else ''} LIKE {rhs}"


_QUOTED_COLUMN = re.compile(r'"(\w+)"')


class ConverterCache:
    """DefaultQueryConverter's CCache (1000 entries, 60 minutes) keyed by the filter text only (spec §4.9).

    A text converted for one table is reused as is for any other table: no validation, the first table's
    column names and parameter types. A column the other table lacks then fails in the database (500 with
    PostgreSQL's text) where a fresh conversion would have said 400 ``Invalid column for filter``. The check
    is explicit because SQLite would read an unknown double-quoted name as a string literal.
    Conversion is ``synchronized`` in the plugin, so one lock serialises it here too.
    """

    def __init__(self, *, legacy: bool, tz: str, size: int = 1000, ttl_s: float = 3600.0) -> None:
        self.legacy, self.tz, self.size, self.ttl_s = legacy, tz, size, ttl_s
        self._entries: OrderedDict[str, tuple[float, Converted, str]] = OrderedDict()
        self._lock = threading.Lock()

    def convert(self, table: Table, text: str | None) -> Converted:
        if not text or not text.strip():
            return Converted()  # an empty filter is not cached (nothing to convert)
        with self._lock:
            hit = self._entries.get(text)
            now = time.monotonic()
            if hit is not None and hit[0] > now:
                self._entries.move_to_end(text)
                if hit[2] != table.lname:
                    for name in _QUOTED_COLUMN.findall(hit[1].where):
                        if not table.has(name):
                            raise EmulatorError(500, "GET Error", f'ERROR: column "{name.lower()}" does not exist')
                return hit[1]
            converted = FilterConverter(table, legacy=self.legacy, tz=self.tz).convert(text)  # errors: not cached
            self._entries[text] = (now + self.ttl_s, converted, table.lname)
            self._entries.move_to_end(text)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
            return converted
