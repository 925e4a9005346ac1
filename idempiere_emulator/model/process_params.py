"""Process request body -> AD_PInstance_Para values (the plugin's ``Process.createPInstance``, spec §9).

A parameter is read from ``toPropertyName(ColumnName)`` first, then from ColumnName; a range parameter's upper
bound from ``<name>_to``. Values are converted by the parameter's reference like the plugin's type converters:
numbers and numeric strings for numeric and lookup references (a lookup also takes ``{"id": n}``), ``true``/
``false``/``"Y"``/``"N"`` for Yes-No, ``yyyy-MM-dd`` (optionally with a time) for dates, anything else as text.
JSON null and values a converter does not take leave the parameter unset. A value a converter refuses (a
non-numeric string for a number, an unparseable date) escapes the resource method: Jetty's 500 page.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from erp_emulator.clock import local_to_stored

from ..catalog.processes import CHOSEN_SEARCH, DATE_REFS, LOOKUP_REFS, NUMERIC_REFS, YESNO
from ..catalog.properties import property_name

_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}:\d{2}))?")


class UncaughtError(Exception):
    """An exception the plugin's resource method does not catch: the HTTP layer answers Jetty's 500 page."""


@dataclass
class ParamValue:
    """One instance parameter as stored: P_String / P_Number / P_Date (stored UTC text) and their ``_To``."""

    name: str
    seq: int
    info: str
    string: str | None = None
    string_to: str | None = None
    number: float | int | None = None
    number_to: float | int | None = None
    date: str | None = None
    date_to: str | None = None

    @property
    def value(self) -> Any:
        """ProcessInfoParameter.getParameter(): the string, else the number, else the date."""
        return next((v for v in (self.string, self.number, self.date) if v is not None), None)

    @property
    def value_to(self) -> Any:
        return next((v for v in (self.string_to, self.number_to, self.date_to) if v is not None), None)

    def same(self, other: ParamValue) -> bool:
        """MPInstancePara.equalParameter: every stored field equal."""
        return (self.string, self.string_to, self.number, self.number_to, self.date, self.date_to) == (
            other.string, other.string_to, other.number, other.number_to, other.date, other.date_to)


def read_params(paras: list[dict], body: dict, tz: str) -> list[ParamValue]:
    """Instance parameters for the AD_Process_Para rows ``paras`` (ordered by SeqNo) from a request body."""
    out = []
    for para in paras:
        column, ref = para["ColumnName"], para["AD_Reference_ID"]
        pv = ParamValue(column, para["SeqNo"], para["Name"])
        prop = property_name(column, True)
        _assign(pv, "", ref, body.get(prop, body.get(column)), tz)
        if para["IsRange"] == "Y":
            _assign(pv, "_to", ref, body.get(prop + "_to", body.get(column + "_to")), tz)
        out.append(pv)
    return out


def _assign(pv: ParamValue, suffix: str, ref: int, raw: Any, tz: str) -> None:
    if raw is None:
        return
    if ref in NUMERIC_REFS or ref in LOOKUP_REFS:
        value = _number(raw, lookup=ref in LOOKUP_REFS)
        if value is not None:
            setattr(pv, "number" + suffix, value)
    elif ref in DATE_REFS:
        if isinstance(raw, str):
            setattr(pv, "date" + suffix, _date(raw, tz))
    elif ref == YESNO:
        if isinstance(raw, bool) or isinstance(raw, str):
            setattr(pv, "string" + suffix, "Y" if raw is True or raw in ("Y", "true") else "N")
    elif ref == CHOSEN_SEARCH and isinstance(raw, list):
        setattr(pv, "string" + suffix, ",".join(str(_number(v, lookup=True)) for v in raw))
    elif not isinstance(raw, (dict, list)):
        setattr(pv, "string" + suffix, _text(raw))


def _number(raw: Any, *, lookup: bool) -> float | int | None:
    if lookup and isinstance(raw, dict):
        raw = raw.get("id")
    if isinstance(raw, bool) or raw is None or isinstance(raw, (dict, list)):
        return None
    if isinstance(raw, (int, float)):
        return int(raw) if lookup or float(raw).is_integer() else raw
    try:
        number = float(str(raw).strip())
    except ValueError:
        raise UncaughtError(f'java.lang.NumberFormatException: For input string: "{raw}"') from None
    return int(number) if lookup or number.is_integer() else number


def _date(raw: str, tz: str) -> str:
    m = _DATE.match(raw.strip())
    if not m:
        raise UncaughtError(f'java.text.ParseException: Unparseable date: "{raw}"')
    try:
        when = datetime.fromisoformat(f"{m.group(1)}T{m.group(2) or '00:00:00'}")
    except ValueError:
        raise UncaughtError(f'java.text.ParseException: Unparseable date: "{raw}"') from None
    return local_to_stored(when, tz)


def _text(raw: Any) -> str:
    if isinstance(raw, bool):
        return "true" if raw else "false"
    return str(raw)
