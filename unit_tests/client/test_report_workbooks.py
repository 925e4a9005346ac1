"""Excel report output as rows: the cell rules (workbook_sheets), both readers, and the layout rules
(report_workbooks). Workbooks come from the emulator's writers (core's layout) or are written here by hand
for what those never write (booleans, error cells, inline and rich strings, the 1904 date system, sheets)."""
from __future__ import annotations

import io
import struct
import zipfile
from datetime import datetime

import pytest

from idempiere_client.process_output import ReportOutputError
from idempiere_client.report_columns import convert_rows, sniff
from idempiere_client.report_workbooks import parse_workbook
from idempiere_client.workbook_sheets import excel_datetime, format_kind, number_value
from idempiere_emulator.catalog.processes import AMOUNT, DATE, DATETIME, INTEGER, QUANTITY, STRING, TABLEDIR, YESNO
from idempiere_emulator.model import report_files
from idempiere_emulator.model.report_files import xls_bytes
from idempiere_emulator.model.report_layout import ReportRow, lay_out
from idempiere_emulator.model.report_xlsx import xlsx_bytes

WRITERS = {"xls": xls_bytes, "xlsx": xlsx_bytes}
HEADERS = ["Org", "Doc", "Ordered", "Partner", "Line", "Qty", "Amount", "Paid", "Created"]
PARAMETERS = [("Date Ordered", " >-< ", "01/01/2026 - 01/31/2026"), ("Sales Transaction", "=", "Y")]


def report_rows(*, total: bool = True) -> list[ReportRow]:
    def row(org, doc, day, partner, line, qty, amount, paid, created):
        return ReportRow([(org, TABLEDIR), (doc, STRING), (day, DATE), None if partner is None else (partner, TABLEDIR),
                          (line, INTEGER), (qty, QUANTITY), (amount, AMOUNT), (paid, YESNO), (created, DATETIME)])
    rows = [row("HQ", "80001", "2026-01-15", None, 10, 3, 100, "Y", "2026-01-15 00:00:00"),
            row("HQ", "80002", "2026-01-16", "Joe", 20, 1.5, 12.34, "N", "2026-01-16 09:30:15")]
    if total:
        rows.append(ReportRow([("Sum", STRING), None, None, None, None, (4.5, QUANTITY), (112.34, AMOUNT), None, None],
                              function=True))
    return rows


def workbook(kind: str, *, parameters=PARAMETERS, total: bool = True) -> bytes:
    return WRITERS[kind](lay_out(HEADERS, report_rows(total=total), parameters))


# ---- cells -----------------------------------------------------------------------------------------
@pytest.mark.parametrize(("code", "kind"), [
    (None, "whole"), ("General", "whole"), ("@", "whole"), ("0", "whole"), ("#,##0;[RED]-#,##0", "whole"),
    ("#,##0.00", "decimal"), ("#,##0.00##;[RED]-#,##0.00##", "decimal"), ('0.0 "days"', "decimal"),
    ("MM/dd/yyyy", "date"), ("m/d/yy h:mm", "date"), ("[h]:mm:ss", "date"), ('"Week" 0', "whole"),
])
def test_a_number_format_says_whether_a_number_is_a_date_a_whole_or_a_decimal(code, kind):
    assert format_kind(code) == kind


def test_numbers_keep_the_kind_their_format_shows():
    assert number_value(10.0, "#,##0", 0) == 10 and type(number_value(10.0, "#,##0", 0)) is int
    assert type(number_value(2.5, "General", 0)) is float  # a fraction in a whole format stays a fraction
    assert number_value(100.0, "#,##0.00", 0) == 100.0 and type(number_value(100.0, "#,##0.00", 0)) is float
    assert number_value(45672.5, "MM/dd/yyyy", 0) == datetime(2025, 1, 15, 12)


@pytest.mark.parametrize(("serial", "mode", "expected"), [
    (45672, 0, datetime(2025, 1, 15)), (45672 - 1462, 1, datetime(2025, 1, 15)), (1, 0, datetime(1900, 1, 1)),
    (59, 0, datetime(1900, 2, 28)), (61, 0, datetime(1900, 3, 1)), (0, 1, datetime(1904, 1, 1)),
    (45672.3906365741, 0, datetime(2025, 1, 15, 9, 22, 31, 0)),
])
def test_date_serials_follow_the_workbooks_date_system(serial, mode, expected):
    assert excel_datetime(serial, mode) == expected


