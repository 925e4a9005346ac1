"""The destination verifies server_timezone (tzcheck.py) before writing anything."""
from __future__ import annotations

import pytest
from airbyte_cdk.models import FailureType
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from integration_tests.destination.helpers import catalog, record, sql, state, write

BP = "c_bpartner"


def bp_count(emu) -> int:
    return sql(emu, "SELECT COUNT(*) FROM C_BPartner")[0][0]


def test_write_fails_before_writing_when_a_current_utc_server_is_configured_with_another_zone(emulator_factory):
    emu = emulator_factory(rows=3, legacy=False, tz="UTC")
    before = bp_count(emu)
    messages = [record(BP, {"Value": "TZ-1", "Name": "Time zone one"}), state(BP, 1)]
    with pytest.raises(AirbyteTracedException) as caught:
        write(emu, catalog((BP, "append", None)), messages, server_timezone="Europe/Berlin")
    assert caught.value.failure_type == FailureType.config_error
    assert "server_timezone" in caught.value.message and "real UTC" in caught.value.message
    assert bp_count(emu) == before


@pytest.mark.parametrize("legacy", [True, False], ids=["legacy-berlin", "current-berlin"])
def test_write_succeeds_with_the_right_zone(emulator_factory, legacy):
    emu = emulator_factory(rows=3, legacy=legacy, tz="Europe/Berlin")
    before = bp_count(emu)
    messages = [record(BP, {"Value": "TZ-1", "Name": "Time zone one"}), state(BP, 1)]
    out, dest = write(emu, catalog((BP, "append", None)), messages, server_timezone="Europe/Berlin")
    assert out and bp_count(emu) == before + 1
    assert dest.last_run.ctx.legacy_datetime is legacy
