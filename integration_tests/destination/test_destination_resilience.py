"""Reject policies and state, faults without duplicates or loss, dry run, documents, server time zones."""
from __future__ import annotations

import json
import time

import pytest
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from integration_tests.destination.helpers import (
    GENERATION_IDS,
    GENERATIONS,
    DestinationIdempiere,
    catalog,
    config,
    counts,
    record,
    sql,
    state,
    write,
)

BP = "c_bpartner"


def values(emu, prefix: str) -> list[str]:
    return [r[0] for r in sql(emu, "SELECT Value FROM C_BPartner WHERE Value LIKE ? ORDER BY Value", (prefix + "%",))]


def policy_messages(prefix: str) -> list:
    good = lambda i: record(BP, {"Value": f"{prefix}{i}", "Name": f"Good {i}", "C_BP_Group_ID": 103})  # noqa: E731
    bad = record(BP, {"Value": f"{prefix}3", "Name": "Bad", "C_BP_Group_ID": 999999})  # the server refuses the FK
    return [good(1), good(2), state(BP, 1), bad, good(4), state(BP, 2), good(5), state(BP, 3)]


@pytest.mark.parametrize("legacy", GENERATIONS, ids=GENERATION_IDS)
def test_one_bad_record_under_continue_is_reported_with_the_servers_reason(emulator_factory, legacy, tmp_path) -> None:
    emu = emulator_factory(rows=3, legacy=legacy)
    path = tmp_path / "rejects.jsonl"
    out, dest = write(emu, catalog((BP, "append", None)), policy_messages("RP-"), batch_size=10,
                      rejected_records_path=str(path))
    assert [m.state.stream.stream_state.n for m in out] == [1, 2, 3]
    assert values(emu, "RP-") == ["RP-1", "RP-2", "RP-4", "RP-5"]
    (line,) = [json.loads(x) for x in path.read_text().splitlines()]
    assert line["stream"] == BP and line["record"]["Value"] == "RP-3"
    assert "Foreign ID 999999 not found in C_BP_Group_ID" in line["reason"]
    assert line["reason"].startswith("HTTP 500 Save error" if legacy else "HTTP 400 Validation Error")
    assert counts(dest, BP)["rejected"] == 1 and counts(dest, BP)["inserted"] == 4


@pytest.mark.parametrize("legacy", GENERATIONS, ids=GENERATION_IDS)
def test_one_bad_record_under_fail_stops_after_the_state_that_is_safe(emulator_factory, legacy, tmp_path) -> None:
    emu = emulator_factory(rows=3, legacy=legacy)
    cfg = config(emu, reject_policy="fail", batch_size=10, rejected_records_path=str(tmp_path / "r.jsonl"))
    emitted = []
    with pytest.raises(AirbyteTracedException) as info:
        for message in DestinationIdempiere().write(cfg, catalog((BP, "append", None)), iter(policy_messages("RF-"))):
            emitted.append((message.state.stream.stream_state.n, values(emu, "RF-")))
    assert emitted == [(1, ["RF-1", "RF-2"])]  # state 1 only after its records were committed; never state 2
    assert "record #3 of the input" in info.value.message and "Foreign ID 999999" in info.value.message  # keyless: position
    assert "RF-1" in values(emu, "RF-") and "RF-5" not in values(emu, "RF-")
    assert "RF-3" in (tmp_path / "r.jsonl").read_text()


@pytest.mark.parametrize("legacy", GENERATIONS, ids=GENERATION_IDS)
def test_faults_and_dropped_responses_cause_no_duplicates_and_no_loss(emulator_factory, legacy) -> None:
    emu = emulator_factory(rows=3, legacy=legacy, seed=7)
    n = 120
    messages = [record(BP, {"Value": f"FT-{i:04d}", "Name": f"Fault {i}", "C_BP_Group_ID": "Vendors"})
                for i in range(n)]
    messages.insert(60, state(BP, 1))
    messages.append(state(BP, 2))
    emu.set_faults(fail_rate=0.05, drop_rate=0.01)
    out, dest = write(emu, catalog((BP, "append", None)), messages, batch_size=5, num_workers=2,
                      reject_policy="fail")
    emu.set_faults(fail_rate=0.0, drop_rate=0.0)
    assert [m.state.stream.stream_state.n for m in out] == [1, 2]
    rows = sql(emu, "SELECT Value, COUNT(*) FROM C_BPartner WHERE Value LIKE 'FT-%' GROUP BY Value")
    assert len(rows) == n and all(c == 1 for _, c in rows)
    assert counts(dest, BP)["inserted"] == n
    faulted = [r for r in emu.requests() if r.get("fault")]
    assert faulted, "the fault injection must actually have hit some requests"
    if any(r["method"] == "POST" for r in faulted):  # a faulted write is always checked before it is resent
        assert dest.last_run.executor.uncertain_checks > 0


