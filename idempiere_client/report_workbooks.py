"""A report's Excel output (``report-type`` XLS or XLSX) as a ``Table``: where the column names are, which rows
are records, and what each value is.

The layout is iDempiere's (``AbstractExcelExporter`` / ``AbstractXLSXExporter`` with ``PrintDataExcelExporter``
/ ``PrintDataXLSXExporter``; both write the same sheet):

* when the run has parameters, rows 1..n list them (``Parameter:`` then name, operator, value per row) and the
  column names follow in row n+1; without, the column names are row 1. Rows and the first column are frozen
  above and left of the data, so the frozen pane says where the column names are, in any login language. The
  ``header_row`` option overrides that; a workbook without a frozen pane has its names in its first non-empty
  row;
* one row per print data row below it: numbers and dates are number cells (``workbook_sheets`` types them by
  their number format), keys and everything else text cells in the login language, Yes-No columns the texts
  ``Yes``/``No``, an empty value a blank cell;
* function rows (totals, group sums, running totals) are rows like any other, in a bold italic font. A row
  with a bold italic value is skipped and the sync log lists it. Core caches one cell style per column and
  display type, so a function cell whose column and type already appeared in a data row keeps that row's
  plain font: a total whose label lands in a text column is read as a record (as the CSV always does);
* a page break in the print format starts a new sheet with its own header: every sheet is read, and must
  have the first sheet's columns.

A date column is ISO dates (``2026-01-15``), or ISO date-times when a value of the run has a time of day
(core formats date-time cells with the *date* pattern, but the serial keeps the time).
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from idempiere_client.process_output import ReportOutputError, Table, column_names
from idempiere_client.workbook_sheets import Sheet
from idempiere_client.xls_reader import read_xls
from idempiere_client.xlsx_reader import read_xlsx

OLE2_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")  # .xls (BIFF8 in a compound file)
ZIP_MAGIC = b"PK\x03\x04"  # .xlsx
_LISTED = 5  # skipped rows named in the note


def parse_workbook(data: bytes, *, header_row: int | None = None, what: str = "the report") -> Table:
    """An ``.xls`` or ``.xlsx`` file (told apart by its first bytes, whatever its name says) as a ``Table``.

    Raises:
        ReportOutputError: not a workbook, unreadable, a header row that holds values, a sheet whose columns
            differ from the first sheet's, a value right of the last column, an Excel error value.
    """
    if data.startswith(OLE2_MAGIC):
        sheets = read_xls(data, what=what)
    elif data.startswith(ZIP_MAGIC):
        sheets = read_xlsx(data, what=what)
    else:
        raise ReportOutputError(f"{what} is not an Excel workbook (it starts with {data[:8]!r}, not the bytes of an "
                                "XLS or XLSX file)")
    return workbook_table(sheets, header_row=header_row, what=what)


def workbook_table(sheets: list[Sheet], *, header_row: int | None = None, what: str = "the report") -> Table:
    """The records of ``sheets`` (see the module docstring); ``header_row`` is 1-based."""
    columns: list[str] | None = None
    rows: list[dict[str, Any]] = []
    lines: list[int] = []
    places: list[str] = []
    skipped: list[str] = []
    notes: list[str] = []
    for sheet in sheets:
        if not any(v is not None for row in sheet.rows for v in row):
            continue
        index, why = _header_index(sheet, header_row, what)
        names = column_names(_header(sheet, index, why, what))
        if columns is None:
            columns = names
            above = sum(1 for row in sheet.rows[:index] if any(v is not None for v in row))
            if above:
                notes.append(f"the column names are row {index + 1} of sheet {sheet.name!r} ({why}); "
                             f"{_rows(above)} above them (the report's parameters) are not records")
        elif names != columns:
            raise ReportOutputError(f"{what}: sheet {sheet.name!r} has the columns {names}, the first sheet "
                                    f"{columns}; set header_row, or read the report as CSV")
        body = sheet.rows[index + 1:]
        while body and all(v is None for v in body[-1]):
            body.pop()
        for number, cells in enumerate(body, start=index + 2):
            place = f"row {number} of sheet {sheet.name!r}"
            extra = [c for c, v in enumerate(cells) if v is not None and c >= len(columns)]
            if extra:
                raise ReportOutputError(f"{what}: {place} has a value in column {extra[0] + 1}, right of the "
                                        f"last of the {len(columns)} named columns (row {index + 1} was taken as the "
                                        f"column names: {why}; set header_row to the row that has them)")
            if number - 1 in sheet.emphasised:
                skipped.append(place)
                continue
            rows.append({name: (cells[c] if c < len(cells) else None) for c, name in enumerate(columns)})
            lines.append(number)
            places.append(place)
    if skipped:
        listed = ", ".join(skipped[:_LISTED]) + (f" and {len(skipped) - _LISTED} more" if len(skipped) > _LISTED else "")
        notes.append(f"skipped {_rows(len(skipped), 'function row')} (totals or group sums, in bold italic): {listed}")
    _dates_as_iso(columns or [], rows)
    return Table(columns or [], rows, lines, text=False, places=places, notes=notes)


def _rows(n: int, what: str = "row") -> str:
    return f"{n} {what}" + ("" if n == 1 else "s")


def _header_index(sheet: Sheet, header_row: int | None, what: str) -> tuple[int, str]:
    if header_row is not None:
        if header_row > len(sheet.rows):
            raise ReportOutputError(f"{what}: sheet {sheet.name!r} has {len(sheet.rows)} rows, but header_row is "
                                    f"{header_row}")
        return header_row - 1, "header_row"
    if 0 < sheet.frozen_rows <= len(sheet.rows):
        return sheet.frozen_rows - 1, "the last row above the frozen pane"
    first = next(i for i, row in enumerate(sheet.rows) if any(v is not None for v in row))
    return first, "the first row with a value"


def _header(sheet: Sheet, index: int, why: str, what: str) -> list[str]:
    cells = list(sheet.rows[index])
    while cells and cells[-1] is None:
        cells.pop()
    wrong = next((v for v in cells if v is not None and not isinstance(v, str)), None)
    if not cells or wrong is not None:
        held = "nothing" if not cells else f"the value {wrong!r}"
        raise ReportOutputError(f"{what}: row {index + 1} of sheet {sheet.name!r}, taken as the column names "
                                f"({why}), holds {held}; set the stream's header_row to the row of the column names")
    return ["" if v is None else v for v in cells]


def _dates_as_iso(columns: list[str], rows: list[dict[str, Any]]) -> None:
    """Date cells as ISO text: a column's values are dates, or date-times when one of them has a time of day."""
    for column in columns:
        stamps = [r[column] for r in rows if isinstance(r[column], datetime)]
        if not stamps:
            continue
        timed = any(s.hour or s.minute or s.second or s.microsecond for s in stamps)
        for row in rows:
            value = row[column]
            if isinstance(value, datetime):
                row[column] = value.isoformat(timespec="milliseconds" if value.microsecond else "seconds") \
                    if timed else value.date().isoformat()
