"""processes.Processes / process_answers: runs, 409 backoff, lost answers never resent, jobs polled, files (spec §9)."""
from __future__ import annotations

import base64
import logging

import pytest
import requests
import requests_mock

from erp_http.errors import ApiError, TransientError
from idempiere_client.http import IdempiereClient
from idempiere_client.process_answers import Job, ProcessFailed, ProcessResult, parameter_problems, slug_of
from idempiere_client.processes import Processes
from unit_tests.client.conftest import API, token_config

DROPPED = {"exc": requests.exceptions.ConnectionError("('Connection aborted.', RemoteDisconnected())")}
CONFLICT = {"status_code": 409, "json": {"title": "Process already running", "status": 409,
                                         "detail": "import_bpartner"}}
ANSWER = {"AD_PInstance_ID": 1000123, "process": "import_bpartner", "summary": "@Errors@ = 2, @Inserted@ = 8",
          "isError": False, "logs": [{"msg": "Business Partner: Inserted = 8"}, "odd"]}


class FakeClock:
    """A monotonic clock that only moves when the code under test sleeps."""

    def __init__(self):
        self.now = 100.0
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def monotonic(self) -> float:
        return self.now


def _processes(clock: FakeClock | None = None, **kw) -> Processes:
    clock = clock or FakeClock()
    client = IdempiereClient(token_config(), sleep=lambda s: None)
    return Processes(client, logger=logging.getLogger("test"), sleep=clock.sleep, monotonic=clock.monotonic, **kw)


# ---- synchronous runs ---------------------------------------------------------------------------------
def test_run_posts_the_parameters_and_reads_the_result():
    with requests_mock.Mocker() as m:
        route = m.post(f"{API}/processes/import_bpartner", json=ANSWER)
        result = _processes().run("import_bpartner", {"AD_Client_ID": 11, "deleteOldImported": False})
    assert route.call_count == 1 and route.last_request.json() == {"AD_Client_ID": 11, "deleteOldImported": False}
    assert (result.process, result.instance_id, result.is_error) == ("import_bpartner", 1000123, False)
    assert result.summary == "@Errors@ = 2, @Inserted@ = 8"
    assert result.logs == [{"msg": "Business Partner: Inserted = 8"}] and result.files == []
    assert result.describe() == "@Errors@ = 2, @Inserted@ = 8; Business Partner: Inserted = 8"
    assert result.raise_for_error() is result


def test_a_reported_error_is_in_the_result_and_raise_for_error_says_the_summary():
    with requests_mock.Mocker() as m:
        m.post(f"{API}/processes/import_bpartner", json={**ANSWER, "isError": True, "summary": "No Client"})
        result = _processes().run("import_bpartner")
    assert result.is_error is True
    with pytest.raises(ProcessFailed, match=r"import_bpartner \(AD_PInstance_ID 1000123\) failed: No Client"):
        result.raise_for_error()


def test_run_waits_as_long_as_its_timeout_for_the_answer():
    with requests_mock.Mocker() as m:
        route = m.post(f"{API}/processes/p", json=ANSWER)
        _processes().run("p", timeout_seconds=900)
        m.get(f"{API}/processes/p", json={"slug": "p"})
        _processes().describe("p")
    assert route.last_request.timeout[1] == 900
    assert m.last_request.timeout[1] != 900  # other requests keep the client's timeout


def test_an_answer_that_is_no_process_result_is_never_read_as_success():
    with requests_mock.Mocker() as m:
        m.post(f"{API}/processes/p", json={"summary": "?"})
        with pytest.raises(ApiError, match="no isError"):
            _processes().run("p")


def test_409_already_running_is_tried_again_with_growing_delays():
    clock = FakeClock()
    with requests_mock.Mocker() as m:
        route = m.post(f"{API}/processes/p", [CONFLICT, CONFLICT, {"json": ANSWER}])
        result = _processes(clock).run("p")
    assert route.call_count == 3 and result.summary == ANSWER["summary"]
    assert len(clock.sleeps) == 2 and 1.0 <= clock.sleeps[0] <= 2.0 and 2.0 <= clock.sleeps[1] <= 4.0


def test_409_that_persists_gives_up_after_a_bounded_number_of_attempts():
    clock = FakeClock()
    with requests_mock.Mocker() as m:
        route = m.post(f"{API}/processes/p", [CONFLICT])
        with pytest.raises(TransientError, match="already running") as info:
            _processes(clock, conflict_attempts=3).run("p")
    assert route.call_count == 3 and len(clock.sleeps) == 2
    assert info.value.status == 409 and info.value.maybe_committed is False


def test_other_refusals_are_not_retried():
    with requests_mock.Mocker() as m:
        route = m.post(f"{API}/processes/p", status_code=404,
                       json={"title": "Invalid process name", "status": 404, "detail": "No match found for process name: p"})
        with pytest.raises(ApiError) as info:
            _processes().run("p")
    assert route.call_count == 1 and info.value.status == 404