@pytest.mark.parametrize("serial", [-1, 60, 2958466])
def test_a_serial_that_is_no_date_is_refused(serial):
    with pytest.raises(ValueError):
        excel_datetime(serial, 0)


# ---- iDempiere's layout ----------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["xls", "xlsx"])
def test_parameter_rows_header_typed_cells_and_the_function_row(kind):
    table = parse_workbook(workbook(kind), what="the output")
    assert table.columns == HEADERS and not table.text
    assert table.rows == [
        {"Org": "HQ", "Doc": "80001", "Ordered": "2026-01-15", "Partner": None, "Line": 10, "Qty": 3.0, "Amount": 100.0,
         "Paid": "Yes", "Created": "2026-01-15T00:00:00"},
        {"Org": "HQ", "Doc": "80002", "Ordered": "2026-01-16", "Partner": "Joe", "Line": 20, "Qty": 1.5,
         "Amount": 12.34, "Paid": "No", "Created": "2026-01-16T09:30:15"}]
    assert table.lines == [4, 5] and table.where(1) == "row 5 of sheet 'Sheet0'"
    assert table.notes == [
        "the column names are row 3 of sheet 'Sheet0' (the last row above the frozen pane); 2 rows above them "
        "(the report's parameters) are not records",
        "skipped 1 function row (totals or group sums, in bold italic): row 6 of sheet 'Sheet0'"]
    assert sniff(table) == {"Org": "string", "Doc": "string", "Ordered": "date", "Partner": "string", "Line": "integer",
                            "Qty": "number", "Amount": "number", "Paid": "string", "Created": "date-time"}


@pytest.mark.parametrize("kind", ["xls", "xlsx"])
def test_without_parameters_the_header_is_row_one_and_nothing_is_noted(kind):
    table = parse_workbook(workbook(kind, parameters=[], total=False))
    assert table.columns == HEADERS and len(table.rows) == 2 and table.notes == [] and table.lines == [2, 3]


@pytest.mark.parametrize("kind", ["xls", "xlsx"])
def test_header_row_overrides_the_frozen_pane(kind):
    assert parse_workbook(workbook(kind), header_row=3).rows == parse_workbook(workbook(kind)).rows
    with pytest.raises(ReportOutputError, match=r"x: row 4 of sheet 'Sheet0', taken as the column names \(header_row\), "
                                                r"holds the value datetime.datetime\(2026, 1, 15, 0, 0\); set the "
                                                r"stream's header_row"):
        parse_workbook(workbook(kind), header_row=4, what="x")
    with pytest.raises(ReportOutputError, match="sheet 'Sheet0' has 6 rows, but header_row is 9"):
        parse_workbook(workbook(kind), header_row=9)


@pytest.mark.parametrize("kind", ["xls", "xlsx"])
def test_typed_rows_fail_loudly_naming_the_sheet_row(kind):
    table = parse_workbook(workbook(kind), what="the output")
    with pytest.raises(ReportOutputError, match=r"the output: row 4 of sheet 'Sheet0', column 'Qty': '3.0' is not an "
                                                r"integer"):  # a Quantity format shows decimals: 3 is 3.0
        list(convert_rows(table, {**sniff(table), "Qty": "integer"}, what="the output"))
    with pytest.raises(ReportOutputError, match=r"row 4 of sheet 'Sheet0', column 'Created': '2026-01-15T00:00:00' is "
                                                r"not a date as in"):  # a column with times: midnight too
        list(convert_rows(table, {**sniff(table), "Created": "date"}, what="the output"))


