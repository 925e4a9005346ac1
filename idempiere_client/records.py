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
        # Hot path layout: most values are copied as they are, so only columns that need work get a
        # setter; string-like columns only need work when the value is not a str (JSON columns).
        setters: dict[str, Setter] = {}
        texty: set[str] = set()
        for col in meta.columns.values():
            variant = to_property_name(col.name)
            if col.kind in _PASS_KINDS[fk_mode]:
                if variant != col.name:
                    setters[variant] = _renamer(col.name)
                continue
            if col.kind in _TEXT_KINDS or (col.kind == "other" and fk_mode == "flatten"):
                texty.add(col.name)
                if variant != col.name:
                    setters[variant] = _make_setter(col, fk_mode, clock)
                continue
            setter = _make_setter(col, fk_mode, clock)
            setters[col.name] = setter
            setters.setdefault(variant, setter)
        setters["model-name"] = _drop
        self._setters = setters
        self._texty = frozenset(texty)

    def convert(self, record: dict[str, Any]) -> dict[str, Any]:
        """Return the Airbyte row for one server record (input is not modified)."""
        out: dict[str, Any] = {}
        setters = self._setters
        texty = self._texty
        for key, value in record.items():
            setter = setters.get(key)
            if setter is not None:
                setter(out, value)
            elif key in texty and value.__class__ is not str and value is not None:
                out[key] = _json_text(value)
            else:
                out[key] = value
        return out

    def column_value(self, record: dict[str, Any], column: str) -> Any:
        """What ``convert(record).get(column)`` holds, converting only the keys that feed ``column``.

        A reader's fetch stage needs the cursor of every row before the rows are converted (on another
        thread, ``erp_airbyte.source.read_ahead``); only the ColumnName and its lower-case property name
        write ``column`` in ``convert``, so converting those alone gives the same value.
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


def _drop(out: dict, value: Any) -> None:
    return None


def _renamer(name: str) -> Setter:
    def rename(out: dict, value: Any) -> None:
        out[name] = value

    return rename
