"""Process plumbing for every ERP's benchmarks: run a command against an emulator child, measure it.

Every figure is taken from the *child* process (``os.wait4`` rusage), never from the harness, so the cost
of reading the child's stdout here does not leak into the connector's numbers. The emulator is a separate
process too, so its CPU never counts against the connector either.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from erp_emulator.process import EmulatorProcess

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "bench" / "out"
PYTHON = sys.executable
_RECORD_MARKERS = (b'"type":"RECORD"', b'"type": "RECORD"')
_STATE_MARKERS = (b'"type":"STATE"', b'"type": "STATE"')


def bin_path(name: str) -> str:
    """Console script next to the running interpreter (the repo venv), so no PATH lookup can pick another one."""
    candidate = Path(PYTHON).with_name(name)
    return str(candidate) if candidate.exists() else name


@dataclass
class RunResult:
    """What one measured subprocess cost. CPU and RSS are the child's own (rusage of that pid)."""

    cmd: list[str]
    returncode: int
    wall_s: float
    user_s: float
    sys_s: float
    maxrss_mb: float
    records: int
    states: list[dict[str, Any]] = field(default_factory=list)
    tail: list[str] = field(default_factory=list)  # last non-record stdout lines, for diagnostics
    others: list[bytes] = field(default_factory=list)  # non-record, non-state lines when keep_other
    server_cpu_s: float | None = None  # emulator CPU spent during this run (see EmulatorProcess.cpu_s)

    @property
    def cpu_s(self) -> float:
        return self.user_s + self.sys_s

    @property
    def cpu_us_per_record(self) -> float:
        return 1e6 * self.cpu_s / self.records if self.records else float("nan")

    @property
    def records_per_s(self) -> float:
        return self.records / self.wall_s if self.wall_s > 0 else float("nan")

    @property
    def last_state(self) -> dict[str, Any] | None:
        return self.states[-1] if self.states else None

    def check(self, what: str) -> RunResult:
        """Raise with the child's last output lines when it failed, so a broken run is never reported as a figure."""
        if self.returncode != 0:
            tail = "\n    ".join(self.tail[-15:])
            raise RuntimeError(f"{what} exited with {self.returncode}: {' '.join(self.cmd)}\n    {tail}")
        return self

    def as_dict(self) -> dict[str, Any]:
        return {
            "wall_s": round(self.wall_s, 3),
            "user_s": round(self.user_s, 3),
            "sys_s": round(self.sys_s, 3),
            "cpu_s": round(self.cpu_s, 3),
            "maxrss_mb": round(self.maxrss_mb, 1),
            "records": self.records,
            "cpu_us_per_record": round(self.cpu_us_per_record, 2) if self.records else None,
            "records_per_s": round(self.records_per_s, 1) if self.records else None,
            **({"server_cpu_s": round(self.server_cpu_s, 2)} if self.server_cpu_s is not None else {}),
        }


def classify_line(line: bytes) -> str:
    """'record', 'state' or 'other' from the start of an Airbyte message line (cheap: no JSON parse)."""
    head = line[:40]
    if any(m in head for m in _RECORD_MARKERS):
        return "record"
    if any(m in head for m in _STATE_MARKERS):
        return "state"
    return "other"


