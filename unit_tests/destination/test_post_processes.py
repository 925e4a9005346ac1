"""post_write_processes: the option, when the process runs (before the STATE), rows it refused as rejects."""
from __future__ import annotations

import json
import logging
import re

import pytest
from airbyte_cdk.models import AirbyteMessage, DestinationSyncMode
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

import destination_idempiere.destination as dest_module
from destination_idempiere.destination import DestinationIdempiere, stream_plans
from destination_idempiere.import_rows import read_import_rows
from destination_idempiere.post_process_options import post_write_processes
from destination_idempiere.write_options import DestinationOptions
from erp_airbyte.messages import configured_catalog, configured_stream, record_message, state_message
from erp_http.errors import ApiError, ConfigurationError
from idempiere_client.metadata import TableMeta
from idempiere_client.paging import Page
from idempiere_client.process_answers import ProcessFailed, ProcessResult
from unit_tests.destination.fakes import StoreClient, bpartner_meta, col

IB = "i_bpartner"
ENTRY = {"process": "import_bpartner", "parameters": {"AD_Client_ID": 11}}


def import_meta() -> TableMeta:
    cols = [col("AD_Client_ID", "fk", "ad_client", read_only=True), col("AD_Org_ID", "fk", "ad_org"),
            col("IsActive", "boolean"), col("Value"), col("Name"), col("GroupValue"),
            col("I_IsImported", "boolean"), col("I_ErrorMsg"), col("Processed", "boolean")]
    return TableMeta("I_BPartner", IB, {c.name: c for c in cols}, key_column="I_BPartner_ID",
                     uu_column="I_BPartner_UU")


class ImportClient(StoreClient):
    """A StoreClient (key lookups by Value) whose reads by I_BPartner_ID answer by the ids in the filter."""

    def get_page(self, table, *, filter, orderby, select=None, top=100, skip=0):
        if "I_BPartner_ID" not in (filter or ""):
            return super().get_page(table, filter=filter, orderby=orderby, select=select, top=top, skip=skip)
        self.calls.append(("page", filter))
        ids = [int(i) for i in re.findall(r"I_BPartner_ID (?:eq |in \()?([\d,]+)", filter or "")
               for i in i.split(",")]
        rows = [dict(self.rows[f"models/{table}/{i}"]) for i in ids if f"models/{table}/{i}" in self.rows]
        return Page(rows[skip:skip + top], len(rows), top, skip)

    def import_rows(self) -> dict[int, dict]:
        return {int(k.rsplit("/", 1)[1]): r for k, r in self.rows.items()
                if k.startswith(f"models/{IB}/") and k.rsplit("/", 1)[1].isdigit()}


class FakeProcesses:
    """Stands in for idempiere_client.processes.Processes; imports the client's pending rows like ImportBPartner."""

    parameters = [{"parameterName": "AD_Client_ID"}, {"parameterName": "DeleteOldImported"}]

    def __init__(self, client: ImportClient, log: list, is_error: bool = False):
        self.client, self.log, self.is_error = client, log, is_error

    def describe(self, slug):
        if slug != "import_bpartner":
            raise ApiError(404, "Invalid process name", f"No match found for process name: {slug}", "GET",
                           f"processes/{slug}")
        return {"slug": slug, "parameters": self.parameters}

    def _import(self, slug, parameters, **kw):
        self.log.append(("process", slug, dict(parameters), kw))
        errors = 0
        for row in self.client.import_rows().values():
            if row.get("I_IsImported") is True:
                continue
            bad = row.get("GroupValue") == "Nope"
            errors += bad
            row.update({"I_IsImported": not bad, "I_ErrorMsg": "ERR=Invalid Group, " if bad else " "})
        return ProcessResult(slug, 1000000 + len(self.log), f"@Errors@ = {errors}", self.is_error)

    def run(self, slug, parameters, *, timeout_seconds=None):
        return self._import(slug, parameters, mode="sync", timeout=timeout_seconds)

    def run_job(self, slug, parameters, *, timeout_seconds):
        return self._import(slug, parameters, mode="job", timeout=timeout_seconds)


class _Catalog:
    def __init__(self, client, workers=1):
        pass

    def get_many(self, tables):
        return {t: import_meta() if t == IB else bpartner_meta() for t in tables}, {}

    def get(self, table):
        raise ApiError(404, "Not Found", table, "GET", f"models/{table}/yaml")


def rec(value: str, group: str = "Standard") -> AirbyteMessage:
    return record_message(IB, {"Value": value, "Name": value, "GroupValue": group})


