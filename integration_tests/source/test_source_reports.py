"""Report streams (report_streams) end to end over HTTP against the emulator's processes.

RV_OrderDetail is the emulator's report (CSV export), BPartner_OpenBalance its plain process (no output file;
an unknown partner makes it report an error). The oracle of a report's rows is the CSV the same run parameters
give when posted directly, parsed with the csv module.
"""
from __future__ import annotations

import base64
import csv
import io
import json
import logging
from collections.abc import Callable
from pathlib import Path

import pytest
import requests
from airbyte_cdk.models import (
    AirbyteStreamStatus,
    ConfiguredAirbyteCatalog,
    ConfiguredAirbyteCatalogSerializer,
    ConfiguredAirbyteStream,
    DestinationSyncMode,
    SyncMode,
)
from airbyte_cdk.test.entrypoint_wrapper import read
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from integration_tests.hardening.cli import run_cli
from integration_tests.hardening.connectors import SOURCE_IDEMPIERE
from source_idempiere import SourceIdempiere
from unit_tests.http.local_server import LocalServer

from .helpers import config, records

LOG = logging.getLogger("test")
REPORT = "report__order_detail"
ORDER_DETAIL = {"name": "order_detail", "process": "rv_orderdetail", "discover_schema": True,
                "parameters": {"IsSOTrx": True}}


def instances(emu) -> int:
    return emu.backend.sql("SELECT COUNT(*) FROM AD_PInstance")[0][0]


def direct_csv(emu, body: dict) -> list[dict]:
    """The oracle: the report's CSV for ``body`` posted straight to the emulator, parsed by the csv module."""
    answer = requests.post(f"{emu.base_url}/api/v1/processes/rv_orderdetail", json={**body, "report-type": "CSV"},
                           headers={"Authorization": "Bearer " + emu.s2s_token}, timeout=30).json()
    text = base64.b64decode(answer["exportFile"]).decode()
    return [{k: (v or None) for k, v in row.items()} for row in csv.DictReader(io.StringIO(text, newline=""))]


def discovered(cfg: dict) -> dict:
    return {s.name: s for s in SourceIdempiere().streams(cfg)}


def report_catalog(cfg: dict, *names: str) -> ConfiguredAirbyteCatalog:
    """The catalog a user saves after discovery: the discovered schemas, full refresh | overwrite."""
    streams = discovered(cfg)
    return ConfiguredAirbyteCatalog(streams=[
        ConfiguredAirbyteStream(stream=streams[n].as_airbyte_stream(), sync_mode=SyncMode.full_refresh,
                                destination_sync_mode=DestinationSyncMode.overwrite) for n in names])


def status_of(out, stream: str) -> list[AirbyteStreamStatus]:
    return out.get_stream_statuses(stream)


def logs(out) -> str:
    return "\n".join(m.log.message for m in out.logs)


def test_discovery_types_the_report_columns_from_one_run_and_declared_columns_run_nothing(emulator):
    before = instances(emulator)
    stream = discovered(config(emulator, tables=["c_order"], report_streams=[ORDER_DETAIL]))[REPORT]
    assert instances(emulator) == before + 1  # discover_schema: exactly one run
    props = stream.get_json_schema()["properties"]
    assert list(props)[:4] == ["Organization", "Document No", "Date Ordered", "Business Partner"]
    assert props["Document No"]["type"] == ["null", "integer"] and props["Line No"]["type"] == ["null", "integer"]
    assert props["Date Ordered"]["type"] == ["null", "string"]  # en_US MM/dd/yyyy: not an ISO date, kept as text
    assert props["Business Partner"]["type"] == ["null", "string"]
    airbyte = stream.as_airbyte_stream()
    assert airbyte.supported_sync_modes == [SyncMode.full_refresh] and not airbyte.source_defined_primary_key
    declared = {**ORDER_DETAIL, "discover_schema": False, "columns": [{"name": "Document No", "type": "integer"}]}
    schema = discovered(config(emulator, tables=["c_order"], report_streams=[declared]))[REPORT].get_json_schema()
    assert schema["properties"] == {"Document No": {"type": ["null", "integer"]}}
    assert instances(emulator) == before + 1


