"""Run the emulator CLI as a child process, the way a user would, and talk to its control endpoints.

The demo deliberately uses the command line (``python -m idempiere_emulator``) rather than the
in-process ``EmulatorServer``: it proves the documented CLI works and keeps the emulator's threads
out of the process that runs PyAirbyte.
"""
from __future__ import annotations

import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

# The one line the CLI prints once it accepts connections (docs/emulator.md).
READY_LINE = re.compile(r"listening on (?P<api>http://\S+?)/api/v1 \(s2s token: (?P<token>[^)\s]+)\)")
STARTUP_TIMEOUT_SECONDS = 60.0
CONTROL_TIMEOUT_SECONDS = 30.0


class EmulatorStartError(RuntimeError):
    """The emulator exited or never printed its ready line."""


@dataclass
class EmulatorProcess:
    """A running emulator child process; ``base_url`` is the server root (the API is ``/api/v1`` below it)."""

    process: subprocess.Popen
    base_url: str
    s2s_token: str
    log_path: Path

    def control(self, method: str, action: str, **kwargs: Any) -> dict:
        """Call ``/__emulator__/<action>``; these endpoints need no auth and are never faulted."""
        response = requests.request(
            method, f"{self.base_url}/__emulator__/{action}", timeout=CONTROL_TIMEOUT_SECONDS, **kwargs
        )
        if response.status_code >= 400:
            raise RuntimeError(f"emulator control {action} answered HTTP {response.status_code}: {response.text[:300]}")
        return response.json()

    def count(self, table: str) -> int:
        """All rows of ``table``, active or not (the oracle the demo checks its syncs against)."""
        return int(self.control("GET", "count", params={"table": table})["count"])

    def touch(self, table: str, count: int) -> int:
        """Set ``Updated`` to now on ``count`` rows, as a user editing them in the ERP would."""
        return int(self.control("POST", "touch", json={"table": table, "count": count})["touched"])

    def insert(self, table: str, rows: list[dict[str, Any]]) -> list[int]:
        """Insert raw rows (FK ints, 'Y'/'N'); missing standard columns are defaulted by the emulator."""
        return list(self.control("POST", "insert", json={"table": table, "rows": rows})["ids"])

    def stop(self) -> None:
        """Terminate the child and wait for it; kill it if it ignores SIGTERM."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def start_emulator(log_path: Path, *extra_args: str) -> EmulatorProcess:
    """Start ``python -m idempiere_emulator --host 127.0.0.1 --port 0 ...`` and wait for its ready line.

    Output goes to ``log_path`` (not a pipe), so a chatty emulator can never block on a full pipe.

    Raises:
        EmulatorStartError: the process exited or did not announce itself in time.
    """
    log_path.parent.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "idempiere_emulator", "--host", "127.0.0.1", "--port", "0", *extra_args]
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        match = READY_LINE.search(log_path.read_text(errors="replace"))
        if match:
            return EmulatorProcess(process, match.group("api"), match.group("token"), log_path)
        if process.poll() is not None:
            raise EmulatorStartError(
                f"the emulator exited with code {process.returncode}; see {log_path}:\n{_tail(log_path)}"
            )
        time.sleep(0.1)
    process.kill()
    process.wait(timeout=10)
    raise EmulatorStartError(f"the emulator did not print its ready line within {STARTUP_TIMEOUT_SECONDS:.0f} s")


def _tail(path: Path, lines: int = 15) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
