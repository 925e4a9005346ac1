"""Run a connector's console script as a user does (a subprocess) and keep every byte it emits.

``Connector`` says how to build a working config for an ERP emulator and which fields are which, so the
tables of bad inputs are written once per ERP shape and parametrised by connector (Frappe rows plug in
with their own ``Connector``).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BIN = Path(os.environ.get("HARDENING_BIN") or Path(sys.executable).parent)  # HARDENING_BIN: run older scripts


@dataclass(frozen=True)
class Connector:
    """One console script and how its configs look."""

    name: str  # console script, e.g. "source-idempiere"
    side: str  # "source" | "destination"
    good_config: Callable[[Any], dict]  # emulator -> a config that works (token auth)
    password_config: Callable[[Any], dict]  # emulator -> a config that works (password auth)
    url_key: str = "base_url"
    erp: str = "idempiere"  # which emulator the rows run against


@dataclass
class Run:
    """What one run emitted: exit code, stdout/stderr text, parsed protocol messages, the files it wrote."""

    exit_code: int
    stdout: str
    stderr: str
    messages: list[dict] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)

    def of_type(self, kind: str) -> list[dict]:
        return [m for m in self.messages if m.get("type") == kind]

    @property
    def trace_errors(self) -> list[dict]:
        return [m["trace"]["error"] for m in self.of_type("TRACE") if m["trace"].get("type") == "ERROR"]

    @property
    def status(self) -> dict | None:
        statuses = self.of_type("CONNECTION_STATUS")
        return statuses[-1]["connectionStatus"] if statuses else None

    def all_bytes(self) -> str:
        """Everything emitted: stdout, stderr and every file the run wrote (rejects, logs)."""
        extra = "\n".join(content.decode("utf-8", "replace") for content in self.files.values())
        return "\n".join([self.stdout, self.stderr, extra])


def run_cli(connector: Connector, command: str, tmp: Path, *, config: Any = None, catalog: Any = None,
            state: Any = None, stdin: str | bytes = "", raw: dict[str, str] | None = None, timeout: float = 120) -> Run:
    """Run ``<connector> <command>`` with the given inputs (JSON values, or ``raw`` file texts by flag)."""
    tmp.mkdir(parents=True, exist_ok=True)
    raw = raw or {}
    args = [str(BIN / connector.name), command]
    for flag, value in (("config", config), ("catalog", catalog), ("state", state)):
        if value is None and flag not in raw:
            continue
        path = tmp / f"{flag}.json"
        path.write_text(raw[flag] if flag in raw else json.dumps(value))
        args += [f"--{flag}", str(path)]
    before = {p for p in tmp.rglob("*") if p.is_file()}
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    data = stdin.encode("utf-8", "surrogateescape") if isinstance(stdin, str) else stdin  # "\udcff" -> byte 0xff
    done = subprocess.run(args, input=data, capture_output=True, timeout=timeout, env=env, cwd=tmp)
    proc = subprocess.CompletedProcess(done.args, done.returncode, done.stdout.decode("utf-8", "replace"),
                                       done.stderr.decode("utf-8", "replace"))
    messages = []
    for line in proc.stdout.splitlines():
        try:
            parsed = json.loads(line)
        except ValueError:
            continue
        if isinstance(parsed, dict):
            messages.append(parsed)
    files = {str(p): p.read_bytes() for p in tmp.rglob("*") if p.is_file() and p not in before}
    return Run(proc.returncode, proc.stdout, proc.stderr, messages, files)