@pytest.mark.parametrize("legacy", [False, True], ids=["current", "legacy"])
def test_a_csv_report_stream_reads_every_row_of_the_report_typed(emulator_factory, legacy):
    emu = emulator_factory(rows=40, legacy=legacy)
    cfg = config(emu, tables=["c_order"], report_streams=[ORDER_DETAIL])
    catalog = report_catalog(cfg, REPORT)
    out = read(SourceIdempiere(), cfg, catalog)
    assert not out.errors, out.get_formatted_error_message()
    got = records(out, REPORT)
    want = direct_csv(emu, ORDER_DETAIL["parameters"])
    assert len(got) == len(want) > 20
    schema = catalog.streams[0].stream.json_schema["properties"]
    for rec, row in zip(got, want):
        assert rec["Document No"] == int(row["Document No"]) and rec["Line No"] == int(row["Line No"])
        assert rec["Business Partner"] == row["Business Partner"] and set(rec) == set(schema)
        if schema["Line Amount"]["type"] == ["null", "number"]:
            assert rec["Line Amount"] == float(row["Line Amount"])
        else:  # a value like 1,550.00 (en_US grouping) keeps the column text
            assert rec["Line Amount"] == row["Line Amount"]
    assert status_of(out, REPORT)[-1] == AirbyteStreamStatus.COMPLETE
    assert "process rv_orderdetail (AD_PInstance_ID" in logs(out)


def test_the_configured_parameters_reach_the_process(emulator_factory):
    emu = emulator_factory(rows=40)
    partner = emu.backend.sql("SELECT C_BPartner_ID, Name FROM C_BPartner WHERE Name='Joe Block'")[0]
    report = {**ORDER_DETAIL, "parameters": {"C_BPartner_ID": str(partner[0]), "IsSOTrx": True}}
    cfg = config(emu, tables=["c_order"], report_streams=[report])
    got = records(read(SourceIdempiere(), cfg, report_catalog(cfg, REPORT)), REPORT)
    assert got and {r["Business Partner"] for r in got} == {partner[1]}
    assert len(got) == len(direct_csv(emu, report["parameters"]))


def test_check_validates_every_configured_process_and_its_parameters(emulator):
    good = config(emulator, tables=["c_order"], report_streams=[ORDER_DETAIL])
    before = instances(emulator)
    assert SourceIdempiere().check_connection(LOG, good) == (True, None)
    assert instances(emulator) == before  # check runs nothing

    def failed(report: dict) -> str:
        with pytest.raises(AirbyteTracedException) as caught:
            SourceIdempiere().check_connection(LOG, config(emulator, tables=["c_order"],
                                                           report_streams=[ORDER_DETAIL, report]))
        return caught.value.message

    unknown = failed({"name": "x", "process": "RV_OrderDetails", "discover_schema": True})
    assert "report_streams[1] (x): there is no process 'RV_OrderDetails'" in unknown
    assert "Did you mean rv_orderdetail?" in unknown
    wrong = failed({"name": "x", "process": "rv_orderdetail", "discover_schema": True,
                    "parameters": {"dateordered": "2024-01-01"}})
    assert "process rv_orderdetail has no parameter 'dateordered' (did you mean DateOrdered or dateOrdered?)" in wrong
    missing = failed({"name": "x", "process": "import_bpartner", "report_type": "JSON", "columns": ["A"]})
    assert "mandatory parameter AD_Client_ID (Tenant) is not set; its window default @#AD_Client_ID@" in missing
    assert instances(emulator) == before


def test_check_through_the_cli_reports_an_unknown_process_as_a_failed_check(emulator, tmp_path: Path):
    cfg = {**SOURCE_IDEMPIERE.good_config(emulator), "tables": ["c_order"],
           "report_streams": [{"name": "x", "process": "no_such_process", "discover_schema": True}]}
    run = run_cli(SOURCE_IDEMPIERE, "check", tmp_path, config=cfg)
    assert run.exit_code == 0 and run.status["status"] == "FAILED"
    assert "report_streams[0] (x): there is no process 'no_such_process'" in run.status["message"]
    bad_type = {**cfg, "report_streams": [{"name": "x", "process": "rv_orderdetail", "report_type": "PDF",
                                          "discover_schema": True}]}
    run = run_cli(SOURCE_IDEMPIERE, "discover", Path(tmp_path) / "pdf", config=bad_type)
    assert run.exit_code == 1 and run.trace_errors and run.trace_errors[0]["failure_type"] == "config_error"
    assert ("report_streams.0.report_type must be one of \"CSV\", \"JSON\", \"XLS\", \"XLSX\""
            in run.trace_errors[0]["message"])


