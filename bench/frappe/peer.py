"""The peer: the Meltano tap ``tap-erpnext`` from PyPI, in its own virtual environment, run as its users run it.

The bench creates ``.cache/bench-peer-venv`` (at the repository root, git-ignored) itself (``python -m venv``
+ ``pip install tap-erpnext==<PEER_VERSION>``), so the tap's dependencies (singer-sdk and its pins) never meet
the project's. It is driven only through its
own CLI: ``tap-erpnext --config c.json --discover`` writes a Singer catalog, the bench marks the wanted
stream ``selected`` in it (what ``meltano select`` does), and ``tap-erpnext --config c.json --catalog cat.json
[--state s.json]`` syncs. Config keys are the ones its package declares: ``api_url`` (site root),
``api_key``, ``api_secret``, ``limit_page_length`` (default 200), ``doctypes``, ``start_date``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from bench.harness import OUT, REPO, classify_line, write_json

PEER_PACKAGE = "tap-erpnext"
PEER_VERSION = "0.2.12"
# Outside every package directory: tests that scan the packages' .py files must never see the peer's code.
VENV = REPO / ".cache" / "bench-peer-venv"


def tap_bin(venv: Path = VENV) -> Path:
    return venv / "bin" / "tap-erpnext"


def ensure_peer(venv: Path = VENV, log=print) -> str:
    """Create the peer's venv and install the pinned tap once; returns the installed version."""
    marker = venv / f".installed-{PEER_VERSION}"
    if not marker.exists():
        log(f"  installing {PEER_PACKAGE}=={PEER_VERSION} into {venv} (its own venv, once)")
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
        pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
        proc = subprocess.run([*pip, f"{PEER_PACKAGE}=={PEER_VERSION}"], check=False, capture_output=True, text=True)
        if proc.returncode != 0:
            raise RuntimeError(f"pip install {PEER_PACKAGE}=={PEER_VERSION} failed:\n{proc.stderr[-2000:]}")
        marker.touch()
    return installed_version(venv)


def installed_version(venv: Path = VENV) -> str:
    """The version pip installed, asked of the peer's own interpreter (recorded in results.json)."""
    code = f"import importlib.metadata as m; print(m.version({PEER_PACKAGE!r}))"
    return subprocess.run(
        [str(venv / "bin" / "python"), "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()


def peer_config(
    base_url: str, api_key: str, api_secret: str, doctypes: list[str], page_size: int | None = None
) -> dict[str, Any]:
    """The tap's config; ``page_size=None`` leaves ``limit_page_length`` at the tap's own default."""
    config: dict[str, Any] = {"api_url": base_url, "api_key": api_key, "api_secret": api_secret, "doctypes": doctypes}
    if page_size is not None:
        config["limit_page_length"] = page_size
    return config


def select_streams(catalog: dict[str, Any], streams: list[str]) -> dict[str, Any]:
    """Mark ``streams`` selected (and only them) in a Singer catalog's stream-level metadata."""
    wanted = set(streams)
    found = set()
    for stream in catalog.get("streams", []):
        name = stream.get("tap_stream_id") or stream.get("stream")
        chosen = name in wanted
        found.add(name) if chosen else None
        for entry in stream.get("metadata", []):
            if entry.get("breadcrumb") == []:
                entry.setdefault("metadata", {})["selected"] = chosen
    missing = wanted - found
    if missing:
        raise RuntimeError(f"streams not in the tap's catalog: {sorted(missing)}")
    return catalog


def prepare(name: str, config: dict[str, Any], streams: list[str], venv: Path = VENV) -> tuple[Path, Path]:
    """Write the config, run the tap's own ``--discover``, select ``streams``; returns (config, catalog) paths."""
    config_path = write_json(OUT / f"{name}.tap_config.json", config)
    proc = subprocess.run(
        [str(tap_bin(venv)), "--config", str(config_path), "--discover"], check=False, capture_output=True, timeout=600
    )
    if proc.returncode != 0:
        tail = proc.stderr[-2000:].decode(errors="replace")
        raise RuntimeError(f"tap-erpnext --discover exited {proc.returncode}: {tail}")
    catalog = select_streams(json.loads(proc.stdout), streams)
    return config_path, write_json(OUT / f"{name}.tap_catalog.json", catalog)


def read_cmd(config_path: Path, catalog_path: Path, state_path: Path | None = None, venv: Path = VENV) -> list[str]:
    cmd = [str(tap_bin(venv)), "--config", str(config_path), "--catalog", str(catalog_path)]
    return cmd + ["--state", str(state_path)] if state_path else cmd


def final_state(lines: list[bytes]) -> dict[str, Any]:
    """The ``--state`` payload for the next run: the ``value`` of the last Singer STATE message."""
    value: dict[str, Any] = {}
    for line in lines:
        if classify_line(line) == "state":
            value = json.loads(line).get("value") or {}
    return value
