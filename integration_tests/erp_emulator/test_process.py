"""The one child-process wrapper runs any ERP's CLI that prints the shared ready line (here the toy ERP)."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from erp_emulator.process import EmulatorControlError, EmulatorProcess, EmulatorStartError, module_command
from unit_tests.packaging_facts import ROOT

TOY = "integration_tests.erp_emulator.toy"


def test_the_child_announces_itself_is_controlled_and_stops(tmp_path: Path) -> None:
    with EmulatorProcess(module_command(TOY, "--key", "k-42"), tmp_path / "toy.log", cwd=ROOT) as emu:
        assert emu.base_url.startswith("http://127.0.0.1:") and emu.api_url == emu.base_url + "/api"
        assert emu.credentials == {"api key": "k-42"}
        assert emu.startup_s > 0
        assert emu.http.post(emu.api_url + "/thing", timeout=10).json()["counter"] == 1
        assert [e["path"] for e in emu.requests_log()] == ["/api/thing"]
        emu.clear_requests()
        assert emu.requests_log() == []
        assert emu.control("POST", "bump", {"by": 3}) == {"counter": 4}
        assert emu.set_faults(latency_ms=2)["latency_ms"] == 2
        with pytest.raises(EmulatorControlError, match="409"):
            emu.control("POST", "bump", {"by": "error"})
        assert emu.cpu_s() > 0
        process = emu.process
    assert process is not None and process.poll() is not None
    assert "listening on" in (tmp_path / "toy.log").read_text()


def test_a_child_that_exits_at_once_is_reported_with_its_log(tmp_path: Path) -> None:
    with pytest.raises(EmulatorStartError, match="exited with code 2") as err:
        EmulatorProcess(module_command(TOY, "--bogus"), tmp_path / "toy.log", cwd=ROOT).start()
    assert "unrecognized arguments: --bogus" in str(err.value)


def test_a_child_that_never_announces_itself_is_stopped(tmp_path: Path) -> None:
    emu = EmulatorProcess([sys.executable, "-c", "import time; print('busy', flush=True); time.sleep(60)"],
                          tmp_path / "silent.log", startup_timeout_s=0.5)
    with pytest.raises(EmulatorStartError, match="did not print its ready line"):
        emu.start()
    assert emu.process is not None and emu.process.poll() is not None
