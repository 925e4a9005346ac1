"""Measurements 1-4 and 6 of issue 6 (the source). Each returns Measurements; ratios are always within one run."""
from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

from bench.breakdown import format_breakdown
from bench.harness import OUT, PYTHON, RunResult, bin_path, cpu_ceiling, run_against, run_measured, write_json
from bench.idempiere import connectors as C
from bench.idempiere.breakdown import breakdown
from bench.idempiere.context import Context
from bench.idempiere.dataset import balance_tables, seeded_db
from bench.idempiere.emulator import emulator
from bench.idempiere.floor import collection_gets, plan_from_log
from bench.results import Measurement, ratio
from bench.seed_cache import working_copy
from idempiere_emulator.child import EmulatorChild

_TABLE_NAMES = {"c_order": "C_Order", "c_orderline": "C_OrderLine", "c_invoice": "C_Invoice",
                "c_invoiceline": "C_InvoiceLine", "c_payment": "C_Payment", "fact_acct": "Fact_Acct"}


def _startup(ctx: Context) -> RunResult:
    """One ``source-idempiere spec``: the fixed cost of starting the connector (mostly the CDK import)."""
    if "startup" not in ctx.shared:
        ctx.shared["startup"] = run_measured([bin_path("source-idempiere"), "spec"]).check("source-idempiere spec")
    return ctx.shared["startup"]


def _seeded(ctx: Context, rows: int) -> Path:
    """Cached seeded database; the seeding time is logged and reported, never mixed into a figure."""
    path, seconds = seeded_db(rows)
    ctx.shared.setdefault("seeding", {})
    if seconds is not None:
        ctx.shared["seeding"][rows] = round(seconds, 1)
        ctx.log(f"  seeded {rows} orders in {seconds:.1f} s (cached in {path.name} for later runs)")
    return path


def _best(runs: list[RunResult]) -> RunResult:
    """Least-disturbed repetition (minimum CPU): noise only ever adds time."""
    return min(runs, key=lambda r: r.cpu_s)


# ------------------------------------------------------------------ 1 + 6

