"""The report's XLS and XLSX exports have core's Excel layout (AbstractExcelExporter / AbstractXLSXExporter):
parameter rows, the header row, typed cells, the frozen pane, bold italic function rows. The oracles are xlrd
(XLS) and the XLSX parts read here with zipfile + ElementTree, never the connector's readers."""
from __future__ import annotations

import base64
import csv
import io
import zipfile
from datetime import date
from xml.etree import ElementTree

import pytest
import requests
import xlrd

from idempiere_emulator.model.reports import HEADERS, TOTALS_PRINT_FORMAT_ID

from .conftest import api, bearer

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
REPORT = {"C_BPartner_ID": "117,114", "DateOrdered": "2024-01-01", "DateOrdered_to": "2030-12-31"}


@pytest.fixture(scope="module")
def emu():
    from idempiere_emulator import EmulatorOptions, EmulatorServer
    with EmulatorServer(EmulatorOptions(rows=30)) as server:
        yield server


def export(emu, report_type: str, body: dict) -> bytes:
    resp = requests.post(api(emu) + "/processes/rv_orderdetail", json={**body, "report-type": report_type},
                         headers=bearer(emu.s2s_token), timeout=30)
    assert resp.status_code == 200, resp.text
    return base64.b64decode(resp.json()["exportFile"])


def lines(emu):
    return emu.backend.sql(
        "SELECT o.DocumentNo, o.DateOrdered, l.Line, l.QtyOrdered, l.LineNetAmt FROM C_OrderLine l "
        "JOIN C_Order o ON o.C_Order_ID=l.C_Order_ID WHERE o.C_BPartner_ID IN (117, 114) AND o.IsActive='Y' "
        "AND l.IsActive='Y' ORDER BY o.DocumentNo, o.C_Order_ID, l.Line")


def font(book, sheet, r, c):
    return book.font_list[book.xf_list[sheet.cell_xf_index(r, c)].font_index]


def number_format(book, sheet, r, c) -> str:
    return book.format_map[book.xf_list[sheet.cell_xf_index(r, c)].format_key].format_str


def test_xls_lists_the_parameters_above_the_header_and_types_the_cells(emu):
    book = xlrd.open_workbook(file_contents=export(emu, "XLS", REPORT), formatting_info=True)
    sheet = book.sheet_by_index(0)
    assert book.nsheets == 1 and sheet.name == "Sheet0" and book.datemode == 0
    assert sheet.row_values(0)[:4] == ["Parameter:", "Business Partner", "=", "117,114"]
    assert sheet.row_values(1)[:4] == ["", "Date Ordered", " >-< ", "01/01/2024 - 12/31/2030"]
    assert font(book, sheet, 0, 0).weight == 700 and font(book, sheet, 0, 1).italic
    assert sheet.row_values(2) == list(HEADERS) and font(book, sheet, 2, 0).weight == 700
    assert sheet.panes_are_frozen and (sheet.horz_split_pos, sheet.vert_split_pos) == (3, 1)
    expected = lines(emu)
    assert sheet.nrows == 3 + len(expected) and expected
    for r, (doc, ordered, line, qty, amount) in enumerate(expected, start=3):
        assert sheet.cell(r, 1).ctype == xlrd.XL_CELL_TEXT and sheet.cell_value(r, 1) == doc
        assert sheet.cell(r, 2).ctype == xlrd.XL_CELL_DATE and number_format(book, sheet, r, 2) == "MM/dd/yyyy"
        assert xlrd.xldate_as_datetime(sheet.cell_value(r, 2), 0).date() == date.fromisoformat(str(ordered)[:10])
        assert (sheet.cell_value(r, 4), sheet.cell_value(r, 6)) == (line, pytest.approx(float(qty)))
        assert sheet.cell_value(r, 8) == pytest.approx(float(amount))
        assert not font(book, sheet, r, 0).italic
    assert number_format(book, sheet, 3, 4) == "#######,##0;[RED]-#######,##0"  # Integer: no decimals
    assert number_format(book, sheet, 3, 8).startswith("#" * 25 + ",##0.00" + "#" * 10 + ";[RED]-")  # Amount


