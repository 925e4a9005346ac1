"""Report output, ``/files``, background jobs and the other processes over real HTTP (spec §9); both generations
where they differ (the 409 "already running" check exists only on current servers)."""
from __future__ import annotations

import base64
import csv
import io
import os
import re
import struct
import time

import pytest
import requests

from .conftest import api, bearer, login

REPORT = {"C_BPartner_ID": "117,114", "DateOrdered": "2024-01-01", "DateOrdered_to": "2030-12-31"}


@pytest.fixture(scope="module", params=[False, True], ids=["current", "legacy"])
def emu(request):
    from idempiere_emulator import EmulatorOptions, EmulatorServer
    opts = EmulatorOptions(rows=30, legacy=request.param, job_delay_ms=300, administrators="GardenAdmin")
    with EmulatorServer(opts) as server:
        yield server


def call(emu, method, path, token=None, **kwargs):
    return requests.request(method, api(emu) + path, headers=bearer(token or emu.s2s_token), timeout=30, **kwargs)


def run_report(emu, report_type=None, **extra):
    body = {**REPORT, **extra}
    if report_type:
        body["report-type"] = report_type
    resp = call(emu, "POST", "/processes/rv_orderdetail", json=body)
    assert resp.status_code == 200, resp.text
    return resp.json()


def oracle_lines(emu, partners=(117, 114)):
    return emu.backend.sql(
        "SELECT o.DocumentNo, l.Line, l.LineNetAmt FROM C_OrderLine l JOIN C_Order o ON o.C_Order_ID=l.C_Order_ID "
        f"WHERE o.C_BPartner_ID IN ({','.join(map(str, partners))}) AND o.IsActive='Y' AND l.IsActive='Y' "
        "ORDER BY o.DocumentNo, o.C_Order_ID, l.Line")


def test_csv_report_is_an_inline_export_file_with_the_print_format_values(emu):
    body = run_report(emu, "CSV")
    assert list(body) == ["AD_PInstance_ID", "process", "summary", "isError", "exportFile", "exportFileName",
                          "exportFileLength", "nodeId"]
    assert body["exportFileName"] == "Order_Detail.csv" and body["summary"] == "" and body["isError"] is False
    data = base64.b64decode(body["exportFile"])
    assert len(data) == body["exportFileLength"]
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
    assert rows[0][:3] == ["Organization", "Document No", "Date Ordered"]
    expected = oracle_lines(emu)
    assert [(r[1], int(r[4])) for r in rows[1:]] == [(doc, line) for doc, line, _ in expected] and expected
    assert all(re.fullmatch(r"\d{2}/\d{2}/\d{4}", r[2]) for r in rows[1:])
    assert [float(r[8].replace(",", "")) for r in rows[1:]] == pytest.approx([amt for *_, amt in expected])
    assert {r[3] for r in rows[1:]} <= {"C&W Construction", "Agri-Tech"}


def test_html_xls_xlsx_and_pdf_choose_export_or_report_file_as_core_does(emu):
    html_body = run_report(emu, "HTML")
    assert html_body["exportFileName"] == "Order_Detail.html"
    assert b"<table>" in base64.b64decode(html_body["exportFile"])
    xls = run_report(emu, "XLS")
    assert xls["exportFileName"] == "Order_Detail.xls"
    data = base64.b64decode(xls["exportFile"])
    assert data[:8] == bytes.fromhex("D0CF11E0A1B11AE1") and len(data) == xls["exportFileLength"]
    assert "Document No".encode("utf-16-le") in data and b"W\x00o\x00r\x00k\x00b\x00o\x00o\x00k" in data
    first_amount = oracle_lines(emu)[0][2]
    assert struct.pack("<d", float(first_amount)) in data  # NUMBER records hold doubles
    xlsx = run_report(emu, "XLSX")  # ServerReportCtl: XLSX is an export too (since 2020-01, IDEMPIERE-2924)
    assert xlsx["exportFileName"] == "Order_Detail.xlsx" and "reportFile" not in xlsx
    assert base64.b64decode(xlsx["exportFile"])[:4] == b"PK\x03\x04"
    for report_type in ("PDF", None, "nonsense", "xlsx"):  # report types are compared case-sensitively
        pdf = run_report(emu, report_type)
        assert "exportFile" not in pdf and pdf["reportFileName"] == "Order_Detail.pdf"
        raw = base64.b64decode(pdf["reportFile"])
        assert raw.startswith(b"%PDF-1.4") and raw.rstrip().endswith(b"%%EOF")
        xref = int(raw.rsplit(b"startxref", 1)[1].split()[0])
        assert raw[xref:xref + 4] == b"xref"
        offsets = [int(line.split()[0]) for line in raw[xref:].split(b"\n")[3:] if line.endswith(b" n ")]
        assert all(re.match(rb"\d+ 0 obj", raw[o:o + 12]) for o in offsets)


