"""iDempiere table sinks (shared StreamSink over TablePlanner) in slices: concurrent lookups and writes keep one outcome per record, key order, and the
waits that make earlier rows visible (other streams' and this table's own)."""
from __future__ import annotations

import logging
from collections import Counter

import pytest

from destination_idempiere.fk_resolver import FkResolver
from destination_idempiere.table_planner import RunContext, table_sink
from destination_idempiere.values import WriteContext
from destination_idempiere.write_options import DestinationOptions
from destination_idempiere.write_requests import write_executor
from erp_airbyte.destination.rejects import RejectLog
from erp_airbyte.destination.report import Report
from erp_airbyte.destination.sink import StreamSink
from erp_http.errors import TransientError
from idempiere_client.metadata import TableMeta
from idempiere_client.timeutil import ServerClock
from unit_tests.destination.fakes import FakeCatalog, StoreClient, bpartner_meta, col, group_meta

LOG = logging.getLogger("t")


def user_meta() -> TableMeta:
    """A table that references itself (AD_User.Supervisor_ID -> AD_User)."""
    cols = [col("IsActive", "boolean"), col("Value"), col("Name"), col("Supervisor_ID", "fk", "ad_user")]
    return TableMeta("AD_User", "ad_user", {c.name: c for c in cols}, key_column="AD_User_ID", uu_column="AD_User_UU")


def run_context(client: StoreClient, *, batch: bool, batch_size: int, workers: int, tmp_path=None,
                **options) -> RunContext:
    opts = DestinationOptions.from_airbyte({"batch_size": batch_size, "num_workers": workers,
                                          "reject_policy": "continue", **options})
    path = str(tmp_path / "rejects.jsonl") if tmp_path is not None else None
    catalog = FakeCatalog(bpartner_meta(), group_meta(), user_meta())
    return RunContext(client=client, resolver=FkResolver(client, catalog, workers, LOG),
                      executor=write_executor(client, batch, batch_size, workers, LOG, sleep=lambda s: None),
                      options=opts, ctx=WriteContext(ServerClock("UTC")), report=Report(LOG),
                      rejects=RejectLog(path, LOG), logger=LOG, use_batch=batch)


def small_slices(writer: StreamSink, size: int = 2) -> StreamSink:
    """Slices of ``size`` records (normally 20 or 100 for single requests or ``in`` lookups)."""
    writer.slice_size = size
    writer.capacity = 2 * size
    return writer


def by_value(client: StoreClient, table: str = "c_bpartner") -> dict[str, dict]:
    prefix = f"models/{table}/"
    rows = [r for k, r in client.rows.items() if k.startswith(prefix) and k[len(prefix):].isdigit()]
    assert len({r["Value"] for r in rows}) == len(rows), "a key was inserted twice"
    return {r["Value"]: r for r in rows}


def expected(records: list[dict]) -> tuple[Counter, dict[str, str]]:
    """Outcome counts and final names when the records are applied one after the other (the contract)."""
    counts: Counter = Counter()
    names: dict[str, str] = {}
    for data in records:
        if data["Name"] == "BAD":
            counts["rejected"] += 1
        elif data["Value"] not in names:
            counts["inserted"] += 1
            names[data["Value"]] = data["Name"]
        elif names[data["Value"]] == data["Name"]:
            counts["unchanged"] += 1
        else:
            counts["updated"] += 1
            names[data["Value"]] = data["Name"]
    return counts, names


def repeated_keys(n: int, keys: int) -> list[dict]:
    """``n`` upserts over ``keys`` keys, each key spread over the input (several slices and rounds apart),
    with some repeats of the previous name (unchanged) and some rows the server refuses."""
    out = []
    for i in range(n):
        key = (i * 7) % keys
        name = "BAD" if i % 23 == 5 else f"N{i // (2 * keys)}-{key}" if i % 5 == 0 else f"N{i}"
        out.append({"Value": f"K{key:03d}", "Name": name})
    return out


@pytest.mark.parametrize("batch", [True, False], ids=["batch", "single"])
def test_every_record_ends_once_and_repeated_keys_apply_in_input_order(batch: bool, tmp_path) -> None:
    client = StoreClient()
    run = run_context(client, batch=batch, batch_size=3, workers=4, tmp_path=tmp_path)
    writer = table_sink(run, "c_bpartner", bpartner_meta(), "append_dedup", ["Value"])
    records = repeated_keys(600, 40)
    for seq, data in enumerate(records, 1):
        writer.add(seq, data)
        if writer.is_full():
            writer.flush()
    writer.flush()
    want, names = expected(records)
    got = run.report.streams["c_bpartner"].as_dict()
    assert {k: v for k, v in got.items() if v and k != "received"} == dict(want)
    assert got["received"] == len(records) == sum(want.values())
    assert {v: r["Name"] for v, r in by_value(client).items()} == names
    assert run.rejects.total == want["rejected"]
    assert writer.idle() and writer.scheduler._pool is None