def drive(messages, tmp_path, *, client=None, is_error=False, stream=IB, entries=None, key=None, **options):
    """Run _write; returns (events: process runs and yielded states in order, destination, client)."""
    client = client or ImportClient()
    events: list = []
    monkey = pytest.MonkeyPatch()
    monkey.setattr(dest_module, "MetadataCatalog", _Catalog)
    monkey.setattr(dest_module, "Processes", lambda c, logger=None: FakeProcesses(client, events, is_error))
    dest = DestinationIdempiere()
    config = {"batch_size": 2, "num_workers": 1, "rejected_records_path": str(tmp_path / "rejects.jsonl"),
              "reject_policy": "continue", "post_write_processes": entries or {IB: ENTRY}, **options}
    mode = DestinationSyncMode.append_dedup if key else DestinationSyncMode.append
    catalog = configured_catalog([configured_stream(stream, destination_sync_mode=mode, primary_key=key or ["Value"])])
    try:
        for out in dest._write(client, DestinationOptions.from_airbyte(config), dest_module.ServerClock("UTC"),
                               stream_plans(catalog), iter(messages), logging.getLogger("t")):
            events.append(("state", out.state.stream.stream_state.n))
    finally:
        monkey.undo()
    return events, dest, client


def rejects(tmp_path) -> list[dict]:
    path = tmp_path / "rejects.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def test_the_process_runs_before_the_state_and_refused_rows_become_rejects(tmp_path) -> None:
    events, dest, client = drive([rec("A"), rec("B", "Nope"), rec("C"), state_message(IB, {"n": 1})], tmp_path)
    assert events == [("process", "import_bpartner", {"AD_Client_ID": 11}, {"mode": "sync", "timeout": 900}),
                      ("state", 1)]
    (line,) = rejects(tmp_path)
    assert line["record"]["Value"] == "B"
    assert re.fullmatch(r"process import_bpartner did not import the row \(I_BPartner_ID \d+\): ERR=Invalid Group",
                        line["reason"])
    counts = dest.last_report.streams[IB].as_dict()
    assert (counts["received"], counts["inserted"], counts["rejected"]) == (3, 2, 1)
    assert sum(r["I_IsImported"] is True for r in client.import_rows().values()) == 2


def test_under_the_fail_policy_a_refused_row_holds_the_state_and_fails_the_sync(tmp_path) -> None:
    with pytest.raises(AirbyteTracedException, match="ERR=Invalid Group") as info:
        drive([rec("A"), state_message(IB, {"n": 1}), rec("B", "Nope"), state_message(IB, {"n": 2})], tmp_path,
              reject_policy="fail")
    assert info.value.failure_type.value == "config_error" and "reject_policy" in info.value.message


def test_only_rows_written_since_the_last_run_are_checked_and_a_run_without_new_rows_is_skipped(tmp_path) -> None:
    messages = [rec("A", "Nope"), state_message(IB, {"n": 1}), state_message(IB, {"n": 2}), rec("B"),
                state_message(IB, {"n": 3}), rec("C", "Nope")]
    events, dest, client = drive(messages, tmp_path)
    assert [e[0] if e[0] == "process" else e for e in events] == \
        ["process", ("state", 1), ("state", 2), "process", ("state", 3), "process"]
    assert [r["record"]["Value"] for r in rejects(tmp_path)] == ["A", "C"]  # A is not rejected a second time
    reads = [f for kind, f in client.calls if kind == "page"]
    assert len(reads) == 3 and all(f.count("I_BPartner_ID") == 1 for f in reads)


def test_a_process_that_reports_an_error_fails_the_sync_with_its_summary_and_no_state(tmp_path) -> None:
    events: list = []
    with pytest.raises(ProcessFailed, match=r"import_bpartner \(AD_PInstance_ID 1000001\) failed: @Errors@ = 0"):
        events, _, _ = drive([rec("A"), state_message(IB, {"n": 1})], tmp_path, is_error=True)
    assert ("state", 1) not in events


def test_job_mode_and_the_timeout_are_passed_on(tmp_path) -> None:
    events, _, _ = drive([rec("A")], tmp_path, entries={IB: {**ENTRY, "mode": "job", "timeout_seconds": 60}})
    assert events == [("process", "import_bpartner", {"AD_Client_ID": 11}, {"mode": "job", "timeout": 60})]


def test_a_dry_run_runs_no_process(tmp_path) -> None:
    events, _, client = drive([rec("A"), state_message(IB, {"n": 1})], tmp_path, dry_run=True)
    assert events == [] and client.import_rows() == {}


