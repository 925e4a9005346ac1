"""The benchmark harness parses connector output and judges ratios correctly (no timing is asserted)."""
from __future__ import annotations

import json
import math
import sys

import pytest

from bench.harness import classify_line, run_measured
from bench.idempiere.connectors import configure, final_state
from bench.idempiere.floor import collection_gets, plan_from_log
from bench.results import Measurement, format_table, margin, ratio, verdict, write_plot


@pytest.mark.parametrize(
    "line, kind",
    [
        (b'{"type":"RECORD","record":{"stream":"c_order","data":{"type":"STATE"}}}', "record"),
        (b'{"type": "RECORD", "record": {}}', "record"),
        (b'{"type":"STATE","state":{"type":"STREAM"}}', "state"),
        (b'{"type":"LOG","log":{"message":"\\"type\\":\\"RECORD\\""}}', "other"),
        (b"", "other"),
    ],
    ids=["compact-record", "spaced-record", "state", "log-mentioning-record", "empty"],
)
def test_classify_line_looks_only_at_the_message_type(line: bytes, kind: str) -> None:
    assert classify_line(line) == kind


@pytest.mark.parametrize(
    "value, target, op, expected",
    [(1.2, 1.3, "<=", "PASS"), (1.31, 1.3, "<=", "MISS"), (3.0, 3.0, ">=", "PASS"), (2.9, 3.0, ">=", "MISS"),
     (19.9, 20.0, "<", "PASS"), (20.0, 20.0, "<", "MISS"), (float("nan"), 1.3, "<=", "MISS"),
     (None, 1.3, "<=", "MISS"), (5.0, None, "<=", "INFO")],
)
def test_verdict_against_target(value: float | None, target: float | None, op: str, expected: str) -> None:
    assert verdict(value, target, op) == expected


def test_ratio_with_zero_denominator_is_nan_not_a_crash() -> None:
    assert math.isnan(ratio(1.0, 0.0))
    assert ratio(3.0, 2.0) == 1.5


def test_table_shows_value_target_status_and_labels_absolute_figures() -> None:
    results = [
        Measurement("1", "cpu", 1.1, 1.3, "<=", absolute={"cpu_s": 2.5}),
        Measurement("3", "discover", 25.0, 20.0, "<", unit="s"),
        Measurement("2", "memory", skipped="no file"),
        Measurement("5", "dest", error="boom"),
    ]
    text = format_table(results)
    assert "1.10x" in text and "<= 1.30x" in text and "PASS" in text
    assert "25.0 s" in text and "MISS" in text
    assert "SKIP" in text and "skipped: no file" in text and "ERROR: boom" in text
    assert "this machine only" in text


def test_run_measured_counts_records_and_keeps_states(tmp_path) -> None:
    script = (
        "import json\n"
        "for i in range(5): print(json.dumps({'type': 'RECORD', 'record': {'data': {'i': i}}}))\n"
        "print(json.dumps({'type': 'STATE', 'state': {'type': 'STREAM', 'stream': {'stream_descriptor': "
        "{'name': 'c_order'}, 'stream_state': {'u': 1}}}}))\n"
        "print(json.dumps({'type': 'LOG', 'log': {'message': 'done'}}))\n"
    )
    run = run_measured([sys.executable, "-c", script], keep_states=True, stderr_path=tmp_path / "err.log")
    assert run.returncode == 0 and run.records == 5
    assert final_state(run.states) == [run.states[0]["state"]]
    assert run.maxrss_mb > 0 and run.cpu_s >= 0 and run.wall_s > 0
    assert any("done" in line for line in run.tail)


def test_run_measured_plain_lines_counts_every_line(tmp_path) -> None:
    run = run_measured([sys.executable, "-c", "print('{}\\n{}\\n{}', end='')"], plain_lines=True,
                       stderr_path=tmp_path / "err.log")
    assert run.records == 3


def test_floor_plan_replays_logged_collection_requests() -> None:
    log = [
        {"method": "GET", "path": "/api/v1/models/c_order/yaml", "query": ""},
        {"method": "GET", "path": "/api/v1/models/c_order", "query": "%24filter=IsActive+neq+null&%24top=100"},
        {"method": "GET", "path": "/api/v1/models/c_order", "query": {"$orderby": ["Updated,C_Order_ID"]}},
        {"method": "GET", "path": "/api/v1/models/c_order",
         "query": "$filter=IsActive neq null and Updated ge '2024-01-01 00:00:00'&$top=100"},
        {"method": "POST", "path": "/api/v1/models/c_order", "query": ""},
    ]
    plan = plan_from_log(collection_gets(log, "c_order"))
    assert plan == [
        {"path": "models/c_order", "params": {"$filter": "IsActive neq null", "$top": "100"}},
        {"path": "models/c_order", "params": {"$orderby": "Updated,C_Order_ID"}},
        {"path": "models/c_order", "params": {"$filter": "IsActive neq null and Updated ge '2024-01-01 00:00:00'",
                                              "$top": "100"}},
    ]