def test_report_parameters_filter_the_rows(emu):
    one = run_report(emu, "CSV", C_BPartner_ID="117")
    rows = list(csv.reader(io.StringIO(base64.b64decode(one["exportFile"]).decode())))[1:]
    assert len(rows) == len(oracle_lines(emu, (117,))) and {r[3] for r in rows} == {"C&W Construction"}
    none = run_report(emu, "CSV", DateOrdered="2031-01-01", DateOrdered_to="2031-12-31")
    assert base64.b64decode(none["exportFile"]).decode().count("\n") == 1  # the header only
    as_list = run_report(emu, "CSV", C_BPartner_ID=[117, 114], dateOrdered="2024-01-01")
    assert as_list["exportFileLength"] == run_report(emu, "CSV")["exportFileLength"]


def test_files_serves_the_report_by_its_server_path_with_the_plugin_checks(emu):
    body = run_report(emu, "CSV")
    folders = [f for f in os.listdir(emu.backend.process_files.root) if f.startswith("rpttmp_")]
    path = next(os.path.join(emu.backend.process_files.root, f, body["exportFileName"]) for f in sorted(folders)
                if os.path.exists(os.path.join(emu.backend.process_files.root, f, body["exportFileName"])))
    params = {"fileName": path, "length": body["exportFileLength"]}
    resp = call(emu, "GET", "/files", params=params)
    assert resp.status_code == 200 and resp.headers["Content-Type"].startswith("text/plain")
    assert resp.content.startswith(b"Organization,")
    as_json = call(emu, "GET", "/files?json", params={**params, "node_id": body["nodeId"]})
    assert as_json.json() == {"data": base64.b64encode(resp.content).decode()}
    wrong = call(emu, "GET", "/files", params={**params, "length": 1})
    assert wrong.status_code == 403 and wrong.json()["detail"] == f"Access denied for file: {path}"
    bare = call(emu, "GET", "/files", params={"fileName": body["exportFileName"], "length": 10})
    assert bare.status_code == 404 and bare.json()["title"] == "File not found"  # the name alone is no path
    outside = call(emu, "GET", "/files", params={"fileName": os.path.abspath(__file__), "length": 1})
    assert outside.status_code == 403 and outside.json()["title"] == "File not readable"
    node = call(emu, "GET", "/files", params={**params, "node_id": "other-node"})
    assert node.status_code == 404 and node.json()["detail"] == "No match found for node id: other-node"
    assert call(emu, "GET", "/files", params={**params, "length": "x"}).status_code == 404
    user = login(emu, "GardenUser")["token"]
    denied = call(emu, "GET", "/files", user, params=params)
    assert denied.status_code == 403 and denied.json()["detail"] == "Access denied for get file request"
    pdf = run_report(emu, "PDF")
    pdf_path = next(os.path.join(r, n) for r, _, names in os.walk(emu.backend.process_files.root) for n in names
                    if n == pdf["reportFileName"])
    got = call(emu, "GET", "/files", params={"fileName": pdf_path, "length": pdf["reportFileLength"]})
    assert got.headers["Content-Type"] == "application/pdf" and got.content.startswith(b"%PDF")