def test_a_bad_parameter_value_fails_the_stream_with_what_to_check_and_runs_nothing_twice(emulator_factory):
    emu = emulator_factory(rows=20)
    cfg = config(emu, tables=["c_order"], report_streams=[ORDER_DETAIL])
    catalog = report_catalog(cfg, REPORT)
    bad = config(emu, tables=["c_order"],
                 report_streams=[{**ORDER_DETAIL, "parameters": {"DateOrdered": "Jan 1 2024"}}])
    emu.clear_requests()
    out = read(SourceIdempiere(), bad, catalog, expecting_exception=True)
    message = out.errors[0].trace.error.message
    assert "HTTP 500 and no error text" in message and "check report_streams[0].parameters" in message
    assert out.errors[0].trace.error.failure_type.value == "config_error"
    assert sum(1 for r in emu.requests() if r["method"] == "POST" and "processes" in r["path"]) == 1
    assert status_of(out, REPORT)[-1] == AirbyteStreamStatus.INCOMPLETE and not records(out, REPORT)


def test_a_process_that_reports_an_error_fails_its_stream_loudly_and_others_go_on(emulator_factory):
    emu = emulator_factory(rows=20)
    balance = {"name": "balance", "process": "bpartner_openbalance", "report_type": "JSON",
               "columns": [{"name": "count", "type": "integer"}], "parameters": {"C_BPartner_ID": 999999}}
    cfg = config(emu, tables=["c_order"], report_streams=[ORDER_DETAIL, balance])
    catalog = report_catalog(cfg, REPORT, "report__balance")
    out = read(SourceIdempiere(), cfg, catalog, expecting_exception=True)
    errors = [e.trace.error.message for e in out.errors]
    assert any("Stream report__balance failed: process bpartner_openbalance (AD_PInstance_ID" in e
               and "Not Found: Business Partner=999999" in e for e in errors), errors
    assert status_of(out, "report__balance")[-1] == AirbyteStreamStatus.INCOMPLETE
    assert status_of(out, REPORT)[-1] == AirbyteStreamStatus.COMPLETE and records(out, REPORT)


def test_a_process_without_output_is_zero_records_and_a_log_line_not_a_failure(emulator_factory):
    emu = emulator_factory(rows=20)
    balance = {"name": "balance", "process": "bpartner_openbalance", "report_type": "JSON",
               "columns": [{"name": "count", "type": "integer"}]}
    cfg = config(emu, tables=["c_order"], report_streams=[balance])
    out = read(SourceIdempiere(), cfg, report_catalog(cfg, "report__balance"))
    assert not out.errors and records(out, "report__balance") == []
    assert status_of(out, "report__balance")[-1] == AirbyteStreamStatus.COMPLETE
    text = logs(out)
    assert "answered: Updated = " in text and "returned no rows: the stream has no records this sync" in text


def test_an_empty_report_is_zero_records(emulator_factory):
    emu = emulator_factory(rows=20)
    cfg = config(emu, tables=["c_order"], report_streams=[ORDER_DETAIL])
    catalog = report_catalog(cfg, REPORT)
    empty = config(emu, tables=["c_order"], report_streams=[
        {**ORDER_DETAIL, "parameters": {"IsSOTrx": True, "DateOrdered": "1990-01-01", "DateOrdered_to": "1990-01-02"}}])
    out = read(SourceIdempiere(), empty, catalog)
    assert not out.errors and records(out, REPORT) == [] and "returned no rows" in logs(out)


def test_a_report_stream_removed_from_the_config_is_unavailable_not_silently_empty(emulator):
    cfg = config(emulator, tables=["c_order"], report_streams=[ORDER_DETAIL])
    catalog = report_catalog(cfg, REPORT)
    out = read(SourceIdempiere(), config(emulator, tables=["c_order"]), catalog, expecting_exception=True)
    assert "Report stream report__order_detail is not configured" in out.errors[0].trace.error.message


