"""State is yielded only after every earlier record has a final outcome; reject policies; dry run."""
from __future__ import annotations

import json
import logging

import pytest
from airbyte_cdk.models import AirbyteMessage, ConfiguredAirbyteCatalog, DestinationSyncMode
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

import destination_idempiere.destination as dest_module
from destination_idempiere.destination import DestinationIdempiere, stream_plans
from destination_idempiere.write_options import DestinationOptions
from erp_airbyte.messages import configured_catalog, configured_stream, record_message, state_message
from erp_http.errors import ApiError
from idempiere_client.timeutil import ServerClock
from unit_tests.destination.fakes import FakeClient, bpartner_meta


class _Catalog:
    def __init__(self, client, workers=1):
        pass

    def get_many(self, tables):
        return {t: bpartner_meta() for t in tables}, {}

    def get(self, table):  # the time-zone check's fallback tables: not readable here
        raise ApiError(404, "Not Found", f"{table}", "GET", f"models/{table}/yaml")


def catalog(mode: DestinationSyncMode = DestinationSyncMode.append) -> ConfiguredAirbyteCatalog:
    return configured_catalog([configured_stream("c_bpartner", destination_sync_mode=mode, primary_key=["Value"])])


def record(value: str, **extra) -> AirbyteMessage:
    return record_message("c_bpartner", {"Value": value, "Name": value, **extra})


def state(n: int) -> AirbyteMessage:
    return state_message("c_bpartner", {"n": n})


def run(client: FakeClient, messages: list[AirbyteMessage], seen: list, tmp_path, **options) -> DestinationIdempiere:
    """Drive _write, recording (state n, values committed at that moment) for every yielded state."""
    monkey = pytest.MonkeyPatch()
    monkey.setattr(dest_module, "MetadataCatalog", _Catalog)
    dest = DestinationIdempiere()
    opts = DestinationOptions.from_airbyte({"batch_size": 2, "num_workers": 1,
                                          "rejected_records_path": str(tmp_path / "rejects.jsonl"), **options})
    try:
        for out in dest._write(client, opts, ServerClock("UTC"), stream_plans(catalog()), iter(messages),
                               logging.getLogger("t")):
            seen.append((out.state.stream.stream_state.n, committed(client)))
    finally:
        monkey.undo()
    return dest


def committed(client: FakeClient) -> list[str]:
    return sorted({r["Value"] for k, r in client.rows.items() if k.split("/")[-1].isdigit()})


MESSAGES = [record("V1"), record("V2"), state(1), record("V3", Name="BAD"), record("V4"), state(2), record("V5"),
            state(3)]


def test_continue_reports_the_bad_record_and_yields_every_state_after_its_records(tmp_path) -> None:
    client, seen = FakeClient(), []
    dest = run(client, MESSAGES, seen, tmp_path, reject_policy="continue")
    assert seen == [(1, ["V1", "V2"]), (2, ["V1", "V2", "V4"]), (3, ["V1", "V2", "V4", "V5"])]
    counts = dest.last_report.streams["c_bpartner"]
    assert (counts.received, counts.inserted, counts.rejected) == (5, 4, 1)
    (line,) = [json.loads(x) for x in (tmp_path / "rejects.jsonl").read_text().splitlines()]
    assert line["stream"] == "c_bpartner" and line["record"]["Value"] == "V3"
    assert line["reason"] == "HTTP 400 Validation Error: Fill mandatory fields: Name"


def test_fail_stops_at_the_first_server_rejection_after_the_safe_state(tmp_path) -> None:
    client, seen = FakeClient(), []
    with pytest.raises(AirbyteTracedException, match="Fill mandatory fields: Name") as info:
        run(client, MESSAGES, seen, tmp_path, reject_policy="fail")
    assert seen == [(1, ["V1", "V2"])]  # state 2 covers the rejected record: never emitted
    assert "c_bpartner" in info.value.message and "reject_policy" in info.value.message
    assert "V5" not in committed(client)


def test_fail_on_a_mapping_rejection_commits_only_what_came_before(tmp_path) -> None:
    client, seen = FakeClient(), []
    messages = [record("V1"), state(1), record("V2"), record("V3", colour="red"), record("V4"), state(2)]
    with pytest.raises(AirbyteTracedException, match="field 'colour' matches no column"):
        run(client, messages, seen, tmp_path, reject_policy="fail")
    assert seen == [(1, ["V1"])]
    assert committed(client) == ["V1", "V2"]


def test_dry_run_writes_nothing_emits_no_state_and_counts(tmp_path) -> None:
    client, seen = FakeClient(), []
    dest = run(client, MESSAGES, seen, tmp_path, dry_run=True, reject_policy="fail")
    assert seen == [] and committed(client) == []
    counts = dest.last_report.streams["c_bpartner"]
    assert (counts.would_insert, counts.inserted, counts.rejected) == (5, 0, 0)  # server-side checks cannot run


def test_overwrite_is_refused_before_anything_is_written() -> None:
    with pytest.raises(AirbyteTracedException, match="overwrite") as info:
        stream_plans(catalog(DestinationSyncMode.overwrite))
    assert info.value.failure_type.value == "config_error"

