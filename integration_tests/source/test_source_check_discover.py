"""check and discover against the emulator."""
from __future__ import annotations

import pytest
from airbyte_cdk.models import Status
from airbyte_cdk.test.entrypoint_wrapper import (
    _run_command,  # noqa: PLC2701 - CDK test helper
    discover,
)

from source_idempiere import SourceIdempiere

from .helpers import PASSWORD_CREDENTIALS, config


def check(cfg):
    import json
    import tempfile

    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
        json.dump(cfg, fh)
    return _run_command(SourceIdempiere(), ["check", "--config", fh.name], expecting_exception=True)


def status(out):
    return out.connection_status_messages[-1].connectionStatus


@pytest.mark.parametrize("password", [False, True], ids=["token", "password"])
def test_check_succeeds_with_valid_credentials(emulator, password):
    out = check(config(emulator, password=password))
    assert status(out).status == Status.SUCCEEDED


@pytest.mark.parametrize(
    "creds, needle",
    [({**PASSWORD_CREDENTIALS, "password": "wrong"}, "password"), ({**PASSWORD_CREDENTIALS, "role": "No Such Role"}, "role")],
    ids=["wrong-password", "unknown-role"],
)
def test_check_fails_with_actionable_message(emulator, creds, needle):
    out = check({"base_url": emulator.base_url, "credentials": creds})
    st = status(out)
    assert st.status == Status.FAILED
    assert needle.lower() in st.message.lower()
    assert "GardenAdmin" != st.message and "wrong" not in st.message  # no secret echoed


def test_check_fails_for_unreachable_server():
    out = check({"base_url": "http://127.0.0.1:9", "credentials": {"auth_type": "token", "token": "an.unreachable.token"}})
    st = status(out)
    assert st.status == Status.FAILED and "base_url" in st.message  # reported, not raised


def test_check_detects_wrong_server_timezone_on_current_servers(emulator_factory):
    emu = emulator_factory(rows=5, tz="Europe/Berlin")
    assert status(check(config(emu, server_timezone="UTC"))).status == Status.FAILED
    assert status(check(config(emu, server_timezone="Europe/Berlin"))).status == Status.SUCCEEDED
    lower = emulator_factory(rows=5, tz="Europe/Berlin", tolowercase=True)
    assert status(check(config(lower, server_timezone="UTC"))).status == Status.FAILED


def test_discover_lists_tables_with_keys_cursor_and_schema(emulator):
    out = discover(SourceIdempiere(), config(emulator))
    assert not out.errors
    streams = {s.name: s for s in out.catalog.catalog.streams}
    order = streams["c_order"]
    assert order.source_defined_primary_key == [["id"]]
    assert order.default_cursor_field == ["Updated"]
    assert set(m.value for m in order.supported_sync_modes) == {"full_refresh", "incremental"}
    props = order.json_schema["properties"]
    assert "C_BPartner_ID" in props and "C_BPartner_ID_identifier" in props
    assert order.json_schema.get("additionalProperties", True) is True
    assert all(name == name.lower() for name in streams)


def test_discover_respects_role_access_and_table_patterns(emulator):
    restricted = {**PASSWORD_CREDENTIALS, "username": "GardenUser", "password": "GardenUser", "role": "GardenWorld User"}
    restricted.pop("organization")
    out = discover(SourceIdempiere(), {"base_url": emulator.base_url, "credentials": restricted})
    names = {s.name for s in out.catalog.catalog.streams}
    assert "fact_acct" not in names and "c_payment" not in names and "c_order" in names
    everything = {s.name for s in discover(SourceIdempiere(), config(emulator)).catalog.catalog.streams}
    out = discover(SourceIdempiere(), config(emulator, tables=["C_Order*"], exclude_tables=["c_orderline"]))
    got = {s.name for s in out.catalog.catalog.streams}
    assert got == {n for n in everything if n.startswith("c_order") and n != "c_orderline"}
    assert "c_order" in got and "c_orderline" not in got


def test_discover_names_an_inaccessible_explicit_table(emulator):
    out = discover(SourceIdempiere(), config(emulator, tables=["c_order", "nope_table"]), expecting_exception=True)
    assert out.errors and "nope_table" in out.errors[-1].trace.error.message


def test_object_foreign_key_mode_passes_lookup_objects(emulator):
    out = discover(SourceIdempiere(), config(emulator, foreign_keys="object", tables=["c_order"]))
    props = out.catalog.catalog.streams[0].json_schema["properties"]
    assert "C_BPartner_ID_identifier" not in props
    assert "object" in props["C_BPartner_ID"]["type"]


def test_table_whose_metadata_fails_is_skipped_with_a_warning(emulator, monkeypatch):
    real_yaml = emulator.backend.table_yaml

    def broken_for_invoices(session, table):
        return "openapi: 3.0.0\ninfo: {title: broken}\n" if table.lower() == "c_invoice" else real_yaml(session, table)

    monkeypatch.setattr(emulator.backend, "table_yaml", broken_for_invoices)
    out = discover(SourceIdempiere(), config(emulator))
    names = {s.name for s in out.catalog.catalog.streams}
    assert "c_invoice" not in names and {"c_order", "c_invoiceline"} <= names
    assert out.is_in_logs("Skipping table c_invoice")
