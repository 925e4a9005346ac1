"""Token expiry, 5xx and dropped connections mid-sync; failing streams fail loudly."""
from __future__ import annotations

import pytest
from airbyte_cdk.models import AirbyteStreamStatus

from .helpers import config, db_rows, records, run_read

GENERATIONS = [pytest.param(False, id="current"), pytest.param(True, id="legacy")]


@pytest.mark.parametrize("legacy", GENERATIONS)
def test_short_token_lifetime_with_faults_completes_with_nothing_lost(emulator_factory, legacy):
    emu = emulator_factory(rows=150, legacy=legacy, token_ttl=2, latency_ms=25, seed=11)
    emu.set_faults(fail_rate=0.05, drop_rate=0.01)
    cfg = config(emu, password=True, page_size=10, num_workers=2)
    out = run_read(cfg, ["c_order", "c_orderline"])
    emu.set_faults(fail_rate=0.0, drop_rate=0.0)
    assert {r["id"] for r in records(out, "c_order")} == set(db_rows(emu, "C_Order", "C_Order_ID"))
    assert {r["id"] for r in records(out, "c_orderline")} == set(db_rows(emu, "C_OrderLine", "C_OrderLine_ID"))
    log = emu.requests()
    auth_calls = [r for r in log if r["path"].startswith("/api/v1/auth/")]
    faults = [r for r in log if r.get("fault") in ("fail", "drop")]
    assert len(auth_calls) >= 3, "the sync must have crossed token expiry several times"
    assert faults, "faults must actually have been injected"
    for stream in ("c_order", "c_orderline"):
        assert out.get_stream_statuses(stream)[-1] == AirbyteStreamStatus.COMPLETE


def test_stream_whose_retries_run_out_is_incomplete_and_sync_fails_while_others_complete(emulator_factory, monkeypatch):
    """Retries live in the client (tested there); here the client gives up on one table after two pages."""
    from erp_http.errors import TransientError
    from idempiere_client.http import IdempiereClient

    emu = emulator_factory(rows=40)
    real_get_page = IdempiereClient.get_page
    pages = {"c_orderline": 0}

    def flaky_get_page(self, table, **kwargs):
        if table == "c_orderline":
            pages["c_orderline"] += 1
            if pages["c_orderline"] > 2:
                raise TransientError("GET models/c_orderline: HTTP 503; giving up after 6 attempts", status=503, attempts=6)
        return real_get_page(self, table, **kwargs)

    monkeypatch.setattr(IdempiereClient, "get_page", flaky_get_page)
    out = run_read(config(emu, page_size=10, num_workers=2), ["c_order", "c_orderline"], expect_failure=True)
    assert out.get_stream_statuses("c_order")[-1] == AirbyteStreamStatus.COMPLETE
    assert {r["id"] for r in records(out, "c_order")} == set(db_rows(emu, "C_Order", "C_Order_ID"))
    assert out.get_stream_statuses("c_orderline")[-1] == AirbyteStreamStatus.INCOMPLETE
    stream_errors = [m.trace.error for m in out.errors if m.trace.error.stream_descriptor]
    assert [e.stream_descriptor.name for e in stream_errors] == ["c_orderline"]
    assert stream_errors[0].failure_type.value == "transient_error"
    # the sync itself fails (non-zero exit for the platform) with a summary naming the stream
    summary = [m.trace.error for m in out.errors if not m.trace.error.stream_descriptor]
    assert summary and "c_orderline" in summary[-1].message
    # the states emitted for c_orderline before the failure are still a valid resume point
    line_states = [m for m in out.state_messages if m.state.stream.stream_descriptor.name == "c_orderline"]
    assert line_states and all("Updated" in m.state.stream.stream_state.__dict__ for m in line_states)


def test_unknown_stream_in_catalog_is_a_config_error(emulator_factory):
    emu = emulator_factory(rows=5)
    out = run_read(config(emu), ["c_order", "no_such_table"], expect_failure=True)
    assert out.get_stream_statuses("c_order")[-1] == AirbyteStreamStatus.COMPLETE
    assert out.get_stream_statuses("no_such_table")[-1] == AirbyteStreamStatus.INCOMPLETE
    assert any("no_such_table" in (m.trace.error.message or "") for m in out.errors)


def test_wrong_password_at_read_time_fails_the_sync_once_with_a_config_error(emulator):
    from .helpers import PASSWORD_CREDENTIALS

    cfg = {"base_url": emulator.base_url, "credentials": {**PASSWORD_CREDENTIALS, "password": "not-it"}}
    out = run_read(cfg, ["c_order", "c_orderline"], expect_failure=True)
    errors = [m.trace.error for m in out.errors]
    assert len(errors) == 1 and errors[0].failure_type.value == "config_error"
    assert "Login failed" in errors[0].message
    assert not out.records


@pytest.mark.parametrize("workers", [1, 3])
def test_tables_and_windows_run_in_parallel_but_never_above_num_workers(emulator_factory, monkeypatch, workers):
    from source_idempiere import source as source_module

    clients = []

    class RecordingClient(source_module.IdempiereClient):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            clients.append(self)

    monkeypatch.setattr(source_module, "IdempiereClient", RecordingClient)
    emu = emulator_factory(rows=120, latency_ms=15)
    tables = ["c_order", "c_orderline", "c_invoice", "c_bpartner", "m_product"]
    out = run_read(config(emu, page_size=20, num_workers=workers), tables)
    assert {r.record.stream for r in out.records} == set(tables)
    (client,) = clients
    assert client.peak_in_flight == workers  # bounded, and actually reached (parallel when allowed)
