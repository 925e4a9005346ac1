"""The destination's check verifies server_timezone (tzcheck.py) like the source's; write detects the generation
with the same function on every table shape."""
from __future__ import annotations

import logging

import pytest
from airbyte_cdk.models import Status
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from destination_idempiere import DestinationIdempiere
from destination_idempiere.destination import _legacy_datetime
from idempiere_client.config import ConnectionConfig
from idempiere_client.http import IdempiereClient
from idempiere_client.metadata import MetadataCatalog
from idempiere_client.timeutil import ServerClock
from idempiere_emulator import fixtures

from .helpers import catalog, config, record, sql, state, write

LOWER = [False, True]
LOWER_IDS = ["exact-names", "tolowercase"]


def check(emu, **options):
    return DestinationIdempiere().check(logging.getLogger("airbyte"), config(emu, **options))


@pytest.mark.parametrize("tolowercase", LOWER, ids=LOWER_IDS)
def test_check_fails_with_an_actionable_message_when_a_current_utc_server_is_configured_with_another_zone(
        emulator_factory, tolowercase):
    emu = emulator_factory(rows=3, legacy=False, tz="UTC", tolowercase=tolowercase)
    status = check(emu, server_timezone="Europe/Berlin")
    assert status.status == Status.FAILED
    assert "server_timezone is 'Europe/Berlin'" in status.message and "real UTC" in status.message
    assert "Leave server_timezone empty" in status.message


@pytest.mark.parametrize("tolowercase", LOWER, ids=LOWER_IDS)
def test_check_fails_when_a_current_berlin_server_is_configured_as_utc(emulator_factory, tolowercase):
    emu = emulator_factory(rows=3, legacy=False, tz="Europe/Berlin", tolowercase=tolowercase)
    status = check(emu)  # server_timezone empty = UTC
    assert status.status == Status.FAILED
    assert "server_timezone is 'UTC'" in status.message
    assert "the server reports offset +02:00" in status.message or "the server reports offset +01:00" in status.message


@pytest.mark.parametrize("tolowercase", LOWER, ids=LOWER_IDS)
@pytest.mark.parametrize(
    ("legacy", "server_tz", "configured", "outcome"),
    [(True, "Europe/Berlin", "Europe/Berlin", "legacy"), (False, "Europe/Berlin", "Europe/Berlin", "offset"),
     (False, "UTC", None, "utc"), (True, "UTC", None, "utc")],
    ids=["legacy-berlin", "current-berlin", "current-utc", "legacy-utc"],
)
def test_check_passes_with_the_right_zone(emulator_factory, caplog, legacy, server_tz, configured, outcome,
                                          tolowercase):
    emu = emulator_factory(rows=3, legacy=legacy, tz=server_tz, tolowercase=tolowercase)
    emu.clear_requests()
    with caplog.at_level(logging.INFO, logger="airbyte"):
        status = check(emu, **({"server_timezone": configured} if configured else {}))
    assert status.status == Status.SUCCEEDED, status.message
    assert f"server_timezone checked with ad_org.Updated ({outcome})" in caplog.text
    # fast: key probe + YAML of ad_org, one or two Updated reads, POST /batch (+ login when not a token)
    assert len(emu.requests()) <= 5


def test_check_uses_another_table_when_the_role_cannot_read_ad_org(emulator_factory, caplog, monkeypatch):
    denied = {**fixtures.ROLE_DENIED_TABLES, fixtures.ROLE_USER: fixtures.ROLE_DENIED_TABLES[fixtures.ROLE_USER] | {"ad_org"}}
    monkeypatch.setattr(fixtures, "ROLE_DENIED_TABLES", denied)
    emu = emulator_factory(rows=3, legacy=False, tz="UTC")
    user = {"auth_type": "password", "username": "GardenUser", "password": "GardenUser", "client": "GardenWorld",
            "role": "GardenWorld User"}
    cfg = {**config(emu, server_timezone="Europe/Berlin"), "credentials": user}
    status = DestinationIdempiere().check(logging.getLogger("airbyte"), cfg)
    assert status.status == Status.FAILED and "c_bpartner.Updated" in status.message
    with caplog.at_level(logging.INFO, logger="airbyte"):
        status = DestinationIdempiere().check(logging.getLogger("airbyte"), {**cfg, "server_timezone": "UTC"})
    assert status.status == Status.SUCCEEDED, status.message
    assert "server_timezone checked with c_bpartner.Updated (utc)" in caplog.text