@pytest.mark.parametrize("entries, message", [
    ({IB: {"process": "import_nope"}}, "post_write_processes.i_bpartner: process 'import_nope': no process has "
                                       "this slug"),
    ({IB: {**ENTRY, "parameters": {"ad_client_id": 11}}}, "has no parameter 'ad_client_id' (did you mean "
                                                          "AD_Client_ID?)"),
    ({IB: {**ENTRY, "reject_failed_import_rows": True}}, None),
])
def test_the_entries_are_checked_against_the_server_before_anything_is_written(tmp_path, entries, message) -> None:
    if message is None:  # the same entry on a table that is no import table
        with pytest.raises(AirbyteTracedException, match="C_BPartner is none") as info:
            drive([record_message("c_bpartner", {"Value": "A", "Name": "A"})], tmp_path, stream="c_bpartner",
                  entries={"c_bpartner": entries[IB]})
    else:
        client = ImportClient()
        with pytest.raises(AirbyteTracedException) as info:
            drive([rec("A")], tmp_path, client=client, entries=entries)
        assert message in info.value.message and client.import_rows() == {}
    assert info.value.failure_type.value == "config_error"


def test_an_entry_on_a_plain_table_only_runs_the_process(tmp_path) -> None:
    events, dest, _ = drive([record_message("c_bpartner", {"Value": "A", "Name": "A"})], tmp_path,
                            stream="c_bpartner", entries={"c_bpartner": ENTRY})
    assert [e[0] for e in events] == ["process"] and dest.last_report.streams["c_bpartner"].inserted == 1


# ---- the option ---------------------------------------------------------------------------------------
def test_the_option_is_parsed_with_defaults_and_a_value_is_slugged() -> None:
    (entry,) = post_write_processes({"post_write_processes": {" I_BPartner ": {"process": "Import_BPartner"}}}).values()
    assert (entry.target, entry.process, entry.parameters, entry.mode, entry.timeout_seconds,
            entry.reject_failed_import_rows) == ("i_bpartner", "import_bpartner", {}, "sync", 900, None)


@pytest.mark.parametrize("value, message", [
    ([1], "post_write_processes must be an object"),
    ({IB: "import_bpartner"}, "post_write_processes.i_bpartner must be an object"),
    ({IB: {}}, "post_write_processes.i_bpartner.process must be the slug of a process"),
    ({IB: {"process": "p", "parameters": [1]}}, "post_write_processes.i_bpartner.parameters must be an object"),
    ({IB: {"process": "p", "mode": "async"}}, "post_write_processes.i_bpartner.mode must be one of sync, job"),
    ({IB: {"process": "p", "timeout_seconds": 0}}, "post_write_processes.i_bpartner.timeout_seconds must be between"),
    ({IB: {"process": "p", "reject_failed_import_rows": "yes"}}, "reject_failed_import_rows must be true or false"),
    ({IB: {"process": "p", "timeout": 5}}, "unknown field(s) timeout"),
    ({IB: {"process": "p"}, "I_BPARTNER": {"process": "p"}}, "'I_BPARTNER' is given twice"),
])
def test_bad_entries_are_configuration_errors_naming_the_entry_and_field(value, message) -> None:
    with pytest.raises(ConfigurationError) as info:
        post_write_processes({"post_write_processes": value})
    assert message in str(info.value)


# ---- the read-back ------------------------------------------------------------------------------------
@pytest.mark.parametrize("use_in, per_request", [(True, 100), (False, 20)])
def test_rows_are_read_back_by_id_in_chunks_that_fit_the_url(use_in, per_request) -> None:
    client = ImportClient()
    for i in range(1, 251):
        client.rows[f"models/{IB}/{i}"] = {"id": i, "I_IsImported": i % 3 != 0,
                                           "I_ErrorMsg": "ERR=Invalid Group, " if i % 3 == 0 else " "}
    rows = read_import_rows(client, import_meta(), list(range(1, 251)) + [999], use_in=use_in, workers=2)
    filters = [f for kind, f in client.calls if kind == "page"]
    assert len(filters) == -(-251 // per_request)  # 251 distinct ids
    assert all(len(f) < 4096 for f in filters) and all("IsActive neq null" in f for f in filters)
    assert (" in (" in filters[0]) is use_in
    assert sorted(rows) == list(range(1, 251))  # 999 does not exist
    assert rows[3].failed and rows[3].error == "ERR=Invalid Group" and not rows[3].imported
    assert rows[1].imported and rows[1].error is None and not rows[1].failed


def test_an_update_of_a_row_imported_before_is_rejected_not_counted_as_imported(tmp_path) -> None:
    """A server that lets a processed import row be changed: the process never imports it again."""
    client = ImportClient()
    drive([rec("A")], tmp_path, client=client, key=["Value"])
    events, dest, _ = drive([record_message(IB, {"Value": "A", "Name": "Renamed", "GroupValue": "Standard"})],
                            tmp_path, client=client, key=["Value"])
    (line,) = rejects(tmp_path)
    assert line["record"]["Name"] == "Renamed" and "was imported before this sync changed it" in line["reason"]
    assert {k: v for k, v in dest.last_report.streams[IB].as_dict().items() if v} == {"received": 1, "rejected": 1}
