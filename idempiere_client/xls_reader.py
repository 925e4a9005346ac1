"""Legacy Excel workbooks (``.xls``: BIFF8 in an OLE2 compound file, what iDempiere's ``report-type`` XLS writes
with Apache POI) read into ``workbook_sheets.Sheet`` cells with ``xlrd``.

xlrd is the standard pure-Python BIFF reader; the format (OLE2 sectors, record continuations, shared string
tables, RK numbers) is far too large to own here. It is opened with ``formatting_info`` because the number
formats (what a number is) and the fonts (iDempiere's function rows) are part of the content. xlrd writes its
warnings to a log file, stdout by default, which is the Airbyte protocol stream: they go to a discarded buffer.
"""
from __future__ import annotations

import io
from typing import Any

import xlrd

from idempiere_client.process_output import ReportOutputError
from idempiere_client.workbook_sheets import Sheet, number_value

_BOLD = 700  # FONT weight: POI's setBold writes 700 (xlrd's ``bold`` reads a BIFF2 flag POI leaves unset)


def read_xls(data: bytes, *, what: str) -> list[Sheet]:
    """Every worksheet of an ``.xls`` file, in workbook order.

    Raises:
        ReportOutputError: a file xlrd cannot read (damaged, encrypted, not BIFF8), or a cell holding an Excel
            error value (named by sheet, row and column).
    """
    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, logfile=io.StringIO())
    except Exception as exc:  # xlrd fails in many ways on a damaged file (XLRDError, CompDocError, struct.error, ...)
        raise ReportOutputError(f"{what} is not a readable XLS workbook ({exc})") from None
    return [_sheet(book, sheet, what) for sheet in book.sheets()]


def _sheet(book: Any, sheet: Any, what: str) -> Sheet:
    out = Sheet(sheet.name, [], sheet.horz_split_pos if sheet.panes_are_frozen else 0)
    for r in range(sheet.nrows):
        row: list[Any] = []
        for c in range(sheet.ncols):
            cell = sheet.cell(r, c)
            value = _value(book, sheet, cell, r, c, what)
            row.append(value)
            if value is not None and _bold_italic(book, sheet.cell_xf_index(r, c)):
                out.emphasised.add(r)
        out.rows.append(row)
    return out


def _value(book: Any, sheet: Any, cell: Any, r: int, c: int, what: str) -> Any:
    if cell.ctype == xlrd.XL_CELL_TEXT:
        return cell.value if cell.value != "" else None
    if cell.ctype in (xlrd.XL_CELL_NUMBER, xlrd.XL_CELL_DATE):
        fmt = book.format_map.get(book.xf_list[sheet.cell_xf_index(r, c)].format_key)
        try:
            return number_value(cell.value, fmt.format_str if fmt else None, book.datemode)
        except ValueError as exc:
            raise ReportOutputError(f"{_where(sheet, r, c, what)} is formatted as a date but holds {cell.value} "
                                    f"({exc})") from None
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return bool(cell.value)
    if cell.ctype == xlrd.XL_CELL_ERROR:
        shown = xlrd.error_text_from_code.get(cell.value, f"code {cell.value}")
        raise ReportOutputError(f"{_where(sheet, r, c, what)} holds the Excel error {shown}, not a value")
    return None  # empty or blank (a formatted cell without a value)


def _where(sheet: Any, r: int, c: int, what: str) -> str:
    return f"{what}: sheet {sheet.name!r}, row {r + 1}, column {c + 1}"


def _bold_italic(book: Any, xf_index: int) -> bool:
    font = book.font_list[book.xf_list[xf_index].font_index]
    return bool(font.italic) and font.weight >= _BOLD