def test_check_reports_a_bad_token_without_a_traceback(emulator):
    status = DestinationIdempiere().check(logging.getLogger("airbyte"), {
        "base_url": emulator.base_url, "credentials": {"auth_type": "token", "token": "not.a.token"},
        "server_timezone": "Europe/Berlin"})
    assert status.status == Status.FAILED and status.message and "Traceback" not in status.message


# ---- write: the generation comes from the same function, on every table shape ---------------------------
@pytest.mark.parametrize("tolowercase", LOWER, ids=LOWER_IDS)
@pytest.mark.parametrize("legacy", [True, False], ids=["legacy-berlin", "current-berlin"])
def test_write_detects_the_generation_on_every_table_shape(emulator_factory, legacy, tolowercase):
    """legacy_datetime (old servers read a fake-Z datetime as their wall clock) comes from tzcheck's probe."""
    emu = emulator_factory(rows=3, legacy=legacy, tz="Europe/Berlin", tolowercase=tolowercase)
    for stream, data in (("c_bpartner", {"Value": "TZ-2", "Name": "Time zone two"}),
                         ("testuu", {"Value": "TZ-3", "Name": "Time zone three"})):
        out, dest = write(emu, catalog((stream, "append", None)), [record(stream, data), state(stream, 1)],
                          server_timezone="Europe/Berlin")
        assert out and dest.last_run.ctx.legacy_datetime is legacy, stream


@pytest.mark.parametrize("tolowercase", LOWER, ids=LOWER_IDS)
def test_write_to_a_uuid_key_table_refuses_a_wrong_zone_before_writing(emulator_factory, tolowercase):
    emu = emulator_factory(rows=3, legacy=False, tz="UTC", tolowercase=tolowercase)
    before = sql(emu, "SELECT COUNT(*) FROM TestUU")[0][0]
    with pytest.raises(AirbyteTracedException) as caught:
        write(emu, catalog(("testuu", "append", None)), [record("testuu", {"Value": "X", "Name": "X"}), state("testuu", 1)],
              server_timezone="Europe/Berlin")
    assert "real UTC" in caught.value.message
    assert sql(emu, "SELECT COUNT(*) FROM TestUU")[0][0] == before


@pytest.mark.parametrize("table", ["c_bpartner", "testuu"], ids=["integer-key", "uuid-key"])
@pytest.mark.parametrize("tolowercase", LOWER, ids=LOWER_IDS)
@pytest.mark.parametrize("legacy", [True, False], ids=["legacy-berlin", "current-berlin"])
def test_legacy_detection_does_not_lean_on_the_batch_endpoint(emulator_factory, legacy, tolowercase, table):
    """Servers from 2025-08 to 2026-04 have the batch endpoint and the fake Z; the probe alone decides.
    (Lower-case property names used to defeat the old sample and leave such a server taken for current.)"""
    emu = emulator_factory(rows=3, legacy=legacy, tz="Europe/Berlin", tolowercase=tolowercase)
    with IdempiereClient(ConnectionConfig.from_airbyte(config(emu))) as client:
        meta = MetadataCatalog(client).get(table)
        assert _legacy_datetime(client, ServerClock("Europe/Berlin"), [meta], True, logging.getLogger("t")) is legacy


@pytest.mark.parametrize("legacy", [True, False], ids=["legacy-berlin", "current-berlin"])
def test_write_into_empty_tables_detects_the_generation_with_the_checks_tables(emulator_factory, monkeypatch, legacy):
    """A 2025-08..2026-04 server (batch endpoint, fake Z) whose target table has no row yet: the write falls
    back to ad_org's newest row instead of assuming a current server from the batch endpoint."""
    emu = emulator_factory(rows=3, legacy=legacy, tz="Europe/Berlin")
    emu.backend.sql("DELETE FROM TestUU")
    assert sql(emu, "SELECT COUNT(*) FROM TestUU") == [(0,)]
    monkeypatch.setattr("destination_idempiere.destination._detect_batch", lambda client: True)
    _, dest = write(emu, catalog(("testuu", "append", None)), [record("testuu", {"Value": "E-1", "Name": "E"}),
                      state("testuu", 1)], server_timezone="Europe/Berlin", dry_run=True)
    assert dest.last_run.ctx.legacy_datetime is legacy
