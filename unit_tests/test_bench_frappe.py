"""The Frappe benchmark plumbing: writer schedule, truth comparison, floor plan, peer catalog, derived files.

No timing is asserted; these check that the bench counts and selects what it says it does.
"""
from __future__ import annotations

import json
from urllib.parse import unquote
from zoneinfo import ZoneInfo

import pytest

from bench.frappe.churn import compare, emitted, instant, schedule
from bench.frappe.connectors import customer_input
from bench.frappe.floor import plan_from_log
from bench.frappe.peer import final_state, peer_config, select_streams
from bench.frappe.scenarios_write import scaled_doctypes

KOLKATA = ZoneInfo("Asia/Kolkata")


def test_schedule_is_the_same_for_the_same_seed_and_mixes_the_three_kinds() -> None:
    names = [f"SO-{i}" for i in range(50)]
    ops = schedule(names, 1000, seed=15)
    assert ops == schedule(names, 1000, seed=15)
    assert ops != schedule(names, 1000, seed=16)
    kinds = {kind: sum(1 for k, _ in ops if k == kind) for kind in ("edit", "insert", "delete")}
    assert 600 < kinds["edit"] < 800 and 100 < kinds["insert"] < 200 and 100 < kinds["delete"] < 200
    assert all(arg in names for kind, arg in ops if kind != "insert")


def test_instant_reads_site_wall_time_and_rfc3339_alike() -> None:
    naive = instant("2026-01-01 10:30:00.000001", KOLKATA)
    assert naive == instant("2026-01-01T05:00:00.000001Z", KOLKATA)
    assert naive == instant("2026-01-01T05:00:00.000001+00:00", KOLKATA)


def test_emitted_reads_airbyte_and_singer_records_and_skips_the_rest() -> None:
    lines = [
        b'{"type":"RECORD","record":{"stream":"Sales Order","data":{"name":"A","modified":"2026-01-01T00:00:00Z"},"emitted_at":1}}',
        b'{"type":"RECORD","stream":"Sales Order","record":{"name":"B","modified":"2026-01-01 05:30:00"}}',
        b'{"type":"RECORD","record":{"stream":"Sales Order","data":{"name":"C","modified":"x","_ab_cdc_deleted_at":"t"}}}',
        b'{"type":"STATE","value":{"bookmarks":{}}}',
        b'{"type":"LOG","log":{"message":"RECORD"}}',
    ]
    assert emitted(lines) == [("A", "2026-01-01T00:00:00Z", False), ("B", "2026-01-01 05:30:00", False),
                              ("C", "x", True)]


def test_compare_counts_lost_stale_duplicated_and_ghost_rows() -> None:
    truth = {"A": "2026-01-01 05:30:00", "B": "2026-01-01 06:00:00", "C": "2026-01-01 07:00:00",
             "D": "2026-01-01 08:00:01", "E": "2026-01-01 08:00:00"}
    first = [("A", "2026-01-01T00:00:00Z", False),  # current (05:30 in Kolkata)
             ("B", "2026-01-01T00:00:00Z", False),  # stale: truth is 06:00 Kolkata = 00:30Z
             ("C", "2026-01-01T01:30:00Z", False), ("C", "2026-01-01T01:30:00Z", False),  # one duplicate
             ("Z", "2026-01-01T01:30:00Z", False),  # deleted since, still live downstream: a ghost
             ("D", "2026-01-01T02:30:00Z", False), ("D", "2026-01-01T02:30:01Z", False)]  # D twice: one more
    second = [("Y", "2026-01-01T01:30:00Z", True)]  # a delete marker is not a ghost
    figures = compare(first, second, truth, KOLKATA)
    assert figures["lost"] == 1  # E never emitted
    assert figures["stale"] == 1 and figures["duplicated"] == 2 and figures["ghosts"] == 1
    assert figures["live"] == 5 and figures["emitted_first"] == 7 and figures["emitted_second"] == 1


def test_compare_takes_the_later_sync_as_the_newer_version() -> None:
    truth = {"A": "2026-01-01 06:00:00"}
    first = [("A", "2026-01-01T00:00:00Z", False)]
    second = [("A", "2026-01-01T00:30:00Z", False)]
    assert compare(first, second, truth, KOLKATA)["stale"] == 0
    assert compare(first, [], truth, KOLKATA)["stale"] == 1


