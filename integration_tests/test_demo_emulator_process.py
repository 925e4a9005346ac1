"""The demo's emulator child process: started from the CLI, announced, controllable, and always stopped.

`make demo` is not part of `make test` (it takes minutes), so the piece it cannot do without, running
the documented CLI and parsing its ready line, is tested here.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from demo.emulator_process import READY_LINE, EmulatorStartError, start_emulator


def test_ready_line_parser_reads_url_and_token() -> None:
    line = "iDempiere REST emulator listening on http://127.0.0.1:40123/api/v1 (s2s token: eyJ.abc-_.x)\n"
    match = READY_LINE.search(line)
    assert match and match.group("api") == "http://127.0.0.1:40123" and match.group("token") == "eyJ.abc-_.x"


def test_cli_child_announces_itself_answers_control_calls_and_stops(tmp_path: Path) -> None:
    emu = start_emulator(tmp_path / "emulator.log", "--rows", "5")
    try:
        assert emu.base_url.startswith("http://127.0.0.1:")
        assert emu.s2s_token.count(".") == 2  # a JWT
        before = emu.count("C_Order")
        assert before == 5
        assert emu.touch("C_Order", 2) == 2
        assert emu.count("C_Order") == before
    finally:
        emu.stop()
    assert emu.process.poll() is not None


def test_a_child_that_exits_at_once_is_reported_with_its_log(tmp_path: Path) -> None:
    with pytest.raises(EmulatorStartError, match="exited with code"):
        start_emulator(tmp_path / "emulator.log", "--no-such-flag")
