"""Stored values -> JSON values exactly as Frappe's ``json_handler`` prints them (spec §1, §6.3; Part II §6).

* Datetime ``YYYY-MM-DD HH:MM:SS`` plus ``.ffffff`` only when the microseconds are non-zero, no ``T``,
  no offset (site local time).
* Time ``H:MM:SS[.ffffff]`` with the hour not zero-padded (MariaDB timedelta through format_timedelta).
* Numbers: Float/Currency/Percent as JSON floats (Decimal), Int/Check as integers.
"""
from __future__ import annotations

from .model.dsl import INTEGER, NUMERIC, DocType


def fmt_datetime(text: str | None) -> str | None:
    if not text:
        return text
    if text.endswith(".000000"):
        return text[:-7]
    return text


def fmt_time(text: str | None) -> str | None:
    if not text:
        return text
    hh, rest = text.split(":", 1)
    out = f"{int(hh)}:{rest}"
    out = out.removesuffix(".000000")
    return out


def converter(fieldtype: str | None):
    """A function stored value -> JSON value, or None when the value passes through unchanged."""
    if fieldtype == "Datetime":
        return fmt_datetime
    if fieldtype == "Time":
        return fmt_time
    if fieldtype in INTEGER:
        return lambda v: None if v is None else int(v)
    if fieldtype in NUMERIC:
        return lambda v: None if v is None else float(v)
    return None


STANDARD_TYPES = {"creation": "Datetime", "modified": "Datetime", "docstatus": "Int", "idx": "Int"}


def column_types(dt: DocType) -> dict[str, str]:
    types = dict(STANDARD_TYPES)
    for f in dt.data_fields():
        types[f.fieldname] = f.fieldtype
    return types


def row_converters(dt: DocType, columns: list[str]) -> list:
    types = column_types(dt)
    return [converter(types.get(c)) for c in columns]


def convert_row(row, convs) -> list:
    return [v if c is None or v is None else c(v) for v, c in zip(row, convs)]
