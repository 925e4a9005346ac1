"""`make demo`: emulator -> PyAirbyte -> DuckDB, incremental re-sync, reverse ETL, summary.

Run from the repository root as ``python -m demo`` (the Makefile does). Exit status 0 only when
every step ran and every check against the emulator held.
"""
from __future__ import annotations

import os
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from demo.emulator_process import EmulatorProcess, start_emulator
from demo.pyairbyte_io import duckdb_cache
from demo.steps import TABLES, DemoResult, edit_in_erp, full_sync, incremental_sync, read_back, reverse_etl, say

OUTPUT = Path(os.environ.get("DEMO_OUTPUT", "demo_output")).resolve()
ROWS = int(os.environ.get("DEMO_ROWS", "1000"))  # C_Order rows; lines, invoices etc. scale with it


def main() -> int:
    """Run every step in order; the emulator is stopped whatever happens."""
    OUTPUT.mkdir(parents=True, exist_ok=True)
    db_path = OUTPUT / "idempiere.duckdb"
    for stale in (db_path, db_path.with_suffix(".duckdb.wal")):
        stale.unlink(missing_ok=True)
    result = DemoResult(duckdb_path=db_path)
    emu: EmulatorProcess | None = None
    started = time.monotonic()
    step_name = "start the emulator"
    try:
        say(f"[1/6] Starting the iDempiere REST emulator (--rows {ROWS}) ...")
        emu = start_emulator(OUTPUT / "emulator.log", "--rows", str(ROWS))
        say(f"  listening on {emu.base_url}/api/v1 (log: {emu.log_path})")
        cache = duckdb_cache(db_path)
        steps: list[tuple[str, Callable[[], None]]] = [
            ("full sync into DuckDB", lambda: full_sync(emu, cache, result)),
            ("edit rows in the ERP", lambda: edit_in_erp(emu, cache, result)),
            ("incremental sync", lambda: incremental_sync(emu, cache, result)),
            ("reverse ETL through destination-idempiere", lambda: reverse_etl(emu, OUTPUT, result)),
            ("read the written rows back", lambda: read_back(emu, cache, result)),
        ]
        for number, (step_name, run) in enumerate(steps, start=2):
            say(f"[{number}/6] {step_name[0].upper()}{step_name[1:]} ...")
            step_started = time.monotonic()
            run()
            say(f"  done in {time.monotonic() - step_started:.1f} s")
    except Exception as exc:  # noqa: BLE001 - report any failure, then exit non-zero
        say(f"\nDEMO FAILED at step '{step_name}': {type(exc).__name__}: {exc}")
        if os.environ.get("DEMO_TRACEBACK"):
            traceback.print_exc()
        else:
            say("  (set DEMO_TRACEBACK=1 for the traceback; connector logs are under PyAirbyte's log folder)")
        if emu is not None:
            say(f"  emulator log: {emu.log_path}")
        return 1
    finally:
        if emu is not None:
            emu.stop()
    print_summary(result, time.monotonic() - started)
    return 0


def print_summary(result: DemoResult, seconds: float) -> None:
    """A short table a person can read at a glance."""
    say("\n== Summary " + "=" * 60)
    say(f"{'table':<14}{'rows in DuckDB':>16}{'changed in 2nd sync':>22}{'edited in ERP':>16}")
    for stream in TABLES:
        say(f"{stream:<14}{result.rows.get(stream, 0):>16,}{result.changed.get(stream, 0):>22,}"
            f"{result.edited.get(stream, 0):>16,}")
    say(f"Written back through destination-idempiere: {len(result.written_back)} new c_bpartner rows "
        f"({', '.join(r['value'] for r in result.written_back)}), group given by identifier; "
        f"{len(result.read_back)} read back by the next sync.")
    say("(`changed in 2nd sync` also counts rows re-read inside the source's look-back window.)")
    say(f"DuckDB file: {result.duckdb_path}")
    say(f"Finished in {seconds:.0f} s; the emulator has been stopped.")


if __name__ == "__main__":
    sys.exit(main())
