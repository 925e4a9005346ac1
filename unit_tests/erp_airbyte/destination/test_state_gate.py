"""The shared outcome pipeline over a fake ERP: STATE only after every earlier record is final, uncertain
writes proven before they are resent, reject policies, dry runs, unknown streams, flush order."""
from __future__ import annotations

import json

import pytest
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from erp_airbyte.destination.state_gate import gate_state
from unit_tests.erp_airbyte.destination.fake_erp import FakeDestination, fake_destination, record, state


def drive(dest: FakeDestination, messages: list, table: str = "partner") -> list[tuple[int, dict]]:
    """Run the gate; for each yielded state, (its n, the table's rows at that moment)."""
    return [(out.state.stream.stream_state.n, dest.server.rows(table)) for out in gate_state(dest.run, iter(messages))]


def rejects_file(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_state_waits_for_an_uncertain_write_that_is_proven_not_applied_and_resent() -> None:
    dest = fake_destination()
    dest.server.script = {2: ["fail", "ok"], 3: ["drop"]}  # 2: not applied, resent; 3: applied, answer lost
    seen = drive(dest, [record(1, "a"), record(2, "b"), record(3, "c"), state(1), record(4, "d"), state(2)])
    assert seen == [(1, {1: "a", 2: "b", 3: "c"}), (2, {1: "a", 2: "b", 3: "c", 4: "d"})]
    assert sorted(dest.server.proven) == [2, 3]  # each uncertain write proven once
    sent = [rid for _, rid in dest.server.sent]
    assert sent.count(2) == 2 and sent.count(3) == 1  # resent only when proven not applied
    assert dest.sleeps == [0.2]  # one backoff before the second round
    assert dest.run.rounds.uncertain_checks == 2
    assert dest.run.report.streams["partner"].as_dict()["inserted"] == 4


def test_a_bad_record_is_rejected_with_its_reason_while_the_others_land(tmp_path) -> None:
    path = tmp_path / "rejects.jsonl"
    dest = fake_destination(rejects_path=str(path))
    dest.server.script = {3: ["refuse"]}
    messages = [record(1, "a"), record(2, "b", colour="red"), state(1), record(3, "c"), record(4, "?"),
                record(5, "e"), record(1, "a"), state(2)]
    seen = drive(dest, messages)
    assert seen == [(1, {1: "a"}), (2, {1: "a", 5: "e"})]
    counts = dest.run.report.streams["partner"].as_dict()
    assert {k: v for k, v in counts.items() if v} == {"received": 6, "inserted": 2, "unchanged": 1, "rejected": 3}
    assert [(r["key"], r["reason"]) for r in rejects_file(path)] == [
        (2, "field 'colour' matches no column"), (4, "lookup failed: name '?' is ambiguous"),
        (3, "HTTP 417 name 'c' is not allowed")]
    assert rejects_file(path)[0]["record"] == {"id": 2, "name": "b", "colour": "red"}
    # the planner saw the results of every write: 1, then 3 (refused) and 5
    assert sorted(ok for results in dest.planners["partner"].after for ok in results) == [False, True, True]


def test_fail_policy_stops_at_the_first_rejection_after_the_state_before_it() -> None:
    dest = fake_destination(reject_policy="fail")
    dest.server.script = {3: ["refuse"]}
    seen = []
    with pytest.raises(AirbyteTracedException, match="HTTP 417 name 'c' is not allowed") as info:
        for out in gate_state(dest.run, iter([record(1, "a"), state(1), record(3, "c"), record(4, "d"), state(2),
                                              record(5, "e"), state(3)])):
            seen.append(out.state.stream.stream_state.n)
    assert seen == [1]
    assert info.value.failure_type.value == "config_error" and "reject_policy" in info.value.message
    assert 5 not in dest.server.rows("partner")  # nothing after the rejection's state is read


def test_fail_policy_stops_at_a_mapping_rejection_before_later_records_are_written() -> None:
    dest = fake_destination(reject_policy="fail", slice_size=10)
    with pytest.raises(AirbyteTracedException, match="matches no column"):
        drive(dest, [record(1, "a"), record(2, "b", colour="red"), record(3, "c"), state(1)])
    assert dest.server.rows("partner") == {1: "a"}


def test_dry_run_sends_nothing_emits_no_state_and_counts_what_would_happen(tmp_path) -> None:
    server = fake_destination().server
    server.tables["partner"] = {1: "a", 2: "old"}
    path = tmp_path / "rejects.jsonl"
    dest = fake_destination(dry_run=True, reject_policy="fail", rejects_path=str(path), server=server)
    seen = drive(dest, [record(1, "a"), record(2, "new"), record(3, "c"), record(4, "?"), state(1), record(5, "e"),
                        state(2)])
    assert seen == [] and server.sent == []
    counts = dest.run.report.streams["partner"].as_dict()
    assert {k: v for k, v in counts.items() if v} == {"received": 5, "would_insert": 2, "would_update": 1,
                                                       "unchanged": 1, "rejected": 1}
    assert server.rows("partner") == {1: "a", 2: "old"}
    (line,) = rejects_file(path)
    assert line["dry_run"] is True and line["key"] == 4  # a dry run never stops at a rejection


def test_a_record_of_a_stream_without_a_sink_is_rejected_not_dropped() -> None:
    dest = fake_destination()
    seen = drive(dest, [record(1, "a"), record(7, "x", stream="ghost"), state(1)])
    assert seen == [(1, {1: "a"})]
    first = dest.run.rejects.first
    assert (first.stream, first.seq, first.reason) == ("ghost", 2, "stream is not in the configured catalog")
    assert dest.run.report.streams["ghost"].as_dict()["rejected"] == 1


def test_streams_are_flushed_in_order_of_their_oldest_record() -> None:
    dest = fake_destination(("order", "line"), slice_size=10)
    drive(dest, [record(1, "o1", stream="order"), record(2, "l1", stream="line"), record(3, "o2", stream="order"),
                 state(1)], table="order")
    assert [table for table, _ in dest.server.sent] == ["order", "order", "line"]


def test_a_write_that_cannot_be_proven_stops_the_run_without_a_later_state() -> None:
    dest = fake_destination()

    def cannot_tell(op):
        raise RuntimeError(f"cannot tell whether {op.name} was applied")

    dest.run.rounds.prover.prove = cannot_tell
    dest.server.script = {2: ["drop"]}
    seen = []
    with pytest.raises(RuntimeError, match="cannot tell whether b was applied"):
        for out in gate_state(dest.run, iter([record(1, "a"), state(1), record(2, "b"), state(2)])):
            seen.append(out.state.stream.stream_state.n)
    assert seen == [1]


def test_checkpoints_run_after_the_flush_and_before_each_state_and_once_at_the_end() -> None:
    dest = fake_destination()
    seen: list = []
    dest.run.checkpoints.append(lambda: seen.append(("checkpoint", dest.server.rows("partner"))))
    for out in gate_state(dest.run, iter([record(1, "a"), state(1), record(2, "b")])):
        seen.append(("state", out.state.stream.stream_state.n))
    assert seen == [("checkpoint", {1: "a"}), ("state", 1), ("checkpoint", {1: "a", 2: "b"})]


def test_a_rejection_made_by_a_checkpoint_holds_the_state_under_the_fail_policy() -> None:
    dest = fake_destination(reject_policy="fail")
    sink = dest.run.sinks[0]
    calls: list[int] = []

    def refuse_later_rows() -> None:  # what an import process does: a written row turns out refused
        calls.append(len(calls))
        if len(calls) == 2:
            sink.run.report.add("partner", "inserted", -1)
            sink.reject(type("Rec", (), {"seq": 2, "key": (2,), "data": {"id": 2}})(), "refused after the write")

    dest.run.checkpoints.append(refuse_later_rows)
    seen = []
    with pytest.raises(AirbyteTracedException, match="refused after the write"):
        for out in gate_state(dest.run, iter([record(1, "a"), state(1), record(2, "b"), state(2), record(3, "c"),
                                              state(3)])):
            seen.append(out.state.stream.stream_state.n)
    assert seen == [1] and calls == [0, 1]
    assert {k: v for k, v in dest.run.report.streams["partner"].as_dict().items() if v} == \
        {"received": 2, "inserted": 1, "rejected": 1}


def test_no_checkpoint_runs_after_a_rejection_under_the_fail_policy() -> None:
    dest = fake_destination(reject_policy="fail")
    dest.server.script = {2: ["refuse"]}
    calls: list[int] = []
    dest.run.checkpoints.append(lambda: calls.append(1))
    with pytest.raises(AirbyteTracedException):
        list(gate_state(dest.run, iter([record(1, "a"), state(1), record(2, "b"), state(2)])))
    assert calls == [1]  # before state 1 only
