"""Server rows -> output rows, as ``schema.py`` describes them.

Datetimes are site wall time on the wire and RFC 3339 UTC out (the site zone comes from System Settings,
spec §7.1); Check 0/1 -> boolean; numbers coerced (Singles serve every value as text, Part II §2); JSON
text parsed; Time zero-padded. A value that cannot take its declared type (a masked or corrupt value) is
emitted as null and counted in ``issues``, so the caller can warn instead of failing schema validation.
"""
from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Mapping
from typing import Any

from frappe_client.meta import CHILD_STANDARD_FIELDS, DocTypeMeta
from frappe_client.schema import field_kind
from frappe_client.timeutil import SiteClock, format_date, format_time


class _Bad(Exception):
    pass


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return value != 0
    text = str(value).strip().lower()
    if text in ("1", "true", "yes"):
        return True
    if text in ("0", "false", "no", ""):
        return False
    raise _Bad


def _integer(value: Any) -> int:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    try:
        number = float(str(value).strip())
    except ValueError:
        raise _Bad from None
    if not number.is_integer():
        raise _Bad
    return int(number)


def _number(value: Any) -> float | int:
    if isinstance(value, bool):
        raise _Bad
    if isinstance(value, (int, float)):
        return value
    try:
        return float(str(value).strip())
    except ValueError:
        raise _Bad from None


def _date(value: Any) -> str | None:
    """``format_date``, skipped for the canonical ``YYYY-MM-DD`` text, which it returns unchanged (valid or not)."""
    if (value.__class__ is str and len(value) == 10 and value[4] == "-" and value[7] == "-" and value.isascii()
            and (value[:4] + value[5:7] + value[8:]).isdigit()):
        return value
    return format_date(value)


def _json(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value  # JSON "where it parses" (issue 13); the text is kept, never dropped


_UNCHANGED: dict[Callable[[Any], Any], frozenset[type]] = {
    _boolean: frozenset({bool}), _integer: frozenset({int}), _number: frozenset({int, float}),
}


class RecordConverter:
    """Converts the rows of one DocType (and, in nested mode, of its child tables).

    Args:
        meta: the DocType.
        clock: the site clock (for Datetime fields and ``creation``/``modified``).
        children: child metas by DocType name (for Table fields in nested rows).
    """

    def __init__(self, meta: DocTypeMeta, clock: SiteClock, children: Mapping[str, DocTypeMeta] | None = None):
        self.meta = meta
        self.clock = clock
        self.issues: Counter[str] = Counter()
        self._convert: dict[str, Callable[[Any], Any]] = {
            "creation": self._datetime, "modified": self._datetime, "docstatus": _integer, "idx": _integer,
        }
        if meta.autoincrement:
            self._convert["name"] = _integer
        for f in meta.data_fields:
            if f.fieldname in self._convert or f.fieldname in CHILD_STANDARD_FIELDS or f.fieldname == "name":
                continue
            fn = self._by_kind(field_kind(f, meta.masked_fields))
            if fn is not None:
                self._convert[f.fieldname] = fn
        self._defaults = {f.fieldname: None for f in meta.data_fields}
        # Hot path: a value whose class is already its output type is left as it is without a call (JSON
        # numbers of number fields, ints of Int fields, ...), which is what the converter would return.
        self._steps = [(key, fn, _UNCHANGED.get(fn, frozenset())) for key, fn in self._convert.items()]
        self._tables: dict[str, RecordConverter] = {}
        for fieldname, child in meta.table_fields.items():
            child_meta = (children or {}).get(child)
            if child_meta is not None:
                self._tables[fieldname] = RecordConverter(child_meta, clock)

    def _by_kind(self, kind: str) -> Callable[[Any], Any] | None:
        return {"boolean": _boolean, "integer": _integer, "number": _number, "datetime": self._datetime,
                "date": _date, "time": format_time, "json": _json}.get(kind)

    def _datetime(self, value: Any) -> str:
        try:
            return self.clock.to_rfc3339(str(value))
        except ValueError:
            raise _Bad from None

    def convert(self, row: Mapping[str, Any]) -> dict[str, Any]:
        """One server row (list or document form; absent keys mean null) -> output row."""
        out: dict[str, Any] = dict(self._defaults)
        out.update(row)
        out.pop("doctype", None)
        for key, fn, unchanged in self._steps:
            value = out.get(key)
            if value.__class__ in unchanged:
                continue
            if value is None or (value == "" and key != "name"):
                out[key] = None
                continue
            try:
                out[key] = fn(value)
            except _Bad:
                self.issues[key] += 1
                out[key] = None
        for fieldname, child in self._tables.items():
            rows = out.get(fieldname)
            if isinstance(rows, list):
                out[fieldname] = [child.convert(r) for r in rows if isinstance(r, Mapping)]
        return out

    def all_issues(self) -> Counter[str]:
        """Values that could not take their type, by field (child tables as ``table.field``)."""
        total = Counter(self.issues)
        for fieldname, child in self._tables.items():
            for key, n in child.issues.items():
                total[f"{fieldname}.{key}"] += n
        return total
