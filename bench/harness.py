"""Process plumbing for the benchmarks: start the emulator, run a command, measure it.

Every figure is taken from the *child* process (``os.wait4`` rusage), never from the harness, so the cost
of reading the child's stdout here does not leak into the connector's numbers. The emulator is a separate
process too, so its CPU never counts against the connector either.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import requests

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "bench" / "out"
PYTHON = sys.executable
_LISTENING = re.compile(r"listening on (http://\S+?)/api/v1 \(s2s token: ([^)\s]+)\)")
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
    server_cpu_s: float | None = None  # emulator CPU spent during this run (see Emulator.cpu_s)

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
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
    finally:
        killer.cancel()
        err.close()
        if stdin is not subprocess.DEVNULL:
            stdin.close()  # type: ignore[union-attr]
    if proc.returncode != 0:
        try:
            tail.extend((stderr_path or OUT / "last_stderr.log").read_text(errors="replace").splitlines()[-15:])
        except OSError:
            pass
    # Linux reports ru_maxrss in kilobytes.
    return RunResult(list(cmd), proc.returncode, wall, usage.ru_utime, usage.ru_stime, usage.ru_maxrss / 1024.0,
                     records, states, list(tail), others)


class Emulator:
    """The iDempiere REST emulator as a subprocess, started with CLI flags (docs/architecture.md).

    Start-up time includes seeding the data set, which is reported separately (``startup_s``).
    """

    def __init__(self, *, rows: int = 200, latency_ms: int = 0, dictionary: str | None = None,
                 db: Path | None = None, extra: Sequence[str] = (), timeout_s: float = 600.0,
                 name: str = "emulator") -> None:
        self.args = [PYTHON, "-m", "idempiere_emulator", "--host", "127.0.0.1", "--port", "0", "--rows", str(rows)]
        if db is not None:
            self.args += ["--db", str(db)]
        if latency_ms:
            self.args += ["--latency-ms", str(latency_ms)]
        if dictionary:
            self.args += ["--dictionary", dictionary]
        self.args += list(extra)
        self.timeout_s = timeout_s
        self.name = name
        self.proc: subprocess.Popen[bytes] | None = None
        self.base_url = ""
        self.token = ""
        self.startup_s = 0.0
        self.http = requests.Session()

    def __enter__(self) -> Emulator:
        OUT.mkdir(parents=True, exist_ok=True)
        log = open(OUT / f"{self.name}.log", "wb")
        start = time.perf_counter()
        self.proc = subprocess.Popen(self.args, stdout=subprocess.PIPE, stderr=log, cwd=REPO)
        assert self.proc.stdout is not None
        deadline = start + self.timeout_s
        lines: list[str] = []
        while time.perf_counter() < deadline:
            raw = self.proc.stdout.readline()
            if not raw:
                break
            text = raw.decode("utf-8", "replace").strip()
            lines.append(text)
            match = _LISTENING.search(text)
            if match:
                self.base_url, self.token = match.group(1), match.group(2)
                break
        if not self.base_url:
            self.__exit__(None, None, None)
            log.close()
            detail = (OUT / f"{self.name}.log").read_text(errors="replace")[-2000:]
            raise RuntimeError(f"emulator did not start: {' '.join(self.args)}\n{lines[-5:]}\n{detail}")
        self.startup_s = time.perf_counter() - start
        # Keep draining stdout so a chatty emulator can never block on a full pipe.
        threading.Thread(target=self._drain, args=(self.proc.stdout, log), daemon=True).start()
        return self

    @staticmethod
    def _drain(stream: IO[bytes], log: IO[bytes]) -> None:
        for raw in stream:
            log.write(raw)

    def __exit__(self, *exc: object) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.http.close()

    def cpu_s(self) -> float:
        """CPU seconds (user+sys) the emulator process has used so far, from /proc (Linux).

        Read before and after a run, it shows how much of a wall time was the server's own work:
        the server is one Python process (one core under the GIL), which bounds any speed-up.
        """
        if self.proc is None:
            return 0.0
        try:
            fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return float("nan")
        ticks = os.sysconf("SC_CLK_TCK")
        return (int(fields[11]) + int(fields[12])) / ticks

    @property
    def api_url(self) -> str:
        return self.base_url + "/api/v1"

    def control(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        """Call a ``/__emulator__/`` control endpoint (no auth, never faulted)."""
        resp = self.http.request(method, f"{self.base_url}/__emulator__/{path}", json=body, timeout=600)
        resp.raise_for_status()
        return resp.json() if resp.content else None

    def requests_log(self) -> list[dict[str, Any]]:
        return list(self.control("GET", "requests").get("requests", []))

    def clear_requests(self) -> None:
        self.control("DELETE", "requests")

    def count(self, table: str) -> int:
        return int(self.control("GET", f"count?table={table}")["count"])

    def touch(self, table: str, count: int) -> int:
        return int(self.control("POST", "touch", {"table": table, "count": count})["touched"])

    def set_faults(self, **faults: Any) -> None:
        self.control("POST", "faults", faults)


def run_against(emu: Emulator, cmd: Sequence[str], **kwargs: Any) -> RunResult:
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


def collection_gets(log: list[dict[str, Any]], table: str) -> list[dict[str, Any]]:
    """The GET page requests the connector made on one table's collection, in order (for the floor to replay)."""
    want = f"models/{table.lower()}"
    out = []
    for entry in log:
        path = str(entry.get("path", "")).rstrip("/")
        if entry.get("method", "GET") == "GET" and path.lower().endswith(want) and "/yaml" not in path:
            out.append(entry)
    return out
