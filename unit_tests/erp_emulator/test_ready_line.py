"""The ready line is written and read in one place, so every ERP's CLI is started by the same wrapper."""
from __future__ import annotations

import pytest

from erp_emulator.ready_line import format_ready_line, parse_ready_line


def test_a_formatted_line_parses_back_to_its_parts() -> None:
    line = format_ready_line("Some ERP emulator", "http://127.0.0.1:40123", "/api",
                             {"api key": "k-1", "api secret": "s.2_x"})
    assert line == "Some ERP emulator listening on http://127.0.0.1:40123/api (api key: k-1, api secret: s.2_x)"
    ready = parse_ready_line("noise before\n" + line + "\nnoise after\n")
    assert ready is not None
    assert ready.base_url == "http://127.0.0.1:40123" and ready.api_path == "/api"
    assert ready.api_url == "http://127.0.0.1:40123/api"
    assert ready.credentials == {"api key": "k-1", "api secret": "s.2_x"}


def test_an_api_at_the_server_root_has_an_empty_path() -> None:
    ready = parse_ready_line(format_ready_line("E", "http://127.0.0.1:1", "", {"token": "t"}))
    assert ready is not None and ready.api_path == "" and ready.api_url == "http://127.0.0.1:1"


def test_the_idempiere_line_is_one_of_them() -> None:
    line = "iDempiere REST emulator listening on http://127.0.0.1:40123/api/v1 (s2s token: eyJ.abc-_.x)"
    assert format_ready_line("iDempiere REST emulator", "http://127.0.0.1:40123", "/api/v1",
                             {"s2s token": "eyJ.abc-_.x"}) == line
    ready = parse_ready_line(line)
    assert ready is not None and ready.credentials == {"s2s token": "eyJ.abc-_.x"}


@pytest.mark.parametrize("value", ["has space", "a,b", "close)", ""])
def test_a_credential_that_would_break_the_line_is_refused(value: str) -> None:
    with pytest.raises(ValueError, match="cannot be announced"):
        format_ready_line("E", "http://127.0.0.1:1", "/api", {"token": value})


def test_text_without_a_ready_line_is_none() -> None:
    assert parse_ready_line("Traceback (most recent call last):\n  ...\nSystemExit: 2\n") is None