def test_a_slice_waits_for_the_earlier_slices_that_hold_its_keys() -> None:
    client = StoreClient()
    client.held = {"A"}  # the first slice cannot finish before the test says so
    run = run_context(client, batch=False, batch_size=2, workers=4)
    writer = small_slices(table_sink(run, "c_bpartner", bpartner_meta(), "append_dedup", ["Value"]))
    started = []
    for seq, value in enumerate(["A", "B", "C", "D", "A", "E"], 1):  # slices [A B] [C D] [A E]
        writer.add(seq, {"Value": value, "Name": f"{value}{seq}"})
        if seq % 2 == 0:
            started.append(writer.scheduler._slices[-1])
    first, second, third = started
    assert [r.seq for r in third.recs] == [5, 6]
    assert third.after == [first.future] and not second.after
    client.hold.set()
    writer.flush()
    assert {v: r["Name"] for v, r in by_value(client).items()} == {"A": "A5", "B": "B2", "C": "C3", "D": "D4",
                                                                   "E": "E6"}
    assert run.report.streams["c_bpartner"].as_dict()["updated"] == 1


def test_a_reference_to_the_own_table_waits_for_every_earlier_slice() -> None:
    """U9's supervisor U1 is inserted by the first slice, which is still running when U9 is added."""
    client = StoreClient()
    client.held = {"U1"}
    run = run_context(client, batch=False, batch_size=2, workers=4)
    writer = small_slices(table_sink(run, "ad_user", user_meta(), "append", []))
    slices = []
    for seq in range(1, 5):
        writer.add(seq, {"Value": f"U{seq}", "Name": f"U{seq}"})
        if seq % 2 == 0:
            slices.append(writer.scheduler._slices[-1])
    writer.add(5, {"Value": "U9", "Name": "U9", "Supervisor_ID": "U1"})
    writer.add(6, {"Value": "U10", "Name": "U10"})
    slices.append(writer.scheduler._slices[-1])
    assert [[r.seq for r in s.recs] for s in slices] == [[1, 2], [3, 4], [5, 6]]
    assert slices[0].future in slices[2].after  # U1's slice, still held
    assert set(slices[2].after) <= {slices[0].future, slices[1].future}
    assert not slices[1].after  # no reference, no shared key in append mode: runs at once
    client.hold.set()
    writer.flush()
    users = by_value(client, "ad_user")
    assert users["U9"]["Supervisor_ID"] == users["U1"]["id"]
    assert run.report.streams["ad_user"].as_dict()["inserted"] == 6


def test_slices_start_from_add_only_while_no_other_stream_has_records_waiting() -> None:
    client = StoreClient()
    run = run_context(client, batch=False, batch_size=2, workers=2)
    partners = small_slices(table_sink(run, "c_bpartner", bpartner_meta(), "append", []))
    users = small_slices(table_sink(run, "ad_user", user_meta(), "append", []))
    users.add(1, {"Value": "U1", "Name": "U1"})  # buffered: less than a slice
    for seq in range(2, 6):
        partners.add(seq, {"Value": f"P{seq}", "Name": f"P{seq}"})
    assert len(partners.buffer) == 4 and not partners.scheduler._slices  # the user may reference them: wait for flush
    assert partners.oldest_seq() == 2 and users.oldest_seq() == 1
    users.flush()
    partners.add(6, {"Value": "P6", "Name": "P6"})
    assert not partners.buffer and partners.scheduler._slices  # nothing else waiting now: started at once
    partners.flush()
    assert sorted(by_value(client)) == [f"P{i}" for i in range(2, 7)]


def test_a_failed_slice_fails_the_flush_after_the_others_finish_and_stops_further_slices() -> None:
    client = StoreClient()
    client.post_script = ["fail"] * 10_000  # every single POST: 503 after it may have been sent
    run = run_context(client, batch=False, batch_size=2, workers=2)
    writer = table_sink(run, "c_bpartner", bpartner_meta(), "append", [])
    with pytest.raises(TransientError, match="could not be completed"):
        for seq in range(1, 200):
            writer.add(seq, {"Value": f"F{seq}", "Name": f"F{seq}"})
        writer.flush()
    assert writer.idle() and writer.scheduler._pool is None and not writer.scheduler._slices
    assert not by_value(client)
    assert len([c for c in client.calls if c[0] == "post"]) < 199 * 8  # later slices were not started


def test_state_is_emitted_only_after_every_slice_before_it_finished(tmp_path) -> None:
    import destination_idempiere.destination as dest_module
    from unit_tests.destination.test_state_ordering import _Catalog, catalog, committed, record, state

    client = StoreClient()
    messages = [record(f"S{i:03d}") for i in range(230)] + [state(1)] + [record(f"S{i:03d}") for i in range(230, 400)]
    messages += [state(2)]
    seen = []
    monkey = pytest.MonkeyPatch()
    monkey.setattr(dest_module, "MetadataCatalog", _Catalog)
    try:
        dest = dest_module.DestinationIdempiere()
        opts = DestinationOptions.from_airbyte({"batch_size": 7, "num_workers": 4})
        for out in dest._write(client, opts, ServerClock("UTC"), dest_module.stream_plans(catalog()), iter(messages),
                               LOG):
            seen.append((out.state.stream.stream_state.n, len(committed(client))))
    finally:
        monkey.undo()
    assert seen == [(1, 230), (2, 400)]
