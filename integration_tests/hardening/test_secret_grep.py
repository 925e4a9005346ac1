"""No configured secret in any byte a run emits (issue 11, "Done means").

Every run below is a console-script subprocess; stdout (records, state, logs, traces, statuses), stderr
and every file the run wrote (the rejects file) are searched for every configured secret, in the spellings
a server or a serializer may produce (raw, JSON-escaped, percent-encoded). Runs include successes,
failures, a redirecting server and servers that echo the request (login body and credential header).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest

from erp_http.secrets import SecretMasker
from frappe_emulator import FrappeEmulator, FrappeOptions
from idempiere_emulator import EmulatorOptions, EmulatorServer
from integration_tests.hardening.cli import Connector, run_cli
from integration_tests.hardening.connectors import (
    DESTINATION_IDEMPIERE,
    SOURCE_FRAPPE,
    SOURCE_IDEMPIERE,
)
from integration_tests.hardening.servers import LocalServer, echo, redirect_to

HOSTILE_PW = 'Pw-"SECRET"/&=+ü'
HOSTILE_TOKEN = "eyJhbGciOiJIUzUxMiJ9.eyJzdWIiOiJTRUNSRVQifQ.SECRET-signature"


def _echo_everything(method, path, headers, body):
    """A server that answers every call with an error repeating the request body and headers."""
    return 400, {"Content-Type": "application/json"}, json.dumps(
        {"title": "Bad request", "status": 400, "detail": f"{body.decode()} {headers}"}).encode()


def _login_then_echo(method, path, headers, body):
    """Logs anyone in (a two-step answer), then echoes every later call's request back in a 500."""
    if path.endswith("/auth/tokens") and method == "POST":
        return 200, {"Content-Type": "application/json"}, json.dumps(
            {"clients": [{"id": 11, "name": "GardenWorld"}], "token": "pre.token.x"}).encode()
    return _echo_everything(method, path, headers, body)


@dataclass
class Servers:
    emu: Any
    echo_401: str
    echo_all: str
    login_echo: str
    redirect: str
    frappe: Any = None


@pytest.fixture(scope="module")
def servers():
    with EmulatorServer(EmulatorOptions(rows=5)) as emu, LocalServer(echo(401)) as e401, \
            LocalServer(_echo_everything) as eall, LocalServer(_login_then_echo) as lecho, \
            LocalServer(lambda *a: (200, {}, b"{}")) as sink, LocalServer(redirect_to(sink.url, 307)) as redirect, \
            FrappeEmulator(FrappeOptions(rows=5)) as frappe:
        yield Servers(emu, e401.url, eall.url, lecho.url, redirect.url, frappe)


def _catalog(side: str, stream: str = "c_bpartner", mode: str = "append") -> dict:
    return {"streams": [{"stream": {"name": stream, "json_schema": {}, "supported_sync_modes": ["full_refresh"]},
                         "sync_mode": "full_refresh", "destination_sync_mode": mode,
                         **({"primary_key": [["Value"]]} if mode != "append" else {})}]}


def _pw(url: str, password: str = HOSTILE_PW) -> dict:
    return {"base_url": url, "credentials": {"auth_type": "password", "username": "GardenAdmin", "password": password,
                                             "client": "GardenWorld", "role": "GardenWorld Admin"}}


def _tok(url: str, token: str = HOSTILE_TOKEN) -> dict:
    return {"base_url": url, "credentials": {"auth_type": "token", "token": token}}


def _records(stream: str, rows: list[dict]) -> str:
    lines = [json.dumps({"type": "RECORD", "record": {"stream": stream, "data": row, "emitted_at": 0}}) for row in rows]
    lines.append(json.dumps({"type": "STATE", "state": {"type": "STREAM", "stream": {
        "stream_descriptor": {"name": stream}, "stream_state": {"n": 1}}}}))
    return "\n".join(lines) + "\n"


def _fkey(url: str, key: str = "frappe-key", secret: str = HOSTILE_PW) -> dict:
    return {"site_url": url, "credentials": {"auth_type": "api_key", "api_key": key, "api_secret": secret}}


def _fpw(url: str, password: str = HOSTILE_PW) -> dict:
    return {"site_url": url, "credentials": {"auth_type": "password", "username": "Administrator", "password": password}}


def _frappe_catalog() -> dict:
    return {"streams": [{"stream": {"name": "Customer", "json_schema": {}, "supported_sync_modes": ["full_refresh"]},
                         "sync_mode": "full_refresh", "destination_sync_mode": "append"}]}