@pytest.mark.parametrize("failure", [DROPPED, {"exc": requests.exceptions.ReadTimeout("read timed out")},
                                     {"status_code": 502, "text": "<html>Bad Gateway</html>"}],
                         ids=["dropped", "read-timeout", "502"])
def test_a_lost_answer_to_a_run_is_never_resent(failure):
    with requests_mock.Mocker() as m:
        route = m.post(f"{API}/processes/p", [failure, {"json": ANSWER}])
        with pytest.raises(TransientError, match="may have run.*not run again") as info:
            _processes().run("p")
    assert route.call_count == 1 and info.value.maybe_committed is True


# ---- jobs -------------------------------------------------------------------------------------------------
def _job(job_id: int, processing: bool, process: str = "import_bpartner") -> dict:
    return {"id": job_id, "client": "GardenWorld", "user": "GardenAdmin", "process": process,
            "since": "2026-05-10 10:00:00", "processing": processing}


def test_a_job_is_submitted_polled_with_growing_delays_and_its_outcome_read_from_its_instance():
    clock = FakeClock()
    with requests_mock.Mocker() as m:
        m.get(f"{API}/processes/jobs", json={"jobs": []})
        submit = m.post(f"{API}/processes/jobs/import_bpartner", json=_job(1000200, True))
        polls = m.get(f"{API}/processes/jobs/1000200",
                      [{"json": _job(1000200, True)}, {"json": _job(1000200, True)}, {"json": _job(1000200, False)}])
        m.get(f"{API}/models/ad_pinstance/1000200", json={"id": 1000200, "Result": 1, "ErrorMsg": "Done"})
        logs = m.get(f"{API}/models/ad_pinstance_log", json={"records": [
            {"P_Msg": "@Errors@", "P_Number": 0}, {"P_Msg": "@C_BPartner_ID@: @Inserted@", "P_Number": 3}]})
        result = _processes(clock).run_job("import_bpartner", {"AD_Client_ID": 11}, timeout_seconds=60)
    assert submit.last_request.json() == {"AD_Client_ID": 11}
    assert polls.call_count == 3 and clock.sleeps == [1.0, 1.5, 2.25]
    assert (result.instance_id, result.is_error, result.summary) == (1000200, False, "Done")
    assert logs.last_request.qs["$filter"] == ["ad_pinstance_id eq 1000200"]  # (requests-mock lower-cases)
    assert result.describe() == "Done; @Errors@ 0, @C_BPartner_ID@: @Inserted@ 3"


def test_a_failed_job_reads_as_an_error_with_its_summary():
    with requests_mock.Mocker() as m:
        m.get(f"{API}/models/ad_pinstance/5", json={"id": 5, "result": 0, "errorMsg": "No Client"})  # lower-case server
        m.get(f"{API}/models/ad_pinstance_log", status_code=403,
              json={"title": "Access denied", "status": 403, "detail": "Access denied for table: AD_PInstance_Log"})
        result = _processes().job_result(_job_value(5))
    assert result.is_error is True and result.summary == "No Client" and result.logs == []
    with pytest.raises(ProcessFailed, match="No Client"):
        result.raise_for_error()


def test_an_unreadable_instance_gives_an_unknown_outcome():
    with requests_mock.Mocker() as m:
        m.get(f"{API}/models/ad_pinstance/5", status_code=403,
              json={"title": "Access denied", "status": 403, "detail": "Access denied for table: AD_PInstance"})
        result = _processes().job_result(_job_value(5))
    assert result.is_error is None and result.summary is None


def _job_value(job_id: int) -> Job:
    return Job(job_id, "import_bpartner", False)


def test_a_job_still_running_at_the_timeout_fails_loudly_and_is_not_resubmitted():
    clock = FakeClock()
    with requests_mock.Mocker() as m:
        m.get(f"{API}/processes/jobs", json={"jobs": []})
        submit = m.post(f"{API}/processes/jobs/import_bpartner", json=_job(9, True))
        m.get(f"{API}/processes/jobs/9", json=_job(9, True))
        with pytest.raises(TransientError, match="job 9 of process import_bpartner still running after 10 s") as info:
            _processes(clock).run_job("import_bpartner", timeout_seconds=10)
    assert submit.call_count == 1 and info.value.maybe_committed is True
    assert sum(clock.sleeps) == pytest.approx(10.0)  # the last wait is cut to the deadline


def test_a_lost_submission_answer_adopts_the_one_new_job_of_that_process():
    with requests_mock.Mocker() as m:
        m.get(f"{API}/processes/jobs", [{"json": {"jobs": [_job(3, True)]}},
                                        {"json": {"jobs": [_job(3, True), _job(4, True, "other"), _job(5, True)]}}])
        submit = m.post(f"{API}/processes/jobs/import_bpartner", [DROPPED, {"json": _job(6, True)}])
        job = _processes().submit_job("import_bpartner")
    assert submit.call_count == 1 and job.id == 5