# ---- XLSX written by hand --------------------------------------------------------------------------
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def xlsx(sheets: dict[str, str], *, shared: str = "", date1904: bool = False, styles: str | None = None) -> bytes:
    """A workbook whose sheets have these ``<sheetData>`` bodies (and optional ``<sheetViews>`` before)."""
    rels = "".join(f'<Relationship Id="s{n}" Type="{REL}/worksheet" Target="/xl/sheets/s{n}.xml"/>'
                   for n in range(len(sheets)))
    style_rel = f'<Relationship Id="st" Type="{REL}/styles" Target="styles.xml"/>' if styles else ""
    parts = {
        "_rels/.rels": f'<Relationships><Relationship Id="r" Type="{REL}/officeDocument" Target="xl/book.xml"/>'
                       "</Relationships>",
        "xl/book.xml": f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><workbookPr date1904="{int(date1904)}"/><sheets>'
                       + "".join(f'<sheet name="{name}" r:id="s{n}"/>' for n, name in enumerate(sheets))
                       + "</sheets></workbook>",
        "xl/_rels/book.xml.rels": f'<Relationships><Relationship Id="ss" Type="{REL}/sharedStrings" '
                                  f'Target="strings.xml"/>{style_rel}{rels}</Relationships>',
        "xl/strings.xml": f'<sst xmlns="{MAIN}">{shared}</sst>',
        **{f"xl/sheets/s{n}.xml": f'<worksheet xmlns="{MAIN}">{body}</worksheet>' for n, body in enumerate(sheets.values())},
    }
    if styles:
        parts["xl/styles.xml"] = f'<styleSheet xmlns="{MAIN}">{styles}</styleSheet>'
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return out.getvalue()


HEAD = '<row r="2"><c r="A2" t="inlineStr"><is><t>Name</t></is></c><c r="C2" t="s"><v>0</v></c></row>'
STYLES = ('<numFmts><numFmt numFmtId="170" formatCode="yyyy-mm-dd hh:mm"/></numFmts><fonts><font/></fonts>'
          '<cellXfs><xf numFmtId="0"/><xf numFmtId="170"/><xf numFmtId="14"/><xf numFmtId="4"/></cellXfs>')


def test_xlsx_cells_of_every_kind_sparse_rows_and_the_1904_date_system():
    body = ("<sheetData>" + HEAD +
            '<row r="3"><c r="A3" t="str"><v>formula text</v></c><c r="B3" t="b"><v>1</v></c>'
            '<c r="C3" s="1"><v>44210.75</v></c></row>'
            '<row r="5"><c r="A5" t="s"><v>1</v></c><c r="B5" t="b"><v>0</v></c><c r="C5" s="2"><v>44209</v></c>'
            '</row><row r="6"><c r="C6" s="3"><v>7</v></c></row><row r="7"/></sheetData>')
    shared = '<si><t>When</t></si><si><r><t>rich </t></r><r><t>text</t></r><rPh><t>ruby</t></rPh></si>'
    table = parse_workbook(xlsx({"Data": body}, shared=shared, date1904=True, styles=STYLES))
    assert table.columns == ["Name", "column_2", "When"]  # the first row with a value; B2 is empty
    assert table.rows == [
        {"Name": "formula text", "column_2": True, "When": "2025-01-15T18:00:00"},
        {"Name": None, "column_2": None, "When": None},  # row 4 is missing: an empty row between records
        {"Name": "rich text", "column_2": False, "When": "2025-01-14T00:00:00"},
        {"Name": None, "column_2": None, "When": 7.0}]
    assert table.lines == [3, 4, 5, 6]


def test_every_sheet_is_read_and_must_have_the_first_sheets_columns():
    row = '<row r="3"><c r="A3" t="inlineStr"><is><t>{}</t></is></c></row>'
    one, two = ("<sheetData>" + HEAD + row.format(v) + "</sheetData>" for v in ("a", "b"))
    table = parse_workbook(xlsx({"Page 1": one, "Page 2": two, "Empty": "<sheetData/>"}, shared="<si><t>C</t></si>"))
    assert [r["Name"] for r in table.rows] == ["a", "b"] and table.where(1) == "row 3 of sheet 'Page 2'"
    other = '<sheetData><row><c t="inlineStr"><is><t>Other</t></is></c></row></sheetData>'
    with pytest.raises(ReportOutputError, match=r"sheet 'Page 2' has the columns \['Other'\], the first sheet "
                                                r"\['Name', 'column_2', 'C'\]"):
        parse_workbook(xlsx({"Page 1": one, "Page 2": other}, shared="<si><t>C</t></si>"))


