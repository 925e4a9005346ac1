"""Exact ``row-count`` for range-paged filters without a full COUNT(*) per page (spec §3.1, bench issue 6).

Every collection page answers ``row-count``: the rows matching the whole filter. A keyset or time-window
read asks for ``<fixed conditions> AND Updated >= ? AND Updated < ?`` page after page with a moving bound, and
SQLite has no counted B-trees, so each COUNT(*) walks every remaining index entry: at 200k rows that was
three quarters of the emulator's CPU per served row.

``RangeCounts`` splits the final WHERE into its top-level conjuncts. Conjuncts of the form ``"X" <op> ?``
on one column X are the *range*; everything else (with its parameters) is the *rest*. The second time a
rest is seen with a large count, the values of X over the rows matching the rest are read once, sorted
(``ORDER BY X``), and later counts are two bisections. The answer is the same number SQLite would give:

* the list is rebuilt after any write to the table (``Store.stamp``: the table's version and the epoch);
* it is only used when X and every bound are of one comparable kind (all ``str``: SQLite's BINARY collation
  orders UTF-8 like Python orders code points; or all ``int``/``float``: both compare numerically, exactly),
  otherwise SQLite counts as before;
* a WHERE that cannot be split safely (a top-level OR, BETWEEN, CASE) is counted by SQLite.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

from ..catalog import Table

_RANGE = re.compile(r'^\s*"(\w+)"\s*(>=|<=|>|<|=)\s*\?\s*$')
_UNSAFE = re.compile(r"\b(OR|BETWEEN|CASE)\b", re.IGNORECASE)
_AND = re.compile(r"\bAND\b", re.IGNORECASE)
_NUMERIC = (int, float)


def _top_level(sql: str) -> list[tuple[int, int]] | None:
    """Spans of ``sql`` at parenthesis depth 0 outside quotes; None when parentheses or quotes do not balance."""
    spans, depth, quote, start = [], 0, "", 0
    for i, ch in enumerate(sql):
        if quote:
            if ch == quote:
                quote = ""
                if depth == 0:
                    start = i + 1
            continue
        if ch in "'\"":
            if depth == 0 and i > start:
                spans.append((start, i))
            quote = ch
        elif ch == "(":
            if depth == 0 and i > start:
                spans.append((start, i))
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth < 0:
                return None
            if depth == 0:
                start = i + 1
    if depth or quote:
        return None
    if start < len(sql):
        spans.append((start, len(sql)))
    return spans


def _marks(sql: str) -> int:
    """Parameter markers outside quoted text."""
    n, quote = 0, ""
    for ch in sql:
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch == "?":
            n += 1
    return n


def conjuncts(sql: str) -> list[str] | None:
    """Top-level AND terms of ``sql`` (parenthesised AND groups flattened), or None when it is not a plain
    conjunction. Joining the terms with AND is the same condition as ``sql``."""
    spans = _top_level(sql)
    if spans is None:
        return None
    if any(_UNSAFE.search(sql[a:b]) for a, b in spans):
        return None
    cuts = [(a + m.start(), a + m.end()) for a, b in spans for m in _AND.finditer(sql[a:b])]
    terms, pos = [], 0
    for start, end in cuts + [(len(sql), len(sql))]:
        term = sql[pos:start].strip()
        pos = end
        if not term:
            return None  # "x AND AND y" or a dangling AND: leave it to SQLite
        inner = term[1:-1] if term[0] == "(" and term[-1] == ")" else None
        if inner is not None and _top_level(inner) is not None:  # "(a) AND (b)" is not one group
            sub = conjuncts(inner)
            terms.extend(sub if sub is not None else [term])
        else:
            terms.append(term)
    return terms


class _Shape:
    """How one WHERE text splits: rest terms with their parameter positions, range terms on ``column``."""

    __slots__ = ("column", "rest_sql", "rest_idx", "ranges")

    def __init__(self, column: str, rest_sql: str, rest_idx: tuple[int, ...], ranges: tuple) -> None:
        self.column, self.rest_sql, self.rest_idx, self.ranges = column, rest_sql, rest_idx, ranges


def shape_of(table: Table, where: str) -> _Shape | None:
    terms = conjuncts(where)
    if not terms:
        return None
    per_column: dict[str, list[tuple[str, int]]] = {}
    placed: list[tuple[str, list[int], str | None, str]] = []
    index = 0
    for term in terms:
        n = _marks(term)
        idx = list(range(index, index + n))
        index += n
        m = _RANGE.match(term)
        col = table.column(m.group(1)) if m else None
        if col is not None and col.name == m.group(1):
            per_column.setdefault(col.name, []).append((m.group(2), idx[0]))
            placed.append((term, idx, col.name, m.group(2)))
        else:
            placed.append((term, idx, None, ""))
    # equality terms alone are usually fixed conditions (DocStatus eq 'CO'): they stay in the rest
    moving = [c for c, terms in per_column.items() if any(op != "=" for op, _ in terms)]
    if not moving:
        return None
    column = max(moving, key=lambda c: len(per_column[c]))  # ties: the first one named
    rest_terms, rest_idx, ranges = [], [], []
    for term, idx, name, op in placed:
        if name == column:
            ranges.append((op, idx[0]))
        else:
            rest_terms.append(term)
            rest_idx.extend(idx)
    return _Shape(column, " AND ".join(rest_terms) or "1=1", tuple(rest_idx), tuple(ranges))


def _kind(value: Any) -> type | None:
    t = type(value)
    if t is str:
        return str
    if t in _NUMERIC and value == value:  # NaN binds as NULL in SQLite
        return float
    return None


def _count(values: list, ranges: list[tuple[str, Any]]) -> int:
    lo, lo_strict, hi, hi_strict = None, False, None, False
    for op, v in ranges:
        if op in (">", ">=", "="):
            strict = op == ">"
            if lo is None or v > lo or (v == lo and strict):
                lo, lo_strict = v, strict
        if op in ("<", "<=", "="):
            strict = op == "<"
            if hi is None or v < hi or (v == hi and strict):
                hi, hi_strict = v, strict
    start = 0 if lo is None else (bisect_right(values, lo) if lo_strict else bisect_left(values, lo))
    end = len(values) if hi is None else (bisect_left(values, hi) if hi_strict else bisect_right(values, hi))
    return max(0, end - start)


class RangeCounts:
    """Per-store cache of sorted column values for the rests of range-paged filters."""

    MIN_ROWS = 2_000  # smaller counts are cheap for SQLite; not worth a list
    MAX_VALUES = 2_000_000  # all lists together, and the most rows one list may hold (200k values ~ 15 MB)

    def __init__(self, store) -> None:
        self.store = store
        self._shapes: dict[tuple[str, str], _Shape | None] = {}
        self._lists: OrderedDict[tuple, tuple[tuple, list, type]] = OrderedDict()
        self._seen: dict[tuple, tuple[tuple, int]] = {}

    def count(self, table: Table, where: str, params: Sequence[Any]) -> int:
        """``SELECT COUNT(*) FROM table WHERE where`` (the caller holds ``store.lock``)."""
        store = self.store
        skey = (table.lname, where)
        if skey not in self._shapes:
            if len(self._shapes) > 1000:
                self._shapes.clear()
            self._shapes[skey] = shape_of(table, where)
        shape = self._shapes[skey]
        if shape is None:
            return store.count(table.name, where, params)
        bounds = [(op, params[i]) for op, i in shape.ranges]
        kinds = {_kind(v) for _, v in bounds}
        if len(kinds) != 1 or None in kinds:
            return store.count(table.name, where, params)
        kind = kinds.pop()
        key = (table.lname, shape.column, shape.rest_sql, tuple(params[i] for i in shape.rest_idx))
        stamp = store.stamp((table.lname,))
        entry = self._lists.get(key)
        if entry is not None and entry[0] == stamp:  # a list read since the table was last written
            self._lists.move_to_end(key)
            return _count(entry[1], bounds) if entry[2] is kind else store.count(table.name, where, params)
        seen = self._seen.get(key)
        if seen is None or seen[0] != stamp or not self.MIN_ROWS <= seen[1] <= self.MAX_VALUES:
            # first sighting of this rest since the last write, or too few/many rows: SQLite counts
            n = store.count(table.name, where, params)
            if len(self._seen) > 256:
                self._seen.clear()
            self._seen[key] = (stamp, max(n, seen[1] if seen and seen[0] == stamp else 0))
            return n
        values, kind_of_values = self._load(table, shape, key, stamp)
        if kind_of_values is not kind:
            return store.count(table.name, where, params)
        return _count(values, bounds)

    def _load(self, table: Table, shape: _Shape, key: tuple, stamp: tuple) -> tuple[list, type | None]:
        """Read and keep the sorted values with their kind; kind None (kept too, so the values are not read
        again before the next write) when they are not all text or all numbers."""
        col = f'"{shape.column}"'
        rows = self.store.query(f'SELECT {col} FROM "{table.name}" WHERE {shape.rest_sql} AND {col} IS NOT NULL '
                                f"ORDER BY {col}", key[3])
        values = [r[0] for r in rows]
        types = set(map(type, values))
        kind = str if types == {str} else float if types and types <= {int, float} else None
        if kind is None:
            values = []
        self._lists[key] = (stamp, values, kind)
        total = sum(len(e[1]) for e in self._lists.values())
        while total > self.MAX_VALUES and len(self._lists) > 1:
            _, dropped = self._lists.popitem(last=False)
            total -= len(dropped[1])
        return values, kind
