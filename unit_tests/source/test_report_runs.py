"""ReportRunner / ReportReader over a mocked plugin: checks before a run, outputs as rows, loud failures."""
from __future__ import annotations

import base64
import logging

import pytest
import requests_mock

from erp_http.errors import ConfigurationError
from idempiere_client.http import IdempiereClient
from idempiere_client.process_answers import ProcessFailed
from idempiere_client.process_output import ReportOutputError
from idempiere_emulator.catalog.processes import INTEGER, STRING
from idempiere_emulator.model.report_files import xls_bytes
from idempiere_emulator.model.report_layout import ReportRow, lay_out
from idempiere_emulator.model.report_xlsx import xlsx_bytes
from source_idempiere.report_options import parse_report_streams
from source_idempiere.report_runs import ReportRunner, mandatory_missing
from source_idempiere.report_streams import BATCH_ROWS, ReportReader
from unit_tests.client.conftest import API, token_config

LOG = logging.getLogger("test")
PROCESS = {"id": 251, "Value": "RV_OrderDetail", "IsReport": True, "slug": "rv_orderdetail", "parameters": [
    {"parameterName": "C_BPartner_ID", "Name": "Business Partner", "IsMandatory": False},
    {"parameterName": "DateOrdered", "Name": "Date Ordered", "IsRange": True, "IsMandatory": True,
     "DefaultValue": "@#Date@"},
]}
CSV = b"Document No,Qty,Ordered\n1000,2,2026-01-15\n1001,3.5,2026-01-16\n"


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def answer(**extra):
    return {"AD_PInstance_ID": 1000, "process": "rv_orderdetail", "summary": "Done", "isError": False, **extra}


def runner(**entry) -> ReportRunner:
    spec = {"name": "orders", "process": "rv_orderdetail", "discover_schema": True,
            "parameters": {"DateOrdered": "2026-01-01"}, **entry}
    (report,) = parse_report_streams({"report_streams": [spec]})
    return ReportRunner(IdempiereClient(token_config(), sleep=lambda s: None), report, LOG)


def test_describe_checks_the_parameters_before_anything_runs():
    with requests_mock.Mocker() as m:
        m.get(f"{API}/processes/rv_orderdetail", json=PROCESS)
        run = m.post(f"{API}/processes/rv_orderdetail", json=answer())
        assert runner().describe()["slug"] == "rv_orderdetail"
        with pytest.raises(ConfigurationError, match=r"report_streams\[0\] \(orders\): process rv_orderdetail has no "
                                                     r"parameter 'dateOrdered_from'.*Fix report_streams\[0\].parameters"):
            runner(parameters={"DateOrdered": "2026-01-01", "dateOrdered_from": "x"}).describe()
        with pytest.raises(ConfigurationError, match=r"mandatory parameter DateOrdered \(Date Ordered\) is not set; "
                                                     r"its window default @#Date@ is not applied over REST"):
            runner(parameters={}).describe()
    assert run.call_count == 0


def test_mandatory_parameters_count_by_either_name_and_lower_case_metadata():
    process = {"parameters": [{"parameterName": "DateOrdered", "isMandatory": True}]}
    assert mandatory_missing(process, {"dateOrdered": "2026-01-01"}) == []
    assert mandatory_missing(process, {}) == ["mandatory parameter DateOrdered (DateOrdered) is not set"]


def test_an_unknown_slug_names_the_slugs_that_come_close():
    with requests_mock.Mocker() as m:
        m.get(f"{API}/processes/RV_OrderDetail", status_code=404,
              json={"title": "Invalid process name", "status": 404, "detail": "No match found for process name"})
        m.get(f"{API}/processes", json={"processes": [{"slug": "rv_orderdetail", "Name": "Order Detail"},
                                                      {"slug": "import_bpartner", "Name": "Import"}]})
        with pytest.raises(ConfigurationError, match=r"there is no process 'RV_OrderDetail' \(HTTP 404 Invalid process "
                                                     r"name.*Did you mean rv_orderdetail\?"):
            runner(process="RV_OrderDetail").describe()


def test_a_process_the_role_may_not_run_is_a_configuration_error():
    with requests_mock.Mocker() as m:
        m.get(f"{API}/processes/rv_orderdetail", status_code=403,
              json={"title": "Access denied", "status": 403, "detail": "Access denied for process: rv_orderdetail"})
        with pytest.raises(ConfigurationError, match="the role may not run process rv_orderdetail.*Process Access"):
            runner().describe()