def run_measured(
    cmd: Sequence[str],
    *,
    stdin_path: Path | None = None,
    env: dict[str, str] | None = None,
    keep_states: bool = False,
    stderr_path: Path | None = None,
    timeout_s: float = 900.0,
    plain_lines: bool = False,
    keep_other: bool = False,
) -> RunResult:
    """Run ``cmd``, count RECORD lines on its stdout, and return the child's wall, CPU and peak RSS.

    stdin comes from a file (not from this process) so the feeder costs nothing to anybody.
    ``plain_lines`` counts every non-empty line as a record (the floor client writes bare JSON lines);
    ``keep_other`` keeps every other line whole (e.g. the CATALOG message of ``discover``).
    """
    OUT.mkdir(parents=True, exist_ok=True)
    err = open(stderr_path or OUT / "last_stderr.log", "wb")
    stdin: IO[bytes] | int = open(stdin_path, "rb") if stdin_path else subprocess.DEVNULL
    full_env = {**os.environ, "PYTHONUNBUFFERED": "0", **(env or {})}
    start = time.perf_counter()
    proc = subprocess.Popen(list(cmd), stdout=subprocess.PIPE, stderr=err, stdin=stdin, env=full_env, cwd=REPO)
    killer = threading.Timer(timeout_s, proc.kill)
    killer.start()
    peak = PeakRss(proc.pid).start()
    records = 0
    states: list[dict[str, Any]] = []
    tail: deque[str] = deque(maxlen=40)
    others: list[bytes] = []
    pending = b""
    assert proc.stdout is not None
    try:
        while True:
            chunk = proc.stdout.read1(1 << 20)
            if not chunk:
                break
            lines = (pending + chunk).split(b"\n")
            pending = lines.pop()
            if plain_lines:
                records += sum(1 for line in lines if line)
                continue
            for line in lines:
                kind = classify_line(line)
                if kind == "record":
                    records += 1
                elif kind == "state":
                    if keep_states:
                        states.append(json.loads(line))
                elif line.strip():
                    tail.append(line[:2000].decode("utf-8", "replace"))
                    if keep_other:
                        others.append(line)
        if pending.strip() and plain_lines:
            records += 1
        elif pending.strip():
            kind = classify_line(pending)
            records += kind == "record"
            if kind == "state" and keep_states:
                states.append(json.loads(pending))
            elif kind == "other":
                tail.append(pending[:2000].decode("utf-8", "replace"))
                if keep_other:
                    others.append(pending)
        peak.stop()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
    finally:
        peak.stop()
        killer.cancel()
        err.close()
        if stdin is not subprocess.DEVNULL:
            stdin.close()  # type: ignore[union-attr]
    if proc.returncode != 0:
        try:
            tail.extend((stderr_path or OUT / "last_stderr.log").read_text(errors="replace").splitlines()[-15:])
        except OSError:
            pass
    # Linux reports both in kilobytes. ru_maxrss also counts the forked copy of this (large) process before
    # the exec (the kernel keeps the pre-exec high-water mark), so the polled figure is preferred.
    maxrss_kb = peak.kb if peak.kb else usage.ru_maxrss
    return RunResult(
        list(cmd),
        proc.returncode,
        wall,
        usage.ru_utime,
        usage.ru_stime,
        maxrss_kb / 1024.0,
        records,
        states,
        list(tail),
        others,
    )


class PeakRss:
    """The child's own peak RSS (``VmHWM`` of ``/proc/<pid>/status``), polled while it runs.

    ``ru_maxrss`` from ``wait4`` is not the child's own figure: a child is forked from the bench process and
    Linux carries the forked image's high-water mark across ``exec``, so every child would report at least
    the bench's own RSS (hundreds of MB after a measurement that kept a large output). ``VmHWM`` belongs to
    the exec'd program; it is only read once the child's command line differs from this process's (i.e.
    after the exec), and is monotonic, so the last reading before exit is the peak.
    """

    def __init__(self, pid: int, interval_s: float = 0.02) -> None:
        self.pid = pid
        self.interval_s = interval_s
        self.kb = 0
        self._own = _read(Path("/proc/self/cmdline"))
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="peak-rss", daemon=True)

    def start(self) -> PeakRss:
        if self._own:  # no /proc: fall back to ru_maxrss
            self._thread.start()
        return self

    def stop(self) -> None:
        if not self._stop.is_set():
            self._stop.set()
            if self._thread.is_alive():
                self._thread.join(timeout=5)
            self.sample()

    def sample(self) -> None:
        base = Path(f"/proc/{self.pid}")
        cmdline = _read(base / "cmdline")
        if not cmdline or cmdline == self._own:
            return  # gone, a zombie, or not exec'd yet
        for line in _read(base / "status").splitlines():
            if line.startswith(b"VmHWM:"):
                self.kb = max(self.kb, int(line.split()[1]))

    def _run(self) -> None:
        started = time.monotonic()
        while True:  # fast at first, so a short-lived child is still read after its exec
            fast = time.monotonic() - started < 0.5
            if self._stop.wait(0.002 if fast else self.interval_s):
                return
            self.sample()


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""


def run_against(emu: EmulatorProcess, cmd: Sequence[str], **kwargs: Any) -> RunResult:
    """``run_measured`` plus the emulator CPU used meanwhile (the server's share of the wall time)."""
    before = emu.cpu_s()
    run = run_measured(cmd, **kwargs)
    run.server_cpu_s = emu.cpu_s() - before
    return run


def cpu_ceiling(wall_1: float, run_n: RunResult, cores: int | None = None) -> float:
    """Best speed-up the CPU allows: the parallel run can be no faster than the emulator's own CPU or
    the source's own CPU (each one Python process: at most one core under the GIL), nor than all of
    that CPU spread over every core."""
    cores = cores or os.cpu_count() or 1
    server = run_n.server_cpu_s or 0.0
    floor_wall = max(server, run_n.cpu_s, (server + run_n.cpu_s) / cores)
    return wall_1 / floor_wall if floor_wall > 0 else float("nan")


def write_json(path: Path, data: Any) -> Path:
    """Write a config/catalog file for a connector command line."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1))
    return path
