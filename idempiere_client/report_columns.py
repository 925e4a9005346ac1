"""Types of report columns: sniffed from the values of one run, written as a JSON schema, applied to rows.

A report's columns come from its print format, not from the data dictionary, so the only evidence of a
column's type is its values. Sniffing is conservative, because a later run that disagrees fails the
stream rather than emit a record its schema forbids:

* a text value (CSV) is an ``integer`` only as plain digits (no ``+``, no leading zero, within 64 bits),
  a ``number`` only as plain decimal digits with a point, a ``boolean`` only as ``true``/``false``, a
  ``date`` only as ISO ``yyyy-mm-dd``, a ``date-time`` only as ISO date and time (``date-time-tz`` when every
  value carries an offset). iDempiere prints numbers and dates in the login language (``1,234.56``,
  ``01/15/2026``): such columns stay ``string``, as do codes like ``007``;
* a JSON value keeps its JSON type (``integer`` and ``number`` mix to ``number``; strings are sniffed only
  for dates); ``object`` and ``array`` stay what they are. A workbook's cells arrive typed the same way
  (``report_workbooks``: numbers by their number format, dates as ISO text, text cells as strings);
* a column whose values disagree, or that has no value at all, is a ``string`` (JSON values then arrive
  as their JSON text): every column is nullable.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from datetime import date, datetime
from typing import Any

from idempiere_client.process_output import ReportOutputError, Table

KINDS = ("integer", "number", "boolean", "date", "date-time", "date-time-tz", "string", "object", "array")
DECLARED_TYPES = ("string", "integer", "number", "boolean", "date", "date-time", "date-time-tz")  # declarable
_INT = re.compile(r"-?(0|[1-9][0-9]*)\Z")
_NUM = re.compile(r"-?(0|[1-9][0-9]*)\.[0-9]+\Z")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
_DATETIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?"
                       r"(?P<tz>Z|[+-][0-9]{2}:[0-9]{2})?\Z")
_INT64 = (-(2**63), 2**63 - 1)
_NUMERIC = {"integer", "number"}


def text_kind(value: str) -> str:
    """The narrowest kind of one text value (``string`` when nothing narrower is certain)."""
    if _INT.match(value):
        return "integer" if _INT64[0] <= int(value) <= _INT64[1] else "string"
    if _NUM.match(value):
        return "number"
    if value.lower() in ("true", "false"):
        return "boolean"
    return _date_kind(value) or "string"


def _date_kind(value: str) -> str | None:
    if _DATE.match(value):
        try:
            date.fromisoformat(value)
            return "date"
        except ValueError:
            return None
    match = _DATETIME.match(value)
    if match:
        try:
            datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
        return "date-time-tz" if match.group("tz") else "date-time"
    return None


def json_kind(value: Any) -> str:
    """The kind of one JSON value."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer" if _INT64[0] <= value <= _INT64[1] else "string"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return _date_kind(value) or "string"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "array"
    return "string"


def _merge(a: str | None, b: str) -> str:
    if a is None or a == b:
        return b
    if a in _NUMERIC and b in _NUMERIC:
        return "number"
    return "string"


def sniff(table: Table) -> dict[str, str]:
    """Column -> kind over every row of ``table`` (see the module docstring)."""
    kind_of = text_kind if table.text else json_kind
    kinds: dict[str, str | None] = dict.fromkeys(table.columns)
    for row in table.rows:
        for column, value in row.items():
            if value is not None and kinds.get(column) != "string":
                kinds[column] = _merge(kinds.get(column), kind_of(value))
    return {column: kind or "string" for column, kind in kinds.items()}


def property_schema(kind: str) -> dict[str, Any]:
    """The JSON schema of one column (always nullable)."""
    if kind == "date":
        return {"type": ["null", "string"], "format": "date"}
    if kind in ("date-time", "date-time-tz"):
        zone = "with" if kind == "date-time-tz" else "without"
        return {"type": ["null", "string"], "format": "date-time", "airbyte_type": f"timestamp_{zone}_timezone"}
    if kind not in KINDS:
        raise ValueError(f"unknown column kind {kind!r}")
    return {"type": ["null", kind]}


def stream_schema(kinds: Mapping[str, str]) -> dict[str, Any]:
    """A report stream's schema: its columns in output order; other properties allowed (a column added later)."""
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "type": "object",
        "additionalProperties": True,
        "properties": {column: property_schema(kind) for column, kind in kinds.items()},
    }


def kinds_of_schema(schema: Mapping[str, Any]) -> dict[str, str]:
    """The kinds a stream schema declares (the reverse of ``stream_schema``; unknown shapes count as ``string``)."""
    kinds: dict[str, str] = {}
    for column, prop in (schema.get("properties") or {}).items():
        prop = prop if isinstance(prop, Mapping) else {}
        types = prop.get("type")
        types = [types] if isinstance(types, str) else list(types or [])
        main = next((t for t in types if t != "null"), "string")
        if main == "string" and prop.get("format") == "date":
            kinds[column] = "date"
        elif main == "string" and prop.get("format") == "date-time":
            tz = prop.get("airbyte_type") != "timestamp_without_timezone"
            kinds[column] = "date-time-tz" if tz else "date-time"
        else:
            kinds[column] = main if main in KINDS else "string"
    return kinds


def convert_rows(table: Table, kinds: Mapping[str, str], *, what: str = "the report") -> Iterator[dict[str, Any]]:
    """Rows of ``table`` as records typed by ``kinds``; a column the schema lacks passes through as it came.

    Every schema column is present in every record (null when the output lacks it).

    Raises:
        ReportOutputError: a value that does not fit its column's kind (names the line, column and kind).
    """
    convert = _from_text if table.text else _from_json
    for index, row in enumerate(table.rows):
        record: dict[str, Any] = dict.fromkeys(kinds)
        for column, value in row.items():
            kind = kinds.get(column)
            if kind is None or value is None:
                record[column] = value
                continue
            try:
                record[column] = convert(value, kind)
            except ValueError:
                shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
                raise ReportOutputError(
                    f"{what}: {table.where(index)}, column {column!r}: {shown[:80]!r} is not "
                    f"{_article(kind)} as in the stream's schema. Refresh the source schema, or declare the column's "
                    "type in the stream's columns") from None
        yield record


def _article(kind: str) -> str:
    return {"integer": "an integer", "date-time-tz": "a date-time with an offset", "array": "an array",
            "object": "an object"}.get(kind, f"a {kind}")


def _from_text(value: str, kind: str) -> Any:
    if kind == "string":
        return value
    if kind in ("integer", "number"):
        if _INT.match(value):
            number = int(value)
            if kind == "integer" and not _INT64[0] <= number <= _INT64[1]:
                raise ValueError(value)
            return number
        if kind == "number" and _NUM.match(value):
            return float(value)
        raise ValueError(value)
    if kind == "boolean":
        if value.lower() in ("true", "false"):
            return value.lower() == "true"
        raise ValueError(value)
    if _date_kind(value) != kind:
        raise ValueError(value)
    return value.replace(" ", "T", 1) if kind != "date" else value


def _from_json(value: Any, kind: str) -> Any:
    if kind == "string":
        return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    if json_kind(value) == kind or (kind == "number" and json_kind(value) == "integer"):
        return value.replace(" ", "T", 1) if kind in ("date-time", "date-time-tz") else value
    raise ValueError(value)
