"""process_output: which file a run answer carries, inline or on the server, and CSV/JSON output as rows."""
from __future__ import annotations

import base64
import json

import pytest

from idempiere_client.process_answers import ProcessResult
from idempiere_client.process_output import (
    ReportOutputError,
    column_names,
    json_table,
    parse_csv,
    parse_json_bytes,
    run_output,
    undo_sanitization,
)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


CSV = b'Name,Hours,"Date, started"\nJoe,8,2026-01-15\n"Block, Inc.",7.5,\n'


def run(**answer) -> ProcessResult:
    return ProcessResult.from_answer("timesheet", {"AD_PInstance_ID": 7, "isError": False, **answer})


def test_an_export_file_is_decoded_and_preferred_to_the_pdf_report_file():
    out = run_output(run(reportFile=b64(b"%PDF-1.4"), reportFileName="r.pdf", reportFileLength=8,
                         exportFile=b64(CSV), exportFileName="Timesheet_123.csv", exportFileLength=len(CSV)))
    assert out is not None and out.file.kind == "exportFile" and out.file.content == CSV and out.kind == "CSV"
    assert not out.needs_download and not out.is_json and out.name == "Timesheet_123.csv"


def test_the_pdf_report_file_is_found_when_there_is_no_export():
    out = run_output(run(reportFile=b64(b"%PDF"), reportFileName="x.pdf", reportFileLength=4))
    assert out is not None and out.file.kind == "reportFile" and out.kind == "PDF" and out.file.content == b"%PDF"


def test_a_json_export_is_the_inline_json_element_not_base64():
    rows = [{"a": 1}, {"a": 2}]
    out = run_output(run(exportFile=rows, exportFileName="data.json", exportFileLength=20))
    assert out is not None and out.is_json and out.file.json == rows and out.kind == "JSON"


def test_an_answer_without_a_file_has_no_output():
    assert run_output(run(summary="ok")) is None
    assert run_output(run(exportFile=None)) is None


def test_an_old_build_names_the_server_path_and_node_to_download_from():
    out = run_output(run(exportFile="/tmp/Timesheet_9.csv", exportFileLength=42, nodeId="n1"))
    assert out is not None and out.needs_download and out.server_path == "/tmp/Timesheet_9.csv"
    assert out.name == "Timesheet_9.csv" and out.file.length == 42 and out.file.node_id == "n1"
    assert out.kind == "CSV" and not out.is_json
    win = run_output(run(reportFile="C:\\temp\\r.pdf", reportFileLength="7"))
    assert win is not None and win.name == "r.pdf" and win.file.length == 7 and win.file.node_id is None
    decodable = run_output(run(exportFile="/tmp/abcd", exportFileLength=3))  # also valid base64: still a path
    assert decodable is not None and decodable.server_path == "/tmp/abcd"


def test_content_cut_short_or_not_base64_is_a_loud_error():
    with pytest.raises(ReportOutputError, match="decodes to 3 bytes, but exportFileLength says 4"):
        run_output(run(exportFile=b64(b"abc"), exportFileName="a.csv", exportFileLength=4))
    with pytest.raises(ReportOutputError, match=r"exportFile \(a.csv\) of the answer is not valid base64"):
        run_output(run(exportFile="not base64!", exportFileName="a.csv"))
    with pytest.raises(ReportOutputError, match=r"exportFile \(a.csv\) of the answer is missing"):
        run_output(run(exportFileName="a.csv", exportFileLength=4))
    with pytest.raises(ReportOutputError, match="neither inline content nor a file name"):
        run_output(run(exportFile=12))


def test_csv_header_names_rows_and_empty_cells_as_null():
    table = parse_csv(CSV)
    assert table.columns == ["Name", "Hours", "Date, started"]
    assert table.rows == [{"Name": "Joe", "Hours": "8", "Date, started": "2026-01-15"},
                          {"Name": "Block, Inc.", "Hours": "7.5", "Date, started": None}]
    assert table.lines == [2, 3] and table.text


