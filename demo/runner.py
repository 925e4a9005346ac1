"""What every ERP's demo shares: numbered steps with timings, one loud failure report, the emulator always stopped."""
from __future__ import annotations

import os
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from erp_emulator.process import EmulatorProcess

E = TypeVar("E", bound=EmulatorProcess)


class DemoCheckFailed(RuntimeError):
    """What the demo observed disagrees with the emulator's database."""


def say(message: str) -> None:
    """Progress goes to stdout immediately, so `make demo` shows each step as it happens."""
    print(message, flush=True)


def run_demo(start_title: str, start: Callable[[], E], steps: list[tuple[str, Callable[[E], None]]],
             summary: Callable[[], None]) -> int:
    """Start the emulator (step 1), run each ``(name, step(emu))`` in order, then print ``summary()`` and the
    total time.

    Returns 0 only when every step ran and every check held. The emulator is stopped whatever happens; a
    failure names its step and the emulator's log, and returns 1.
    """
    total = len(steps) + 1
    emu: E | None = None
    started = time.monotonic()
    step_name = "start the emulator"
    try:
        say(f"[1/{total}] {start_title} ...")
        emu = start()
        say(f"  listening on {emu.api_url} (log: {emu.log_path})")
        for number, (step_name, run) in enumerate(steps, start=2):
            say(f"[{number}/{total}] {step_name[0].upper()}{step_name[1:]} ...")
            step_started = time.monotonic()
            run(emu)
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
    summary()
    say(f"Finished in {time.monotonic() - started:.0f} s; the emulator has been stopped.")
    return 0


def fresh_duckdb(output: Path, name: str) -> Path:
    """``<output>/<name>.duckdb`` with what an earlier demo left there (the file and its WAL) removed, so each
    run starts from an empty cache; ``output`` is created."""
    output.mkdir(parents=True, exist_ok=True)
    db_path = output / f"{name}.duckdb"
    for stale in (db_path, db_path.with_suffix(".duckdb.wal")):
        stale.unlink(missing_ok=True)
    return db_path
