"""post_write_processes end to end: rows written into I_BPartner through the destination, the Import process run
(sync or as a polled job), partners created for the valid rows and the refused rows rejected with I_ErrorMsg;
process errors, 409, timeouts and lost answers fail loudly and hold the state."""
from __future__ import annotations

import json

import pytest
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

import idempiere_client.processes as processes_module
from destination_idempiere import DestinationIdempiere
from integration_tests.destination.helpers import (
    GENERATION_IDS,
    GENERATIONS,
    catalog,
    config,
    counts,
    record,
    sql,
    state,
    write,
)

IB = "i_bpartner"
IMPORT = {"process": "import_bpartner", "parameters": {"AD_Client_ID": 11}}


def partners(emu, prefix: str) -> list[tuple]:
    return sql(emu, "SELECT Value, C_BP_Group_ID FROM C_BPartner WHERE Value LIKE ? ORDER BY Value", (prefix + "%",))


def import_rows(emu, prefix: str) -> list[tuple]:
    return sql(emu, "SELECT Value, I_IsImported, TRIM(I_ErrorMsg) FROM I_BPartner WHERE Value LIKE ? ORDER BY Value",
               (prefix + "%",))


def rejects(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def process_requests(emu) -> list[tuple[str, str]]:
    return [(r["method"], r["path"].split("/api/v1/", 1)[-1]) for r in emu.requests()
            if "/processes" in r["path"] or "ad_pinstance" in r["path"].lower()]


def bp(value: str, group: str) -> object:
    return record(IB, {"Value": value, "Name": f"Partner {value}", "GroupValue": group})


@pytest.fixture(params=GENERATIONS, ids=GENERATION_IDS)
def emu(request, emulator_factory):
    return emulator_factory(rows=3, legacy=request.param, job_delay_ms=50)


@pytest.fixture
def current(emulator_factory):
    return emulator_factory(rows=3, job_delay_ms=50)


def test_valid_rows_are_imported_and_refused_ones_rejected_with_the_process_message(emu, tmp_path) -> None:
    path = tmp_path / "rejects.jsonl"
    messages = [bp("IB-1", "Standard"), bp("IB-2", "Nope"), bp("IB-3", "Staff"), state(IB, 1)]
    out, dest = write(emu, catalog((IB, "append", None)), messages, rejected_records_path=str(path),
                      post_write_processes={IB: IMPORT})
    assert [m.state.stream.stream_state.n for m in out] == [1]
    assert partners(emu, "IB-") == [("IB-1", 103), ("IB-3", 105)]
    assert import_rows(emu, "IB-") == [("IB-1", "Y", ""), ("IB-2", "N", "ERR=Invalid Group,"), ("IB-3", "Y", "")]
    (line,) = rejects(path)
    assert line["stream"] == IB and line["record"]["Value"] == "IB-2"
    assert line["reason"].startswith("process import_bpartner did not import the row (I_BPartner_ID ")
    assert line["reason"].endswith("): ERR=Invalid Group")
    assert {k: v for k, v in counts(dest, IB).items() if v} == {"received": 3, "inserted": 2, "rejected": 1}
    assert [p for p in process_requests(emu) if p[0] == "POST"] == [("POST", "processes/import_bpartner")]

    # a second sync: its own row only; IB-2 (still refused on the server) is not rejected again
    out, dest = write(emu, catalog((IB, "append", None)), [bp("IB-4", "Staff"), state(IB, 2)],
                      rejected_records_path=str(path), post_write_processes={IB: IMPORT})
    assert [m.state.stream.stream_state.n for m in out] == [2]
    assert partners(emu, "IB-4") == [("IB-4", 105)]
    assert len(rejects(path)) == 1 and counts(dest, IB)["rejected"] == 0


def test_under_the_fail_policy_a_refused_row_stops_the_sync_before_its_state(current) -> None:
    messages = [bp("IF-1", "Standard"), state(IB, 1), bp("IF-2", "Nope"), bp("IF-3", "Staff"), state(IB, 2)]
    seen = []
    with pytest.raises(AirbyteTracedException, match="ERR=Invalid Group") as info:
        for message in DestinationIdempiere().write(
                config(current, reject_policy="fail", post_write_processes={IB: IMPORT}),
                catalog((IB, "append", None)), iter(messages)):
            seen.append(message.state.stream.stream_state.n)
    assert seen == [1] and info.value.failure_type.value == "config_error"
    assert partners(current, "IF-") == [("IF-1", 103), ("IF-3", 105)]  # the process imported what it could


def test_as_a_job_the_process_is_polled_until_done_and_its_outcome_read(current, tmp_path) -> None:
    path = tmp_path / "rejects.jsonl"
    messages = [bp("IJ-1", "Standard"), bp("IJ-2", "Nope"), state(IB, 1)]
    out, dest = write(current, catalog((IB, "append", None)), messages, rejected_records_path=str(path),
                      post_write_processes={IB: {**IMPORT, "mode": "job", "timeout_seconds": 60}})
    assert [m.state.stream.stream_state.n for m in out] == [1]
    assert partners(current, "IJ-") == [("IJ-1", 103)]
    assert [r["record"]["Value"] for r in rejects(path)] == ["IJ-2"]
    calls = process_requests(current)
    (job_id,) = {p.rsplit("/", 1)[1] for m, p in calls if m == "GET" and p.startswith("processes/jobs/")}
    assert ("POST", "processes/jobs/import_bpartner") in calls and ("GET", f"models/ad_pinstance/{job_id}") in calls
    assert ("POST", "processes/import_bpartner") not in calls  # (the GET of it is the check before writing)


def test_a_process_that_reports_an_error_fails_the_sync_with_its_summary(current) -> None:
    messages = [bp("IE-1", "Standard"), state(IB, 1)]
    with pytest.raises(AirbyteTracedException, match=r"Writing to iDempiere failed: process import_bpartner "
                                                     r"\(AD_PInstance_ID \d+\) failed: .+") as info:
        write(current, catalog((IB, "append", None)), messages,
              post_write_processes={IB: {"process": "import_bpartner"}})  # no AD_Client_ID: the process fails
    assert info.value.failure_type.value == "system_error"
    assert import_rows(current, "IE-") == [("IE-1", "N", None)] and partners(current, "IE-") == []


def test_a_job_still_running_at_the_timeout_fails_loudly_and_is_never_submitted_twice(emulator_factory) -> None:
    slow = emulator_factory(rows=3, job_delay_ms=4000)
    with pytest.raises(AirbyteTracedException, match=r"job \d+ of process import_bpartner still running after 1 s"):
        write(slow, catalog((IB, "append", None)), [bp("IT-1", "Standard"), state(IB, 1)],
              post_write_processes={IB: {**IMPORT, "mode": "job", "timeout_seconds": 1}})
    assert [p for m, p in process_requests(slow) if m == "POST"] == ["processes/jobs/import_bpartner"]


@pytest.mark.parametrize("legacy", GENERATIONS, ids=GENERATION_IDS)
def test_409_already_running_is_retried_a_bounded_number_of_times_on_current_servers(
        emulator_factory, monkeypatch, legacy) -> None:
    """A report submitted as a job always meets its own instance on current servers (the plugin saves it as
    processing before its check); older servers have no 409."""
    monkeypatch.setattr(processes_module, "CONFLICT_BACKOFF", (0.01, 0.02))
    emu = emulator_factory(rows=3, legacy=legacy, job_delay_ms=50)
    report = {IB: {"process": "rv_orderdetail", "parameters": {"report-type": "CSV"}, "mode": "job",
                   "reject_failed_import_rows": False}}
    messages = [bp("IC-1", "Standard"), state(IB, 1)]
    if legacy:
        out, _ = write(emu, catalog((IB, "append", None)), messages, post_write_processes=report)
        assert [m.state.stream.stream_state.n for m in out] == [1]
        submits = 1
    else:
        with pytest.raises(AirbyteTracedException, match="already running with the same parameters .*HTTP 409.*"
                                                         "gave up after 5 attempts") as info:
            write(emu, catalog((IB, "append", None)), messages, post_write_processes=report)
        assert info.value.failure_type.value == "transient_error"
        submits = 5
    assert [p for m, p in process_requests(emu) if m == "POST"] == ["processes/jobs/rv_orderdetail"] * submits


def _drop_answer(emu, method: str, path: str) -> None:
    """The emulator handles the first matching request fully, then closes the connection without answering."""
    handle = emu._handle_api
    dropped: list[str] = []

    def handle_then_drop(m, p, *args):
        response = handle(m, p, *args)
        if m == method and p.endswith(path) and not dropped:
            dropped.append(p)
            return None
        return response

    emu._handle_api = handle_then_drop


def test_a_lost_answer_to_a_run_is_not_run_again_and_holds_the_state(current) -> None:
    _drop_answer(current, "POST", "/processes/import_bpartner")
    with pytest.raises(AirbyteTracedException, match="may have run, or may still be running.*not run again") as info:
        write(current, catalog((IB, "append", None)), [bp("IL-1", "Standard"), state(IB, 1)],
              post_write_processes={IB: IMPORT})
    assert info.value.failure_type.value == "transient_error"
    assert [p for m, p in process_requests(current) if m == "POST"] == ["processes/import_bpartner"]
    assert partners(current, "IL-") == [("IL-1", 103)]  # it did run: that is why it is never resent blindly


def test_a_lost_answer_to_a_job_submission_is_settled_from_the_job_list(emulator_factory, tmp_path) -> None:
    emu = emulator_factory(rows=3, job_delay_ms=1500)  # the job is still listed when the client looks
    _drop_answer(emu, "POST", "/processes/jobs/import_bpartner")
    path = tmp_path / "rejects.jsonl"
    out, _ = write(emu, catalog((IB, "append", None)), [bp("IK-1", "Standard"), bp("IK-2", "Nope"), state(IB, 1)],
                   rejected_records_path=str(path), post_write_processes={IB: {**IMPORT, "mode": "job"}})
    assert [m.state.stream.stream_state.n for m in out] == [1]
    assert [p for m, p in process_requests(emu) if m == "POST"] == ["processes/jobs/import_bpartner"]
    assert partners(emu, "IK-") == [("IK-1", 103)] and [r["record"]["Value"] for r in rejects(path)] == ["IK-2"]


def test_an_unknown_process_or_parameter_is_a_config_error_before_anything_is_written(current) -> None:
    for entry, needle in (({"process": "import_nothing"}, "no process has this slug"),
                          ({**IMPORT, "parameters": {"AD_Client_ID": 11, "deleteoldimported": True}},
                           "did you mean DeleteOldImported or deleteOldImported?")):
        with pytest.raises(AirbyteTracedException) as info:
            write(current, catalog((IB, "append", None)), [bp("IU-1", "Standard")],
                  post_write_processes={IB: entry})
        assert info.value.failure_type.value == "config_error" and needle in info.value.message
    assert import_rows(current, "IU-") == []


def test_upserts_fix_a_refused_row_in_place_and_a_change_to_an_imported_row_is_rejected(current, tmp_path) -> None:
    """append_dedup on Value: a refused import row is updated and imported on the next sync; a change to a row
    that was already imported (Processed) is refused by the server itself, so it is rejected, never lost."""
    path = tmp_path / "rejects.jsonl"
    cat = catalog((IB, "append_dedup", ["Value"]))
    options = {"rejected_records_path": str(path), "post_write_processes": {IB: IMPORT}}
    write(current, cat, [bp("IV-1", "Standard"), bp("IV-2", "Nope"), state(IB, 1)], **options)
    assert partners(current, "IV-") == [("IV-1", 103)] and [r["record"]["Value"] for r in rejects(path)] == ["IV-2"]
    out, dest = write(current, cat, [bp("IV-2", "Staff"), record(IB, {"Value": "IV-1", "Name": "Renamed",
                                                                       "GroupValue": "Standard"}), state(IB, 2)],
                      **options)
    assert [m.state.stream.stream_state.n for m in out] == [2]
    assert partners(current, "IV-") == [("IV-1", 103), ("IV-2", 105)]
    assert sql(current, "SELECT COUNT(*) FROM I_BPartner WHERE Value LIKE 'IV-%'") == [(2,)]  # updated in place
    assert sql(current, "SELECT Name FROM C_BPartner WHERE Value='IV-1'") == [("Partner IV-1",)]
    last = rejects(path)[-1]
    assert last["record"]["Name"] == "Renamed" and "Cannot update Name on processed record" in last["reason"]
    assert {k: v for k, v in counts(dest, IB).items() if v} == {"received": 2, "updated": 1, "rejected": 1}


def test_products_go_through_their_own_import_table_and_process(current, tmp_path) -> None:
    """Nothing is partner-specific: I_Product with Import_Product, several refusal texts on one row."""
    path = tmp_path / "rejects.jsonl"
    ip = "i_product"
    messages = [record(ip, {"Value": "IP-1", "Name": "Good", "ProductCategory_Value": "Tree", "X12DE355": "KGM"}),
                record(ip, {"Value": "IP-2", "Name": "Bad", "ProductCategory_Value": "Nope", "X12DE355": "XX"}),
                state(ip, 1)]
    out, dest = write(current, catalog((ip, "append", None)), messages, rejected_records_path=str(path),
                      post_write_processes={ip: {"process": "Import_Product", "parameters": {"AD_Client_ID": 11}}})
    assert [m.state.stream.stream_state.n for m in out] == [1]
    assert sql(current, "SELECT Value, M_Product_Category_ID, C_UOM_ID FROM M_Product WHERE Value LIKE 'IP-%'") == \
        [("IP-1", 107, 103)]
    (line,) = rejects(path)
    assert line["record"]["Value"] == "IP-2"
    assert line["reason"].endswith("): ERR=Invalid ProdCategory,ERR=Invalid UOM")  # core's texts, joined as stored
    assert counts(dest, ip)["rejected"] == 1 and counts(dest, ip)["inserted"] == 1