def test_configure_uses_incremental_only_where_supported() -> None:
    catalog = {"streams": [
        {"name": "c_order", "supported_sync_modes": ["full_refresh", "incremental"],
         "default_cursor_field": ["Updated"], "source_defined_primary_key": [["id"]], "json_schema": {}},
        {"name": "ad_role_orgaccess", "supported_sync_modes": ["full_refresh"], "json_schema": {}},
    ]}
    configured = configure(catalog, ["C_Order", "AD_Role_OrgAccess"])
    modes = {c["stream"]["name"]: (c["sync_mode"], c.get("cursor_field")) for c in configured["streams"]}
    assert modes == {"c_order": ("incremental", ["Updated"]), "ad_role_orgaccess": ("full_refresh", None)}
    assert json.dumps(configured)
    with pytest.raises(RuntimeError):
        configure(catalog, ["c_missing"])


def test_cpu_ceiling_is_bounded_by_the_busiest_single_process_and_by_all_cores() -> None:
    from bench.harness import RunResult, cpu_ceiling

    run = RunResult(["x"], 0, wall_s=30.0, user_s=8.0, sys_s=2.0, maxrss_mb=1.0, records=0, server_cpu_s=20.0)
    assert cpu_ceiling(100.0, run, cores=2) == pytest.approx(100.0 / 20.0)  # the server alone needs 20 s
    run.server_cpu_s = 4.0
    assert cpu_ceiling(100.0, run, cores=2) == pytest.approx(100.0 / 10.0)  # now the source's 10 s
    run.user_s, run.sys_s, run.server_cpu_s = 9.0, 0.0, 9.0
    assert cpu_ceiling(100.0, run, cores=1) == pytest.approx(100.0 / 18.0)  # one core shares both


def test_stream_seconds_come_from_the_sources_complete_line() -> None:
    from bench.harness import RunResult
    from bench.idempiere.scenarios_source import _stream_seconds

    line = (b'{"type":"LOG","log":{"level":"INFO","message":"Stream c_order: COMPLETE - 50000 records in 41.4 s '
            b'(1208 records/s, 517 pages)"}}')
    run = RunResult(["x"], 0, 1.0, 1.0, 0.0, 1.0, 0, others=[line])
    assert _stream_seconds(run, "c_order") == 41.4
    assert _stream_seconds(run, "c_orderline") is None


@pytest.mark.parametrize("value, target, op, expected", [
    (0.65, 1.3, "<=", 2.0),     # half the allowed cost: twice better than the target
    (2.6, 1.3, "<=", 0.5),      # twice the allowed cost: missed by half
    (10.0, 20.0, "<", 2.0),     # seconds against a wall-time limit
    (6.0, 3.0, ">=", 2.0),      # speed-up twice the required one
    (1.5, 3.0, ">=", 0.5),
])
def test_plot_margin_puts_every_target_on_one_scale(value: float, target: float, op: str, expected: float) -> None:
    m = Measurement("k", "t", value, target, op, "x")
    assert margin(m) == pytest.approx(expected)
    assert (margin(m) >= 1) == (verdict(value, target, op) == "PASS")


def test_plot_is_a_png_with_one_bar_per_judged_figure(tmp_path) -> None:
    results = [Measurement("1", "cpu", 0.9, 1.3, "<=", "x"), Measurement("3", "discover", 12.0, 20.0, "<", "s"),
               Measurement("5", "batch", 4.0, 5.0, ">=", "x"), Measurement("1d", "info", None, None, "", "")]
    path = tmp_path / "results.png"
    assert write_plot(path, results) == f"plot written to {path}"
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert write_plot(tmp_path / "none.png", results[3:]) == "nothing to plot"


def test_peak_rss_is_the_childs_own_not_the_forked_benchs(tmp_path) -> None:
    """A child forked from a large process reports its own peak (ru_maxrss would report the parent's size)."""
    ballast = bytearray(300 * 1024 * 1024)  # this process: > 300 MB resident
    ballast[::4096] = b"x" * len(ballast[::4096])
    small = run_measured([sys.executable, "-c", "import time; time.sleep(0.3)"], stderr_path=tmp_path / "a.log")
    big = run_measured([sys.executable, "-c", "import time; b = bytearray(200 * 1024 * 1024); b[::4096] = b'y' * "
                        "len(b[::4096]); time.sleep(0.3)"], stderr_path=tmp_path / "b.log")
    del ballast
    assert small.maxrss_mb < 150
    assert big.maxrss_mb > 200


def test_ab_refuses_a_checkout_without_a_venv(tmp_path, capsys):
    """bench.ab compares two checkouts' own installs; one without a venv is a usage error, not a traceback."""
    import pytest

    from bench import ab

    (tmp_path / "a").mkdir()
    with pytest.raises(SystemExit) as exit_:
        ab.main(["idempiere", str(tmp_path / "a"), str(tmp_path / "a")])
    assert exit_.value.code == 2 and "has no .venv" in capsys.readouterr().err