def read_and_incremental(ctx: Context) -> list[Measurement]:
    """1: source CPU/record vs the floor over the same pages; 6: a second sync after touching 1% of rows."""
    s = ctx.sizes
    db = working_copy(_seeded(ctx, s.read_rows), "s1")
    with emulator(rows=s.read_rows, db=db, name="emu_read") as emu:
        ctx.log(f"  emulator with {s.read_rows} orders ready in {emu.startup_s:.1f} s")
        config, catalog = C.prepare_read(emu, "s1", ["c_order"], num_workers=1)
        conn_runs: list[RunResult] = []
        floor_runs: list[RunResult] = []
        json_runs: list[RunResult] = []
        first_log: list[dict[str, Any]] = []
        plan_path = OUT / "s1.floor_plan.json"
        for rep in range(s.repeats):
            emu.clear_requests()
            run = run_against(emu, C.read_cmd(config, catalog), keep_states=True).check("source-idempiere read")
            conn_runs.append(run)
            if rep == 0:
                first_log = emu.requests_log()
                write_json(plan_path, plan_from_log(collection_gets(first_log, "c_order")))
            floor_cmd = [PYTHON, "-m", "bench.idempiere.floor", "--url", emu.api_url, "--token", emu.s2s_token, "--plan", str(plan_path)]
            floor_runs.append(run_against(emu, floor_cmd + ["--orjson"], plain_lines=True).check("orjson floor"))
            json_runs.append(run_against(emu, floor_cmd, plain_lines=True).check("json floor"))
            ctx.log(f"  rep {rep + 1}: source {run.cpu_s:.2f} s CPU / {run.records} rec in {run.wall_s:.1f} s, "
                    f"orjson floor {floor_runs[-1].cpu_s:.2f} s CPU / {floor_runs[-1].records} rec in "
                    f"{floor_runs[-1].wall_s:.1f} s, json floor {json_runs[-1].cpu_s:.2f} s CPU")
        conn, floor, json_floor = _best(conn_runs), _best(floor_runs), _best(json_runs)
        first = conn_runs[0]
        ctx.shared["read_rss_mb"] = conn.maxrss_mb
        startup = _startup(ctx)
        rows = conn.records or 1
        # Same requests, same bytes: compare CPU totals, both per *distinct* row the source emitted. The
        # floor also receives the rows the source re-reads at page boundaries (same pages), so dividing
        # each by its own line count would flatter the source.
        per_row = {"source_us": round(1e6 * conn.cpu_s / rows, 1), "floor_us": round(1e6 * floor.cpu_s / rows, 1),
                   "json_floor_us": round(1e6 * json_floor.cpu_s / rows, 1),
                   "source_startup_cpu_s": round(startup.cpu_s, 2),
                   "source_us_without_startup": round(1e6 * max(conn.cpu_s - startup.cpu_s, 0) / rows, 1)}
        pages = len(collection_gets(first_log, "c_order"))
        floor_rate = rows / floor.wall_s if floor.wall_s > 0 else float("nan")
        out = [
            Measurement("1", "source CPU per record / orjson floor (same pages)", ratio(conn.cpu_s, floor.cpu_s), 1.2,
                        "<=", absolute={**per_row, "source": conn.as_dict(), "floor": floor.as_dict(), "pages": pages,
                                        "rows_fetched": floor.records},
                        note=f"{pages} requests; {floor.records - conn.records} rows re-read at page boundaries "
                             f"(the source's keyset de-dup) are fetched by both; the floor parses and dumps with orjson"),
            Measurement("1b", "source records/s / orjson floor's (wall)", ratio(conn.records_per_s, floor_rate), 0.9,
                        ">=", absolute={"source_records_per_s": round(conn.records_per_s),
                                        "floor_records_per_s": round(floor_rate),
                                        "source_cpu_bound_records_per_s": round(rows / conn.cpu_s)},
                        note="both per distinct row; wall includes the emulator serving pages on the same 2 cores"),
            Measurement("1c", "source CPU / json floor (informational)", ratio(conn.cpu_s, json_floor.cpu_s), None,
                        absolute={"json_floor": json_floor.as_dict()},
                        note="the issue-6 floor: requests' Response.json() and json.dumps"),
        ]
        try:
            data = breakdown(emu.base_url, emu.s2s_token, "c_order", pages=15)
            ctx.shared["breakdown"] = data
            ctx.log(format_breakdown(data, "c_order"))
            out.append(Measurement("1d", "per-record CPU breakdown (in-process, µs)", None, None,
                                   absolute={"source": data["source_us"], "floor": data["floor_us"]}))
        except Exception as exc:  # noqa: BLE001 - the breakdown explains, it must not sink the figures
            ctx.log(f"  breakdown failed: {exc}")
        out += _incremental(ctx, emu, config, catalog, first, len(first_log))
    return out


def _incremental(ctx: Context, emu: EmulatorChild, config: Path, catalog: Path, first: RunResult,
                 first_requests: int) -> list[Measurement]:
    s = ctx.sizes
    touched = emu.touch("C_Order", max(1, int(s.read_rows * s.touch_fraction)))
    time.sleep(1.5)  # whole-second upper bounds: let the touched second close before the next sync starts
    state_path = write_json(OUT / "s6.state.json", C.final_state(first.states))
    emu.clear_requests()
    second = run_measured(C.read_cmd(config, catalog, state_path), keep_states=True).check("incremental read")
    second_requests = len(emu.requests_log())
    startup = ctx.shared["startup"].wall_s
    ctx.log(f"  incremental: touched {touched}, second sync {second.records} rec in {second_requests} requests")
    work_ratio = ratio(max(second.wall_s - startup, 0.0), max(first.wall_s - startup, 1e-9))
    limit = 5 * s.touch_fraction
    return [
        Measurement("6", f"2nd sync requests / 1st ({s.touch_fraction:.0%} touched)",
                    ratio(second_requests, first_requests), limit, "<=",
                    absolute={"first_requests": first_requests, "second_requests": second_requests,
                              "touched": touched, "second_records": second.records, "first_records": first.records},
                    note="target: scales with the change (<= 5x the touched fraction, room for look-back)"),
        Measurement("6b", "2nd sync wall / 1st (informational)", ratio(second.wall_s, first.wall_s), None,
                    absolute={"first_wall_s": round(first.wall_s, 2), "second_wall_s": round(second.wall_s, 2),
                              "process_startup_s": round(startup, 2),
                              "ratio_above_startup": round(work_ratio, 4)},
                    note="a fixed process start-up (CDK import) is part of both; see ratio_above_startup"),
    ]


# ------------------------------------------------------------------ 2

