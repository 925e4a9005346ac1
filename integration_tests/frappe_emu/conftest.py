"""Fixtures for the Frappe emulator's protocol tests (plain ``requests``, raw shapes)."""
from __future__ import annotations

import pytest
import requests

from frappe_emulator import FrappeEmulator, FrappeOptions
from integration_tests.server_factory import started_servers


class Client:
    """A tiny raw client: base URL + token header of one user; returns ``requests`` responses."""

    def __init__(self, emu: FrappeEmulator, user: str | None = "api@example.com"):
        self.emu = emu
        self.session = requests.Session()
        if user:
            self.session.headers.update(emu.token_header(user))

    def get(self, path: str, **kw):
        return self.session.get(self.emu.base_url + path, timeout=30, **kw)

    def post(self, path: str, **kw):
        return self.session.post(self.emu.base_url + path, timeout=30, **kw)

    def put(self, path: str, **kw):
        return self.session.put(self.emu.base_url + path, timeout=30, **kw)

    def delete(self, path: str, **kw):
        return self.session.delete(self.emu.base_url + path, timeout=30, **kw)

    def control(self, method: str, name: str, body: dict | None = None):
        resp = requests.request(method, f"{self.emu.base_url}/__emulator__/{name}", json=body or {}, timeout=30)
        assert resp.status_code == 200, resp.text
        return resp.json()


@pytest.fixture(scope="module")
def emu():
    """A shared default (version 16) emulator for read-only tests."""
    with FrappeEmulator(FrappeOptions(rows=60)) as server:
        yield server


@pytest.fixture
def fresh():
    """``fresh(**FrappeOptions kwargs) -> started emulator``, stopped at teardown (for tests that write)."""
    yield from started_servers(lambda **kwargs: FrappeEmulator(FrappeOptions(**{"rows": 30, **kwargs})).start())


def server_messages(body: dict) -> list[dict]:
    """Decode the double-encoded ``_server_messages``."""
    import json
    return [json.loads(m) for m in json.loads(body["_server_messages"])]
