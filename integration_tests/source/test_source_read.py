"""End-to-end reads against the emulator over HTTP, on both plugin generations (spec §13)."""
from __future__ import annotations

import random
import threading
from datetime import datetime, timedelta, timezone

import pytest

from .helpers import (
    config,
    db_rows,
    db_utc_second,
    final_states,
    next_second,
    raw_read,
    records,
    run_read,
    state_for,
)

GENERATIONS = [pytest.param(False, id="current"), pytest.param(True, id="legacy")]
ORDER_COLS = ("C_Order_UU", "IsActive", "Updated", "DocumentNo", "C_BPartner_ID", "DocStatus")


def expected_order(db_row: tuple) -> dict:
    uu, active, updated, docno, bp, status = db_row
    return {"uid": uu, "IsActive": active == "Y", "Updated": db_utc_second(updated), "DocumentNo": docno,
            "C_BPartner_ID": bp, "DocStatus": status}


def project(rec: dict) -> dict:
    return {k: rec.get(k) for k in ("uid", "IsActive", "Updated", "DocumentNo", "C_BPartner_ID", "DocStatus")}


def db_value(col, value):
    """A DB value as the source must emit it (flatten mode): the column-type oracle for row-for-row checks."""
    from idempiere_emulator.catalog.model import DT

    if value is None:
        return None
    if col.dt == DT.YESNO:
        return value == "Y"
    if col.dt == DT.DATETIME:
        return db_utc_second(value)
    if col.dt in DT.NUMERIC:
        return float(value)
    return value


FULL_TABLES = ("C_Order", "C_OrderLine", "C_BPartner", "M_Product", "AD_User")


@pytest.mark.parametrize("legacy", GENERATIONS)
@pytest.mark.parametrize("incremental", [False, True], ids=["full_refresh", "incremental"])
def test_full_read_equals_database_row_for_row(emulator_factory, legacy, incremental):
    """Every row (inactive ones too) and every column, on a server whose JVM is not in UTC."""
    emu = emulator_factory(rows=120, legacy=legacy, tz="America/New_York")
    emu.backend.sql("UPDATE C_Order SET IsActive='N' WHERE C_Order_ID IN (SELECT C_Order_ID FROM C_Order LIMIT 7)")
    cfg = config(emu, page_size=25, server_timezone="America/New_York")
    out = run_read(cfg, [t.lower() for t in FULL_TABLES], incremental=incremental)
    for name in FULL_TABLES:
        table = emu.backend.catalog.get(name)
        cols = [c for c in table.data_columns if not c.is_button_string and not c.secure]
        select = ", ".join(f'"{c.name}"' for c in cols)
        db = {r[0]: r[1:] for r in emu.backend.sql(f'SELECT "{table.key}", {select} FROM "{table.name}"')}
        got = records(out, name.lower())
        assert len(got) == len(db), name  # every row, no duplicates in a quiet read
        by_id = {r["id"]: r for r in got}
        assert set(by_id) == set(db), name
        for key, values in db.items():
            row = by_id[key]
            for col, value in zip(cols, values):
                want = db_value(col, value)
                have = row.get(col.name)
                if isinstance(want, float) and have is not None:
                    assert abs(float(have) - want) < 1e-9, (name, key, col.name)
                else:
                    assert have == want, (name, key, col.name, value)
    assert sum(1 for r in records(out, "c_order") if r["IsActive"] is False) == 7
    # the larger tables were read in parallel pieces, and still match row for row
    assert out.is_in_logs("time windows" if incremental else "key ranges")
    assert {m.state.stream.stream_descriptor.name for m in out.state_messages} == {t.lower() for t in FULL_TABLES}


@pytest.mark.parametrize("legacy", GENERATIONS)
def test_second_incremental_read_returns_only_changed_rows_plus_lookback(emulator_factory, legacy):
    emu = emulator_factory(rows=80, legacy=legacy)
    cfg = config(emu, page_size=30, lookback_window_seconds=60)
    first = run_read(cfg, ["c_order"])
    assert len(records(first, "c_order")) == 80
    state = state_for(final_states(first))
    cursor = state[0].stream.stream_state.Updated
    ids = sorted(db_rows(emu, "C_Order", "C_Order_ID"))
    touched = set(random.Random(1).sample(ids, 6))
    emu.backend.touch("C_Order", ids=sorted(touched))
    new_ids = set(emu.backend.insert_raw("C_Order", [{"DocumentNo": "NEW-1"}, {"DocumentNo": "NEW-2"}]))
    next_second()
    second = run_read(cfg, ["c_order"], state=state)
    got = {r["id"] for r in records(second, "c_order")}
    # the look-back re-reads whatever the DB holds within 60 s before the saved cursor
    floor = (datetime.fromisoformat(cursor.replace("Z", "")) - timedelta(seconds=60)).strftime("%Y-%m-%d %H:%M:%S")
    lookback = {k for k, (u,) in db_rows(emu, "C_Order", "C_Order_ID", "Updated").items() if u >= floor}
    assert got == touched | new_ids | lookback
    assert touched | new_ids <= got and len(got) < 80