RUNS = [
    # (id, connector, command, config(servers), secrets(servers), extra: catalog/state/stdin/options)
    ("source-check-ok", SOURCE_IDEMPIERE, "check", lambda s: _tok(s.emu.base_url, s.emu.s2s_token), {}),
    ("source-discover-ok", SOURCE_IDEMPIERE, "discover", lambda s: _tok(s.emu.base_url, s.emu.s2s_token), {}),
    ("source-read-ok", SOURCE_IDEMPIERE, "read", lambda s: _tok(s.emu.base_url, s.emu.s2s_token),
     {"catalog": _catalog("source")}),
    ("source-read-missing-table", SOURCE_IDEMPIERE, "read", lambda s: _tok(s.emu.base_url, s.emu.s2s_token),
     {"catalog": _catalog("source", stream="no_such_table")}),
    ("source-check-wrong-password", SOURCE_IDEMPIERE, "check", lambda s: _pw(s.emu.base_url), {}),
    ("source-read-wrong-password", SOURCE_IDEMPIERE, "read", lambda s: _pw(s.emu.base_url),
     {"catalog": _catalog("source")}),
    ("source-check-redirect", SOURCE_IDEMPIERE, "check", lambda s: _pw(s.redirect), {}),
    ("source-check-echo-login", SOURCE_IDEMPIERE, "check", lambda s: _pw(s.echo_401), {}),
    ("source-check-echo-token", SOURCE_IDEMPIERE, "check", lambda s: _tok(s.echo_all), {}),
    ("source-discover-echo-token", SOURCE_IDEMPIERE, "discover", lambda s: _tok(s.echo_all), {}),
    ("source-read-echo-token", SOURCE_IDEMPIERE, "read", lambda s: _tok(s.echo_all), {"catalog": _catalog("source")}),
    ("source-check-echo-after-login", SOURCE_IDEMPIERE, "check", lambda s: _pw(s.login_echo), {}),
    ("source-read-bad-state", SOURCE_IDEMPIERE, "read", lambda s: _tok(s.emu.base_url, s.emu.s2s_token),
     {"catalog": _catalog("source"), "state": {"legacy": True}}),
    ("destination-check-ok", DESTINATION_IDEMPIERE, "check", lambda s: _tok(s.emu.base_url, s.emu.s2s_token), {}),
    ("destination-check-wrong-password", DESTINATION_IDEMPIERE, "check", lambda s: _pw(s.emu.base_url), {}),
    ("destination-check-redirect", DESTINATION_IDEMPIERE, "check", lambda s: _pw(s.redirect), {}),
    ("destination-check-echo-login", DESTINATION_IDEMPIERE, "check", lambda s: _pw(s.echo_401), {}),
    ("destination-check-echo-token", DESTINATION_IDEMPIERE, "check", lambda s: _tok(s.echo_all), {}),
    ("destination-check-echo-after-login", DESTINATION_IDEMPIERE, "check", lambda s: _pw(s.login_echo), {}),
    ("destination-write-echo-token", DESTINATION_IDEMPIERE, "write", lambda s: _tok(s.echo_all),
     {"catalog": _catalog("destination"), "stdin": _records("c_bpartner", [{"Value": "x", "Name": "y"}])}),
    ("destination-write-with-rejects", DESTINATION_IDEMPIERE, "write",
     lambda s: {**_tok(s.emu.base_url, s.emu.s2s_token), "reject_policy": "continue",
                "rejected_records_path": "rejects.jsonl"},
     {"catalog": _catalog("destination"),
      "stdin": _records("c_bpartner", [{"Value": "ok-1", "Name": "fine"}, {"Value": "bad", "NoSuchColumn": 1},
                                       {"Value": "bad-2", "Name": "n", "C_BP_Group_ID": "no such group"}])}),
    ("destination-write-wrong-password", DESTINATION_IDEMPIERE, "write", lambda s: _pw(s.emu.base_url),
     {"catalog": _catalog("destination"), "stdin": _records("c_bpartner", [{"Value": "x", "Name": "y"}])}),
    ("frappe-check-ok", SOURCE_FRAPPE, "check", lambda s: _fkey(s.frappe.base_url, s.frappe.api_key, s.frappe.api_secret), {}),
    ("frappe-read-ok", SOURCE_FRAPPE, "read", lambda s: _fkey(s.frappe.base_url, s.frappe.api_key, s.frappe.api_secret),
     {"catalog": _frappe_catalog()}),
    ("frappe-check-wrong-secret", SOURCE_FRAPPE, "check", lambda s: _fkey(s.frappe.base_url, s.frappe.api_key), {}),
    ("frappe-read-wrong-password", SOURCE_FRAPPE, "read", lambda s: _fpw(s.frappe.base_url),
     {"catalog": _frappe_catalog()}),
    ("frappe-check-redirect", SOURCE_FRAPPE, "check", lambda s: _fpw(s.redirect), {}),
    ("frappe-check-echo-login", SOURCE_FRAPPE, "check", lambda s: _fpw(s.echo_401), {}),
    ("frappe-check-echo-key", SOURCE_FRAPPE, "check", lambda s: _fkey(s.echo_all), {}),
    ("frappe-read-echo-key", SOURCE_FRAPPE, "read", lambda s: _fkey(s.echo_all), {"catalog": _frappe_catalog()}),
]


@pytest.mark.parametrize("run_id, conn, command, build, extra", RUNS, ids=[r[0] for r in RUNS])
def test_no_configured_secret_in_any_emitted_byte(servers, tmp_path, run_id, conn: Connector, command, build, extra):
    config = build(servers)
    secrets = [config["credentials"].get(key) for key in ("password", "token", "api_secret")]
    run = run_cli(conn, command, tmp_path, config=config, catalog=extra.get("catalog"), state=extra.get("state"),
                  stdin=extra.get("stdin", ""))
    assert run.messages, run.stderr[-2000:]  # the run said something (a status, a trace, records)
    masker = SecretMasker([s for s in secrets if s])
    emitted = run.all_bytes()
    leaked = [form for form in masker.spellings if form in emitted]
    assert not leaked, f"{run_id} leaked a secret: {emitted[:3000]}"
    if run_id == "destination-write-with-rejects":
        assert any("rejects" in path for path in run.files)  # the rejects file was written and searched