# ---- an old plugin build: the answer names the file on the server, the content is at GET /files ----------
def run_answer_proxy(emu, rewrite: Callable[[dict], None]) -> LocalServer:
    """Forwards to ``emu``; the JSON answer of a successful process run is passed through ``rewrite`` (in place)."""
    def answer(method: str, path: str, headers: dict, body: bytes):
        sent = {k: v for k, v in headers.items() if k.lower() in ("authorization", "content-type", "accept")}
        resp = requests.request(method, emu.base_url + path, headers=sent, data=body or None, timeout=30)
        out = resp.content
        if method == "POST" and path.startswith("/api/v1/processes/") and resp.status_code == 200:
            doc = resp.json()
            rewrite(doc)
            out = json.dumps(doc).encode()
        return resp.status_code, {"Content-Type": resp.headers.get("Content-Type", "application/json")}, out
    return LocalServer(answer)


def old_build_proxy(emu) -> LocalServer:
    """Forwards to ``emu``; a run's inline export becomes the pre-2020-12 answer: the file's server path only."""
    def rewrite(doc: dict) -> None:
        if "exportFileName" in doc:
            files = requests.get(f"{emu.base_url}/__emulator__/files", timeout=30).json()["files"]
            name = doc.pop("exportFileName")
            doc["exportFile"] = [f["path"] for f in files if f["name"] == name][-1]
    return run_answer_proxy(emu, rewrite)


def test_an_answer_with_only_a_server_path_is_downloaded_from_files(emulator_factory):
    emu = emulator_factory(rows=20, administrators="GardenAdmin")
    with old_build_proxy(emu) as proxy:
        cfg = {**config(emu, tables=["c_order"], report_streams=[ORDER_DETAIL]), "base_url": proxy.url}
        catalog = report_catalog(cfg, REPORT)
        out = read(SourceIdempiere(), cfg, catalog)
        assert not out.errors, out.get_formatted_error_message()
        fetched = [r for r in proxy.received if r.path.startswith("/api/v1/files?")]
    assert len(records(out, REPORT)) == len(direct_csv(emu, ORDER_DETAIL["parameters"])) > 5
    assert fetched and "fileName=%2F" in fetched[-1].path and "length=" in fetched[-1].path
    assert "names the file Order_Detail.csv on the server; fetching it" in logs(out)


def test_a_user_who_may_not_download_files_gets_the_reason(emulator_factory):
    emu = emulator_factory(rows=20)  # GardenAdmin is no System Administrator here: GET /files answers 403
    with old_build_proxy(emu) as proxy:
        cfg = {**config(emu, tables=["c_order"], report_streams=[ORDER_DETAIL]), "base_url": proxy.url}
        catalog = ConfiguredAirbyteCatalogSerializer.load({"streams": [
            {"stream": {"name": REPORT, "json_schema": {}, "supported_sync_modes": ["full_refresh"]},
             "sync_mode": "full_refresh", "destination_sync_mode": "overwrite"}]})
        out = read(SourceIdempiere(), cfg, catalog, expecting_exception=True)
    message = out.errors[0].trace.error.message
    assert "serves generated files (GET /api/v1/files) to administrator users only" in message
    assert out.errors[0].trace.error.failure_type.value == "config_error"


def test_output_that_has_no_rows_is_a_configuration_error_naming_the_file(emulator_factory):
    emu = emulator_factory(rows=20)  # the report without report-type answers its PDF (reportFile)
    as_json = {**ORDER_DETAIL, "report_type": "JSON", "discover_schema": False, "columns": [{"name": "Document No"}]}
    cfg = config(emu, tables=["c_order"], report_streams=[as_json])
    out = read(SourceIdempiere(), cfg, report_catalog(cfg, REPORT), expecting_exception=True)
    error = out.errors[0].trace.error
    assert "answered a PDF file (Order_Detail.pdf, in reportFile), which cannot be read as rows" in error.message
    assert error.failure_type.value == "config_error" and not records(out, REPORT)