@pytest.mark.parametrize(("body", "message"), [
    ('<row r="3"><c r="A3" t="e"><v>#DIV/0!</v></c></row>', r"sheet 'S', cell A3 holds the Excel error #DIV/0!"),
    ('<row r="3"><c r="E3"><v>1</v></c></row>', r"row 3 of sheet 'S' has a value in column 5, right of the last of "
                                                r"the 3 named columns"),
    ('<row r="3"><c r="A3" s="2"><v>-5</v></c></row>', r"cell A3 is formatted as a date but holds -5"),
])
def test_bad_cells_fail_naming_where(body, message):
    with pytest.raises(ReportOutputError, match=message):
        parse_workbook(xlsx({"S": f"<sheetData>{HEAD}{body}</sheetData>"}, shared="<si><t>C</t></si>", styles=STYLES))


def test_a_frozen_pane_in_an_xlsx_marks_the_header():
    body = ('<sheetViews><sheetView><pane ySplit="2" state="frozen"/></sheetView></sheetViews><sheetData>'
            '<row r="1"><c t="inlineStr"><is><t>Report title</t></is></c></row>' + HEAD + '</sheetData>')
    assert parse_workbook(xlsx({"S": body}, shared="<si><t>C</t></si>")).columns == ["Name", "column_2", "C"]


# ---- XLS records the emulator does not write -------------------------------------------------------
def xls_with(*records: bytes) -> bytes:
    """The emulator's XLS of a one-column sheet, with ``records`` (cell records of row 2) before WINDOW2."""
    stream = report_files._workbook(lay_out(["Flag"], [], []))
    window2 = stream.index(struct.pack("<HH", 0x023E, 18))
    return report_files._compound_file(stream[:window2] + b"".join(records) + stream[window2:])


def boolerr(value: int, is_error: bool) -> bytes:
    return struct.pack("<HHHHHBB", 0x0205, 8, 1, 0, 15, value, int(is_error))


def test_xls_booleans_and_error_cells():
    table = parse_workbook(xls_with(boolerr(1, False)))
    assert table.rows == [{"Flag": True}]
    with pytest.raises(ReportOutputError, match=r"sheet 'Sheet0', row 2, column 1 holds the Excel error #DIV/0!"):
        parse_workbook(xls_with(boolerr(0x07, True)), what="the output")


# ---- not workbooks -----------------------------------------------------------------------------------
@pytest.mark.parametrize(("data", "message"), [
    (b"Org,Doc\n1,2\n", r"the output is not an Excel workbook \(it starts with b'Org,Doc\\n', not the bytes"),
    (bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 100, "the output is not a readable XLS workbook"),
    (b"PK\x03\x04 broken", r"the output is not a readable XLSX workbook \(BadZipFile"),
    (xlsx({"S": "<sheetData>"}), r"the output is not a readable XLSX workbook \(ParseError"),
])
def test_a_file_that_is_no_readable_workbook_fails_saying_so(data, message):
    with pytest.raises(ReportOutputError, match=message):
        parse_workbook(data, what="the output")


def test_a_zip_without_a_workbook_fails_saying_so():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<document/>")
    with pytest.raises(ReportOutputError, match=r"not a readable XLSX workbook \(KeyError"):
        parse_workbook(out.getvalue(), what="the output")


def test_an_empty_workbook_is_no_rows():
    table = parse_workbook(xlsx({"S": "<sheetData/>"}))
    assert (table.columns, table.rows, table.notes) == ([], [], [])


def test_only_rows_with_a_bold_italic_value_are_function_rows():
    styles = ('<fonts><font/><font><b/><i/></font><font><b val="0"/><i val="1"/></font></fonts>'
              '<cellXfs><xf fontId="0"/><xf fontId="1"/><xf fontId="2"/></cellXfs>')
    body = ("<sheetData>" + HEAD + '<row r="3"><c r="A3" s="1" t="inlineStr"><is><t>Sum</t></is></c></row>'
            '<row r="4"><c r="A4" s="2" t="inlineStr"><is><t>italic</t></is></c></row>'
            '<row r="5"><c r="A5" s="1"/><c r="C5"><v>1</v></c></row></sheetData>')
    table = parse_workbook(xlsx({"S": body}, shared="<si><t>C</t></si>", styles=styles))
    assert [r["Name"] for r in table.rows] == ["italic", None]  # a blank bold italic cell marks nothing
    assert table.notes == ["skipped 1 function row (totals or group sums, in bold italic): row 3 of sheet 'S'"]
