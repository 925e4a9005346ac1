"""``make bench``: run the issue-6 measurements, print the table, write bench/results.json (+ .png if possible).

    python -m bench                 # everything, issue sizes (~10 min on 2 cores)
    python -m bench --only 1,3      # some scenarios (1 includes 6, the incremental sync)
    python -m bench --quick         # tiny sizes, to check the harness; figures are meaningless
"""
from __future__ import annotations

import argparse
import os
import platform
import signal
import sys
import time
import traceback
from pathlib import Path

from bench.frappe import scenarios as frappe
from bench.frappe.context import FrappeContext, FrappeSizes
from bench.harness import REPO
from bench.idempiere.context import Context, Sizes
from bench.idempiere.scenarios import ALIASES, DEFAULT_DICTIONARY, SCENARIOS
from bench.results import Measurement, format_table, write_json, write_plot


def main(argv: list[str] | None = None) -> int:
    """Run the chosen scenarios; a crashing scenario is reported as ERROR and the others still run."""
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    ap.add_argument("--only", default="", help="comma-separated scenarios (iDempiere 1,2,3,4,5; Frappe F1,F2,F5,F6,F7; "
                    "6 runs with 1, 4b with 4, 5b and 5c with 5, F3 with F1); 'idempiere' or 'frappe' for one ERP")
    ap.add_argument("--quick", action="store_true", help="tiny sizes; for checking the harness only")
    ap.add_argument("--repeats", type=int, default=1, help="repetitions of measurement 1 (min CPU is kept)")
    ap.add_argument("--strict-floor", action="store_true",
                    help="measurement 1 also against a floor that uses orjson (one more 200k-row read)")
    ap.add_argument("--dest-latency-ms", type=int, default=0,
                    help="measurement 5 with this emulator latency (a network between destination and ERP)")
    ap.add_argument("--dictionary", default=str(DEFAULT_DICTIONARY), help="dictionary.json for measurement 3")
    ap.add_argument("--doctypes", default=str(frappe.DEFAULT_DOCTYPES), help="doctypes.json for measurement F5")
    ap.add_argument("--json", default=str(REPO / "bench" / "results.json"))
    args = ap.parse_args(argv)
    # A terminated bench must still stop its emulators: turn SIGTERM into an exit that runs __exit__.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    sizes = Sizes.quick() if args.quick else Sizes()
    sizes.repeats = max(1, args.repeats)
    sizes.dest_latency_ms = args.dest_latency_ms
    groups = {"idempiere": list(SCENARIOS), "frappe": list(frappe.SCENARIOS)}
    wanted = [k.strip() for k in args.only.split(",") if k.strip()] or [*SCENARIOS, *frappe.SCENARIOS]
    wanted = [key for k in wanted for key in groups.get(k.lower(), [ALIASES.get(k, frappe.ALIASES.get(k, k))])]
    started = time.perf_counter()

    def log(msg: str) -> None:
        print(f"[{time.perf_counter() - started:6.1f}s] {msg}", flush=True)

    ctx = Context(sizes=sizes, dictionary=Path(args.dictionary), log=log)
    fctx = FrappeContext(sizes=FrappeSizes.quick() if args.quick else FrappeSizes(), doctypes=Path(args.doctypes), log=log)
    plan = [(key, title, scenario, ctx) for key, (title, scenario) in SCENARIOS.items()]
    plan += [(key, title, scenario, fctx) for key, (title, scenario) in frappe.SCENARIOS.items()]
    results: list[Measurement] = []
    for key, title, scenario, context in plan:
        if key not in wanted:
            continue
        log(f"scenario {key}: {title}")
        t0 = time.perf_counter()
        try:
            results.extend(scenario(context))
        except Exception as exc:  # noqa: BLE001 - one broken part must not hide the other figures
            traceback.print_exc(file=sys.stderr)
            results.append(Measurement(key, title, error=str(exc).splitlines()[0][:300]))
        log(f"scenario {key} done in {time.perf_counter() - t0:.1f} s")

    results.sort(key=lambda m: m.key)
    print()
    print(format_table(results))
    meta = {"date": time.strftime("%Y-%m-%d %H:%M:%S %Z"), "machine": platform.platform(),
            "cpus": os.cpu_count(), "python": platform.python_version(), "quick": args.quick,
            "sizes": {k: v for k, v in vars(sizes).items()}, "frappe_sizes": dict(vars(fctx.sizes)),
            "total_s": round(time.perf_counter() - started, 1),
            "seeding_s": ctx.shared.get("seeding", {}) or "all seeded databases came from bench/out/cache",
            "frappe_seeding_s": fctx.shared.get("seeding", {}) or "all seeded databases came from bench/out/cache",
            "peer": {"package": "tap-erpnext", "version": fctx.shared.get("peer_version", "not run")},
            "note": "absolute figures are for this machine only; ratios are taken within one run"}
    json_path = Path(args.json)
    write_json(json_path, results, meta)
    print(f"\nresults written to {json_path}")
    print(write_plot(json_path.with_suffix(".png"), results))
    print(f"total {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
