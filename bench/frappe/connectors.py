"""source-frappe and destination-frappe configs, catalogs and command lines, from their public CLI contract only."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

from bench.harness import OUT, bin_path, write_json
from bench.protocol import configure, discover_catalog
from frappe_emulator.child import FrappeChild

SALES_ORDER = "Sales Order"


def credentials(emu: FrappeChild) -> dict[str, Any]:
    return {"auth_type": "api_key", "api_key": emu.api_key, "api_secret": emu.api_secret}


def source_config(emu: FrappeChild, doctypes: list[str] | None, **options: Any) -> dict[str, Any]:
    """source-frappe config (docs/source-frappe.md keys); ``doctypes=None`` means every readable DocType."""
    config: dict[str, Any] = {"site_url": emu.base_url, "credentials": credentials(emu)}
    if doctypes is not None:
        config["doctypes"] = doctypes
    config.update(options)
    return config


def discover_cmd(config_path: Path) -> list[str]:
    return [bin_path("source-frappe"), "discover", "--config", str(config_path)]


_CATALOGS: dict[tuple[Any, ...], dict[str, Any]] = {}


def prepare_read(emu: FrappeChild, name: str, doctypes: list[str], **options: Any) -> tuple[Path, Path]:
    """Config + configured catalog (incremental on ``modified``) for ``doctypes``; discovery once per set and run."""
    config_path = write_json(OUT / f"{name}.config.json", source_config(emu, doctypes, **options))
    key = (*sorted(doctypes), options.get("child_tables"))  # the child-table mode changes the streams' shape
    if key not in _CATALOGS:
        _CATALOGS[key] = discover_catalog(discover_cmd(config_path))
    return config_path, write_json(OUT / f"{name}.catalog.json", configure(_CATALOGS[key], doctypes))


def read_cmd(config_path: Path, catalog_path: Path, state_path: Path | None = None) -> list[str]:
    cmd = [bin_path("source-frappe"), "read", "--config", str(config_path), "--catalog", str(catalog_path)]
    return cmd + ["--state", str(state_path)] if state_path else cmd


# ---------------------------------------------------------------- destination

CUSTOMER_GROUPS = ("Commercial", "Individual", "Government", "Non Profit")
TERRITORIES = ("India", "Rest Of The World")


def customer_input(path: Path, count: int, prefix: str, seed: int = 7) -> dict[str, int]:
    """``count`` Customer RECORD messages whose Links are lookups on other fields (``{"customer_group_name": …}``),
    then one STATE. Returns the distinct lookups per Link field (the denominator of 6b)."""
    rng = random.Random(seed)
    used: dict[str, set[str]] = {"customer_group": set(), "territory": set()}
    with open(path, "w") as fh:
        for i in range(count):
            group, territory = rng.choice(CUSTOMER_GROUPS), rng.choice(TERRITORIES)
            used["customer_group"].add(group)
            used["territory"].add(territory)
            data = {
                "customer_name": f"{prefix} Customer {i:06d}",
                "customer_type": "Company",
                "customer_group": {"customer_group_name": group},
                "territory": {"territory_name": territory},
            }
            fh.write(
                json.dumps({"type": "RECORD", "record": {"stream": "Customer", "data": data, "emitted_at": 1}}) + "\n"
            )
        fh.write(
            json.dumps(
                {
                    "type": "STATE",
                    "state": {
                        "type": "STREAM",
                        "stream": {"stream_descriptor": {"name": "Customer"}, "stream_state": {"done": count}},
                    },
                }
            )
            + "\n"
        )
    return {field: len(values) for field, values in used.items()}


def customer_catalog() -> dict[str, Any]:
    stream = {
        "name": "Customer",
        "json_schema": {"type": "object", "properties": {}},
        "supported_sync_modes": ["full_refresh", "incremental"],
    }
    return {"streams": [{"stream": stream, "sync_mode": "incremental", "destination_sync_mode": "append"}]}


def write_cmd(config_path: Path, catalog_path: Path) -> list[str]:
    return [bin_path("destination-frappe"), "write", "--config", str(config_path), "--catalog", str(catalog_path)]
