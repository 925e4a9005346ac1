"""Airbyte-protocol plumbing every ERP's benchmarks share: configured catalogs, ``--state`` payloads, discovery."""

from __future__ import annotations

import json
import subprocess
from typing import Any

from bench.harness import REPO


def discover_catalog(cmd: list[str], timeout_s: float = 600) -> dict[str, Any]:
    """Run a connector's ``discover`` command line and return the CATALOG message's catalog."""
    proc = subprocess.run(cmd, check=False, capture_output=True, cwd=REPO, timeout=timeout_s)
    for line in proc.stdout.splitlines():
        if b'"CATALOG"' in line[:40]:
            return json.loads(line)["catalog"]
    tail = (proc.stdout[-3000:] + proc.stderr[-2000:]).decode("utf-8", "replace")
    raise RuntimeError(f"discover produced no catalog (exit {proc.returncode}):\n{tail}")


def configure(catalog: dict[str, Any], streams: list[str], mode: str = "incremental") -> dict[str, Any]:
    """Configured catalog for ``streams``: incremental on the source-defined cursor where supported."""
    wanted = {s.lower() for s in streams}
    configured = []
    for stream in catalog["streams"]:
        if stream["name"].lower() not in wanted:
            continue
        incremental = mode == "incremental" and "incremental" in stream.get("supported_sync_modes", [])
        entry: dict[str, Any] = {
            "stream": stream,
            "sync_mode": "incremental" if incremental else "full_refresh",
            "destination_sync_mode": "append" if incremental else "overwrite",
        }
        if incremental:
            entry["cursor_field"] = stream.get("default_cursor_field") or ["Updated"]
        if stream.get("source_defined_primary_key"):
            entry["primary_key"] = stream["source_defined_primary_key"]
        configured.append(entry)
    missing = wanted - {c["stream"]["name"].lower() for c in configured}
    if missing:
        raise RuntimeError(f"streams not in the discovered catalog: {sorted(missing)}")
    return {"streams": configured}


def final_state(states: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The ``--state`` payload from a read's STATE messages: the latest per stream (or the last global one)."""
    per_stream: dict[str, dict[str, Any]] = {}
    other: dict[str, Any] | None = None
    for message in states:
        state = message.get("state", message)
        if state.get("type") == "STREAM":
            descriptor = state["stream"]["stream_descriptor"]
            per_stream[f"{descriptor.get('namespace')}.{descriptor['name']}"] = state
        else:
            other = state
    return list(per_stream.values()) if per_stream else ([other] if other else [])
