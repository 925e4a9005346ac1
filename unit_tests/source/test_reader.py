"""TableReader against a fake client: request text, paging, state after every page, deletes."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from idempiere_client.timeutil import ServerClock
from source_idempiere.deletes import decode_keys, encode_keys
from source_idempiere.reader import ReadSettings, TableReader

from .fakes import FakeClient, Row, order_meta

NOW = datetime(2026, 11, 20, 12, 0, 0, 500000, tzinfo=timezone.utc)
T0 = datetime(2026, 11, 20, 10, 0, 0, tzinfo=timezone.utc)


def settings(**kw):
    base = dict(page_size=10, lookback_seconds=300, start_date=None, fk_mode="flatten", detect_deletes=False)
    base.update(kw)
    return ReadSettings(**base)


def rows(n, *, step_ms=700):
    return {k: Row(k, T0 + timedelta(milliseconds=step_ms * k)) for k in range(1, n + 1)}


def run(reader, state=None):
    out, states = [], []
    for batch in reader.incremental(state, now=NOW):
        out.extend(batch.rows)
        if batch.state is not None:
            states.append(batch.state)
    return out, states


def test_first_request_mentions_isactive_orders_by_updated_and_key_and_freezes_upper():
    client = FakeClient(rows(5))
    reader = TableReader(client, order_meta(), ServerClock("UTC"), settings())
    out, states = run(reader)
    assert [r["id"] for r in out] == [1, 2, 3, 4, 5]
    call = client.calls[0]
    assert call["filter"] == "IsActive neq null and Updated lt '2026-11-20 12:00:00'"
    assert call["orderby"] == "Updated,C_Order_ID"
    assert states == [{"Updated": "2026-11-20T12:00:00Z"}]


def test_state_applies_lookback_and_literal_is_server_local():
    client = FakeClient(rows(3))
    reader = TableReader(client, order_meta(), ServerClock("Europe/Berlin"), settings())
    run(reader, {"Updated": "2026-11-20T10:10:00Z"})
    assert client.calls[0]["filter"] == (
        "IsActive neq null and (Updated ge '2026-11-20 11:05:00' and Updated lt '2026-11-20 13:00:00')"
    )


def test_state_is_emitted_after_every_full_page_and_never_goes_backwards():
    client = FakeClient(rows(35))
    reader = TableReader(client, order_meta(), ServerClock("UTC"), settings())
    out, states = run(reader, {"Updated": "2026-11-20T10:00:05Z"})
    assert len(client.calls) == 4 and len(states) == 4
    cursors = [s["Updated"] for s in states]
    assert cursors == sorted(cursors) and cursors[0] >= "2026-11-20T10:00:05Z"
    assert cursors[-1] == "2026-11-20T12:00:00Z"
    assert sorted({r["id"] for r in out}) == list(range(1, 36))


def test_server_page_clamp_is_detected_so_a_clamped_page_counts_as_full():
    client = FakeClient(rows(250), max_records=100)
    reader = TableReader(client, order_meta(), ServerClock("UTC"), settings(page_size=500))
    out, _ = run(reader)
    assert len({r["id"] for r in out}) == 250
    assert all(c["top"] == 100 for c in client.calls[1:])


def test_rows_sharing_one_second_are_drained_by_key():
    data = {k: Row(k, T0 + timedelta(microseconds=k)) for k in range(1, 48)}
    client = FakeClient(data)
    reader = TableReader(client, order_meta(), ServerClock("UTC"), settings())
    out, _ = run(reader)
    assert sorted(r["id"] for r in out) == list(range(1, 48))
    drains = [c for c in client.calls if c["orderby"] == "C_Order_ID"]
    assert drains and "C_Order_ID gt 40" in drains[-1]["filter"]
    assert "Updated lt '2026-11-20 10:00:01'" in drains[-1]["filter"]


def test_full_refresh_pages_by_key_with_keyset():
    client = FakeClient(rows(25))
    reader = TableReader(client, order_meta(), ServerClock("UTC"), settings())
    got = [r["id"] for b in reader.full_refresh() for r in b.rows]
    assert got == list(range(1, 26))
    assert [c["filter"] for c in client.calls] == [
        "IsActive neq null", "IsActive neq null and C_Order_ID gt 10", "IsActive neq null and C_Order_ID gt 20"]
    assert all(c["orderby"] == "C_Order_ID" for c in client.calls)


def test_records_are_flattened_and_inactive_rows_kept():
    data = rows(2)
    data[2].active = False
    reader = TableReader(FakeClient(data), order_meta(), ServerClock("UTC"), settings())
    out, _ = run(reader)
    assert out[0]["AD_Client_ID"] == 11 and out[0]["AD_Client_ID_identifier"] == "GardenWorld"
    assert out[1]["IsActive"] is False and "model-name" not in out[1]


def test_detect_deletes_reports_vanished_known_and_emitted_keys():
    data = rows(12)
    client = FakeClient(data)
    reader = TableReader(client, order_meta(), ServerClock("UTC"), settings(detect_deletes=True))
    state = {"Updated": "2026-11-20T11:59:00Z", "known_keys": encode_keys([1, 2, 3, 100])}

    def delete_row_5_after_main_scan(call_no):
        if client.calls[-1]["select"]:
            data.pop(5, None)

    client.before_page = delete_row_5_after_main_scan
    batches = list(reader.incremental(state, now=NOW))
    markers = [r for b in batches for r in b.rows if "_ab_cdc_deleted_at" in r]
    assert sorted(m["id"] for m in markers) == [100]  # 5 was never emitted (outside the window) nor known
    final = batches[-1].state
    assert decode_keys(final["known_keys"]) == set(data)
    key_calls = [c for c in client.calls if c["select"]]
    assert key_calls and all(c["select"] == "C_Order_ID" and c["orderby"] == "C_Order_ID" for c in key_calls)


def test_detect_deletes_catches_rows_emitted_then_deleted_during_the_first_sync():
    data = rows(8)
    client = FakeClient(data)
    reader = TableReader(client, order_meta(), ServerClock("UTC"), settings(detect_deletes=True))
    client.before_page = lambda n: data.pop(3, None) if client.calls[-1]["select"] else None
    batches = list(reader.incremental(None, now=NOW))
    markers = [r["id"] for b in batches for r in b.rows if "_ab_cdc_deleted_at" in r]
    assert markers == [3]


def test_key_encoding_round_trips():
    assert decode_keys(encode_keys([1, 2, 3, 7, 9, 10])) == {1, 2, 3, 7, 9, 10}
    assert encode_keys([1, 2, 3, 7])["data"] == [[1, 3], [7, 7]]
    uu = {"a-1", "b-2"}
    assert decode_keys(encode_keys(uu)) == uu
    assert decode_keys({"format": "int-ranges", "data": "garbage"}) is None


def test_large_table_is_split_into_parallel_windows_and_state_only_covers_emitted_rows():
    data = {k: Row(k, T0 + timedelta(seconds=k * 7, milliseconds=k % 1000)) for k in range(1, 601)}
    client = FakeClient(data)
    reader = TableReader(client, order_meta(), ServerClock("UTC"), settings(workers=4))
    emitted: set[int] = set()
    states = []
    for batch in reader.incremental(None, now=NOW):
        emitted.update(r["id"] for r in batch.rows)
        if batch.state:
            cursor = batch.state["Updated"]
            states.append(cursor)
            behind = {k for k, r in data.items() if r.updated.strftime("%Y-%m-%dT%H:%M:%SZ") < cursor}
            assert behind <= emitted, f"state {cursor} claims rows not yet emitted"
    assert emitted == set(data)
    assert states == sorted(states) and states[-1] == "2026-11-20T12:00:00Z"
    windows = {c["filter"].split("Updated lt ")[1] for c in client.calls if "Updated lt" in c["filter"]}
    assert len(windows) > 4  # many distinct window upper bounds were requested


def test_small_table_is_not_split():
    client = FakeClient(rows(40))
    reader = TableReader(client, order_meta(), ServerClock("UTC"), settings(workers=4))
    run(reader)
    assert {c["filter"].split("Updated lt ")[1].rstrip(")") for c in client.calls} == {"'2026-11-20 12:00:00'"}


def test_closing_a_windowed_read_stops_its_workers():
    data = {k: Row(k, T0 + timedelta(seconds=k)) for k in range(1, 2001)}
    client = FakeClient(data)
    reader = TableReader(client, order_meta(), ServerClock("UTC"), settings(workers=4))
    gen = reader.incremental(None, now=NOW)
    for _ in range(5):
        next(gen)
    gen.close()
    calls = len(client.calls)
    import time
    time.sleep(0.3)
    assert len(client.calls) == calls and calls < 200


def test_unreadable_state_cursor_is_a_config_error():
    import pytest

    from erp_http.errors import ConfigurationError

    reader = TableReader(FakeClient(rows(3)), order_meta(), ServerClock("UTC"), settings())
    with pytest.raises(ConfigurationError, match="Reset the stream"):
        run(reader, {"Updated": "last tuesday"})
    lower, _, floor = reader.bounds({"Updated": "2026-11-20 10:00:00"}, now=NOW)  # tolerant of a space
    assert floor == T0 and lower == T0 - timedelta(seconds=300)


def test_generic_stream_reads_records_under_the_cdk_sequential_reader():
    from airbyte_cdk.models import SyncMode

    from source_idempiere.streams import IdempiereStream

    client = FakeClient(rows(12))
    stream = IdempiereStream(order_meta(), "flatten", client=client, clock=ServerClock("UTC"), settings=settings())
    assert (stream.name, stream.primary_key, stream.cursor_field) == ("c_order", "id", "Updated")
    got = list(stream.read_records(SyncMode.incremental, stream_state={"Updated": "2026-11-20T10:00:05Z"}))
    assert [r["id"] for r in got] == list(range(1, 13))
    assert "IsActive neq null" in client.calls[0]["filter"]
    full = list(stream.read_records(SyncMode.full_refresh))
    assert [r["id"] for r in full] == list(range(1, 13))
    assert IdempiereStream(order_meta("uid"), "flatten").primary_key == "uid"
    assert IdempiereStream(order_meta("none"), "flatten").primary_key is None


def test_keyless_table_dedups_by_content_and_drains_a_second_with_skip():
    data = {k: Row(k, T0 + timedelta(microseconds=k)) for k in range(1, 48)}
    data.update({k: Row(k, T0 + timedelta(seconds=3, milliseconds=k)) for k in range(100, 106)})
    client = FakeClient(data)
    reader = TableReader(client, order_meta("none"), ServerClock("UTC"), settings())
    out, states = run(reader)
    assert sorted(r["id"] for r in out) == sorted(data)  # each row once
    skips = [c["skip"] for c in client.calls if c["skip"]]
    assert skips == [10, 20, 30, 40] and all(c["orderby"] == "Updated" for c in client.calls)
    full = [r["id"] for b in reader.full_refresh() for r in b.rows]
    assert sorted(full) == sorted(data)


def test_large_full_refresh_is_split_into_key_ranges_and_reads_inserts_above_the_top():
    data = {k: Row(k, T0 + timedelta(seconds=k)) for k in range(1, 401)}
    client = FakeClient(data)
    reader = TableReader(client, order_meta(), ServerClock("UTC"), settings(workers=4))

    def insert_during_read(call_no):
        if call_no == 5:
            data[5000] = Row(5000, T0)  # above the max key seen when splitting

    client.before_page = insert_during_read
    batches = list(reader.full_refresh())
    got = [r["id"] for b in batches for r in b.rows]
    assert sorted(got) == sorted(data) and len(got) == len(set(got))
    assert any("key ranges" in note for b in batches for note in b.notes)
    assert any(c["orderby"] == "C_Order_ID desc" and c["top"] == 1 for c in client.calls)
    ranges = [c["filter"] for c in client.calls if " le " in c["filter"]]
    assert len({f.split(" le ")[1] for f in ranges}) >= 4
    assert all(c["orderby"] in ("C_Order_ID", "C_Order_ID desc") for c in client.calls)


def test_small_full_refresh_is_not_split():
    client = FakeClient(rows(50))
    reader = TableReader(client, order_meta(), ServerClock("UTC"), settings(workers=4))
    assert len([r for b in reader.full_refresh() for r in b.rows]) == 50
    assert not any(" le " in c["filter"] or "desc" in c["orderby"] for c in client.calls)


def test_a_cursor_in_the_future_is_capped_at_the_frozen_upper_bound_with_a_warning(caplog):
    """A 2099 cursor would make every later window empty: the stream would never read again (issue 11)."""
    import logging

    reader = TableReader(FakeClient(rows(3)), order_meta(), ServerClock("UTC"), settings(),
                         logger=logging.getLogger("test-future-cursor"))
    with caplog.at_level(logging.WARNING, logger="test-future-cursor"):
        lower, upper, floor = reader.bounds({"Updated": "2099-01-01T00:00:00Z"}, now=NOW)
    assert floor == upper == NOW.replace(microsecond=0) and lower == upper - timedelta(seconds=300)
    assert "in the future" in caplog.text and "2099-01-01" in caplog.text
    _, states = run(reader, {"Updated": "2099-01-01T00:00:00Z"})
    assert states[-1]["Updated"] == "2026-11-20T12:00:00Z"  # the saved cursor comes back to now: reads go on
