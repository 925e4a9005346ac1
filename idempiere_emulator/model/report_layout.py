"""The sheet core's Excel exporters lay out for a report, for both file formats (``report_files.xls_bytes``,
``report_xlsx.xlsx_bytes``): ``AbstractExcelExporter`` / ``AbstractXLSXExporter`` with ``PrintDataExcelExporter``
/ ``PrintDataXLSXExporter`` write the same cells.

* One sheet, POI's default name ``Sheet0`` (only a page break names sheets).
* With parameters (the report's MQuery restrictions), rows 1..n list them: ``Parameter:`` (bold) in column A
  of the first, then name, operator and value (italic) in B, C, D. The column header (bold, text format)
  follows in row n+1, the data below; the pane is frozen below the header and right of column A.
* Data cells by display type: Date/DateTime as date-times with the login language's *date* pattern
  (``MM/dd/yyyy`` for en_US, a DateTime keeps its time in the value), numbers as doubles with the pattern of
  ``AbstractExcelExporter.getFormatString`` (``DisplayType.getNumberFormat``: 28 integer digits, 10 for
  Integer, grouping, the display type's decimals; negatives red), Yes-No as the texts ``Yes``/``No``,
  everything else as its display text; a null value is an empty cell.
* Function rows (totals) are rows like the others, but a cell style created while writing one gets a bold
  italic font. Styles are cached per column and display type (``getStyle``'s ``cell-<col>-<type>`` key), so
  a function cell whose column and type already had a style keeps that plain one.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..catalog.processes import AMOUNT, DATE, DATETIME, INTEGER, NUMBER, QUANTITY, YESNO

COSTPRICE = 37
NO_VALUE = -1  # getDisplayType of a cell without a print data element
_INTEGER_PART = "#" * 25 + ",##0"  # getFormatString for 28 integer digits (10 for Integer: 7 '#')
_NUMBER_FORMATS = {INTEGER: "#" * 7 + ",##0", QUANTITY: _INTEGER_PART + "." + "#" * 12,
                   AMOUNT: _INTEGER_PART + ".00" + "#" * 10, COSTPRICE: _INTEGER_PART + ".00" + "#" * 10,
                   NUMBER: _INTEGER_PART + ".0" + "#" * 11}
DATE_FORMAT = "MM/dd/yyyy"  # DisplayType.getDateFormat(en_US).toPattern()
TEXT_FORMAT = "@"  # HSSFDataFormat.getBuiltinFormat("text"), the header cells' format


@dataclass(frozen=True)
class CellStyle:
    """What a reader can see of a cell style: its font and number format (None: General)."""

    bold: bool = False
    italic: bool = False
    number_format: str | None = None


@dataclass
class ReportRow:
    """One print data row: (value, AD_Reference_ID) per column, None where the row has no element."""

    cells: list[tuple[Any, int] | None]
    function: bool = False


@dataclass
class SheetLayout:
    """The laid-out sheet: per row, per column, None (no cell) or (value, style index); the value is a str,
    float or datetime, or None for a blank cell (POI creates every printed column's cell, styled, even empty)."""

    name: str
    cells: list[list[tuple[Any, int] | None]]
    styles: list[CellStyle] = field(default_factory=list)
    frozen_rows: int = 1
    frozen_columns: int = 1

    def style(self, style: CellStyle) -> int:
        if style not in self.styles:
            self.styles.append(style)
        return self.styles.index(style)


def number_format(reference: int) -> str | None:
    """The cell format of a display type (None: General, for text)."""
    if reference in (DATE, DATETIME):
        return DATE_FORMAT
    pattern = _NUMBER_FORMATS.get(reference)
    return f"{pattern};[RED]-{pattern}" if pattern else None


def lay_out(headers: list[str], rows: list[ReportRow], parameters: list[tuple[str, str, str]]) -> SheetLayout:
    """The sheet of a report with ``headers``, ``rows`` and parameter lines (name, operator, value)."""
    sheet = SheetLayout("Sheet0", [], frozen_rows=len(parameters) + 1)
    sheet.style(CellStyle())  # XF 0: cells POI writes without a style of their own
    italic = sheet.style(CellStyle(italic=True))
    for n, (name, operator, value) in enumerate(parameters):
        label = ("Parameter:", sheet.style(CellStyle(bold=True))) if n == 0 else None
        sheet.cells.append([label, (name, italic), (operator, italic), (value, italic)])
    header = sheet.style(CellStyle(bold=True, number_format=TEXT_FORMAT))
    sheet.cells.append([(h, header) for h in headers])
    cached: dict[tuple[int, int], int] = {}
    for row in rows:
        line: list[tuple[Any, int] | None] = []
        for col, cell in enumerate(row.cells):
            reference = cell[1] if cell is not None else NO_VALUE
            key = (col, reference)
            if key not in cached:
                cached[key] = sheet.style(CellStyle(bold=row.function, italic=row.function,
                                                    number_format=number_format(reference)))
            line.append((_cell_value(*cell) if cell is not None else None, cached[key]))
        sheet.cells.append(line)
    return sheet


def _cell_value(value: Any, reference: int) -> Any:
    if value is None:
        return None
    if reference in (DATE, DATETIME):
        return value if isinstance(value, datetime) else datetime.fromisoformat(str(value)[:19])
    if reference in _NUMBER_FORMATS:
        return float(value)
    if reference == YESNO:
        return "Yes" if value in (True, "Y") else "No"
    return str(value)
