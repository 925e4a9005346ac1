"""An emulator CLI as a child process: start it on a free port, wait for its ready line, control it, stop it.

The one wrapper that tests, the demo and the benchmarks use. The child's stdout and stderr go to a log file,
never a pipe, so a chatty emulator can never block on a full pipe and its output survives for diagnosis. The
address and credentials come from the ready line alone (erp_emulator.ready_line), so any ERP's CLI that prints
that line can be run by it.
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import requests

from .control import PREFIX as CONTROL_PREFIX
from .ready_line import Ready, parse_ready_line

POLL_SECONDS = 0.05


class EmulatorStartError(RuntimeError):
    """The emulator exited or never printed its ready line."""


class EmulatorControlError(RuntimeError):
    """A control endpoint answered an error."""


def module_command(module: str, *args: str, host: str = "127.0.0.1") -> list[str]:
    """``python -m <module> --host 127.0.0.1 --port 0 <args>`` with this interpreter (the repository's venv)."""
    return [sys.executable, "-m", module, "--host", host, "--port", "0", *args]


class EmulatorProcess:
    """A running emulator child; ``base_url`` is the server root, ``credentials`` what its ready line named.

    ``with EmulatorProcess(command, log_path) as emu:`` starts and always stops it; ``start()``/``stop()`` too.
    """

    def __init__(self, command: Sequence[str], log_path: Path, *, startup_timeout_s: float = 60.0,
                 control_timeout_s: float = 60.0, cwd: Path | None = None) -> None:
        self.command = list(command)
        self.log_path = Path(log_path)
        self.startup_timeout_s = startup_timeout_s
        self.control_timeout_s = control_timeout_s
        self.cwd = cwd
        self.process: subprocess.Popen | None = None
        self.ready: Ready | None = None
        self.startup_s = 0.0  # start to ready line: includes seeding the data set
        self.http = requests.Session()

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> EmulatorProcess:
        """Start the child and wait for its ready line.

        Raises:
            EmulatorStartError: the process exited, or did not announce itself within ``startup_timeout_s``.
        """
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(self.command, stdout=log, stderr=subprocess.STDOUT, cwd=self.cwd)
        deadline = time.monotonic() + self.startup_timeout_s
        while time.monotonic() < deadline:
            self.ready = parse_ready_line(self.log_path.read_text(errors="replace"))
            if self.ready is not None:
                self.startup_s = time.perf_counter() - started
                return self
            if self.process.poll() is not None:
                raise EmulatorStartError(f"the emulator exited with code {self.process.returncode}: "
                                         f"{' '.join(self.command)}\nsee {self.log_path}:\n{self.tail()}")
            time.sleep(POLL_SECONDS)
        self.stop()
        raise EmulatorStartError(f"the emulator did not print its ready line within {self.startup_timeout_s:.0f} s: "
                                 f"{' '.join(self.command)}\nsee {self.log_path}:\n{self.tail()}")

    def stop(self) -> None:
        """Terminate the child and wait for it; kill it if it ignores SIGTERM."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.http.close()

    def __enter__(self) -> EmulatorProcess:
        """Start the child and wait for its ready line."""
        return self.start()

    def __exit__(self, *exc: object) -> None:
        """Stop the child, also when the block raised."""
        self.stop()

    def tail(self, lines: int = 15) -> str:
        """The last lines of the child's output."""
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    # ------------------------------------------------------------------ what the ready line said
    def _announced(self) -> Ready:
        if self.ready is None:
            raise RuntimeError("the emulator has not been started")
        return self.ready

    @property
    def base_url(self) -> str:
        """Server root from the ready line; ``RuntimeError`` before ``start``."""
        return self._announced().base_url

    @property
    def api_url(self) -> str:
        """API root from the ready line, what a connector's ``url`` setting takes."""
        return self._announced().api_url

    @property
    def credentials(self) -> dict[str, str]:
        """Credentials the child announced (names as in its ready line)."""
        return self._announced().credentials

    # ------------------------------------------------------------------ control endpoints
    def control(self, method: str, action: str, body: dict[str, Any] | None = None,
                params: dict[str, Any] | None = None) -> Any:
        """Call ``/__emulator__/<action>`` (no auth, never faulted); returns the JSON answer."""
        response = self.http.request(method, self.base_url + CONTROL_PREFIX + action, json=body, params=params,
                                     timeout=self.control_timeout_s)
        if response.status_code >= 400:
            raise EmulatorControlError(f"emulator control {method} {action} answered HTTP {response.status_code}: "
                                       f"{response.text[:300]}")
        return response.json() if response.content else None

    def requests_log(self) -> list[dict[str, Any]]:
        """The API requests the emulator received (oldest first)."""
        return list(self.control("GET", "requests").get("requests", []))

    def clear_requests(self) -> None:
        """Empty the child's request log, e.g. between the phases of one test."""
        self.control("DELETE", "requests")

    def set_faults(self, **settings: Any) -> dict[str, Any]:
        """Change fault settings at runtime (``fail_rate``, ``drop_rate``, ``latency_ms``, ERP extras)."""
        return dict(self.control("POST", "faults", settings))

    def cpu_s(self) -> float:
        """CPU seconds (user+sys) the child has used so far, from /proc (Linux; NaN elsewhere).

        Read before and after a run, it shows how much of a wall time was the server's own work.
        """
        if self.process is None:
            return 0.0
        try:
            fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return float("nan")
        ticks = os.sysconf("SC_CLK_TCK")
        return (int(fields[11]) + int(fields[12])) / ticks
