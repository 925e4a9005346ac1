"""The installed console script ``destination-frappe write`` as the platform runs it: records on stdin,
STATE back on stdout only after the records before it are written, rejects reported, secrets never printed."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from frappe_emulator import FrappeEmulator, FrappeOptions

SCRIPT = Path(sys.executable).parent / "destination-frappe"


def _run(tmp_path: Path, config: dict, lines: list[dict]) -> tuple[int, list[dict]]:
    (tmp_path / "config.json").write_text(json.dumps(config))
    (tmp_path / "catalog.json").write_text(json.dumps({"streams": [{
        "stream": {"name": "ToDo", "json_schema": {}, "supported_sync_modes": ["full_refresh"]},
        "sync_mode": "full_refresh", "destination_sync_mode": "append"}]}))
    proc = subprocess.run([str(SCRIPT), "write", "--config", str(tmp_path / "config.json"), "--catalog",
                           str(tmp_path / "catalog.json")], input="".join(json.dumps(m) + "\n" for m in lines),
                          capture_output=True, text=True, timeout=120)
    return proc.returncode, [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]


def _record(data: dict) -> dict:
    return {"type": "RECORD", "record": {"stream": "ToDo", "data": data, "emitted_at": 0}}


def test_write_from_stdin_emits_state_after_the_records_and_reports_rejects(tmp_path: Path) -> None:
    with FrappeEmulator(FrappeOptions(rows=3)) as emu:
        config = {"site_url": emu.base_url, "reject_policy": "continue",
                  "credentials": {"auth_type": "api_key", "api_key": emu.api_key, "api_secret": emu.api_secret}}
        state = {"type": "STATE", "state": {"type": "STREAM", "stream": {
            "stream_descriptor": {"name": "ToDo"}, "stream_state": {"cursor": 1}}}}
        code, out = _run(tmp_path, config, [_record({"description": f"cli {i}"}) for i in range(3)]
                         + [state, _record({"descripton": "typo"})])
        assert code == 0
        assert [m["state"]["stream"]["stream_state"] for m in out if m["type"] == "STATE"] == [{"cursor": 1}]
        logs = [m["log"]["message"] for m in out if m["type"] == "LOG"]
        assert any("field 'descripton' matches no field of DocType 'ToDo'" in line for line in logs)
        assert emu.backend.sql("SELECT COUNT(*) FROM `tabToDo` WHERE description LIKE 'cli %'") == [(3,)]

        bad = dict(config, credentials={"auth_type": "api_key", "api_key": emu.api_key, "api_secret": "Wrong-Secret-9"})
        code, out = _run(tmp_path, bad, [_record({"description": "never"})])
        assert code != 0
        traces = [m["trace"]["error"] for m in out if m["type"] == "TRACE"]
        assert traces and traces[0]["failure_type"] == "config_error"
        assert "Wrong-Secret-9" not in json.dumps(out)
