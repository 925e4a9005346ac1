"""report_streams: parsed offline into ReportConfig entries; every bad entry is a sentence naming it and the key."""
from __future__ import annotations

import jsonschema
import pytest

from erp_http.errors import ConfigurationError
from source_idempiere.options import SourceOptions, connection_specification
from source_idempiere.report_options import is_report_stream, parse_report_streams
from source_idempiere.report_streams import refuse_taken

BASE = {"base_url": "http://erp.test", "credentials": {"auth_type": "token", "token": "x.y.z"}}
ENTRY = {"name": "timesheet_export", "process": "rv_orderdetail", "discover_schema": True,
         "parameters": {"DateOrdered": "2026-01-01", "DateOrdered_to": "2026-01-31"}}


def parse(*entries):
    return parse_report_streams({"report_streams": list(entries)})


def test_an_entry_becomes_a_report_stream_with_its_run_body():
    (report,) = parse(ENTRY)
    assert report.stream_name == "report__timesheet_export" and is_report_stream(report.stream_name)
    assert report.label == "report_streams[0] (timesheet_export)"
    assert report.run_body() == {"DateOrdered": "2026-01-01", "DateOrdered_to": "2026-01-31", "report-type": "CSV"}
    assert (report.report_type, report.columns, report.discover_schema, report.encoding,
            report.timeout_seconds) == ("CSV", None, True, "utf-8", 600)


def test_json_sends_no_report_type_and_declared_columns_are_kept_in_order():
    (report,) = parse({"name": "x", "process": "p", "report_type": "json",
                       "columns": [{"name": "B", "type": "integer"}, {"name": "A"}, "C"]})
    assert report.report_type == "JSON" and "report-type" not in report.run_body()
    assert report.columns == (("B", "integer"), ("A", "string"), ("C", "string"))


@pytest.mark.parametrize("report_type", ["XLS", "xlsx"])
def test_workbook_types_send_their_report_type_and_take_a_header_row(report_type):
    (report,) = parse({**ENTRY, "report_type": report_type, "header_row": 4})
    assert report.report_type == report_type.upper() and report.header_row == 4
    assert report.run_body()["report-type"] == report_type.upper()
    (default,) = parse({**ENTRY, "report_type": report_type})
    assert default.header_row is None
    config = {**BASE, "report_streams": [{**ENTRY, "report_type": report_type.upper(), "header_row": 4}]}
    jsonschema.validate(config, connection_specification())
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**config, "report_streams": [{**ENTRY, "header_row": 0}]}, connection_specification())


def test_the_options_and_the_spec_agree_on_a_full_entry():
    config = {**BASE, "report_streams": [{**ENTRY, "report_type": "CSV", "encoding": "windows-1252",
                                          "timeout_seconds": 30, "columns": [{"name": "Hours", "type": "number"}]}]}
    jsonschema.validate(config, connection_specification())
    options = SourceOptions.from_airbyte(config)
    assert options.report_streams[0].timeout_seconds == 30 and options.report_streams[0].encoding == "windows-1252"
    assert SourceOptions.from_airbyte(BASE).report_streams == ()


def test_a_name_given_with_the_prefix_is_not_prefixed_twice():
    (report,) = parse({**ENTRY, "name": "report__hours"})
    assert report.stream_name == "report__hours"


@pytest.mark.parametrize(("entries", "message"), [
    ([{**ENTRY}, {**ENTRY, "name": "Timesheet_Export"}],
     r"report_streams\[1\] \(Timesheet_Export\) and report_streams\[0\] \(timesheet_export\) would both be stream"),
    (["x"], r"report_streams\[0\] must be an object"),
    ([{**ENTRY, "name": ""}], r"report_streams\[0\].name is required"),
    ([{**ENTRY, "name": "time sheet"}], r"name must be 1 to 64 letters, digits or underscores \(got 'time sheet'\)"),
    ([{**ENTRY, "process": " "}], r"\(timesheet_export\): process is required"),
    ([{**ENTRY, "parameters": ["a"]}], "parameters must be an object"),
    ([{**ENTRY, "parameters": {"report-type": "PDF"}}], "set the output format with report_type"),
    ([{**ENTRY, "report_type": "HTML"}], r"report_type HTML is not supported \(an HTML page is a layout, not rows\)"
                                         r"\. Use CSV, XLS or XLSX"),
    ([{**ENTRY, "report_type": "PDF"}], "report_type PDF is not supported"),
    ([{**ENTRY, "report_type": "XML"}], "report_type must be one of CSV, JSON, XLS, XLSX"),
    ([{**ENTRY, "report_type": "XLS", "header_row": 0}], r"header_row must be a row number, 1 or more \(got 0\)"),
    ([{**ENTRY, "report_type": "XLSX", "header_row": "3"}], "header_row must be a row number"),
    ([{**ENTRY, "header_row": 2}], r"header_row applies to XLS and XLSX output only \(report_type is CSV\)"),
    ([{"name": "x", "process": "p"}], "declare its columns .* or set discover_schema: true"),
    ([{**ENTRY, "discover_schema": "yes"}], "discover_schema must be true or false"),
    ([{**ENTRY, "columns": []}], "columns must be a non-empty list"),
    ([{**ENTRY, "columns": [{"type": "string"}]}], r"columns\[0\] needs a name"),
    ([{**ENTRY, "columns": [{"name": "A", "type": "money"}]}], r"columns\[0\] \(A\) type must be one of"),
    ([{**ENTRY, "columns": ["A", "A"]}], "column 'A' is declared twice"),
    ([{**ENTRY, "encoding": "klingon-8"}], "encoding 'klingon-8' is not a known charset"),
    ([{**ENTRY, "timeout_seconds": 0}], "timeout_seconds must be a whole number of seconds, at least 1"),
])
def test_bad_entries_name_the_entry_and_what_to_fix(entries, message):
    with pytest.raises(ConfigurationError, match=message):
        parse(*entries)


def test_report_streams_must_be_a_list():
    with pytest.raises(ConfigurationError, match="report_streams must be a list of objects"):
        parse_report_streams({"report_streams": {"name": "x"}})
    assert parse_report_streams({"report_streams": None}) == ()


def test_a_report_stream_name_another_stream_has_is_refused_naming_the_entry():
    (report,) = parse({**ENTRY, "name": "attachments"})
    refuse_taken(report, {"c_order", "view__customers"})  # no clash: nothing raised
    with pytest.raises(ConfigurationError, match=r"report_streams\[0\] \(attachments\): another stream \(a table, "
                                                 r"view or attachment stream\) is also named report__attachments; "
                                                 r"rename report_streams\[0\].name"):
        refuse_taken(report, {"c_order", "Report__Attachments"})