@pytest.mark.parametrize("legacy", GENERATIONS, ids=GENERATION_IDS)
def test_dry_run_changes_nothing_and_counts_what_would_happen(emulator_factory, legacy) -> None:
    emu = emulator_factory(rows=3, legacy=legacy)
    before = sql(emu, "SELECT C_BPartner_ID, Name, Updated FROM C_BPartner ORDER BY 1")
    messages = [
        record(BP, {"Value": "JoeBlock", "Name": "Joe Block"}),                       # unchanged
        record(BP, {"Value": "C&W", "Name": "C&W Construction Ltd"}),                 # would update
        record(BP, {"Value": "DR-1", "Name": "New", "C_BP_Group_ID": "Vendors"}),      # would insert
        record(BP, {"Value": "DR-1", "Name": "New again"}),                            # same key: would update
        record(BP, {"Value": "DR-2", "Name": "Bad group", "C_BP_Group_ID": "Nope"}),   # would reject (FK)
        record(BP, {"Value": "DR-3", "Name": "Bad id", "C_BP_Group_ID": 999999}),      # would reject (id)
        record(BP, {"Value": "DR-4", "colour": "red"}),                                # would reject (field)
        state(BP, 1),
    ]
    out, dest = write(emu, catalog((BP, "append_dedup", ["Value"])), messages, dry_run=True, reject_policy="fail")
    assert out == []  # nothing written, so no state may advance the source
    c = counts(dest, BP)
    assert (c["would_insert"], c["would_update"], c["unchanged"], c["rejected"]) == (1, 2, 1, 3)
    assert c["inserted"] == c["updated"] == 0
    assert sql(emu, "SELECT C_BPartner_ID, Name, Updated FROM C_BPartner ORDER BY 1") == before
    assert not [r for r in emu.requests() if r["method"] in ("POST", "PUT", "DELETE") and "batch" not in r["path"]
                and "auth" not in r["path"]]


@pytest.mark.parametrize("legacy", GENERATIONS, ids=GENERATION_IDS)
def test_doc_action_completes_written_documents_and_failures_are_rejections(emulator_factory, legacy) -> None:
    emu = emulator_factory(rows=3, legacy=legacy)
    order = {"C_DocTypeTarget_ID": 132, "C_BPartner_ID": "Joe Block", "DateOrdered": "2024-05-01",
             "DatePromised": "2024-05-02", "C_PaymentTerm_ID": 107, "M_PriceList_ID": 101}
    messages = [record("c_order", {**order, "DocumentNo": "DA-1", "Description": "complete me"}),
                record("c_order", {**order, "DocumentNo": "DA-2", "DocStatus": "VO"})]  # VO -> CO is invalid
    cat = catalog(("c_order", "append_dedup", ["DocumentNo"]))
    _, dest = write(emu, cat, messages, doc_action={"c_order": "CO"})
    assert sql(emu, "SELECT DocumentNo, DocStatus, Processed FROM C_Order WHERE DocumentNo LIKE 'DA-%' "
                    "ORDER BY 1") == [("DA-1", "CO", "Y")]
    assert counts(dest, "c_order")["inserted"] == 1 and counts(dest, "c_order")["rejected"] == 1
    assert "Invalid DocAction: CO for DocStatus: VO" in dest.last_rejects.first.reason
    _, again = write(emu, cat, messages[:1], doc_action={"c_order": "CO"})
    assert counts(again, "c_order")["unchanged"] == 1  # already completed: no second doc-action


@pytest.mark.parametrize("legacy", GENERATIONS, ids=GENERATION_IDS)
def test_server_in_another_time_zone_stores_the_same_instant(emulator_factory, legacy) -> None:
    """Old servers read a fake-Z wall clock, new ones an instant; the destination detects which (§13)."""
    emu = emulator_factory(rows=3, legacy=legacy, tz="Europe/Berlin")
    rows = [record("ad_user", {"Name": "Clock", "Value": "clock", "LastContact": "2024-05-01T10:00:00Z"})]
    _, dest = write(emu, catalog(("ad_user", "append_dedup", ["Value"])), rows, server_timezone="Europe/Berlin")
    assert counts(dest, "ad_user")["inserted"] == 1
    (stored,), = sql(emu, "SELECT LastContact FROM AD_User WHERE Value='clock'")
    assert str(stored).startswith("2024-05-01 10:00:00")  # the emulator stores UTC
    _, again = write(emu, catalog(("ad_user", "append_dedup", ["Value"])), rows, server_timezone="Europe/Berlin")
    assert counts(again, "ad_user")["unchanged"] == 1


@pytest.mark.parametrize("legacy", GENERATIONS, ids=GENERATION_IDS)
def test_tokens_expiring_during_the_run_lose_and_duplicate_nothing(emulator_factory, legacy) -> None:
    """Batch items are dispatched with the caller's token (§9): an item answered 401 is resent, not rejected."""
    emu = emulator_factory(rows=3, legacy=legacy, token_ttl=3, latency_ms=5)  # 1 s is too short on a busy box
    cfg = {"credentials": {"auth_type": "password", "username": "GardenAdmin", "password": "GardenAdmin",
                           "client": "GardenWorld", "role": "GardenWorld Admin", "organization": "HQ"}}
    messages = [record(BP, {"Value": f"TK-{i:03d}", "Name": f"Token {i}", "C_BP_Group_ID": "Staff"}) for i in range(150)]

    def slow_source():
        yield from messages[:75]
        time.sleep(3.5)  # a slow source: the 3-second token is certainly expired by now
        yield from messages[75:]

    dest = DestinationIdempiere()
    list(dest.write({**config(emu), **cfg, "batch_size": 5, "num_workers": 3, "reject_policy": "fail"},
                    catalog((BP, "append_dedup", ["Value"])), slow_source()))
    assert counts(dest, BP)["inserted"] == 150
    assert sql(emu, "SELECT COUNT(*), COUNT(DISTINCT Value) FROM C_BPartner WHERE Value LIKE 'TK-%'") == [(150, 150)]
    assert dest.last_run.client.stats["reauths"] >= 1  # the token did expire during the run
