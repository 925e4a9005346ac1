"""Helpers for the emulator's own protocol tests (plain ``requests``, raw shapes)."""
from __future__ import annotations

import base64
import json

import pytest
import requests

ADMIN_PARAMS = {"clientId": 11, "roleId": 102, "organizationId": 11, "warehouseId": 103}


def api(emu) -> str:
    return emu.base_url + "/api/v1"


def bearer(token: str) -> dict:
    return {"Authorization": "Bearer " + token}


def call(emu, method: str, path: str, token: str | None = None, **kwargs) -> requests.Response:
    """An API request under the server-to-server token (or ``token``)."""
    return requests.request(method, api(emu) + path, headers=bearer(token or emu.s2s_token), timeout=30, **kwargs)


def write_rows(emu, table: str, rows: list[dict]) -> list[int]:
    """POST every row to ``/models/<table>`` (each must be created); their ids."""
    ids = []
    for row in rows:
        resp = call(emu, "POST", f"/models/{table}", json=row)
        assert resp.status_code == 201, resp.text
        ids.append(resp.json()["id"])
    return ids


def login(emu, user: str = "GardenAdmin", password: str | None = None, params: dict | None = None,
          expect: int = 200) -> dict:
    """One-step login (two-step when ``params`` is the empty dict sentinel ``{}`` -> no parameters)."""
    body: dict = {"userName": user, "password": password if password is not None else user}
    if params is None:
        params = ADMIN_PARAMS if user == "GardenAdmin" else {}
    if params:
        body["parameters"] = params
    resp = requests.post(api(emu) + "/auth/tokens", json=body, timeout=10)
    assert resp.status_code == expect, resp.text
    return resp.json() if resp.content else {}


def claims(token: str) -> tuple[dict, dict]:
    """Decode (header, payload) of a JWT without verifying it."""
    def part(p: str) -> dict:
        return json.loads(base64.urlsafe_b64decode(p + "=" * (-len(p) % 4)))
    head, payload, _sig = token.split(".")
    return part(head), part(payload)


@pytest.fixture
def http():
    """A keep-alive session, closed at teardown."""
    with requests.Session() as session:
        yield session