def test_csv_undoes_idempieres_formula_sanitization_and_keeps_other_spaces():
    table = parse_csv(b'A,B\n" -5"," hello"\n" =SUM(1)"," @x"\n')
    assert [r["A"] for r in table.rows] == ["-5", "=SUM(1)"]
    assert [r["B"] for r in table.rows] == [" hello", "@x"]
    assert undo_sanitization(" -") == "-" and undo_sanitization("  -5") == "  -5" and undo_sanitization("-1") == "-1"


def test_csv_quoted_newlines_crlf_and_a_bom():
    table = parse_csv('\ufeffName,Note\r\n"Joe","line one\r\nline two"\r\nAnn,""\r\n'.encode())
    assert table.columns == ["Name", "Note"]
    assert table.rows == [{"Name": "Joe", "Note": "line one\r\nline two"}, {"Name": "Ann", "Note": None}]
    assert table.lines == [3, 4]


def test_empty_output_and_header_only_output_have_no_rows():
    assert parse_csv(b"").columns == [] and parse_csv(b"").rows == []
    header_only = parse_csv(b"A,B\n")
    assert header_only.columns == ["A", "B"] and header_only.rows == []


def test_duplicate_and_empty_header_names_become_unique_properties():
    assert column_names(["Name", "", "Name", "Name", " -x"]) == ["Name", "column_2", "Name_2", "Name_3", "-x"]


def test_a_one_column_report_reads_an_empty_line_as_a_null_value():
    table = parse_csv(b"Value\na\n\nb\n")
    assert [r["Value"] for r in table.rows] == ["a", None, "b"]


@pytest.mark.parametrize(("data", "message"), [
    (b"A,B\n1,2\n3\n", r"line 3 \(row 2\) has 1 cells, the header has 2"),
    (b"A,B\n1,2,3\n", r"line 2 \(row 1\) has 3 cells, the header has 2"),
    (b'A,B\n"1,2\n', r"line \d+ is not valid CSV"),
    (b"A,B\n1,2\n\n3,4\n", r"line 3 is empty but more rows follow \(line 4\)"),
    (b"A,B\n1,\xff\n", r"line 2 is not utf-8 text"),
])
def test_malformed_csv_fails_naming_the_line(data, message):
    with pytest.raises(ReportOutputError, match=message):
        parse_csv(data, what="the report")


def test_trailing_blank_lines_are_not_rows():
    assert len(parse_csv(b"A,B\n1,2\n\n\n").rows) == 1


def test_another_charset_is_decoded_when_configured():
    table = parse_csv("Name\nMüller\n".encode("latin-1"), encoding="latin-1")
    assert table.rows == [{"Name": "Müller"}]


def test_json_array_of_objects_is_rows_with_the_union_of_keys():
    table = json_table([{"a": 1, "b": "x"}, {"c": None, "a": 2}])
    assert table.columns == ["a", "b", "c"] and not table.text
    assert table.rows == [{"a": 1, "b": "x"}, {"c": None, "a": 2}]


def test_json_object_is_one_row_and_null_is_none():
    assert json_table({"count": 5}).rows == [{"count": 5}]
    assert json_table(None).rows == [] and json_table([]).rows == []


def test_json_items_that_are_not_objects_fail_naming_the_item():
    with pytest.raises(ReportOutputError, match="item 2 is a JSON int, not an object"):
        json_table([{"a": 1}, 5])
    with pytest.raises(ReportOutputError, match="the output is a JSON str"):
        json_table("hello")


def test_downloaded_json_bytes_are_parsed_and_broken_json_names_the_line():
    assert parse_json_bytes(json.dumps([{"a": 1}]).encode()).rows == [{"a": 1}]
    with pytest.raises(ReportOutputError, match="line 2 is not valid JSON"):
        parse_json_bytes(b'[{"a": 1},\n{"a": }]')