def memory(ctx: Context) -> list[Measurement]:
    """Peak RSS of a read at two sizes: streaming means the large read needs no more memory."""
    s = ctx.sizes
    runs: dict[int, RunResult] = {}
    for rows in (s.mem_small, s.mem_large):
        with emulator(rows=rows, db=_seeded(ctx, rows), name=f"emu_mem_{rows}") as emu:
            ctx.log(f"  emulator with {rows} orders ready in {emu.startup_s:.1f} s")
            config, catalog = C.prepare_read(emu, f"s2_{rows}", ["c_order"])
            runs[rows] = run_measured(C.read_cmd(config, catalog)).check(f"read of {rows} rows")
            ctx.log(f"  {rows} rows: peak RSS {runs[rows].maxrss_mb:.1f} MB, {runs[rows].wall_s:.1f} s")
    small, large = runs[s.mem_small], runs[s.mem_large]
    return [Measurement("2", f"peak RSS {s.mem_large // 1000}k / {s.mem_small // 1000}k rows",
                        ratio(large.maxrss_mb, small.maxrss_mb), 1.2, "<=",
                        absolute={f"rss_mb_{s.mem_small}": round(small.maxrss_mb, 1),
                                  f"rss_mb_{s.mem_large}": round(large.maxrss_mb, 1),
                                  f"seeding_s_{s.mem_large}": ctx.shared["seeding"].get(s.mem_large, "cached"),
                                  f"cpu_us_per_record_{s.mem_large}": round(large.cpu_us_per_record, 1)})]


# ------------------------------------------------------------------ 3

def discovery(ctx: Context) -> list[Measurement]:
    """discover over the ~760-table dictionary with 20 ms per request."""
    s = ctx.sizes
    if not ctx.dictionary.is_file():
        return [Measurement("3", "discover ~700 tables, 20 ms latency", unit="s",
                            skipped=f"{ctx.dictionary} is absent; discovery at scale not measured")]
    with emulator(rows=200, latency_ms=s.discover_latency_ms, dictionary=str(ctx.dictionary), name="emu_dict") as emu:
        ctx.log(f"  dictionary emulator ready in {emu.startup_s:.1f} s")
        config = write_json(OUT / "s3.config.json", C.source_config(emu, None))
        emu.clear_requests()
        run = run_measured([bin_path("source-idempiere"), "discover", "--config", str(config)], keep_other=True)
        run.check("discover")
        requests_made = len(emu.requests_log())
    streams = 0
    for line in run.others:
        if b'"CATALOG"' in line[:40]:
            streams = len(json.loads(line)["catalog"]["streams"])
    sequential = requests_made * s.discover_latency_ms / 1000.0
    return [Measurement("3", f"discover {streams} streams at {s.discover_latency_ms} ms/request (wall)", run.wall_s,
                        20.0, "<", unit="s",
                        absolute={"wall_s": round(run.wall_s, 2), "cpu_s": round(run.cpu_s, 2), "streams": streams,
                                  "requests": requests_made,
                                  "sequential_estimate_s": round(sequential, 1)},
                        note=f"sequential estimate = {requests_made} requests x {s.discover_latency_ms} ms latency "
                             f"= {sequential:.1f} s (latency alone, before any server or client work)")]


# ------------------------------------------------------------------ 4

