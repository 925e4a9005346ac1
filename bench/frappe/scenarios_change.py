"""Measurement 2 of issue 15: source-frappe and tap-erpnext read while a writer changes the data (churn.py)."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import requests

from bench.frappe import connectors as C
from bench.frappe import peer
from bench.frappe.churn import Writer, compare, emitted, schedule
from bench.frappe.context import FrappeContext
from bench.frappe.scenarios_read import PARENT_ONLY, ensure_peer, seeded
from bench.frappe.site import emulator
from bench.harness import OUT, REPO, write_json
from bench.protocol import final_state
from bench.results import Measurement
from bench.seed_cache import working_copy

SITE_ZONE = ZoneInfo("Asia/Kolkata")  # the emulator's default --tz: the zone of every naive `modified`


def _rows(emu: Any, fields: list[str]) -> list[dict[str, Any]]:
    """Every Sales Order (``limit_page_length=0``), straight from the API as the System Manager sees it."""
    resp = requests.get(
        f"{emu.base_url}/api/resource/{C.SALES_ORDER}",
        params={"fields": json.dumps(fields), "limit_page_length": "0"},
        headers={"Authorization": f"token {emu.api_key}:{emu.api_secret}"},
        timeout=600,
    )
    resp.raise_for_status()
    return resp.json()["data"]


def _run(cmd: list[str], out: Path, what: str) -> list[bytes]:
    """Run a reader with stdout to a file; its lines (this measurement counts rows, not time)."""
    with open(out, "wb") as fh, open(out.with_suffix(".stderr.log"), "wb") as err:
        code = subprocess.run(cmd, check=False, stdout=fh, stderr=err, cwd=REPO, timeout=1800).returncode
    lines = out.read_bytes().splitlines()
    if code != 0:
        raise RuntimeError(f"{what} exited {code}: {b' '.join(lines[-5:])[-1500:].decode(errors='replace')}")
    return lines


def _reader(ctx: FrappeContext, who: str, names: list[str]) -> dict[str, Any]:
    """One reader's first sync under the writer, its incremental sync after, and its figures against truth."""
    s = ctx.sizes
    db = working_copy(seeded(ctx, s.churn_rows), f"f2_{who}")
    with emulator(rows=s.churn_rows, latency_ms=s.latency_ms, db=db, name=f"frappe_churn_{who}") as emu:
        if who == "source":
            config, catalog = C.prepare_read(emu, "f2_source", [C.SALES_ORDER], **PARENT_ONLY)
            first_cmd = C.read_cmd(config, catalog)
        else:
            config, catalog = peer.prepare(
                "f2_tap", peer.peer_config(emu.base_url, emu.api_key, emu.api_secret, [C.SALES_ORDER]), [C.SALES_ORDER]
            )
            first_cmd = peer.read_cmd(config, catalog)
        ops = schedule(names, int(s.churn_ops_per_s * 900), s.churn_seed)
        writer = Writer(emu, ops, s.churn_ops_per_s).start()
        started = time.perf_counter()
        first = _run(first_cmd, OUT / f"f2_{who}_first.jsonl", f"{who} first sync")
        seconds = time.perf_counter() - started
        done = writer.stop()
        time.sleep(1.5)  # let the last written second close (the tap's bookmark filter has whole seconds)
        if who == "source":
            states = [json.loads(line) for line in first if b'"STATE"' in line[:40]]
            state_path = write_json(OUT / "f2_source.state.json", final_state(states))
            second_cmd = C.read_cmd(config, catalog, state_path)
        else:
            state_path = write_json(OUT / "f2_tap.state.json", peer.final_state(first))
            second_cmd = peer.read_cmd(config, catalog, state_path)
        second = _run(second_cmd, OUT / f"f2_{who}_second.jsonl", f"{who} second sync")
        truth = {row["name"]: row["modified"] for row in _rows(emu, ["name", "modified"])}
    figures = compare(emitted(first), emitted(second), truth, SITE_ZONE)
    ctx.log(f"  {who}: first sync {seconds:.1f} s under {done}; {figures}")
    return {**figures, "writes": done, "first_sync_s": round(seconds, 1)}


def reads_under_change(ctx: FrappeContext) -> list[Measurement]:
    """2: both readers, the same data and the same write schedule; lost/stale/duplicated against truth."""
    s = ctx.sizes
    version = ensure_peer(ctx)
    with emulator(rows=s.churn_rows, db=seeded(ctx, s.churn_rows), name="frappe_churn_names") as emu:
        names = sorted(row["name"] for row in _rows(emu, ["name"]))
    source = _reader(ctx, "source", names)
    tap = _reader(ctx, "tap", names)
    note = (
        f"{s.churn_rows} Sales Orders, {s.latency_ms} ms latency, writer at {s.churn_ops_per_s:g} ops/s "
        f"(70% edits, 15% inserts, 15% delete attempts; seed {s.churn_seed}); then one incremental sync each"
    )
    return [
        Measurement(
            "F2",
            "Frappe under change: source-frappe lost + stale rows",
            source["lost"] + source["stale"],
            0,
            "<=",
            unit="",
            absolute={"source": source},
            note=note,
        ),
        Measurement(
            "F2b",
            f"Frappe under change: {peer.PEER_PACKAGE} lost + stale rows (peer)",
            tap["lost"] + tap["stale"],
            None,
            unit="",
            absolute={"peer": f"{peer.PEER_PACKAGE} {version}", "tap": tap},
            note="informational: the peer's figures beside the source's",
        ),
    ]
