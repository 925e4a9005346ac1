"""check, discover and read as users with and without System Manager, over HTTP: clear messages, explicit
DocType lists, the site time zone rules, and a DocType that becomes unreadable mid-sync failing loudly."""
from __future__ import annotations

import logging
import threading

import pytest
from airbyte_cdk.entrypoint import AirbyteEntrypoint
from airbyte_cdk.models import AirbyteStreamStatus, Status
from airbyte_cdk.test.entrypoint_wrapper import discover, read

from frappe_emulator import FrappeEmulator, FrappeOptions
from integration_tests.frappe_source.helpers import api, catalog, config, db_rows, run
from source_frappe.source import SourceFrappe

READER = "reader@example.com"


@pytest.fixture(scope="module")
def emu():
    with FrappeEmulator(FrappeOptions(rows=20)) as emulator:
        yield emulator


def reader_config(emu, **extra) -> dict:
    user = emu.users[READER]
    return {"site_url": emu.base_url + "/app", "credentials": {"auth_type": "api_key", "api_key": user["api_key"],
                                                                "api_secret": user["api_secret"]}, **extra}


def _check(cfg: dict):
    """The connection status the platform sees (``check`` through the CDK entrypoint, secrets masked)."""
    source = SourceFrappe()
    entrypoint = AirbyteEntrypoint(source)
    messages = list(entrypoint.check(source.spec(logging.getLogger("test")), cfg))
    [status] = [m.connectionStatus for m in messages if m.connectionStatus is not None]
    return status


def test_check_succeeds_for_the_api_user_and_fails_clearly_for_bad_secrets(emu) -> None:
    assert _check(config(emu)).status == Status.SUCCEEDED
    bad = config(emu)
    bad["credentials"]["api_secret"] = "wrong-Secret-123"
    status = _check(bad)
    assert status.status == Status.FAILED and "API key or secret was rejected" in status.message
    assert "wrong-Secret-123" not in status.message


def test_check_for_a_user_who_cannot_list_doctypes_or_read_system_settings(emu) -> None:
    status = _check(reader_config(emu, doctypes=["Customer"]))
    assert status.status == Status.FAILED and "set site_timezone" in status.message
    status = _check(reader_config(emu, site_timezone="Asia/Kolkata"))
    assert status.status == Status.FAILED and "cannot list DocTypes" in status.message and "'doctypes'" in status.message
    ok = _check(reader_config(emu, site_timezone="Asia/Kolkata", doctypes=["Customer", "Sales Order"]))
    assert ok.status == Status.SUCCEEDED


def test_a_site_timezone_that_disagrees_with_system_settings_is_an_error(emu) -> None:
    status = _check(config(emu, site_timezone="Europe/Berlin"))
    assert status.status == Status.FAILED and "'Europe/Berlin'" in status.message and "Asia/Kolkata" in status.message


def test_discover_for_a_reader_uses_the_configured_list_and_skips_a_broken_meta(emu) -> None:
    out = discover(SourceFrappe(), reader_config(emu, site_timezone="Asia/Kolkata",
                                                 doctypes=["Customer", "Sales Order", "No Such DocType",
                                                           "Payment Entry"]))
    names = [s.name for s in out.catalog.catalog.streams]
    assert names == ["Customer", "Sales Order"]
    assert any("cannot list DocTypes" in m.log.message for m in out.logs)
    assert any("No Such DocType skipped" in m.log.message for m in out.logs)
    assert any("Payment Entry skipped" in m.log.message and "403" in m.log.message for m in out.logs)


def test_discovered_stream_shape(emu) -> None:
    out = discover(SourceFrappe(), config(emu, doctypes=["Customer", "System Settings", "Sales Order*"],
                                          child_tables="streams"))
    streams = {s.name: s for s in out.catalog.catalog.streams}
    assert set(streams) == {"Customer", "System Settings", "Sales Order", "Sales Order Item",
                            "Sales Taxes and Charges"}
    customer = streams["Customer"]
    assert customer.source_defined_primary_key == [["name"]] and customer.default_cursor_field == ["modified"]
    assert "custom_external_id" in customer.json_schema["properties"]
    assert [m.value for m in streams["System Settings"].supported_sync_modes] == ["full_refresh"]
    item = streams["Sales Order Item"].json_schema["properties"]
    assert {"parent", "parenttype", "parentfield", "idx", "_ab_cdc_deleted_at"} <= set(item)


def test_single_doctype_is_one_row(emu) -> None:
    cfg = config(emu, doctypes=["System Settings"])
    from airbyte_cdk.models import SyncMode
    sync = run(cfg, catalog(cfg, ["System Settings"], SyncMode.full_refresh))
    [row] = sync.records["System Settings"]
    assert row["name"] == "System Settings" and row["time_zone"] == "Asia/Kolkata"


@pytest.mark.parametrize("rows, revoke_at", [(30, 2), (120, 6)])  # one keyset scan; parallel 'modified' ranges
def test_a_doctype_that_becomes_unreadable_mid_sync_fails_loudly(rows: int, revoke_at: int) -> None:
    with FrappeEmulator(FrappeOptions(rows=rows)) as emu:
        cfg = reader_config(emu, site_timezone="Asia/Kolkata", doctypes=["Customer", "Sales Order"], page_size=5)
        cat = catalog(cfg, ["Customer", "Sales Order"])
        pages = []
        lock = threading.Lock()

        def revoke(info: dict) -> None:
            if info["method"] == "GET" and info.get("doctype") == "Sales Order" and "order_by=modified" in info["query"]:
                with lock:
                    pages.append(1)
                    if len(pages) != revoke_at:
                        return
                api(emu, "PUT", f"resource/User/{READER}", json={"roles": [{"role": "All"}]})

        emu.add_hook(revoke)
        result = read(SourceFrappe(), cfg, cat, expecting_exception=True)
        errors = [m.trace.error.message for m in result.errors]
        assert any("cannot read DocType Sales Order" in e for e in errors), errors
        assert AirbyteStreamStatus.INCOMPLETE in result.get_stream_statuses("Sales Order")
        got = [m.record.data["name"] for m in result.records if m.record.stream == "Sales Order"]
        assert len(got) < len(db_rows(emu, "Sales Order"))  # partial data is never reported as success
        if rows == 30:
            assert got, "the revoke was meant to come mid-sync"
