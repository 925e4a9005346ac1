"""Measurements 5 and 6 of issue 15: Frappe discovery at scale, and destination-frappe's inserts and Link lookups."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bench.frappe import connectors as C
from bench.frappe import peer
from bench.frappe.context import FrappeContext
from bench.frappe.scenarios_read import ensure_peer
from bench.frappe.site import emulator
from bench.harness import (
    OUT,
    RunResult,
    run_against,
    run_measured,
    write_json,
)
from bench.results import Measurement, ratio
from frappe_emulator.model.registry import CHILD_STANDARD, OPTIONAL_STANDARD, STANDARD

# Columns the emulator adds to every table itself. A dictionary field of the same name (Communication's
# `_user_tags` in doctypes.json) makes `--doctypes` fail with "duplicate column name" (reported); the bench
# leaves such fields out of the file it derives, which changes nothing discovery sees (they are served anyway).
_EMULATOR_COLUMNS = {*STANDARD, *CHILD_STANDARD, *OPTIONAL_STANDARD}

# ------------------------------------------------------------------ 5


def scaled_doctypes(source: Path, target: int, out: Path) -> int:
    """Write ``source``'s DocTypes plus synthetic copies (``<name> Copy N``) up to ``target``; returns the count.

    Copies keep every field (Links still point at the originals), so each costs discovery what its original does.
    """
    data = json.loads(source.read_text())
    originals = [
        {**dt, "fields": [f for f in dt.get("fields", []) if f.get("fieldname") not in _EMULATOR_COLUMNS]}
        for dt in data.get("doctypes", [])
        if dt.get("name")
    ]
    doctypes = list(originals)
    copy = 0
    while len(doctypes) < target and originals:
        copy += 1
        for dt in originals:
            if len(doctypes) >= target:
                break
            doctypes.append({**dt, "name": f"{dt['name']} Copy {copy}"})
    out.write_text(
        json.dumps(
            {
                "source": {"derived_from": str(source), "synthetic_copies": len(doctypes) - len(originals)},
                "doctypes": doctypes,
            }
        )
    )
    return len(doctypes)


def discovery(ctx: FrappeContext) -> list[Measurement]:
    """5: ``source-frappe discover`` of every DocType (dictionary + copies to 1,000) at ``latency_ms``."""
    s = ctx.sizes
    title = f"Frappe: discover {s.discover_target} DocTypes at {s.latency_ms} ms/request (wall)"
    if not ctx.doctypes.is_file():
        return [
            Measurement(
                "F5", title, unit="s", skipped=f"{ctx.doctypes} is absent; Frappe discovery at scale not measured"
            )
        ]
    served = scaled_doctypes(ctx.doctypes, s.discover_target, OUT / "f5_doctypes.json")
    with emulator(rows=200, latency_ms=s.latency_ms, doctypes=OUT / "f5_doctypes.json", name="frappe_dict") as emu:
        config = write_json(OUT / "f5.config.json", C.source_config(emu, None))
        emu.clear_requests()
        run = run_measured(C.discover_cmd(config), keep_other=True).check("source-frappe discover")
        requests_made = len(emu.requests_log())
        peer_run: RunResult | None = None
        try:  # informational: the peer's own --discover over the same site (one sample request per stream)
            ensure_peer(ctx)
            tap_config = write_json(
                OUT / "f5.tap_config.json", peer.peer_config(emu.base_url, emu.api_key, emu.api_secret, [])
            )
            tap_cfg = json.loads(tap_config.read_text())
            tap_cfg.pop("doctypes")  # every DocType, as the tap does when none are named
            write_json(tap_config, tap_cfg)
            peer_run = run_measured(
                [str(peer.tap_bin()), "--config", str(tap_config), "--discover"], plain_lines=True, timeout_s=900
            )
        except Exception as exc:  # noqa: BLE001 - the peer's figure is context, never a reason to lose ours
            ctx.log(f"  peer discover failed: {exc}")
    streams = 0
    for line in run.others:
        if b'"CATALOG"' in line[:40]:
            streams = len(json.loads(line)["catalog"]["streams"])
    sequential = requests_made * s.latency_ms / 1000.0
    absolute: dict[str, Any] = {
        "wall_s": round(run.wall_s, 2),
        "cpu_s": round(run.cpu_s, 2),
        "doctypes_served_from_file": served,
        "streams": streams,
        "requests": requests_made,
        "sequential_estimate_s": round(sequential, 1),
    }
    if peer_run is not None:
        absolute["peer_discover"] = {"wall_s": round(peer_run.wall_s, 2), "returncode": peer_run.returncode}
    return [
        Measurement(
            "F5",
            title.replace(f"{s.discover_target} DocTypes", f"{streams} streams"),
            run.wall_s,
            20.0,
            "<",
            unit="s",
            absolute=absolute,
            note=f"{requests_made} requests x {s.latency_ms} ms = {sequential:.1f} s if sequential",
        )
    ]


# ------------------------------------------------------------------ 6


def _write(
    ctx: FrappeContext, emu: Any, name: str, count: int, batch_size: int
) -> tuple[RunResult, dict[str, int], int]:
    before = emu.count("Customer")
    input_path = OUT / f"{name}.input.jsonl"
    distinct = C.customer_input(input_path, count, prefix=name.upper())
    config = write_json(
        OUT / f"{name}.config.json",
        {"site_url": emu.base_url, "credentials": C.credentials(emu), "batch_size": batch_size},
    )
    catalog = write_json(OUT / f"{name}.catalog.json", C.customer_catalog())
    emu.clear_requests()
    run = run_against(
        emu, C.write_cmd(config, catalog), stdin_path=input_path, stderr_path=OUT / f"{name}.stderr.log"
    ).check(f"destination-frappe write (batch {batch_size})")
    written = emu.count("Customer") - before
    if written != count:
        raise RuntimeError(
            f"{name}: {written} Customers written for {count} records (see {OUT / (name + '.stderr.log')})"
        )
    lookups = sum(
        1
        for e in emu.requests_log()
        if e.get("method") == "GET"
        and any(t in str(e.get("path")) for t in ("Customer%20Group", "Customer Group", "/Territory"))
    )
    return run, distinct, lookups


def _slope(
    ctx: FrappeContext, emu: Any, name: str, count: int, batch_size: int
) -> tuple[float, RunResult, tuple[RunResult, dict[str, int], int]]:
    """Documents per second of a write's per-document work: two writes (``count`` / 5 and ``count``), and the
    extra documents over the extra wall time, so the fixed cost of a run (start-up, login, metas) drops out."""
    small, _, _ = _write(ctx, emu, f"{name}_small", max(1, count // 5), batch_size)
    large = _write(ctx, emu, name, count, batch_size)
    extra = count - max(1, count // 5)
    return extra / max(large[0].wall_s - small.wall_s, 1e-9), small, large


def destination(ctx: FrappeContext) -> list[Measurement]:
    """6: Customer inserts through insert_many (batch_size 100) vs single POSTs (batch_size 1); 6b: lookups;
    6c: the same over a network (informational)."""
    s = ctx.sizes
    with emulator(rows=200, name="frappe_dest") as emu:
        batch_rate, batch_small, (batch, distinct, lookups) = _slope(ctx, emu, "f6_batch", s.dest_records, 100)
        single_rate, single_small, (single, _, _) = _slope(ctx, emu, "f6_single", s.dest_single_records, 1)
    rate = {"batch": batch_rate, "single": single_rate}
    ctx.log(
        f"  insert_many {rate['batch']:.0f} docs/s, single POSTs {rate['single']:.0f} docs/s; lookups {lookups} "
        f"for {sum(distinct.values())} distinct values"
    )
    raw = ratio(s.dest_records / batch.wall_s, s.dest_single_records / single.wall_s)
    with emulator(rows=200, latency_ms=s.dest_network_latency_ms, name="frappe_dest_net") as emu:
        net = {
            "batch": _slope(ctx, emu, "f6c_batch", s.dest_network_records, 100)[0],
            "single": _slope(ctx, emu, "f6c_single", s.dest_network_single_records, 1)[0],
        }
    ctx.log(f"  at {s.dest_network_latency_ms} ms: insert_many {net['batch']:.0f} docs/s, single {net['single']:.0f}")
    return [
        Measurement(
            "F6",
            "Frappe destination docs/s: insert_many / single POSTs",
            ratio(rate["batch"], rate["single"]),
            5.0,
            ">=",
            absolute={
                "batch_docs_per_s": round(rate["batch"]),
                "single_docs_per_s": round(rate["single"]),
                "raw_ratio_with_startup": round(raw, 2),
                "small_runs_wall_s": {"batch": round(batch_small.wall_s, 2), "single": round(single_small.wall_s, 2)},
                "batch": batch.as_dict(),
                "single": single.as_dict(),
                "server_cpu_s": {"batch": batch.server_cpu_s, "single": single.server_cpu_s},
            },
            note=f"{s.dest_records} vs {s.dest_single_records} Customers (append, batch_size 100 vs 1), "
            "docs/s from two runs per mode (a fifth, then all): extra documents / extra wall, so the fixed "
            "cost of a run drops out",
        ),
        Measurement(
            "F6b",
            "Frappe destination Link lookups / distinct values",
            ratio(lookups, sum(distinct.values())),
            1.0,
            "<=",
            absolute={"lookups": lookups, "distinct": distinct},
            note="GETs on Customer Group and Territory during the insert_many run",
        ),
        Measurement(
            "F6c",
            f"Frappe destination over a {s.dest_network_latency_ms} ms network: insert_many / single (info)",
            ratio(net["batch"], net["single"]),
            None,
            absolute={
                "batch_docs_per_s": round(net["batch"]),
                "single_docs_per_s": round(net["single"]),
                "records": {"batch": s.dest_network_records, "single": s.dest_network_single_records},
            },
            note="the same comparison with every request waiting the latency (a site across a network)",
        ),
    ]