def test_without_parameters_the_header_is_the_first_row(emu):
    sheet = xlrd.open_workbook(file_contents=export(emu, "XLS", {})).sheet_by_index(0)
    assert sheet.row_values(0) == list(HEADERS) and sheet.horz_split_pos == 1


def test_the_totals_print_format_adds_a_function_row_in_every_format(emu):
    body = {**REPORT, "print-format-id": TOTALS_PRINT_FORMAT_ID}
    expected = lines(emu)
    book = xlrd.open_workbook(file_contents=export(emu, "XLS", body), formatting_info=True)
    sheet = book.sheet_by_index(0)
    last = sheet.nrows - 1
    assert last == 3 + len(expected)
    assert sheet.cell_value(last, 0) == "Sum" and sheet.cell_value(last, 8) == pytest.approx(
        sum(float(a) for *_, a in expected))
    label = font(book, sheet, last, 0)
    assert label.italic and label.weight == 700  # a style first made in a function row
    assert not font(book, sheet, last, 8).italic  # the Amount style of column 8 was cached by the data rows
    rows = list(csv.reader(io.StringIO(export(emu, "CSV", body).decode())))
    assert len(rows) == 2 + len(expected) and rows[-1][0] == "Sum" and rows[-1][1] == ""
    assert float(rows[-1][8].replace(",", "")) == pytest.approx(sheet.cell_value(last, 8))
    plain = xlrd.open_workbook(file_contents=export(emu, "XLS", {**REPORT, "print-format-id": 4711}))
    assert plain.sheet_by_index(0).nrows == 3 + len(expected)  # another print format id: the report's own


def test_xlsx_has_the_same_sheet_with_shared_strings_and_styles(emu):
    parts = zipfile.ZipFile(io.BytesIO(export(emu, "XLSX", REPORT)))
    xml = {name: ElementTree.fromstring(parts.read(name)) for name in
           ("xl/workbook.xml", "xl/sharedStrings.xml", "xl/styles.xml", "xl/worksheets/sheet1.xml")}
    assert xml["xl/workbook.xml"].find("m:sheets/m:sheet", NS).get("name") == "Sheet0"
    shared = ["".join(t.text or "" for t in si.iter(f"{{{NS['m']}}}t")) for si in xml["xl/sharedStrings.xml"]]
    pane = xml["xl/worksheets/sheet1.xml"].find(".//m:pane", NS)
    assert (pane.get("ySplit"), pane.get("xSplit"), pane.get("state")) == ("3", "1", "frozen")
    rows = xml["xl/worksheets/sheet1.xml"].findall(".//m:row", NS)
    header = [shared[int(c.find("m:v", NS).text)] for c in rows[2]]
    assert header == list(HEADERS) and [shared[int(c.find("m:v", NS).text)] for c in rows[0]] == [
        "Parameter:", "Business Partner", "=", "117,114"]
    formats = {f.get("numFmtId"): f.get("formatCode") for f in xml["xl/styles.xml"].iter(f"{{{NS['m']}}}numFmt")}
    xfs = xml["xl/styles.xml"].find("m:cellXfs", NS)
    date_cell = rows[3][2]
    assert date_cell.get("t") is None and formats[xfs[int(date_cell.get("s"))].get("numFmtId")] == "MM/dd/yyyy"
    first = lines(emu)[0]
    assert xlrd.xldate_as_datetime(float(date_cell.find("m:v", NS).text), 0).date() == date.fromisoformat(
        str(first[1])[:10])
    assert float(rows[3][8].find("m:v", NS).text) == pytest.approx(float(first[4]))
    assert len(rows) == 3 + len(lines(emu))
