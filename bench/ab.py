"""Interleaved A/B of one source read from two checkouts: the "before / after" figures of bench/README.md.

On a shared, noisy machine a figure is only worth comparing with one taken beside it. This runs the same
read from checkout A and checkout B alternately (A, B, B, A, ...) against one emulator and prints each run's
CPU per record (the child's own ``user + sys``) and wall time, then the medians. Each checkout needs its own
venv with the project installed (``python -m venv <tree>/.venv && <tree>/.venv/bin/pip install -e <tree>``;
a checkout of an older commit: ``git worktree add --detach <dir> <commit>``).

    python -m bench.ab idempiere /tmp/before . --rounds 3            # 200k c_order, 1 worker, loopback
    python -m bench.ab frappe /tmp/before . --rounds 3 --workers 4   # 200k Sales Orders, 20 ms latency
"""
from __future__ import annotations

import argparse
import shutil
import statistics
from pathlib import Path

from bench.harness import OUT, RunResult, run_against
from bench.seed_cache import working_copy

ROWS = 200_000


def _runs(erp: str, trees: list[Path], rounds: int, workers: int) -> dict[Path, list[RunResult]]:
    results: dict[Path, list[RunResult]] = {t: [] for t in trees}
    if erp == "idempiere":
        from bench.idempiere import connectors as connectors_i
        from bench.idempiere.dataset import seeded_db as seeded_i
        from bench.idempiere.emulator import emulator as emulator_i

        db = working_copy(seeded_i(ROWS)[0], "ab")
        emu_cm = emulator_i(rows=ROWS, db=db, name="ab_emulator")
        script, prepare = "source-idempiere", lambda emu: connectors_i.prepare_read(
            emu, "ab", ["c_order"], num_workers=workers)
    else:
        from bench.frappe import connectors as connectors_f
        from bench.frappe.site import emulator as emulator_f
        from bench.frappe.site import seeded_db as seeded_f

        db = working_copy(seeded_f(ROWS)[0], "ab")
        emu_cm = emulator_f(rows=ROWS, latency_ms=20, db=db, name="ab_emulator")
        script, prepare = "source-frappe", lambda emu: connectors_f.prepare_read(
            emu, "ab", [connectors_f.SALES_ORDER], num_workers=workers, child_tables="streams")
    with emu_cm as emu:
        config, catalog = prepare(emu)
        for r in range(rounds):
            for tree in trees if r % 2 == 0 else trees[::-1]:
                cmd = [str(tree / ".venv" / "bin" / script), "read", "--config", str(config), "--catalog", str(catalog)]
                run = run_against(emu, cmd, stderr_path=OUT / "ab.stderr.log").check(f"{script} from {tree}")
                results[tree].append(run)
                print(f"{tree}: {run.cpu_us_per_record:.1f} µs/record, wall {run.wall_s:.2f} s", flush=True)
    return results


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("erp", choices=("idempiere", "frappe"))
    ap.add_argument("a", type=Path, help="checkout A (the 'before')")
    ap.add_argument("b", type=Path, help="checkout B (the 'after')")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--workers", type=int, default=1)
    args = ap.parse_args(argv)
    trees = [args.a.resolve(), args.b.resolve()]
    for tree in trees:
        if shutil.which("python", path=str(tree / ".venv" / "bin")) is None:
            ap.error(f"{tree} has no .venv: create one with the project installed (see the module docstring)")
    results = _runs(args.erp, trees, args.rounds, args.workers)
    for tree, runs in results.items():
        cpu = statistics.median(r.cpu_us_per_record for r in runs)
        wall = statistics.median(r.wall_s for r in runs)
        print(f"{tree}: median {cpu:.1f} µs/record CPU, wall {wall:.2f} s "
              f"(CPU {min(r.cpu_us_per_record for r in runs):.1f}-{max(r.cpu_us_per_record for r in runs):.1f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
