"""The console script's ``read`` path (orjson fast path for records, erp_airbyte.record_output) emits valid
protocol lines."""
from __future__ import annotations

import json
import sys

from airbyte_cdk.models import AirbyteMessageSerializer, Type

from source_idempiere import run as cli

from .helpers import catalog, config, db_rows


def run_cli(monkeypatch, capsys, args):
    monkeypatch.setattr(sys, "argv", ["source-idempiere", *args])
    code = 0
    try:
        cli.run()
    except SystemExit as exc:
        code = exc.code or 0
    except Exception:  # noqa: BLE001 - the platform sees the uncaught error as a non-zero exit
        code = 1
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]
    return code, [AirbyteMessageSerializer.load(m) for m in lines if m.get("type") in {t.value for t in Type}]


def test_cli_read_writes_every_row_and_state(emulator, tmp_path, monkeypatch, capsys):
    from airbyte_cdk.models import ConfiguredAirbyteCatalogSerializer

    cfg = tmp_path / "config.json"
    cfg.write_text(json.dumps(config(emulator, page_size=40)))
    cat = tmp_path / "catalog.json"
    cat.write_text(json.dumps(ConfiguredAirbyteCatalogSerializer.dump(catalog("c_order", "c_orderline"))))
    code, messages = run_cli(monkeypatch, capsys, ["read", "--config", str(cfg), "--catalog", str(cat)])
    assert code == 0
    ids = {m.record.data["id"] for m in messages if m.type == Type.RECORD and m.record.stream == "c_order"}
    assert ids == set(db_rows(emulator, "C_Order", "C_Order_ID"))
    states = [m for m in messages if m.type == Type.STATE]
    assert states and all(m.state.sourceStats is not None for m in states)  # the entrypoint's record counts


def test_cli_config_error_is_a_trace_and_exit_code_1_without_traceback(tmp_path, monkeypatch, capsys):
    cfg = tmp_path / "config.json"
    cfg.write_text(json.dumps({"base_url": "http://127.0.0.1:9", "credentials": {"auth_type": "token", "token": "a-long-opaque-token-value"},
                               "server_timezone": "Mars/Olympus"}))
    code, messages = run_cli(monkeypatch, capsys, ["discover", "--config", str(cfg)])
    assert code == 1
    traces = [m.trace.error for m in messages if m.type == Type.TRACE and m.trace.error]
    assert traces and traces[-1].failure_type.value == "config_error" and "server_timezone" in traces[-1].message
