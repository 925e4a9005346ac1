"""server_timezone is verified against the server (tzcheck.py) by check and at the start of a sync."""
from __future__ import annotations

import pytest
from airbyte_cdk.models import FailureType, Status

from .helpers import config, run_read
from .test_source_check_discover import check, status


def test_check_fails_when_a_current_utc_server_is_configured_with_another_zone(emulator_factory):
    emu = emulator_factory(rows=5, legacy=False, tz="UTC")
    st = status(check(config(emu, server_timezone="Europe/Berlin", tables=["c_order"])))
    assert st.status == Status.FAILED
    assert "server_timezone" in st.message and "real UTC" in st.message


@pytest.mark.parametrize("legacy", [True, False], ids=["legacy-berlin", "current-berlin"])
def test_check_succeeds_with_the_right_zone(emulator_factory, legacy):
    emu = emulator_factory(rows=5, legacy=legacy, tz="Europe/Berlin")
    assert status(check(config(emu, server_timezone="Europe/Berlin", tables=["c_order"]))).status == Status.SUCCEEDED


def test_read_fails_before_reading_when_the_zone_contradicts_the_server(emulator_factory):
    emu = emulator_factory(rows=5, legacy=False, tz="UTC")
    out = run_read(config(emu, server_timezone="Europe/Berlin"), ["c_order"], expect_failure=True)
    assert not out.records
    errors = [m.trace.error for m in out.errors]
    assert errors and errors[-1].failure_type == FailureType.config_error
    assert "server_timezone" in errors[-1].message


def test_read_succeeds_with_the_right_zone(emulator_factory):
    emu = emulator_factory(rows=5, legacy=True, tz="Europe/Berlin")
    out = run_read(config(emu, server_timezone="Europe/Berlin"), ["c_order"])
    assert out.records


def check_logs(out) -> str:
    return "\n".join(m.log.message for m in out.logs)


@pytest.mark.parametrize("table", ["c_order", "testuu"], ids=["integer-key", "uuid-key"])
@pytest.mark.parametrize("tolowercase", [False, True], ids=["exact-names", "tolowercase"])
def test_check_fails_with_an_actionable_message_on_every_table_shape(emulator_factory, tolowercase, table):
    """A current UTC server configured with another zone: lower-case property names (``updated``, §2.5) and
    UUID-key tables used to fall back to a sample that could not tell a real Z from a fake one."""
    emu = emulator_factory(rows=5, legacy=False, tz="UTC", tolowercase=tolowercase)
    out = check(config(emu, server_timezone="Europe/Berlin", tables=[table]))
    st = status(out)
    assert st.status == Status.FAILED
    assert "server_timezone is 'Europe/Berlin'" in st.message and "Leave server_timezone empty" in st.message
    assert "Traceback" not in st.message


@pytest.mark.parametrize("table", ["c_order", "testuu"], ids=["integer-key", "uuid-key"])
@pytest.mark.parametrize("tolowercase", [False, True], ids=["exact-names", "tolowercase"])
def test_check_passes_on_a_legacy_server_in_its_zone_on_every_table_shape(emulator_factory, tolowercase, table):
    emu = emulator_factory(rows=5, legacy=True, tz="Europe/Berlin", tolowercase=tolowercase)
    out = check(config(emu, server_timezone="Europe/Berlin", tables=[table]))
    assert status(out).status == Status.SUCCEEDED
    assert f"time zone checked with {table}.Updated (legacy)" in check_logs(out)


@pytest.mark.parametrize(
    ("legacy", "server_tz", "configured", "outcome"),
    [(False, "UTC", "UTC", "utc"), (False, "Europe/Berlin", "Europe/Berlin", "offset"),
     (True, "UTC", "UTC", "utc")],
    ids=["current-utc", "current-berlin", "legacy-utc"],
)
def test_check_passes_on_a_tolowercase_server(emulator_factory, legacy, server_tz, configured, outcome):
    emu = emulator_factory(rows=5, legacy=legacy, tz=server_tz, tolowercase=True)
    out = check(config(emu, server_timezone=configured, tables=["c_order"]))
    assert status(out).status == Status.SUCCEEDED
    assert f"time zone checked with c_order.Updated ({outcome})" in check_logs(out)


def test_check_moves_past_tables_without_rows(emulator_factory):
    emu = emulator_factory(rows=5, legacy=False, tz="UTC", tolowercase=True)
    emu.backend.sql("DELETE FROM C_Order")  # listed first (server order is by TableName)
    st = status(check(config(emu, server_timezone="Europe/Berlin", tables=["c_order", "c_orderline"])))
    assert st.status == Status.FAILED and "real UTC" in st.message and "c_orderline.Updated" in st.message


def test_read_fails_before_reading_on_a_tolowercase_uuid_key_table(emulator_factory):
    emu = emulator_factory(rows=5, legacy=False, tz="UTC", tolowercase=True)
    out = run_read(config(emu, server_timezone="Europe/Berlin"), ["testuu"], expect_failure=True)
    assert not out.records
    assert "server_timezone" in out.errors[-1].trace.error.message
