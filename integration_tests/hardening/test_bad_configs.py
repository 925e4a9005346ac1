"""Bad configs, catalogs and states, run as a user runs the connectors (issue 11, "Done means").

Each row asserts the message type (a failed CONNECTION_STATUS for ``check``, a TRACE for the other
commands), the failure type, the exit code, that the message names the field or the fix, and that no
configured secret appears anywhere in what the run emitted. Rows are written per config shape and
parametrised by connector (``connectors.py``); a Frappe connector adds its ``Connector`` and its rows.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from frappe_emulator import FrappeEmulator, FrappeOptions
from idempiere_emulator import EmulatorOptions, EmulatorServer
from integration_tests.hardening.cli import Connector, run_cli
from integration_tests.hardening.connectors import (
    DESTINATION_IDEMPIERE,
    FRAPPE,
    IDEMPIERE,
)
from integration_tests.hardening.servers import (
    LocalServer,
    closed_port_url,
    echo,
    redirect_to,
)

SECRET_PW = "S3cret-PW-never-shown"


@dataclass
class Ctx:
    emu: Any  # iDempiere's emulator
    echo_url: str
    redirect_url: str
    collector: Any
    frappe: Any = None  # Frappe's emulator

    def emu_of(self, conn: Connector) -> Any:
        return self.frappe if conn.erp == "frappe" else self.emu


@dataclass(frozen=True)
class Case:
    """One bad input: ``build(ctx, connector) -> {"config"|"catalog"|"state"|"raw": ...}`` and what must come out."""

    id: str
    command: str  # "check", or "run" = read (source) / write (destination)
    build: Callable[[Ctx, Connector], dict]
    needles: tuple[str, ...]
    failure: str | None = "config_error"  # TRACE failure type for run rows; None: check rows (FAILED status)
    absent: tuple[str, ...] = ()
    only: str | None = None  # "source" / "destination": row applies to one side


@pytest.fixture(scope="module")
def ctx():
    with EmulatorServer(EmulatorOptions(rows=5)) as emu, FrappeEmulator(FrappeOptions(rows=5)) as frappe, \
            LocalServer(echo(401)) as echoer, LocalServer(lambda *a: (200, {}, b"{}")) as collector, \
            LocalServer(redirect_to(collector.url, 307)) as redirector:
        yield Ctx(emu, echoer.url, redirector.url, collector, frappe)


def creds(**changes) -> Callable[[Ctx, Connector], dict]:
    """The password config with credential fields changed (``_DROP`` removes one)."""
    return _changed("password_config", changes, in_credentials=True)


_DROP = object()


def token(**changes) -> Callable[[Ctx, Connector], dict]:
    """The token config with credential fields changed (``_DROP`` removes one)."""
    return _changed("good_config", changes, in_credentials=True)


def top(**changes) -> Callable[[Ctx, Connector], dict]:
    """The token config with top-level fields changed (``_DROP`` removes one); values may be ctx -> value."""
    return _changed("good_config", changes, in_credentials=False)


def _changed(base: str, changes: dict[str, Any], *, in_credentials: bool) -> Callable[[Ctx, Connector], dict]:
    """``conn.<base>(emulator)`` with ``changes`` applied to its credentials object or to its top level."""
    def build(c: Ctx, conn: Connector) -> dict:
        config = getattr(conn, base)(c.emu_of(conn))
        target = config["credentials"] if in_credentials else config
        for key, value in changes.items():
            if value is _DROP:
                target.pop(key, None)
            else:
                target[key] = value(c) if callable(value) and not in_credentials else value
        return {"config": config}
    return build


def whole(value: Any) -> Callable[[Ctx, Connector], dict]:
    return lambda c, conn: {"config": value}


def raw_config(text: str) -> Callable[[Ctx, Connector], dict]:
    return lambda c, conn: {"raw": {"config": text}}


def pw_at(url: Callable[[Ctx], str], **cred_changes) -> Callable[[Ctx, Connector], dict]:
    def build(c: Ctx, conn: Connector) -> dict:
        config = conn.password_config(c.emu_of(conn))
        config[conn.url_key] = url(c)
        config["credentials"].update(cred_changes)
        return {"config": config}
    return build


def _catalog(conn: Connector, **entry) -> dict:
    base = {"stream": {"name": "c_bpartner", "json_schema": {}, "supported_sync_modes": ["full_refresh"]},
            "sync_mode": "full_refresh", "destination_sync_mode": "append"}
    base.update(entry)
    return {"streams": [{k: v for k, v in base.items() if v is not _DROP}]}


def with_catalog(catalog: Callable[[Connector], Any] | None = None, raw: str | None = None,
                 state: Any = None, raw_state: str | None = None) -> Callable[[Ctx, Connector], dict]:
    def build(c: Ctx, conn: Connector) -> dict:
        out: dict = {"config": conn.good_config(c.emu_of(conn))}
        if raw is not None:
            out["raw"] = {"catalog": raw}
        else:
            out["catalog"] = catalog(conn) if catalog else _catalog(conn)
        if raw_state is not None:
            out.setdefault("raw", {})["state"] = raw_state
        elif state is not None:
            out["state"] = state
        return out
    return build



# Catalog rows every connector shares: a catalog's shape is the platform's, not the ERP's.
CATALOG_CASES = [
    Case("catalog-not-json", "run", with_catalog(raw='{"streams": ['), ("catalog file", "is not valid JSON")),
    Case("catalog-array", "run", with_catalog(raw="[]"), ('must hold a JSON object with a "streams" list',)),
    Case("catalog-no-sync-mode", "run", with_catalog(lambda conn: _catalog(conn, sync_mode=_DROP)),
         ("has no sync_mode",), only="source"),
    Case("catalog-no-destination-mode", "run",
         with_catalog(lambda conn: _catalog(conn, destination_sync_mode=_DROP)), ("has no destination_sync_mode",),
         only="destination"),
    Case("catalog-unknown-destination-mode", "run",
         with_catalog(lambda conn: _catalog(conn, destination_sync_mode="merge")), ("unknown destination_sync_mode",),
         only="destination"),
    Case("catalog-overwrite", "run", with_catalog(lambda conn: _catalog(conn, destination_sync_mode="overwrite")),
         ("overwrite",), only="destination"),
]

CASES = [
    # ---- config shape (validated before any connector code runs)
    Case("credentials-string", "check", creds(), ()),  # replaced below (needs the whole credentials value)
    Case("missing-password", "check", creds(password=_DROP), ("credentials.password is required for auth_type password",)),
    Case("null-password", "check", creds(password=None), ("credentials.password is required for auth_type password",)),
    Case("number-password", "check", creds(password=12345678), ("credentials.password must be a string",),
         absent=("12345678",)),
    Case("missing-username", "check", creds(username=_DROP), ("credentials.username is required for auth_type password",)),
    Case("null-role", "check", creds(role=None), ("credentials.role is required for auth_type password",)),
    Case("missing-token", "check", token(token=_DROP), ("credentials.token is required for auth_type token",)),
    Case("null-token", "check", token(token=None), ("credentials.token is required for auth_type token",)),
    Case("missing-auth-type", "check", creds(auth_type=_DROP), ('credentials.auth_type is required: one of "password", "token"',)),
    Case("unknown-auth-type", "check", creds(auth_type="oauth2"), ('credentials.auth_type must be one of "password", "token"',)),
    Case("credentials-list", "check", top(credentials=[SECRET_PW]), ("credentials must be an object",)),
    Case("missing-base-url", "check", top(base_url=_DROP), ("base_url is required",)),
    Case("ftp-base-url", "check", top(base_url="ftp://erp.example.com"), ("base_url does not have the expected form",)),
    Case("number-base-url", "check", top(base_url=8080), ("base_url must be a string",)),
    Case("verify-tls-string", "check", top(verify_tls="no"), ("verify_tls must be true or false",)),
    Case("zero-workers", "check", top(num_workers=0), ("num_workers must be at least 1",)),
    Case("config-array", "check", whole([{"base_url": "http://x"}]), ("must be a JSON object, not a list",)),
    Case("config-not-json", "check", raw_config('{"base_url": "http://x",'), ("config file", "is not valid JSON")),
    Case("config-null", "check", raw_config("null"), ("must be a JSON object, not null",)),
    # ---- the server side
    Case("server-down", "check", top(base_url=lambda c: closed_port_url()), ("Cannot connect to", "down or unreachable")),
    Case("wrong-password", "check", creds(password=SECRET_PW), ("Login failed",), absent=("not found",)),
    Case("server-down-sync", "run", top(base_url=lambda c: closed_port_url()), ("Cannot connect to",),
         failure="transient_error"),
    Case("wrong-password-sync", "run", creds(password=SECRET_PW), ("Login failed",), absent=("not found",)),
    Case("unknown-role", "check", creds(role="No Such Role"), ("credentials.role", "No Such Role")),
    Case("single-role-user-wrong-role-name", "check",
         creds(username="GardenUser", password="GardenUser", role="GardenWorld Admin", organization=_DROP),
         ("credentials.role 'GardenWorld Admin'",)),
    Case("wrong-path", "check", top(base_url=lambda c: c.emu.base_url + "/idempiere"),
         ("No iDempiere REST API answers at", "/idempiere/api/v1/", "base_url")),
    Case("https-to-plain-http", "check", top(base_url=lambda c: c.emu.base_url.replace("http://", "https://")),
         ("does not speak TLS on that port",)),
    Case("https-to-plain-http-verify-off", "check",
         top(base_url=lambda c: c.emu.base_url.replace("http://", "https://"), verify_tls=False),
         ("does not speak TLS on that port",), absent=("set verify_tls",)),
    Case("redirecting-server", "check", pw_at(lambda c: c.redirect_url, password=SECRET_PW),
         ("redirected", "auth/tokens", "never redirected")),
    Case("echoing-server", "check", pw_at(lambda c: c.echo_url, password=SECRET_PW), ("Login failed",)),
    Case("dead-token", "check", token(token="eyJhbGciOiJIUzUxMiJ9.e30.c2lnbmF0dXJl"), ("server-to-server token",)),
    # ---- catalogs and states (read / write)
    *CATALOG_CASES,
    Case("catalog-unknown-sync-mode", "run", with_catalog(lambda conn: _catalog(conn, sync_mode="sometimes")),
         ("unknown sync_mode",)),
    Case("state-not-json", "run", with_catalog(raw_state="[{"), ("state file", "not valid JSON", "Reset"),
         only="source"),
    Case("state-legacy", "run", with_catalog(state={"c_bpartner": {"Updated": "2024-01-01T00:00:00Z"}}),
         ("legacy shape", "Reset"), only="source"),
    Case("state-global", "run", with_catalog(state=[{"type": "GLOBAL", "global": {"stream_states": []}}]),
         ("GLOBAL state", "Reset"), only="source"),
    Case("state-junk-list", "run", with_catalog(state=[1, "x"]), ("State entry #1", "Reset"), only="source"),
    Case("state-junk-object", "run", with_catalog(state=[{"stream": "c_bpartner"}]),
         ("not a per-stream state message",), only="source"),
    Case("post-write-process-bad-mode", "check",
         top(post_write_processes={"c_bpartner": {"process": "import_bpartner", "mode": "later"}}),
         ("post_write_processes.c_bpartner.mode must be one of",), only="destination"),
    Case("post-write-process-unknown-field", "check",
         top(post_write_processes={"c_bpartner": {"process": "import_bpartner", "timout_seconds": 5}}),
         ("post_write_processes.c_bpartner", "timout_seconds"), only="destination"),
]
CASES[0] = Case("credentials-string", "check",
                top(credentials=f"GardenAdmin:{SECRET_PW}"), ("credentials must be an object", "auth_type"))

FRAPPE_CASES = [
    Case("credentials-string", "check", top(credentials=f"Administrator:{SECRET_PW}"),
         ("credentials must be an object", "auth_type")),
    Case("missing-api-secret", "check", token(api_secret=_DROP), ("credentials.api_secret is required for auth_type api_key",)),
    Case("null-api-key", "check", token(api_key=None), ("credentials.api_key is required for auth_type api_key",)),
    Case("number-api-secret", "check", token(api_secret=12345678), ("credentials.api_secret must be a string",),
         absent=("12345678",)),
    Case("missing-password", "check", creds(password=_DROP), ("credentials.password is required for auth_type password",)),
    Case("null-username", "check", creds(username=None), ("credentials.username is required for auth_type password",)),
    Case("oauth2-without-refresh-token", "check", top(credentials={"auth_type": "oauth2", "client_id": "c"}),
         ("credentials.refresh_token is required for auth_type oauth2",)),
    Case("missing-auth-type", "check", creds(auth_type=_DROP),
         ('credentials.auth_type is required: one of "api_key", "password", "oauth2"',)),
    Case("unknown-auth-type", "check", creds(auth_type="token"), ('credentials.auth_type must be one of "api_key"',)),
    Case("missing-site-url", "check", top(site_url=_DROP), ("site_url is required",)),
    Case("number-site-url", "check", top(site_url=443), ("site_url must be a string",)),
    Case("zero-page-size", "check", top(page_size=0), ("page_size must be at least 1",), only="source"),
    Case("negative-lookback", "check", top(lookback_window_seconds=-5), ("lookback_window_seconds must be at least 0",),
         only="source"),
    Case("zero-batch-size", "check", top(batch_size=0), ("batch_size must be at least 1",), only="destination"),
    Case("too-many-workers", "check", top(num_workers=99), ("num_workers must be at most 16",), only="destination"),
    Case("unknown-reject-policy", "check", top(reject_policy="skip"), ("reject_policy must be one of",),
         only="destination"),
    Case("verify-tls-string", "check", top(verify_tls="no"), ("verify_tls must be true or false",)),
    Case("config-array", "check", whole([{"site_url": "http://x"}]), ("must be a JSON object, not a list",)),
    Case("config-not-json", "check", raw_config("{'site_url': 1}"), ("config file", "is not valid JSON")),
    Case("server-down", "check", top(site_url=lambda c: closed_port_url()),
         ("Cannot connect to", "down or unreachable", "Check site_url")),
    Case("server-down-sync", "run", top(site_url=lambda c: closed_port_url()), ("Cannot connect to",),
         failure="transient_error"),
    Case("wrong-api-secret", "check", token(api_secret=SECRET_PW), ("API key or secret was rejected",)),
    Case("wrong-password", "check", creds(password=SECRET_PW), ("Login as 'Administrator' failed",)),
    Case("wrong-password-sync", "run", creds(password=SECRET_PW), ("Login as 'Administrator' failed",)),
    Case("wrong-path", "check", top(site_url=lambda c: c.frappe.base_url + "/erp"),
         ("No Frappe REST API answers at", "/erp/api/", "site_url")),
    Case("wrong-path-password", "check", pw_at(lambda c: c.frappe.base_url + "/erp"),
         ("No Frappe REST API answers at", "/erp/api/method/login", "site_url")),
    Case("https-to-plain-http", "check", top(site_url=lambda c: c.frappe.base_url.replace("http://", "https://")),
         ("does not speak TLS on that port",)),
    Case("redirecting-server", "check", pw_at(lambda c: c.redirect_url, password=SECRET_PW),
         ("redirected", "never redirected")),
    Case("echoing-server", "check", pw_at(lambda c: c.echo_url, password=SECRET_PW), ("Login as 'Administrator' failed",)),
    *CATALOG_CASES,
    Case("state-legacy", "run", with_catalog(state={"Customer": {"cursor": "2024-01-01 00:00:00"}}),
         ("legacy shape", "Reset"), only="source"),
    Case("state-junk-list", "run", with_catalog(state=[None]), ("State entry #1", "Reset"), only="source"),
]

ROWS = [pytest.param(conn, case, id=f"{conn.name}-{case.id}") for conn in IDEMPIERE for case in CASES
        if case.only in (None, conn.side)]
ROWS += [pytest.param(conn, case, id=f"{conn.name}-{case.id}") for conn in FRAPPE for case in FRAPPE_CASES
         if case.only in (None, conn.side)]


def test_the_table_is_big_enough():
    assert len(ROWS) >= 40


@pytest.mark.parametrize("conn, case", ROWS)
def test_a_bad_input_gets_a_sentence_that_names_the_field_or_the_fix(ctx, tmp_path, conn, case):
    inputs = case.build(ctx, conn)
    command = case.command if case.command == "check" else ("read" if conn.side == "source" else "write")
    if command != "check" and "catalog" not in inputs and "catalog" not in inputs.get("raw", {}):
        inputs["catalog"] = _catalog(conn)
    run = run_cli(conn, command, tmp_path, config=inputs.get("config"), catalog=inputs.get("catalog"),
                  state=inputs.get("state"), raw=inputs.get("raw"))
    errors = run.trace_errors
    if command == "check":
        assert run.status is not None and run.status["status"] == "FAILED", run.stdout[-2000:]
        assert run.exit_code == 0
        text = run.status["message"]
        assert all(e["failure_type"] == "config_error" for e in errors)  # never a system error for a bad input
    else:
        assert errors, run.stdout[-2000:] + run.stderr[-2000:]
        assert errors[-1]["failure_type"] == case.failure
        assert run.exit_code == 1
        text = errors[-1]["message"]
    for needle in case.needles:
        assert needle in text, text
    for word in case.absent:
        assert word not in text, text
    emitted = run.all_bytes()
    assert "Traceback (most recent call last)" not in run.stderr
    assert "Something went wrong" not in emitted
    for secret in (SECRET_PW, "12345678", ctx.emu.s2s_token, ctx.frappe.api_secret):
        assert secret not in emitted, f"secret leaked by {case.id}"
    assert ctx.collector.received == []  # no redirect ever delivered anything elsewhere


CHECK_CATCHES = [
    ("rejects-path-is-a-directory", lambda tmp: {"rejected_records_path": str(tmp)}, "is a directory"),
    ("rejects-path-under-a-file", lambda tmp: {"rejected_records_path": str(_file(tmp) / "rejects.jsonl")},
     "is not a directory"),
    ("child-mode-unknown", lambda tmp: {"child_mode": "sync"}, "child_mode must be one of"),
    ("child-keys-not-a-column", lambda tmp: {"child_keys": {"c_orderline": ["Lne"]}},
     "child_keys for c_orderline: 'Lne' is not a column of C_OrderLine"),
    ("doc-action-on-a-table-without-documents", lambda tmp: {"doc_action": {"c_bpartner": "CO"}},
     "not a document table"),
    ("doc-action-on-an-unknown-table", lambda tmp: {"doc_action": {"no_such_table": "CO"}},
     "doc_action for no_such_table"),  # write only warns (no stream writes there); check says it
    ("post-write-process-unknown", lambda tmp: {"post_write_processes": {"c_bpartner": {"process": "no_such"}}},
     "post_write_processes.c_bpartner: process 'no_such': no process has this slug"),
    ("post-write-process-parameter-misspelt", lambda tmp: {"post_write_processes": {"c_bpartner": {
        "process": "import_bpartner", "parameters": {"ad_client_id": 11}}}}, "did you mean AD_Client_ID?"),

]


def _file(tmp):
    path = tmp / "a-file"
    path.write_text("x")
    return path


@pytest.mark.parametrize("case_id, options, needle", CHECK_CATCHES, ids=[c[0] for c in CHECK_CATCHES])
def test_destination_check_catches_what_write_would_fail_on(ctx, tmp_path, case_id, options, needle):
    """check must fail on what write would fail on (issue 11), and write fails on it as a config error."""
    conn = DESTINATION_IDEMPIERE
    config = {**conn.good_config(ctx.emu), **options(tmp_path)}
    checked = run_cli(conn, "check", tmp_path / "check", config=config)
    assert checked.status and checked.status["status"] == "FAILED" and needle in checked.status["message"]
    if "unknown-table" in case_id:
        return
    written = run_cli(conn, "write", tmp_path / "write", config=config, catalog=_catalog(conn),
                      stdin='{"type":"RECORD","record":{"stream":"c_bpartner","data":{"Value":"x","Name":"y"},'
                            '"emitted_at":0}}\n')
    assert written.exit_code == 1 and written.trace_errors[-1]["failure_type"] == "config_error"
    assert needle in written.trace_errors[-1]["message"]