def test_floor_plan_keeps_collection_gets_in_order_and_re_encodes_their_queries() -> None:
    log = [
        {"method": "GET", "path": "/api/method/frappe.auth.get_logged_user", "query": ""},
        {"method": "GET", "path": "/api/resource/System%20Settings/System%20Settings", "query": ""},
        {"method": "GET", "path": "/api/resource/Sales%20Order",
         "query": 'fields=["*"]&order_by=modified asc, name asc&filters=[["name",">","A&B"]]&limit_page_length=500'},
        {"method": "POST", "path": "/api/resource/Sales%20Order", "query": ""},
        {"method": "GET", "path": "/api/resource/Sales%20Order%20Item", "query": "fields=[\"*\"]"},
    ]
    plan = plan_from_log(log)
    assert [p.split("?")[0] for p in plan] == ["/api/resource/Sales%20Order", "/api/resource/Sales%20Order%20Item"]
    params = dict(part.split("=", 1) for part in plan[0].split("?", 1)[1].split("&"))
    assert unquote(params["filters"]) == '[["name",">","A&B"]]'  # an & inside a value stays in the value
    assert unquote(params["order_by"]) == "modified asc, name asc" and params["limit_page_length"] == "500"


def test_select_streams_marks_only_the_wanted_stream_and_refuses_unknown_ones() -> None:
    catalog = {"streams": [
        {"tap_stream_id": "Sales Order", "metadata": [{"breadcrumb": [], "metadata": {}},
                                                      {"breadcrumb": ["properties", "name"], "metadata": {}}]},
        {"tap_stream_id": "Customer", "metadata": [{"breadcrumb": [], "metadata": {"selected": True}}]},
    ]}
    chosen = select_streams(catalog, ["Sales Order"])
    assert chosen["streams"][0]["metadata"][0]["metadata"]["selected"] is True
    assert "selected" not in chosen["streams"][0]["metadata"][1]["metadata"]
    assert chosen["streams"][1]["metadata"][0]["metadata"]["selected"] is False
    with pytest.raises(RuntimeError, match="Item"):
        select_streams(catalog, ["Item"])


def test_peer_config_leaves_the_page_size_to_the_tap_unless_given_and_state_is_the_last_value() -> None:
    assert "limit_page_length" not in peer_config("http://x", "k", "s", ["Sales Order"])
    assert peer_config("http://x", "k", "s", ["Sales Order"], 1000)["limit_page_length"] == 1000
    lines = [b'{"type":"STATE","value":{"n":1}}', b'{"type":"RECORD","stream":"s","record":{}}',
             b'{"type":"STATE","value":{"n":2}}']
    assert final_state(lines) == {"n": 2}


def test_scaled_doctypes_copies_up_to_the_target_and_drops_columns_the_emulator_adds(tmp_path) -> None:
    source = tmp_path / "doctypes.json"
    source.write_text(json.dumps({"doctypes": [
        {"name": "Note", "fields": [{"fieldname": "title", "fieldtype": "Data"}]},
        {"name": "Communication", "fields": [{"fieldname": "_user_tags", "fieldtype": "Data"},
                                             {"fieldname": "subject", "fieldtype": "Data"}]},
    ]}))
    out = tmp_path / "scaled.json"
    assert scaled_doctypes(source, 5, out) == 5
    doctypes = json.loads(out.read_text())["doctypes"]
    assert [d["name"] for d in doctypes] == ["Note", "Communication", "Note Copy 1", "Communication Copy 1",
                                             "Note Copy 2"]
    assert [f["fieldname"] for f in doctypes[3]["fields"]] == ["subject"]


def test_customer_input_counts_distinct_link_lookups(tmp_path) -> None:
    path = tmp_path / "in.jsonl"
    distinct = customer_input(path, 200, "T")
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert [m["type"] for m in lines].count("RECORD") == 200 and lines[-1]["type"] == "STATE"
    groups = {m["record"]["data"]["customer_group"]["customer_group_name"] for m in lines[:-1]}
    assert distinct["customer_group"] == len(groups) and distinct["territory"] >= 1


def test_stacks_summary_splits_threads_and_counts_self_and_inclusive_samples() -> None:
    from bench.stacks import summarise

    lines = ["thread (1): MainThread;run (a.py:1);write (b.py:2) 3\n",
             "thread (2): reader;loop (c.py:1);get (d.py:5);loads (e.py:9) 5\n",
             "thread (2): reader;loop (c.py:1);convert (f.py:3) 2\n", "garbage\n"]
    total, threads, own, inclusive = summarise(lines)
    assert total == 10 and threads["thread (2): reader"] == 7
    assert own["thread (2): reader"]["loads (e.py:9)"] == 5 and own["thread (1): MainThread"]["write (b.py:2)"] == 3
    assert inclusive["thread (2): reader"]["loop (c.py:1)"] == 7 and inclusive["thread (2): reader"]["get (d.py:5)"] == 5
