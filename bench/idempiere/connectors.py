"""Configs, catalogs, commands and inputs for the two connectors, built only from their public CLI contract."""
from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import requests

from bench.harness import OUT, bin_path, write_json
from bench.protocol import configure, discover_catalog, final_state  # noqa: F401 - the generic halves, re-exported
from idempiere_emulator.child import EmulatorChild


def source_config(emu: EmulatorChild, tables: list[str] | None, **options: Any) -> dict[str, Any]:
    """Source config with the emulator's s2s token (issue 4 key names); ``tables=None`` means every table."""
    config: dict[str, Any] = {"base_url": emu.base_url, "credentials": {"auth_type": "token", "token": emu.s2s_token}}
    if tables is not None:
        config["tables"] = tables
    config.update(options)
    return config


def discover(config_path: Path, timeout_s: float = 600) -> dict[str, Any]:
    """Run ``source-idempiere discover`` and return the CATALOG message's catalog."""
    return discover_catalog([bin_path("source-idempiere"), "discover", "--config", str(config_path)], timeout_s)


_CATALOGS: dict[tuple[str, tuple[str, ...]], dict[str, Any]] = {}


def prepare_read(emu: EmulatorChild, name: str, tables: list[str], mode: str = "incremental",
                 **options: Any) -> tuple[Path, Path]:
    """Write config + configured catalog for a read of ``tables``; returns their paths.

    Discovery runs once per table set and bench run: every emulator of a run serves the same catalog,
    and a discover process costs seconds of start-up.
    """
    config_path = write_json(OUT / f"{name}.config.json", source_config(emu, tables, **options))
    key = ("", tuple(sorted(tables)))
    if key not in _CATALOGS:
        _CATALOGS[key] = discover(config_path)
    catalog_path = write_json(OUT / f"{name}.catalog.json", configure(_CATALOGS[key], tables, mode))
    return config_path, catalog_path


def read_cmd(config_path: Path, catalog_path: Path, state_path: Path | None = None) -> list[str]:
    cmd = [bin_path("source-idempiere"), "read", "--config", str(config_path), "--catalog", str(catalog_path)]
    if state_path:
        cmd += ["--state", str(state_path)]
    return cmd


# ---------------------------------------------------------------- destination

def destination_config(emu: EmulatorChild, **options: Any) -> dict[str, Any]:
    config: dict[str, Any] = {"base_url": emu.base_url, "credentials": {"auth_type": "token", "token": emu.s2s_token}}
    config.update(options)
    return config


def identifiers(emu: EmulatorChild, table: str, limit: int = 20) -> list[str]:
    """Display identifiers of existing rows (what a warehouse would hold instead of ids)."""
    resp = requests.get(f"{emu.api_url}/models/{table}", params={"$top": str(limit), "$orderby": f"{table}_ID"},
                        headers={"Authorization": f"Bearer {emu.s2s_token}"}, timeout=60)
    resp.raise_for_status()
    names = []
    for record in resp.json().get("records", []):
        name = record.get("Name") or record.get("Value")
        if isinstance(name, str) and name and "'" not in name:
            names.append(name)
    return names


def partner_input(emu: EmulatorChild, count: int, path: Path, prefix: str = "BENCH") -> dict[str, int]:
    """``count`` c_bpartner RECORD messages with identifier FKs (a plain string and an ``{"identifier"}``
    object), then one STATE. Returns the number of distinct identifiers per FK column."""
    rng = random.Random(7)
    groups = identifiers(emu, "C_BP_Group")
    terms = identifiers(emu, "C_PaymentTerm")
    if not groups:
        raise RuntimeError("emulator has no C_BP_Group rows to reference")
    used: dict[str, set[str]] = {"C_BP_Group_ID": set(), "C_PaymentTerm_ID": set()}
    with open(path, "w") as fh:
        for i in range(count):
            group = rng.choice(groups)
            data: dict[str, Any] = {"Value": f"{prefix}-{i:06d}", "Name": f"Bench Partner {i}",
                                    "C_BP_Group_ID": group, "IsCustomer": True, "SO_CreditLimit": 1000 + i % 7}
            used["C_BP_Group_ID"].add(group)
            if terms:
                term = rng.choice(terms)
                used["C_PaymentTerm_ID"].add(term)
                data["C_PaymentTerm_ID"] = {"identifier": term}
            message = {"type": "RECORD", "record": {"stream": "c_bpartner", "data": data, "emitted_at": 1}}
            fh.write(json.dumps(message) + "\n")
        fh.write(json.dumps({"type": "STATE", "state": {"type": "STREAM", "stream": {
            "stream_descriptor": {"name": "c_bpartner"}, "stream_state": {"done": count}}}}) + "\n")
    return {column: len(values) for column, values in used.items()}


def partner_catalog() -> dict[str, Any]:
    """append_dedup on Value: look the partner up, then PUT or POST (issue 5)."""
    stream = {"name": "c_bpartner", "json_schema": {"type": "object", "properties": {}},
              "supported_sync_modes": ["full_refresh", "incremental"]}
    return {"streams": [{"stream": stream, "sync_mode": "incremental", "destination_sync_mode": "append_dedup",
                         "primary_key": [["Value"]]}]}


def write_cmd(config_path: Path, catalog_path: Path) -> list[str]:
    return [bin_path("destination-idempiere"), "write", "--config", str(config_path), "--catalog", str(catalog_path)]