def test_a_csv_run_sends_report_type_and_reads_the_export_file():
    with requests_mock.Mocker() as m:
        run = m.post(f"{API}/processes/rv_orderdetail",
                     json=answer(exportFile=b64(CSV), exportFileName="Order_Detail_1.csv", exportFileLength=len(CSV)))
        table, result = runner().run()
    assert run.last_request.json() == {"DateOrdered": "2026-01-01", "report-type": "CSV"}
    assert table.columns == ["Document No", "Qty", "Ordered"] and len(table.rows) == 2 and result.instance_id == 1000


def test_is_error_fails_with_the_summary():
    with requests_mock.Mocker() as m:
        m.post(f"{API}/processes/rv_orderdetail", json=answer(isError=True, summary="No Business Partner"))
        with pytest.raises(ProcessFailed, match="process rv_orderdetail .*1000.* failed: No Business Partner"):
            runner().run()


def test_a_refused_value_names_the_parameters_to_check():
    with requests_mock.Mocker() as m:
        m.post(f"{API}/processes/rv_orderdetail", status_code=500,
               json={"title": "Server error", "status": 500, "detail": "Unparseable date: \"Jan 1\""})
        with pytest.raises(Exception, match=r"Unparseable date.*check report_streams\[0\].parameters"):
            runner().run()


@pytest.mark.parametrize(("extra", "columns", "rows"), [
    ({"exportFile": [{"a": 1}, {"a": 2, "b": "x"}], "exportFileName": "out.json"}, ["a", "b"], 2),
    ({"data": {"count": 5}}, ["count"], 1),
    ({}, [], 0),
    ({"exportFile": b64(b""), "exportFileName": "empty.csv", "exportFileLength": 0}, [], 0),
])
def test_json_exports_data_and_empty_outputs(extra, columns, rows):
    with requests_mock.Mocker() as m:
        m.post(f"{API}/processes/rv_orderdetail", json=answer(**extra))
        table, _ = runner(report_type="JSON").run()
    assert table.columns == columns and len(table.rows) == rows


@pytest.mark.parametrize(("report_type", "name"), [("XLS", "Order_Detail.xls"), ("XLSX", "Order_Detail.xlsx"),
                                                 ("CSV", "export.xlsx")])  # a workbook is read whatever was asked
def test_workbook_exports_are_read_as_typed_rows_with_their_notes(report_type, name):
    sheet = lay_out(["Document No", "Line"], [ReportRow([("1000", STRING), (10, INTEGER)])], [("Date", "=", "x")])
    data = (xls_bytes if name.endswith(".xls") else xlsx_bytes)(sheet)
    with requests_mock.Mocker() as m:
        run = m.post(f"{API}/processes/rv_orderdetail",
                     json=answer(exportFile=b64(data), exportFileName=name, exportFileLength=len(data)))
        table, _ = runner(report_type=report_type).run()
    assert run.last_request.json()["report-type"] == report_type
    assert table.rows == [{"Document No": "1000", "Line": 10}] and table.where(0) == "row 3 of sheet 'Sheet0'"
    assert table.notes and "row 2 of sheet 'Sheet0'" in table.notes[0]


def test_a_workbook_that_is_no_workbook_fails_naming_the_file():
    with requests_mock.Mocker() as m:
        m.post(f"{API}/processes/rv_orderdetail",
               json=answer(exportFile=b64(CSV), exportFileName="Order_Detail.xls", exportFileLength=len(CSV)))
        with pytest.raises(ReportOutputError, match=r"the output of process rv_orderdetail \(Order_Detail.xls\) is "
                                                    r"not an Excel workbook"):
            runner(report_type="XLS").run()


def test_a_pdf_answer_is_a_configuration_error_naming_what_came_back():
    with requests_mock.Mocker() as m:
        m.post(f"{API}/processes/rv_orderdetail", json=answer(reportFile=b64(b"%PDF"), reportFileName="r.pdf",
                                                               reportFileLength=4))
        with pytest.raises(ConfigurationError, match=r"answered a PDF file \(r.pdf, in reportFile\), which cannot be "
                                                     r"read as rows"):
            runner().run()


