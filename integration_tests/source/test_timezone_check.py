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