def wait_job(emu, job_id, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = call(emu, "GET", f"/processes/jobs/{job_id}").json()
        if not job["processing"]:
            return job
        time.sleep(0.05)
    raise AssertionError("job still processing")


def test_job_lifecycle_reports_processing_then_leaves_the_result_in_the_instance(emu):
    resp = call(emu, "POST", "/models/I_BPartner", json={"Value": "JOB-1", "Name": "Job partner"})
    assert resp.status_code == 201
    job = call(emu, "POST", "/processes/jobs/import_bpartner", json={"AD_Client_ID": 11, "notification-type": "N"})
    assert job.status_code == 200, job.text
    job = job.json()
    assert list(job) == ["id", "client", "user", "process", "since", "processing"]
    assert job["processing"] is True and job["client"] == "GardenWorld" and job["user"] == "GardenAdmin"
    assert job["process"] == "import_bpartner"
    assert re.fullmatch(r"[A-Z][a-z]{2} \d{1,2}, \d{4}, \d{1,2}:\d{2}:\d{2} [AP]M UTC", job["since"])
    listed = call(emu, "GET", "/processes/jobs").json()["jobs"]
    assert job["id"] in [j["id"] for j in listed]
    done = wait_job(emu, job["id"])
    assert done == {**job, "processing": False}
    assert job["id"] not in [j["id"] for j in call(emu, "GET", "/processes/jobs").json()["jobs"]]
    instance = call(emu, "GET", f"/models/AD_PInstance/{job['id']}").json()
    assert instance["IsRunAsJob"] is True and instance["Result"] == 1 and instance["NotificationType"]["id"] == "N"
    logs = call(emu, "GET", "/models/AD_PInstance_Log", params={"$filter": f"AD_PInstance_ID eq {job['id']}",
                                                                "$orderby": "Log_ID"}).json()
    assert [r["P_Msg"] for r in logs["records"]] == ["@Errors@", "@C_BPartner_ID@: @Inserted@",
                                                    "@C_BPartner_ID@: @Updated@"]
    assert call(emu, "GET", "/models/C_BPartner", params={"$filter": "Value eq 'JOB-1'"}).json()["row-count"] == 1


def test_job_errors_and_unknown_jobs(emu):
    assert call(emu, "GET", "/processes/jobs/999999").json() == {
        "title": "Job not found", "status": 404, "detail": "No job found matching id 999999"}
    assert call(emu, "GET", "/processes/jobs/abc").status_code == 404
    assert call(emu, "POST", "/processes/jobs", json={}).status_code == 405
    assert call(emu, "POST", "/processes/jobs/nope", json={}).status_code == 404
    sync_id = call(emu, "POST", "/processes/bpartner_openbalance", json={}).json()["AD_PInstance_ID"]
    assert call(emu, "GET", f"/processes/jobs/{sync_id}").status_code == 404  # not run as a job


def test_report_job_counts_itself_as_running_on_current_servers(emu):
    """Process.createPInstance saves a job processing before isProcessRunning looks (AllowMultipleExecution 'P')."""
    resp = call(emu, "POST", "/processes/jobs/rv_orderdetail", json={**REPORT, "report-type": "CSV"})
    if not emu.options.legacy:
        assert resp.status_code == 409
        assert resp.json() == {"title": "Another instance of this process is already running, please wait until it "
                                        "finishes to run it again.", "status": 409, "detail": "rv_orderdetail"}
        stuck = [j for j in call(emu, "GET", "/processes/jobs").json()["jobs"] if j["process"] == "rv_orderdetail"]
        assert stuck and all(j["processing"] for j in stuck)
        blocked = call(emu, "POST", "/processes/rv_orderdetail", json={**REPORT, "report-type": "CSV"})
        assert blocked.status_code == 409  # the same parameters are "running"
        other = call(emu, "POST", "/processes/rv_orderdetail", json={**REPORT, "C_BPartner_ID": "118"})
        assert other.status_code == 200
    else:
        assert resp.status_code == 200 and resp.json()["processing"] is True
        assert wait_job(emu, resp.json()["id"])["processing"] is False
        assert call(emu, "POST", "/processes/rv_orderdetail", json=REPORT).status_code == 200


def test_import_product_validates_creates_updates_and_prices(emu):
    ids = []
    for row in ({"Value": "IP-NEW", "Name": "Imported product", "UPC": "4711000000017", "PriceList": 12.5,
                 "PriceStd": 11},
                {"Value": "IP-CAT", "Name": "Bad category", "ProductCategory_Value": "Nope"},
                {"Value": "Rake", "Description": "Rake (imported)"},
                {"Value": "IP-UOM", "Name": "Bad UOM", "X12DE355": "ZZZ"}):
        resp = call(emu, "POST", "/models/I_Product", json=row)
        assert resp.status_code == 201, resp.text
        ids.append(resp.json()["id"])
    body = call(emu, "POST", "/processes/import_product",
                json={"AD_Client_ID": 11, "M_PriceList_Version_ID": 104}).json()
    assert body["isError"] is False and body["summary"] == ""
    assert [(log["msg"], log["number"]) for log in body["logs"]][:3] == [
        ("Errors", 2), ("Product: Inserted", 1), ("Product: Updated", 1)]
    rows = [call(emu, "GET", f"/models/I_Product/{i}").json() for i in ids]
    assert [r["I_IsImported"] for r in rows] == [True, False, True, False]
    assert rows[1]["I_ErrorMsg"] == " ERR=Invalid ProdCategory," and rows[3]["I_ErrorMsg"] == " ERR=Invalid UOM, "
    product = call(emu, "GET", f"/models/M_Product/{rows[0]['M_Product_ID']['id']}").json()
    assert product["UPC"] == "4711000000017" and product["M_Product_Category_ID"]["identifier"] == "Standard"
    assert call(emu, "GET", "/models/M_Product/125").json()["Description"] == "Rake (imported)"
    price = call(emu, "GET", "/models/M_ProductPrice", params={
        "$filter": f"M_Product_ID eq {product['id']} and M_PriceList_Version_ID eq 104"}).json()["records"]
    assert [(p["PriceList"], p["PriceStd"]) for p in price] == [(12.5, 11)]


def test_plain_process_summary_logs_and_error(emu):
    before = call(emu, "GET", "/models/C_BPartner/114").json()["Updated"]
    body = call(emu, "POST", "/processes/bpartner_openbalance", json={"C_BPartner_ID": 114}).json()
    assert body["summary"] == "Updated = 1" and body["isError"] is False
    open_amount = emu.backend.sql("SELECT COALESCE(SUM(GrandTotal),0) FROM C_Invoice WHERE C_BPartner_ID=114 AND "
                                  "IsPaid='N' AND IsSOTrx='Y' AND DocStatus IN ('CO','CL') AND IsActive='Y'")[0][0]
    assert body["logs"] == [{"msg": "Agri-Tech", "number": pytest.approx(open_amount)}]
    partner = call(emu, "GET", "/models/C_BPartner/114").json()
    assert partner["Updated"] >= before and float(partner.get("TotalOpenBalance", 0)) == pytest.approx(open_amount)
    bad = call(emu, "POST", "/processes/bpartner_openbalance", json={"C_BPartner_ID": 999}).json()
    assert bad["isError"] is True and bad["summary"] == "Not Found: Business Partner=999" and "logs" not in bad


def test_control_actions_finish_jobs_and_list_process_files(emu):
    control = emu.base_url + "/__emulator__/"
    slow = requests.post(control + "jobs", json={"delay_ms": 60_000}, timeout=10).json()
    assert slow["delay_ms"] == 60_000
    job = call(emu, "POST", "/processes/jobs/bpartner_openbalance", json={}).json()
    assert requests.post(control + "jobs", json={}, timeout=10).json()["pending"] == 1
    assert call(emu, "GET", f"/processes/jobs/{job['id']}").json()["processing"] is True
    done = requests.post(control + "jobs", json={"finish": True, "delay_ms": 300}, timeout=10).json()
    assert done == {"delay_ms": 300, "finished": 1, "pending": 0}
    assert call(emu, "GET", f"/processes/jobs/{job['id']}").json()["processing"] is False
    report = run_report(emu, "CSV", C_BPartner_ID="120")  # not the parameters a stuck report job holds
    files = requests.get(control + "files", timeout=10).json()["files"]
    mine = [f for f in files if f["name"] == report["exportFileName"] and f["length"] == report["exportFileLength"]]
    assert mine
    got = call(emu, "GET", "/files", params={"fileName": mine[-1]["path"], "length": mine[-1]["length"]})
    assert got.status_code == 200 and got.content == base64.b64decode(report["exportFile"])
