"""WriteRounds over a fake ERP: one result per write in input order, uncertain writes proven before a resend,
backoff between rounds, and a loud failure when writes never get through."""
from __future__ import annotations

import pytest

from erp_airbyte.destination.write_rounds import MAX_ROUNDS, WriteRounds
from erp_http.errors import TransientError
from unit_tests.erp_airbyte.destination.fake_erp import (
    LOG,
    FakeProver,
    FakeRecord,
    FakeSender,
    FakeServer,
    FakeWrite,
)


def write(rid: int, name: str | None = None) -> FakeWrite:
    return FakeWrite(FakeRecord(rid, {"id": rid}, (rid,)), "inserted", "partner", name or f"n{rid}")


def rounds(server: FakeServer, chunk_size: int = 2, workers: int = 3, sleeps: list | None = None) -> WriteRounds:
    sleep = sleeps.append if sleeps is not None else (lambda s: None)
    return WriteRounds(FakeSender(server, chunk_size), FakeProver(server), workers, LOG, sleep=sleep)


@pytest.mark.parametrize("chunk_size", [1, 2, 5])
@pytest.mark.parametrize("parallel", [True, False])
def test_one_result_per_write_in_input_order(chunk_size: int, parallel: bool) -> None:
    server = FakeServer()
    server.script = {2: ["refuse"], 4: ["drop"], 6: ["fail", "fail", "ok"]}
    ops = [write(i) for i in range(1, 8)]
    results = rounds(server, chunk_size).execute(ops, parallel=parallel)
    assert [r.op for r in results] == ops
    assert [r.ok for r in results] == [True, False, True, True, True, True, True]
    assert results[1].reason == "HTTP 417 name 'n2' is not allowed"
    assert server.rows("partner") == {i: f"n{i}" for i in (1, 3, 4, 5, 6, 7)}
    assert [rid for _, rid in server.sent].count(4) == 1  # applied before the drop: proven, not resent
    assert [rid for _, rid in server.sent].count(6) == 3


def test_resend_rounds_back_off_and_only_carry_the_writes_proven_not_applied() -> None:
    server = FakeServer()
    server.script = {1: ["fail", "fail", "ok"], 2: ["fail"]}
    sleeps: list[float] = []
    r = rounds(server, sleeps=sleeps)
    assert all(res.ok for res in r.execute([write(1), write(2), write(3)]))
    assert sleeps == [0.2, 0.4]
    assert sorted(rid for _, rid in server.sent) == [1, 1, 1, 2, 2, 3]
    assert r.uncertain_checks == 3


def test_writes_that_never_get_through_fail_loudly_after_the_last_round() -> None:
    server = FakeServer()
    server.script = {1: ["fail"] * 50}
    sleeps: list[float] = []
    with pytest.raises(TransientError, match="1 write\\(s\\) could not be completed after 8 attempts") as info:
        rounds(server, sleeps=sleeps).execute([write(1), write(2)])
    assert info.value.maybe_committed is False  # every write was proven not applied: nothing to check
    assert len(sleeps) == MAX_ROUNDS - 1 and sleeps[-1] == 5.0  # capped backoff
    assert server.rows("partner") == {2: "n2"}