@pytest.mark.parametrize("legacy", GENERATIONS)
def test_no_loss_under_concurrent_edits(emulator_factory, legacy):
    emu = emulator_factory(rows=300, legacy=legacy)
    rnd = random.Random(7)
    lock = threading.Lock()
    deleted: set[int] = set()

    def edit_between_pages(info):
        if info["method"] != "GET" or info["table"] != "c_order" or "yaml" in info["path"]:
            return
        with lock:
            ids = [r[0] for r in emu.backend.sql("SELECT C_Order_ID FROM C_Order")]
            emu.backend.touch("C_Order", ids=rnd.sample(ids, 3))
            emu.backend.insert_raw("C_Order", [{"DocumentNo": f"LIVE-{rnd.randint(0, 10**9)}"}])
            # a long transaction committing late: Updated lies behind the cursor (the look-back's job)
            late = (datetime.now(timezone.utc) - timedelta(seconds=rnd.randint(1, 30))).isoformat()
            emu.backend.insert_raw("C_Order", [{"DocumentNo": f"LATE-{rnd.randint(0, 10**9)}", "Updated": late}])
            gone = rnd.choice(ids)
            emu.backend.hard_delete("C_Order", [gone])
            deleted.add(gone)

    emu.add_hook(edit_between_pages)
    cfg = config(emu, page_size=20)
    first = run_read(cfg, ["c_order"])
    emu.remove_hook(edit_between_pages)
    assert not emu.hook_errors
    next_second()
    second = run_read(cfg, ["c_order"], state=state_for(final_states(first)))
    latest: dict[int, dict] = {}
    for rec in records(first, "c_order") + records(second, "c_order"):
        latest[rec["id"]] = rec  # later syncs win, as append_dedup does
    want = {k: db_utc_second(u) for k, (u,) in db_rows(emu, "C_Order", "C_Order_ID", "Updated").items()}
    assert len(deleted) > 5
    missing = set(want) - set(latest)
    assert not missing
    stale = {k for k, u in want.items() if latest[k]["Updated"] != u}
    assert not stale


@pytest.mark.parametrize("legacy", GENERATIONS)
def test_resume_from_last_state_after_a_kill_at_a_random_page(emulator_factory, legacy):
    emu = emulator_factory(rows=200, legacy=legacy)
    cfg = config(emu, page_size=15, num_workers=2)
    streams = ["c_order", "c_orderline"]
    rnd = random.Random(3 if legacy else 4)
    seen: dict[str, set] = {s: set() for s in streams}
    last_state: dict[str, object] = {}
    gen = raw_read(cfg, streams)
    states_seen, cut_after = 0, rnd.randint(3, 12)
    for msg in gen:
        if msg.type.name == "RECORD":
            seen[msg.record.stream].add(msg.record.data["id"])
        elif msg.type.name == "STATE":
            last_state[msg.state.stream.stream_descriptor.name] = msg.state
            states_seen += 1
            if states_seen >= cut_after:
                # keep consuming a few records of the next page, then die mid-page
                for _ in range(rnd.randint(0, 10)):
                    nxt = next(gen, None)
                    if nxt is not None and nxt.type.name == "RECORD":
                        seen[nxt.record.stream].add(nxt.record.data["id"])
                break
    gen.close()
    assert last_state, "the sync must emit state while it runs"
    second = run_read(cfg, streams, state=state_for(list(last_state.values())))
    for s, table, key in (("c_order", "C_Order", "C_Order_ID"), ("c_orderline", "C_OrderLine", "C_OrderLine_ID")):
        union = seen[s] | {r["id"] for r in records(second, s)}
        assert union == set(db_rows(emu, table, key)), s


@pytest.mark.parametrize("legacy", GENERATIONS)
def test_rows_sharing_one_updated_second_sync_completely(emulator_factory, legacy):
    emu = emulator_factory(rows=5000, legacy=legacy)
    emu.backend.sql("UPDATE C_Order SET Updated = '2026-01-15 10:00:00.' || printf('%03d', C_Order_ID % 1000)")
    cfg = config(emu, page_size=100)
    out = run_read(cfg, ["c_order"])
    ids = [r["id"] for r in records(out, "c_order")]
    assert len(set(ids)) == 5000 == emu.backend.sql("SELECT COUNT(*) FROM C_Order")[0][0]
    assert len(ids) <= 5000 + 100  # at most the re-read of one page is duplicated
    assert all(r["Updated"] == "2026-01-15T10:00:00Z" for r in records(out, "c_order"))


