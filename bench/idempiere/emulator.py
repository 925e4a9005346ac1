"""The iDempiere emulator for a measurement: a child process started with CLI flags (idempiere_emulator.child).

Start-up time includes seeding the data set, which is reported separately (``startup_s``); the emulator is a
separate process, so its CPU never counts against the connector's figures.
"""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from bench.harness import OUT, REPO
from idempiere_emulator.child import EmulatorChild

CONTROL_TIMEOUT_S = 600.0  # a touch or count on a 500k-row table is slow; it is never part of a figure


def emulator(*, rows: int = 200, latency_ms: int = 0, dictionary: str | None = None, db: Path | None = None,
             extra: Sequence[str] = (), timeout_s: float = 600.0, name: str = "emulator") -> EmulatorChild:
    """An unstarted emulator child (``with emulator(...) as emu``) logging to ``bench/out/<name>.log``."""
    args = ["--rows", str(rows)]
    if db is not None:
        args += ["--db", str(db)]
    if latency_ms:
        args += ["--latency-ms", str(latency_ms)]
    if dictionary:
        args += ["--dictionary", dictionary]
    args += list(extra)
    return EmulatorChild(OUT / f"{name}.log", *args, startup_timeout_s=timeout_s,
                         control_timeout_s=CONTROL_TIMEOUT_S, cwd=REPO)
