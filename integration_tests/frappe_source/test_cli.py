"""The installed ``source-frappe`` console script: check and read as the platform runs them (a child
process, protocol lines on stdout, exit codes), against frappe_emulator."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from airbyte_cdk.models import ConfiguredAirbyteCatalogSerializer

from frappe_emulator import FrappeEmulator, FrappeOptions
from integration_tests.frappe_source.helpers import catalog, config, db_rows

SCRIPT = Path(sys.executable).parent / "source-frappe"


def _run(*args: str) -> tuple[int, list[dict]]:
    proc = subprocess.run([str(SCRIPT), *args], capture_output=True, text=True, timeout=120)
    return proc.returncode, [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]


def test_cli_check_and_read(tmp_path: Path) -> None:
    with FrappeEmulator(FrappeOptions(rows=20)) as emu:
        cfg = config(emu, page_size=6)
        (tmp_path / "config.json").write_text(json.dumps(cfg))
        cat = catalog(cfg, ["Sales Order", "Customer"])
        (tmp_path / "catalog.json").write_text(json.dumps(ConfiguredAirbyteCatalogSerializer.dump(cat)))
        code, messages = _run("check", "--config", str(tmp_path / "config.json"))
        assert code == 0 and [m["connectionStatus"]["status"] for m in messages if m["type"] == "CONNECTION_STATUS"] \
            == ["SUCCEEDED"]
        code, messages = _run("read", "--config", str(tmp_path / "config.json"), "--catalog",
                              str(tmp_path / "catalog.json"))
        assert code == 0
        records = [m["record"] for m in messages if m["type"] == "RECORD"]
        assert {r["data"]["name"] for r in records if r["stream"] == "Sales Order"} == set(db_rows(emu, "Sales Order"))
        assert sum(1 for m in messages if m["type"] == "STATE") >= 2
        bad = {**cfg, "credentials": {**cfg["credentials"], "api_secret": "nope-Secret-42"}}
        (tmp_path / "bad.json").write_text(json.dumps(bad))
        code, messages = _run("read", "--config", str(tmp_path / "bad.json"), "--catalog", str(tmp_path / "catalog.json"))
        assert code == 1
        traces = [m["trace"]["error"] for m in messages if m["type"] == "TRACE"]
        assert traces and traces[-1]["failure_type"] == "config_error"
        assert "nope-Secret-42" not in json.dumps(messages)