@pytest.mark.parametrize("legacy", GENERATIONS)
def test_detect_deletes_emits_markers_for_vanished_rows(emulator_factory, legacy):
    emu = emulator_factory(rows=60, legacy=legacy)
    cfg = config(emu, page_size=25, detect_deletes=True)
    first = run_read(cfg, ["c_order"])
    assert not [r for r in records(first, "c_order") if r.get("_ab_cdc_deleted_at")]
    gone = sorted(db_rows(emu, "C_Order", "C_Order_ID"))[5:8]
    emu.backend.hard_delete("C_Order", gone)
    next_second()
    second = run_read(cfg, ["c_order"], state=state_for(final_states(first)))
    markers = [r for r in records(second, "c_order") if r.get("_ab_cdc_deleted_at")]
    assert sorted(m["id"] for m in markers) == gone


@pytest.mark.parametrize("legacy", GENERATIONS)
@pytest.mark.parametrize("fk_mode", ["flatten", "object"])
def test_every_discovered_stream_reads_and_matches_its_schema(emulator_factory, legacy, fk_mode):
    import jsonschema
    from airbyte_cdk.test.entrypoint_wrapper import discover

    from source_idempiere import SourceIdempiere

    emu = emulator_factory(rows=30, legacy=legacy)
    cfg = config(emu, foreign_keys=fk_mode)
    streams = {s.name: s for s in discover(SourceIdempiere(), cfg).catalog.catalog.streams}
    assert any(s.source_defined_primary_key == [["uid"]] for s in streams.values())  # UUID-keyed tables too
    for incremental in (False, True):
        out = run_read(cfg, sorted(streams), incremental=incremental)
        for name, stream in streams.items():
            rows = records(out, name)
            assert rows, name
            validator = jsonschema.Draft7Validator(stream.json_schema)
            for row in rows:
                errors = list(validator.iter_errors(row))
                assert not errors, (name, errors[0].message)
            pk = stream.source_defined_primary_key[0][0]
            assert len({r[pk] for r in rows}) == len(rows), name


def test_abnormal_future_state_reads_nothing_new_and_brings_the_cursor_back_to_now(emulator):
    """A 2099 cursor is warned about and capped at the frozen upper bound (issue 11): kept, it would make
    every later window empty and the stream would never read again."""
    import json
    from pathlib import Path

    from airbyte_cdk.models import AirbyteStateMessageSerializer

    path = Path(__file__).parents[1] / "abnormal_state.json"
    state = [AirbyteStateMessageSerializer.load(s) for s in json.loads(path.read_text())]
    before = datetime.now(timezone.utc).replace(microsecond=0)
    out = run_read(config(emulator), ["c_order"], state=state)
    lookback_start = db_utc_second(str(before - timedelta(seconds=300 + 1)).replace("+00:00", ""))
    assert all(r["Updated"] >= lookback_start for r in records(out, "c_order"))  # only the look-back window
    saved = final_states(out)[0].stream.stream_state.Updated
    assert before.strftime("%Y-%m-%dT%H:%M:%SZ") <= saved < "2099"
    assert any("is in the future" in m.log.message for m in out.logs)


def test_sample_state_reads_rows_updated_since_its_cursor(emulator):
    import json
    from pathlib import Path

    from airbyte_cdk.models import AirbyteStateMessageSerializer

    path = Path(__file__).parents[1] / "sample_state.json"
    state = [AirbyteStateMessageSerializer.load(s) for s in json.loads(path.read_text())]
    out = run_read(config(emulator), ["c_order"], state=state)
    floor = "2023-12-31 23:55:00"  # cursor 2024-01-01T00:00:00Z minus the 300 s default look-back
    want = {k for k, (u,) in db_rows(emulator, "C_Order", "C_Order_ID", "Updated").items() if u >= floor}
    assert {r["id"] for r in records(out, "c_order")} == want


def test_server_with_lowercase_column_names_reads_the_same_rows(emulator_factory):
    emu = emulator_factory(rows=60, tolowercase=True)
    out = run_read(config(emu, page_size=20), ["c_order"])
    got = {r["id"]: project(r) for r in records(out, "c_order")}
    want = {k: expected_order(v) for k, v in db_rows(emu, "C_Order", "C_Order_ID", *ORDER_COLS).items()}
    assert got == want


def test_a_stream_named_as_the_catalog_spells_it_emits_under_that_name(emulator):
    """A catalog stream ``C_Order`` (the table's own spelling) emits records and state as ``C_Order``, not
    as the lower-case model name: the platform matches records to the catalog by name (issue 11)."""
    out = run_read(config(emulator), ["C_Order"])
    assert records(out, "C_Order") and not records(out, "c_order")
    assert {m.record.stream for m in out.records} == {"C_Order"}
    assert [s.stream.stream_descriptor.name for s in final_states(out)] == ["C_Order"]
