"""iDempiere's write requests in the shared rounds: committed/rejected per item, uncertain writes checked by <Table>_UU before resending."""
from __future__ import annotations

import logging

import pytest

from destination_idempiere.prepared_record import PreparedRecord
from destination_idempiere.write_requests import UuProver, WriteOp, write_executor
from erp_airbyte.destination.write_rounds import WriteRounds
from erp_http.errors import TransientError
from unit_tests.destination.fakes import FakeClient


def op(i: int, name: str = "ok") -> WriteOp:
    uu = f"00000000-0000-4000-8000-{i:012d}"
    body = {"Value": f"V{i}", "Name": name, "C_BPartner_UU": uu}
    return WriteOp(PreparedRecord(i, "c_bpartner", {}), "POST", "models/c_bpartner", body, "inserted",
                   verify_path=f"models/c_bpartner/{uu}")


def executor(client: FakeClient, batch: bool) -> WriteRounds:
    return write_executor(client, batch, batch_size=2, workers=2, logger=logging.getLogger("t"), sleep=lambda s: None)


def committed(client: FakeClient) -> list[str]:
    return sorted({r["Value"] for k, r in client.rows.items() if k.split("/")[-1].isdigit()})


@pytest.mark.parametrize("batch", [True, False], ids=["batch", "single"])
def test_bad_item_is_rejected_with_the_servers_reason_and_the_others_commit(batch: bool) -> None:
    client = FakeClient()
    results = executor(client, batch).execute([op(1), op(2, "BAD"), op(3)])
    assert [r.ok for r in results] == [True, False, True]
    assert results[1].reason == "HTTP 400 Validation Error: Fill mandatory fields: Name"
    assert committed(client) == ["V1", "V3"]


def test_dropped_single_insert_is_found_by_uu_and_not_sent_again() -> None:
    client = FakeClient()
    client.post_script = ["drop", "ok"]
    results = executor(client, batch=False).execute([op(1), op(2)])
    assert all(r.ok for r in results)
    assert committed(client) == ["V1", "V2"]
    assert [c for c in client.calls if c[0] == "post"] == [("post", "models/c_bpartner")] * 2


def test_failed_single_insert_is_resent_after_the_check() -> None:
    client = FakeClient()
    client.post_script = ["fail", "fail", "ok"]
    results = executor(client, batch=False).execute([op(1)])
    assert results[0].ok and committed(client) == ["V1"]
    assert len([c for c in client.calls if c[0] == "post"]) == 3


@pytest.mark.parametrize("step", ["drop", "fail"])
def test_uncertain_batch_commits_each_row_exactly_once(step: str) -> None:
    client = FakeClient()
    client.batch_script = [step, step]
    results = executor(client, batch=True).execute([op(i) for i in range(1, 6)])
    assert all(r.ok for r in results)
    assert committed(client) == [f"V{i}" for i in range(1, 6)]


def test_writes_that_never_get_through_fail_the_run_loudly() -> None:
    client = FakeClient()
    client.post_script = ["fail"] * 20
    with pytest.raises(TransientError, match="could not be completed"):
        executor(client, batch=False).execute([op(1)])


def test_batch_items_refused_by_an_expired_token_are_resent_not_rejected() -> None:
    client = FakeClient()
    client.batch_script = ["expire"]
    results = executor(client, batch=True).execute([op(1), op(2)])
    assert all(r.ok for r in results) and committed(client) == ["V1", "V2"]


def test_an_uncertain_put_that_deletes_a_child_row_is_proven_by_that_rows_absence() -> None:
    """Resending it after it was applied would fail on the deleted row (404 ``Cannot delete non-existing record``)."""
    put = WriteOp(PreparedRecord(1, "c_order", {}), "PUT", "models/c_order/100",
                  {"C_OrderLine": [{"id": 502, "(delete)": True}]}, "updated", gone_path="models/c_orderline/502")
    client = FakeClient(rows={"models/c_orderline/502": {"id": 502}})
    assert UuProver(client).prove(put) is None  # the row is still there: not applied, resend
    del client.rows["models/c_orderline/502"]
    proven = UuProver(client).prove(put)
    assert proven is not None and proven.ok and proven.op is put