def test_a_server_path_is_downloaded_from_files_and_a_refusal_says_why():
    with requests_mock.Mocker() as m:
        m.post(f"{API}/processes/rv_orderdetail",
               json=answer(exportFile="/tmp/Order_Detail_1.csv", exportFileLength=len(CSV), nodeId="n1"))
        files = m.get(f"{API}/files", json={"data": b64(CSV)})
        table, _ = runner().run()
        assert len(table.rows) == 2
        assert files.last_request.qs == {"filename": ["/tmp/order_detail_1.csv"], "length": [str(len(CSV))],
                                         "node_id": ["n1"], "json": [""]}
        m.get(f"{API}/files", status_code=403,
              json={"title": "Access denied", "status": 403, "detail": "Access denied for get file request"})
        with pytest.raises(ConfigurationError, match="serves generated files .* to administrator users only"):
            runner().run()


def test_declared_columns_need_no_request_and_discovery_sniffs_one_run():
    with requests_mock.Mocker() as m:  # no route: any request would fail the test
        schema = runner(columns=[{"name": "Qty", "type": "number"}], discover_schema=False).discovered_schema()
    assert schema["properties"] == {"Qty": {"type": ["null", "number"]}}
    with requests_mock.Mocker() as m:
        m.get(f"{API}/processes/rv_orderdetail", json=PROCESS)
        m.post(f"{API}/processes/rv_orderdetail", json=answer(exportFile=b64(CSV), exportFileName="o.csv"))
        props = runner().discovered_schema()["properties"]
        assert props["Document No"]["type"] == ["null", "integer"] and props["Qty"]["type"] == ["null", "number"]
        assert props["Ordered"]["format"] == "date"
        m.post(f"{API}/processes/rv_orderdetail", json=answer())
        with pytest.raises(ConfigurationError, match="returned no output, so its columns cannot be discovered"):
            runner().discovered_schema()


def reader_run(csv: bytes, kinds: dict[str, str]):
    with requests_mock.Mocker() as m:
        m.get(f"{API}/processes/rv_orderdetail", json=PROCESS)
        m.post(f"{API}/processes/rv_orderdetail", json=answer(exportFile=b64(csv), exportFileName="o.csv"))
        return list(ReportReader(runner(), kinds).full_refresh())


def test_the_reader_types_rows_by_the_catalog_and_says_what_drifted():
    batches = reader_run(CSV, {"Document No": "integer", "Qty": "number", "Gone": "string"})
    assert [len(b.rows) for b in batches] == [2] and batches[0].state is None
    assert batches[0].rows[0] == {"Document No": 1000, "Qty": 2, "Gone": None, "Ordered": "2026-01-15"}
    notes = " | ".join(batches[-1].notes)
    assert "answered: Done" in notes and "columns Gone of the schema are not in the output" in notes
    assert "columns Ordered are not in the schema" in notes


def test_the_reader_batches_large_outputs_and_puts_the_notes_last():
    csv = b"N\n" + b"".join(b"%d\n" % i for i in range(BATCH_ROWS + 5))
    batches = reader_run(csv, {"N": "integer"})
    assert [len(b.rows) for b in batches] == [BATCH_ROWS, 5] and not batches[0].notes and batches[1].notes


def test_empty_output_is_zero_records_with_a_note_and_a_bad_row_fails_before_any_record():
    (only,) = reader_run(b"Document No,Qty\n", {"Document No": "integer"})
    assert only.rows == [] and any("returned no rows" in n for n in only.notes)
    yielded = []
    with requests_mock.Mocker() as m:
        m.get(f"{API}/processes/rv_orderdetail", json=PROCESS)
        m.post(f"{API}/processes/rv_orderdetail", json=answer(exportFile=b64(CSV), exportFileName="o.csv"))
        with pytest.raises(ReportOutputError, match=r"line 3, column 'Qty': '3.5' is not an integer"):
            for batch in ReportReader(runner(), {"Qty": "integer"}).full_refresh():
                yielded.append(batch)
    assert yielded == []  # row 1 (Qty 2) fit, but nothing was emitted before the bad row was found


def test_a_bare_500_to_a_run_points_at_the_parameter_values_and_is_not_resent():
    with requests_mock.Mocker() as m:
        run = m.post(f"{API}/processes/rv_orderdetail", status_code=500, text="<html>Error 500</html>")
        with pytest.raises(ConfigurationError, match=r"HTTP 500 and no error text.*check report_streams\[0\]"
                                                     r".parameters"):
            runner().run()
    assert run.call_count == 1
