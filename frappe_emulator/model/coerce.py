"""Incoming values -> stored values, and the per-field checks of ``_validate`` (spec §8.2; Part II §8
"Coercion on write", "Date and time writes").

Check is ``1 if cint(v) else 0`` (the string "true" stores 0), Int ``cint``, Float/Currency/Percent ``flt``,
numbers are never NULL, JSON objects are dumped, empty Date/Datetime/Time become NULL. Dates are cast as
MariaDB casts them: ``T`` and ``/`` are accepted, a ``Z``/offset or garbage is a 500 (error 1292).
"""
from __future__ import annotations

import json
import re

from ..errors import FrappeError
from ..query.values import cint, flt
from .dsl import INTEGER, NUMERIC, VARCHAR, Field

_DATE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T](\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,6}))?)?)?$")
_TIME = re.compile(r"^(\d{1,3}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,6}))?)?$")


def _bad_value(value, fieldname: str, kind: str) -> FrappeError:
    return FrappeError("OperationalError", f"(1292, \"Incorrect {kind} value: '{value}' for column "
                       f"`{fieldname}` at row 1\")", module="MySQLdb")


def to_stored(f: Field, value):
    """One field's value as it is written to the table."""
    ft = f.fieldtype
    if isinstance(value, (list, dict)) and ft not in ("JSON",):
        if isinstance(value, list):
            raise FrappeError("ValidationError", f"Value for {f.title} cannot be a list")
    if ft == "Check":
        return 1 if cint(value) else 0
    if ft in INTEGER:
        return cint(value)
    if ft in NUMERIC:
        return flt(value) if value is not None else 0.0
    if value is None:
        return None
    if ft in ("Date", "Datetime"):
        text = str(value).strip()
        if text == "":
            return None
        m = _DATE.match(text)
        if not m:
            raise _bad_value(value, f.fieldname, "date" if ft == "Date" else "datetime")
        y, mo, d, h, mi, s, frac = m.groups()
        if ft == "Date":
            return f"{int(y):04d}-{int(mo):02d}-{int(d):02d}"
        return (f"{int(y):04d}-{int(mo):02d}-{int(d):02d} {int(h or 0):02d}:{int(mi or 0):02d}:"
                f"{int(s or 0):02d}.{(frac or '0').ljust(6, '0')}")
    if ft == "Time":
        text = str(value).strip()
        if text == "":
            return None
        m = _TIME.match(text)
        if not m:
            raise _bad_value(value, f.fieldname, "time")
        h, mi, s, frac = m.groups()
        return f"{int(h):02d}:{int(mi):02d}:{int(s or 0):02d}.{(frac or '0').ljust(6, '0')}"
    if ft == "JSON":
        return value if isinstance(value, str) else json.dumps(value)
    if isinstance(value, bool):
        return str(int(value))
    return value if isinstance(value, str) else str(value)


def check_value(doctype: str, f: Field, stored) -> None:
    """Select options and length (``_validate_selects``, ``_validate_length``)."""
    if stored in (None, ""):
        return
    if f.fieldtype == "Select" and f.options:
        options = f.options.split("\n")
        if stored not in options and f.fieldname != "naming_series":
            shown = ", ".join(f'"{o}"' for o in options if o)
            raise FrappeError("ValidationError", f'{f.title} cannot be "{stored}". It should be one of {shown}')
    if f.fieldtype in VARCHAR:
        limit = f.length or 140
        if len(str(stored)) > limit:
            raise FrappeError("CharacterLengthExceededError",
                              f"{f.title}: '{str(stored)[:20]}...' ({len(str(stored))}) will get truncated, as max "
                              f"characters allowed is {limit}", title="Value too big")