@pytest.mark.parametrize("after", [[], [_job(5, True), _job(6, True)]], ids=["none", "several"])
def test_a_lost_submission_answer_that_the_job_list_cannot_resolve_fails_loudly(after):
    with requests_mock.Mocker() as m:
        m.get(f"{API}/processes/jobs", [{"json": {"jobs": []}}, {"json": {"jobs": after}}])
        submit = m.post(f"{API}/processes/jobs/import_bpartner", [DROPPED, {"json": _job(6, True)}])
        with pytest.raises(TransientError, match="not submitted again") as info:
            _processes().submit_job("import_bpartner")
    assert submit.call_count == 1 and info.value.maybe_committed is True


def test_a_job_submission_answered_409_is_retried_like_a_run():
    clock = FakeClock()
    with requests_mock.Mocker() as m:
        m.get(f"{API}/processes/jobs", json={"jobs": []})
        submit = m.post(f"{API}/processes/jobs/p", [CONFLICT, {"json": _job(7, True, "p")}])
        assert _processes(clock).submit_job("p").id == 7
    assert submit.call_count == 2 and len(clock.sleeps) == 1


def test_a_job_answer_without_id_is_refused():
    with requests_mock.Mocker() as m:
        m.get(f"{API}/processes/jobs/7", json={"title": "?"})
        with pytest.raises(ApiError, match="no job id"):
            _processes().job(7)


# ---- output files --------------------------------------------------------------------------------------
def test_inline_output_files_are_decoded_and_others_fetched_from_files():
    csv = b"Value,Name\nA,Alpha\n"
    answer = {**ANSWER, "exportFile": base64.b64encode(csv).decode(), "exportFileName": "x.csv",
              "exportFileLength": len(csv), "reportFileName": "/tmp/r.pdf", "reportFileLength": 4, "nodeId": "n1"}
    result = ProcessResult.from_answer("p", answer)
    report, export = result.files
    assert (export.kind, export.name, export.length, export.content) == ("exportFile", "x.csv", len(csv), csv)
    assert (report.kind, report.content, report.node_id) == ("reportFile", None, "n1")
    with requests_mock.Mocker() as m:
        route = m.get(f"{API}/files", json={"data": base64.b64encode(b"%PDF").decode()})
        processes = _processes()
        assert processes.file_content(export) == csv and route.call_count == 0
        assert processes.file_content(report) == b"%PDF"
    assert route.last_request.qs == {"filename": ["/tmp/r.pdf"], "length": ["4"], "node_id": ["n1"], "json": [""]}


def test_a_json_export_is_carried_as_json():
    result = ProcessResult.from_answer("p", {**ANSWER, "exportFile": [{"a": 1}], "exportFileName": "x.json"})
    assert result.files[0].json == [{"a": 1}] and result.files[0].content is None


def test_a_file_answer_without_data_is_refused():
    with requests_mock.Mocker() as m:
        m.get(f"{API}/files", json={"data": "***not base64***"})
        with pytest.raises(ApiError, match="no base64 data"):
            _processes().fetch_file("/tmp/x.csv", 3)


# ---- names -----------------------------------------------------------------------------------------------
PROCESS = {"slug": "import_bpartner", "parameters": [
    {"parameterName": "AD_Client_ID", "isRange": False},
    {"parameterName": "DeleteOldImported", "isRange": False},
    {"parameterName": "DateInvoiced", "isRange": True},
]}


def test_parameter_names_must_be_the_column_or_its_property_name_exactly():
    ok = {"AD_Client_ID": 11, "DeleteOldImported": True, "deleteOldImported": True, "DateInvoiced": "2026-01-01",
          "dateInvoiced_to": "2026-02-01", "report-type": "CSV"}
    assert parameter_problems(PROCESS, ok) == []
    problems = parameter_problems(PROCESS, {"deleteoldimported": True, "Nope": 1, "notification-type": "N"})
    assert problems[0] == "process import_bpartner has no parameter 'deleteoldimported' (did you mean " \
                          "DeleteOldImported or deleteOldImported?)"
    assert "has no parameter 'Nope' (its parameters are AD_Client_ID, DateInvoiced, DeleteOldImported)" in problems[1]
    assert "notification-type" in problems[2]  # a job option, not a run option
    assert parameter_problems(PROCESS, {"notification-type": "N"}, job=True) == []


def test_slugs_follow_the_plugin():
    assert slug_of("Import_BPartner") == "import_bpartner"
    assert slug_of("RV BPartner Open") == "rv-bpartner-open"
    assert slug_of(" Élan -- x.y ") == "elan-x-y"
