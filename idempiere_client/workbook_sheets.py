"""The cells of an Excel report as both readers hand them over (``xls_reader``: BIFF8, ``xlsx_reader``: OOXML),
and the one rule both apply to a number cell: its number format says what the number is.

Excel stores every number as a double; what it *is* shows only in the cell's number format. iDempiere's
exporters (``AbstractExcelExporter`` / ``AbstractXLSXExporter``) format each numeric and date cell from the
column's display type: an Integer column without decimals (``#,##0``), Amount, Quantity and Number columns
with a decimal part (``#,##0.00##…``), date and date-time columns with the login language's *date* pattern
(``MM/dd/yyyy``; a date-time cell keeps its time of day in the value). So a number in a format with a
decimal part stays a ``float`` even when it is whole (an amount of 100 is 100.0, and the column is a
number, as in every other run), one in a format without stays an ``int`` when whole, and one in a date
format is a ``datetime`` (``report_workbooks`` writes it as an ISO date, or date-time when its column has
times of day).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

_EPOCHS = (datetime(1899, 12, 30), datetime(1904, 1, 1))  # serial 0 in the 1900 and 1904 date systems
_LAST_SERIAL = 2958466  # 10000-01-01 in the 1900 system: Excel has no later date
_NOT_SHOWN = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]|[_*].')  # quoted text, escapes, [Red]/[h], padding
_DECIMALS = re.compile(r"\.[0#?]")
WHOLE, DECIMAL, DATE = "whole", "decimal", "date"


@dataclass
class Sheet:
    """One worksheet: its cells by row (None, str, bool, int, float or datetime), ragged rows allowed.

    ``frozen_rows``: how many rows lie above a frozen pane (iDempiere freezes its parameter rows and the
    column header); ``emphasised``: indexes of rows with a non-empty cell in a bold italic font, the font
    iDempiere gives its function rows (totals, group sums) and nothing else.
    """

    name: str
    rows: list[list[Any]]
    frozen_rows: int = 0
    emphasised: set[int] = field(default_factory=set)


def format_kind(code: str | None) -> str:
    """``date``, ``decimal`` (the format shows a decimal part) or ``whole`` (General and formats without one)."""
    section = _NOT_SHOWN.sub("", code or "").split(";")[0].lower()
    if section.strip() in ("", "general", "@"):
        return WHOLE
    if any(ch in section for ch in "ymdhs"):
        return DATE
    return DECIMAL if _DECIMALS.search(section) else WHOLE


def number_value(raw: float, code: str | None, datemode: int) -> int | float | datetime:
    """A number cell's value as its format shows it (see the module docstring).

    Raises:
        ValueError: a date-formatted number that is no date (negative, after 9999, Excel's 29 February 1900).
    """
    kind = format_kind(code)
    if kind == DATE:
        return excel_datetime(raw, datemode)
    if kind == WHOLE and float(raw).is_integer() and abs(raw) < 2**53:
        return int(raw)
    return float(raw)


def excel_datetime(serial: float, datemode: int) -> datetime:
    """An Excel date serial as a naive date-time (datemode 0: the 1900 system, 1: the 1904 system of old Macs).

    POI writes a Java date as the serial of its local date and time: there is no offset to keep.

    Raises:
        ValueError: see ``number_value``.
    """
    if not 0 <= serial < _LAST_SERIAL:
        raise ValueError(f"{serial} is not an Excel date serial")
    if datemode == 0 and serial < 61:
        if serial >= 60:
            raise ValueError("serial 60 is Excel's 29 February 1900, a day that does not exist")
        serial += 1  # Excel counts that day, so every earlier serial is one day short of the 1899-12-30 epoch
    return _EPOCHS[1 if datemode else 0] + timedelta(milliseconds=round(serial * 86_400_000))
