"""Server record (spec §6) -> Airbyte row matching ``type_map.json_schema``.

Hot path: runs for every record. Per-column converters are built once per table; a record is one
pass over its keys with a dict lookup each. Datetimes go through the clock's memoised converter.

* flatten: FK/list/location objects -> ``X`` (the ``id``) + ``X_identifier``; image -> ``X`` (id);
* object: those objects are passed through unchanged;
* DateTime -> RFC 3339 UTC (both generations, see ``timeutil``); TimestampWithTimeZone likewise;
* ``model-name`` is dropped; unknown extra fields are kept as they are;
* on servers with ``REST_COLUMNNAME_TOLOWERCASE=Y`` (``name`` instead of ``Name``, §2.5) values are
  emitted under the exact ColumnName, so the schema and the rows agree on both settings.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from idempiere_client.column_names import to_property_name
from idempiere_client.metadata import ColumnMeta, TableMeta
from idempiere_client.timeutil import ServerClock, instant_rfc3339
from idempiere_client.type_map import FK_MODES, IDENTIFIER_SUFFIX

Setter = Callable[[dict, Any], None]


def _json_text(value: Any) -> Any:
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _make_setter(col: ColumnMeta, fk_mode: str, clock: ServerClock) -> Setter:
    name = col.name
    kind = col.kind
    if kind in ("fk", "list", "location", "image") and fk_mode == "flatten":
        ident = name + IDENTIFIER_SUFFIX
        with_ident = kind != "image"

        def flatten(out: dict, value: Any) -> None:
            if isinstance(value, dict):
                out[name] = value.get("id")
                if with_ident:
                    out[ident] = value.get("identifier")
            else:  # a bare id (e.g. some $select paths, older servers)
                out[name] = value

        return flatten
    if kind == "datetime":
        convert = clock.rfc3339_from_server

        def dt(out: dict, value: Any) -> None:
            if isinstance(value, str):
                try:
                    value = convert(value)
                except ValueError:
                    pass  # keep the raw text rather than lose the value
            out[name] = value

        return dt
    if kind == "timestamptz":

        def instant(out: dict, value: Any) -> None:
            if isinstance(value, str):
                try:
                    value = instant_rfc3339(value)
                except ValueError:
                    pass
            out[name] = value

        return instant
    if kind in ("string", "binary", "time") or (kind == "other" and fk_mode == "flatten"):

        def text(out: dict, value: Any) -> None:
            out[name] = _json_text(value)

        return text

    def plain(out: dict, value: Any) -> None:
        out[name] = value

    return plain


class RecordConverter:
    """Converts records of one table.

    Args:
        meta: table metadata.
        fk_mode: ``"flatten"`` or ``"object"``.
        clock: server clock (time zone of old servers' fake ``Z``).
    """

    def __init__(self, meta: TableMeta, fk_mode: str, clock: ServerClock):
        if fk_mode not in FK_MODES:
            raise ValueError(f"foreign_keys must be one of {FK_MODES}, got {fk_mode!r}")
        self.meta = meta
        self.fk_mode = fk_mode
        self.clock = clock
        # Hot path layout: one dict lookup per key. Most values are copied as they are (no entry);
        # string-like columns only need work when the value is not a str (JSON columns: _TEXT); a
        # flattened FK object is split inline (a (column, identifier column) pair: 21 of c_order's 52
        # keys, where a call per value was most of the conversion); other columns have a setter.
        plan: dict[str, _Step] = {}
        for col in meta.columns.values():
            variant = to_property_name(col.name)
            if col.kind in _PASS_KINDS[fk_mode]:
                if variant != col.name:
                    plan[variant] = _renamer(col.name)
                continue
            if col.kind in _TEXT_KINDS or (col.kind == "other" and fk_mode == "flatten"):
                plan[col.name] = _TEXT
                if variant != col.name:
                    plan[variant] = _make_setter(col, fk_mode, clock)
                continue
            step: _Step = _make_setter(col, fk_mode, clock)
            if col.kind in _FLAT_KINDS and fk_mode == "flatten":
                step = (col.name, col.name + IDENTIFIER_SUFFIX if col.kind != "image" else None)
            plan[col.name] = step
            plan.setdefault(variant, step)
        plan["model-name"] = _drop
        self._plan = plan

    def convert(self, record: dict[str, Any]) -> dict[str, Any]:
        """Return the Airbyte row for one server record (input is not modified)."""
        out: dict[str, Any] = {}
        plan = self._plan
        for key, value in record.items():
            step = plan.get(key)
            if step is None:
                out[key] = value
            elif step.__class__ is tuple:  # flattened FK: same as _make_setter's flatten, without the call
                name, ident = step
                if isinstance(value, dict):
                    out[name] = value.get("id")
                    if ident is not None:
                        out[ident] = value.get("identifier")
                else:  # a bare id (e.g. some $select paths, older servers)
                    out[name] = value
            elif step is _TEXT:
                out[key] = value if value is None or value.__class__ is str else _json_text(value)
            else:
                step(out, value)
        return out

    def column_value(self, record: dict[str, Any], column: str) -> Any:
        """What ``convert(record).get(column)`` holds, converting only the keys that feed ``column``.

        A reader's fetch stage needs the cursor of every row before the rows are converted (on another
        thread, ``erp_airbyte.source.read_ahead``); only the ColumnName and its lower-case property name
        write ``column`` in ``convert``, so converting those alone gives the same value once the clock
        knows the server's generation (the start-up time-zone check learns it; until then a value with an
        offset changes how later trailing Zs read, so the order of conversions matters, as it always did).
        """
        variant = to_property_name(column)
        if variant != column and column in record and variant in record:
            return self.convert(record).get(column)  # both spellings: the later one wins, as in convert
        key = column if column in record else variant
        if key not in record:
            return None
        return self.convert({key: record[key]}).get(column)


_PASS_KINDS = {
    "flatten": frozenset({"integer", "number", "boolean", "date"}),
    "object": frozenset({"integer", "number", "boolean", "date", "fk", "list", "location", "image", "other"}),
}
_TEXT_KINDS = frozenset({"string", "binary", "time"})
_FLAT_KINDS = frozenset({"fk", "list", "location", "image"})
_TEXT = object()  # plan marker: a string-like column (JSON values as text)
_Step = Any  # a Setter, a (column, identifier column | None) pair, or _TEXT


def _drop(out: dict, value: Any) -> None:
    return None


def _renamer(name: str) -> Setter:
    def rename(out: dict, value: Any) -> None:
        out[name] = value

    return rename