def concurrency(ctx: Context) -> list[Measurement]:
    """4: four 50k-row tables with 50 ms latency, 1 vs 4 workers (tables in parallel).
    4b: ``c_order`` alone with 4 workers (split into time windows) against its own stream time in the
    1-worker run above (streams run one after another there, so that is c_order read by one worker)."""
    s = ctx.sizes
    db = working_copy(_seeded(ctx, s.conc_rows), "s4")
    balance_tables(db, {_TABLE_NAMES.get(t, t): s.conc_rows for t in s.conc_tables})
    with emulator(rows=s.conc_rows, latency_ms=s.conc_latency_ms, db=db, name="emu_conc") as emu:
        counts = {t: emu.count(_TABLE_NAMES.get(t, t)) for t in s.conc_tables}
        ctx.log(f"  emulator ready in {emu.startup_s:.1f} s; rows {counts}")
        walls: dict[int, RunResult] = {}
        for workers in (1, 4):
            config, catalog = C.prepare_read(emu, f"s4_w{workers}", list(s.conc_tables), num_workers=workers)
            walls[workers] = run_against(emu, C.read_cmd(config, catalog), keep_other=True).check(
                f"read with {workers} workers")
            ctx.log(f"  4 tables, {workers} worker(s): {walls[workers].wall_s:.1f} s, {walls[workers].records} rec")
        config, catalog = C.prepare_read(emu, "s4b_w4", [s.window_table], num_workers=4)
        windowed = run_against(emu, C.read_cmd(config, catalog), keep_other=True).check("windowed read")
        ctx.log(f"  {s.window_table} alone, 4 workers: {windowed.wall_s:.1f} s")
    out = [Measurement("4", "4 tables, 50 ms latency: speed-up 4 vs 1 worker",
                       ratio(walls[1].wall_s, walls[4].wall_s), 3.0, ">=",
                       absolute={"rows": counts, "wall_1_s": round(walls[1].wall_s, 2),
                                 "wall_4_s": round(walls[4].wall_s, 2), "source_cpu_4_s": round(walls[4].cpu_s, 2),
                                 "server_cpu_4_s": round(walls[4].server_cpu_s or 0, 2),
                                 "cpu_ceiling": round(cpu_ceiling(walls[1].wall_s, walls[4]), 2)},
                       note=_ceiling_note(walls[1], walls[4]))]
    one, many = _stream_seconds(walls[1], s.window_table), _stream_seconds(windowed, s.window_table)
    basis = "stream times from the source's own COMPLETE log lines (process start-up excluded on both sides)"
    if one is None or many is None:  # log format changed: fall back to wall time, start-up taken out
        startup = _startup(ctx).wall_s
        one = walls[1].wall_s * counts.get(s.window_table, 1) / max(sum(counts.values()), 1)
        many = max(windowed.wall_s - startup, 1e-9)
        basis = ("no COMPLETE log line found: 1 worker = its share of the 4-table wall time by rows, 4 workers = "
                 "wall minus start-up (approximate)")
    out.append(Measurement("4b", f"1 table ({s.window_table}) in time windows: speed-up 4 vs 1",
                           ratio(one or float("nan"), many or float("nan")), 3.0, ">=",
                           absolute={"rows": counts.get(s.window_table), "stream_s_1_worker": one,
                                     "stream_s_4_workers": many, "wall_4_s": round(windowed.wall_s, 2),
                                     "source_cpu_4_s": round(windowed.cpu_s, 2),
                                     "server_cpu_4_s": round(windowed.server_cpu_s or 0, 2),
                                     "windows": _split_note(windowed)},
                           note=basis + "; " + _ceiling_note_stream(one, windowed, _startup(ctx).cpu_s)))
    return out


def _stream_seconds(run: RunResult, stream: str) -> float | None:
    """Seconds the source reports for one stream ("Stream x: COMPLETE - n records in 12.3 s")."""
    pattern = re.compile(rf"Stream {re.escape(stream)}: COMPLETE - \d+ records in ([0-9.]+) s")
    for line in run.others:
        match = pattern.search(line.decode("utf-8", "replace"))
        if match:
            return float(match.group(1))
    return None


def _ceiling_note_stream(one: float | None, many: RunResult, startup: float) -> str:
    """The least time the windowed stream could take given the CPU both processes spent on it."""
    if not one:
        return ""
    busy = max((many.server_cpu_s or 0), many.cpu_s - startup, ((many.server_cpu_s or 0) + many.cpu_s - startup) / 2)
    return (f"the windowed run used {many.server_cpu_s or 0:.1f} s emulator CPU and {many.cpu_s:.1f} s source CPU "
            f"({startup:.1f} s of it start-up), so its stream cannot take less than ~{busy:.1f} s: "
            f"a ceiling of ~{one / busy:.1f}x" if busy > 0 else "")


def _ceiling_note(one: RunResult, many: RunResult) -> str:
    """Why the speed-up is what it is, from CPU figures of the same run."""
    return (f"with 4 workers the emulator used {many.server_cpu_s or 0:.1f} s CPU and the source {many.cpu_s:.1f} s "
            f"(each one Python process, <= 1 core under the GIL; 2 cores in all), so 4 workers cannot beat "
            f"{one.wall_s / cpu_ceiling(one.wall_s, many):.1f} s wall, a ceiling of "
            f"{cpu_ceiling(one.wall_s, many):.2f}x over {one.wall_s:.1f} s")


def _split_note(run: RunResult) -> str:
    """The source's own log line saying how it split the table (or that it did not)."""
    for line in run.tail:
        if "time windows" in line:
            return json.loads(line).get("log", {}).get("message", line)[:200] if line.startswith("{") else line[:200]
    return "no split logged"
