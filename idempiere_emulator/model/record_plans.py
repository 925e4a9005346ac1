"""Compiled record builders: one straight-line Python function per (table, columns, row layout) (spec §6.1, §6.2).

Serialising a page is the emulator's hot path (every served row goes through it, bench issue 6). A generic
loop paid, per column and row, a tuple unpack, a dispatch on the column kind and a ``dict.get`` by name;
the builder generated here reads the SQLite row tuple by position and has each column's conversion
written out, in the plugin's property order (id, uid, columns, model-name). What a value becomes is the
same as in ``Serializer`` before (``serialize.py`` keeps the per-value helpers and the tests for them):

* ``python`` records are what the backend API returns: numbers are ``ScaledNumber`` (a float that keeps its
  ``BigDecimal`` text), lookups and lists are fresh dicts.
* ``wire`` records only ever go to ``orjson.dumps`` (HTTP bodies): numbers are ``orjson.Fragment`` of the
  same text, and a lookup/list object is encoded once per distinct id per request and spliced as a
  Fragment, byte for byte what orjson writes for the dict.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson

from ..catalog import DT, Column, Table

SAME, CALL, LOOKUP, LIST, YESNO, LOCATION = range(6)  # column kinds (Serializer._kind)
MEMO_LIMIT = 50_000  # numbers remembered per scale before the memo is emptied


def fragment(obj: dict) -> Any:
    """``obj`` pre-encoded for splicing; the dict itself when orjson cannot encode it alone (huge ints)."""
    try:
        return orjson.Fragment(orjson.dumps(obj))
    except orjson.JSONEncodeError:
        return obj


class RecordPlan:
    """A compiled builder plus what the caller prefetches for it (lookup ids, Location ids)."""

    __slots__ = ("make", "lookups", "locations", "prefetch", "numbers")

    def __init__(self, make: Callable, lookups: list[str], locations: list[tuple[int, Column]],
                 prefetch: list[tuple[int, str, str]], numbers: list[dict]) -> None:
        self.make = make  # make(refs, locations, location_lookup) -> build(row) -> dict
        self.lookups = lookups  # referenced table (lower case) of each output lookup column: ``refs`` in this order
        self.locations = locations  # (row index, column) of every Location column
        # (row index, referenced table, the same in lower case) of the lookup columns whose identifiers are
        # loaded first, in column order
        self.prefetch = prefetch
        self.numbers = numbers  # the number memos the builder uses (emptied when large)


def compile_plan(table: Table, columns: list[tuple[str, Column, int, Any, Any]], prefetch: list[Column],
                 names: tuple[str, ...], *,
                 legacy: bool, wire: bool, number: Callable, datetime_text: Callable | None,
                 number_memos: Callable[[int], dict]) -> RecordPlan:
    """Generate the builder for ``columns`` = (property, column, kind, a, b) from ``Serializer._plan``.

    ``names`` are the row's column names in tuple order; a column the row does not have is never output
    (as ``row.get`` gave None). ``prefetch`` are the lookup columns whose identifiers are loaded first.
    ``datetime_text`` is None in UTC (the text is cut in place: both generations print ``...Z``), else the
    zone conversion. ``number_memos(scale)`` gives the memo shared by every column of that scale (the text
    only depends on the value and the scale). The generated source is kept as ``make.__globals__["__source__"]``.
    """
    pos = {n: i for i, n in enumerate(names)}
    env: dict[str, Any] = {"number": number, "datetime_text": datetime_text, "fragment": fragment}
    head: list[str] = []  # lines of make() before build()
    body: list[str] = []  # lines of build()
    lookups: list[str] = []
    locations: list[tuple[int, Column]] = []
    memos: list[dict] = []

    def const(value: Any) -> str:
        if type(value) is str:
            return repr(value)  # a literal: exact for every str, and cheaper to load than a global
        name = f"k{len(env)}"
        env[name] = value
        return name

    key, uu = table.key, table.uu_column
    if key:
        body.append(f"out = {{'id': {f'row[{pos[key]}]' if key in pos else 'None'}}}")
    elif table.is_uuid_keyed and legacy:
        body.append("out = {'id': 0}")  # old servers emitted po.get_ID() (0) for UUID-key tables (§13)
    else:
        body.append("out = {}")
    if uu and uu in pos:
        body += [f"v = row[{pos[uu]}]", "if v:", "    out['uid'] = v"]
    refs = 0
    for prop, col, kind, a, b in columns:
        i = pos.get(col.name)
        if i is None:
            continue
        p = const(prop)
        body += [f"v = row[{i}]", "if v is not None:"]
        if kind == SAME:
            body.append(f"    out[{p}] = v")
        elif kind == YESNO:
            body.append(f"    out[{p}] = v == 'Y'")
        elif kind == LOOKUP:  # a = label, b = reference table (lower case)
            r = f"r{refs}"
            head.append(f"{r} = refs[{refs}]")
            refs += 1
            lookups.append(b)
            label, model = const(a), const(b)
            obj = (f"({{'propertyLabel': {label}, 'id': v, 'identifier': s, 'model-name': {model}}} if s else "
                   f"{{'propertyLabel': {label}, 'id': v, 'model-name': {model}}})")  # blank identifier omitted
            lines = [f"s = {r}.get(v)", "if s is None:", "    s = f'<{v}>'"]
            body += _emit(p, obj, lines, wire, head)
        elif kind == LIST:  # a = label, b = code -> name
            label, values = const(a), const(b)
            obj = (f"({{'propertyLabel': {label}, 'id': v, 'identifier': s, 'model-name': 'ad_ref_list'}} if s "
                   f"else {{'propertyLabel': {label}, 'id': v, 'model-name': 'ad_ref_list'}})")
            body += _emit(p, obj, [f"s = {values}.get(v)"], wire, head)
        elif kind == LOCATION:
            locations.append((i, col))
            body.append(f"    out[{p}] = locations.get(v) or location_lookup({const(col)}, v)")
        else:  # CALL: the display type's converter, written out
            dt = col.dt
            if dt in DT.NUMERIC:
                memo = number_memos(col.scale)
                memos.append(memo)
                m, c = const(memo), const(col)
                body += [f"    x = {m}.get(v)", "    if x is None:", f"        x = {m}[v] = number(v, {c})",
                         f"    out[{p}] = x"]
            elif dt in (DT.INTEGER, DT.ID, DT.BUTTON):
                body.append(f"    out[{p}] = int(v)")
            elif dt == DT.DATETIME:
                body.append(f"    out[{p}] = datetime_text(v)" if datetime_text else
                            f"    out[{p}] = f'{{v[:10]}}T{{v[11:19]}}Z'")
            elif dt == DT.DATE:
                body.append(f"    out[{p}] = str(v)[:10]")
            else:  # pragma: no cover - Serializer._kind maps every other type to SAME
                raise ValueError(f"no converter for display type {dt}")
    body += [f"out['model-name'] = {const(table.lname)}", "return out"]
    source = ("def make(refs, locations, location_lookup):\n"
              + "".join(f"    {line}\n" for line in head)
              + "    def build(row):\n"
              + "".join(f"        {line}\n" for line in body)
              + "    return build\n")
    env["__source__"] = source  # for reading what was generated
    exec(compile(source, f"<record plan {table.name}>", "exec"), env)  # noqa: S102 - generated from the catalog
    prefetch_at = [(pos[c.name], c.ref_table, c.ref_table.lower()) for c in prefetch if c.name in pos]
    return RecordPlan(env["make"], lookups, locations, prefetch_at, memos)


def _emit(prop: str, obj: str, lines: list[str], wire: bool, head: list[str]) -> list[str]:
    """Assign a lookup/list object: built per row (python), or once per id per request as a Fragment (wire)."""
    if not wire:
        return [f"    {line}" for line in lines] + [f"    out[{prop}] = {obj}"]
    memo = f"f{len(head)}"
    head.append(f"{memo} = {{}}")  # per request: identifiers may change between requests
    return ([f"    x = {memo}.get(v)", "    if x is None:"] + [f"        {line}" for line in lines]
            + [f"        x = {memo}[v] = fragment({obj})", f"    out[{prop}] = x"])
