"""The emulator CLI as a child process (idempiere_emulator.child): announced, controllable, and always stopped.

`make demo` and `make bench` are not part of `make test` (they take minutes), so the piece they cannot do
without, running the documented CLI and reading its ready line, is tested here.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from erp_emulator.process import EmulatorStartError
from erp_emulator.ready_line import parse_ready_line
from idempiere_emulator.child import EmulatorChild


def test_ready_line_parser_reads_url_and_token() -> None:
    line = "iDempiere REST emulator listening on http://127.0.0.1:40123/api/v1 (s2s token: eyJ.abc-_.x)\n"
    ready = parse_ready_line(line)
    assert ready and ready.base_url == "http://127.0.0.1:40123" and ready.credentials["s2s token"] == "eyJ.abc-_.x"
    assert ready.api_url == "http://127.0.0.1:40123/api/v1"


def test_cli_child_announces_itself_answers_control_calls_and_stops(tmp_path: Path) -> None:
    emu = EmulatorChild(tmp_path / "emulator.log", "--rows", "5").start()
    try:
        assert emu.base_url.startswith("http://127.0.0.1:")
        assert emu.s2s_token.count(".") == 2  # a JWT
        before = emu.count("C_Order")
        assert before == 5
        assert emu.touch("C_Order", 2) == 2
        assert emu.count("C_Order") == before
        assert len(emu.insert("C_BPartner", [{"Value": "child-1", "Name": "child-1"}])) == 1
        assert emu.set_faults(token_ttl=60)["token_ttl"] == 60
    finally:
        emu.stop()
    assert emu.process is not None and emu.process.poll() is not None


def test_a_child_that_exits_at_once_is_reported_with_its_log(tmp_path: Path) -> None:
    with pytest.raises(EmulatorStartError, match="exited with code"):
        EmulatorChild(tmp_path / "emulator.log", "--no-such-flag").start()
