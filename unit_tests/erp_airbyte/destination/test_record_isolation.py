"""One record never takes the others down (issue 11): an exception while preparing, planning or encoding one
record, or an input line that is not a message, is that record's reject; the rest of the run lands."""
from __future__ import annotations

import json

from erp_airbyte.destination.input_lines import BadLine
from erp_airbyte.destination.run_policy import RunPolicy
from erp_airbyte.destination.sink import PipelineRun, StreamSink
from erp_airbyte.destination.state_gate import gate_state
from erp_airbyte.destination.write_rounds import WriteRounds
from erp_http.errors import UnencodableBody
from unit_tests.erp_airbyte.destination.fake_erp import (
    LOG,
    FakePlanner,
    FakeProver,
    FakeSender,
    FakeServer,
    record,
    state,
)


class FragilePlanner(FakePlanner):
    """Crashes (not a RecordRejected) on the names ``boom-prepare`` and ``boom-plan``."""

    def prepare(self, seq, data):
        if data["name"] == "boom-prepare":
            raise TypeError("unsupported operand type(s) for +: 'int' and 'str'")
        return super().prepare(seq, data)

    def plan(self, recs, outcomes):
        if any(rec.data["name"] == "boom-plan" for rec in recs):
            raise KeyError("boom-plan")
        return super().plan(recs, outcomes)


class EncodingSender(FakeSender):
    """Refuses to encode any chunk holding a write named ``boom-encode`` (like a 65-bit integer)."""

    def send(self, chunk):
        if any(op.name == "boom-encode" for op in chunk):
            raise UnencodableBody("field NumberEmployees: the integer 18446744073709551616 is beyond the 64-bit range")
        return super().send(chunk)


def _run(tmp_path, messages, *, dry_run=False, chunk_size=4, slice_size=4):
    server = FakeServer()
    rounds = WriteRounds(EncodingSender(server, chunk_size), FakeProver(server), 2, LOG, sleep=lambda s: None)
    run = PipelineRun.open(rounds, LOG, RunPolicy("continue", str(tmp_path / "rejects.jsonl"), dry_run))
    StreamSink(run, "partner", FragilePlanner(server, "partner"), workers=2, slice_size=slice_size,
               capacity=2 * slice_size, keyed=True)
    states = [out.state.stream.stream_state.n for out in gate_state(run, iter(messages))]
    rejects = [json.loads(line) for line in (tmp_path / "rejects.jsonl").read_text().splitlines()]
    return server, run, states, rejects


MESSAGES = [record(1, "a"), record(2, "boom-prepare"), record(3, "c"), record(4, "boom-plan"), record(5, "e"),
            record(6, "boom-encode"), record(7, "g"),
            BadLine(9, "partner", "field Qty holds NaN, which JSON does not allow", {"Qty": "NaN"}),
            record(8, "h"), state(1)]


def test_each_broken_record_is_rejected_with_its_reason_and_every_other_record_lands(tmp_path):
    server, run, states, rejects = _run(tmp_path, MESSAGES)
    assert states == [1]
    assert server.rows("partner") == {1: "a", 3: "c", 5: "e", 7: "g", 8: "h"}
    reasons = {r["key"]: r["reason"] for r in rejects}
    assert reasons[2] == "the record could not be prepared: TypeError: unsupported operand type(s) for +: 'int' and 'str'"
    assert reasons[4] == "the record could not be planned: KeyError: 'boom-plan'"
    assert reasons[6].startswith("the record cannot be sent: field NumberEmployees: the integer 18446744073709551616")
    assert [r["reason"] for r in rejects if r["key"] is None] == [
        "input line 9: field Qty holds NaN, which JSON does not allow"]
    counts = run.report.streams["partner"].as_dict()
    assert counts["received"] == 9 and counts["rejected"] == 4 and counts["inserted"] == 5


def test_a_dry_run_never_counts_a_broken_record_as_a_would_be_insert(tmp_path):
    server, run, states, rejects = _run(tmp_path, MESSAGES[:5] + MESSAGES[7:], dry_run=True)
    assert states == [] and server.sent == []
    counts = run.report.streams["partner"].as_dict()
    assert counts["would_insert"] == 4 and counts["rejected"] == 3  # a, c, e, h; boom-prepare, boom-plan, NaN


def test_a_broken_record_alone_in_its_slice_and_chunk(tmp_path):
    server, run, states, rejects = _run(tmp_path, [record(1, "boom-encode"), record(2, "boom-plan"), state(1)],
                                        chunk_size=1, slice_size=1)
    assert states == [1] and server.rows("partner") == {} and len(rejects) == 2
