"""airbyte-cdk standard tests for destination-frappe (spec and check with good and bad config).

The suite's destination tests are ``check`` and ``config_matches_spec`` (plus Docker tests, deselected
here); writes are covered by integration_tests/frappe_destination. The scenarios' ``site_url`` and keys
are filled in from a live frappe_emulator at test time (a scenario is built at collection, before any
fixture runs); the suite points at the destination package for its metadata.yaml.
"""
from __future__ import annotations

import logging
from pathlib import Path

import pytest
from airbyte_cdk.test.models import ConnectorTestScenario
from airbyte_cdk.test.standard_tests import DestinationTestSuiteBase

from destination_frappe.destination import DestinationFrappe
from frappe_emulator import FrappeEmulator, FrappeOptions

PLACEHOLDER_URL = "http://emulator.invalid"
WRONG_SECRET = "not-the-Secret-value"


def _scenario(scenario_id: str, status: str) -> ConnectorTestScenario:
    scenario = ConnectorTestScenario(
        config_dict={"site_url": PLACEHOLDER_URL, "reject_policy": "continue", "batch_size": 20,
                     "credentials": {"auth_type": "api_key", "api_key": "filled-in", "api_secret": WRONG_SECRET}},
        status=status,
    )
    scenario._id = scenario_id
    return scenario


@pytest.fixture(scope="module")
def frappe_emulator():
    with FrappeEmulator(FrappeOptions(rows=3)) as emu:
        yield emu


def _live(scenario: ConnectorTestScenario, emu) -> dict:
    secret = emu.api_secret if scenario.id == "good_api_key" else WRONG_SECRET
    return {**scenario.config_dict, "site_url": emu.base_url,
            "credentials": {"auth_type": "api_key", "api_key": emu.api_key, "api_secret": secret}}


class TestDestinationFrappeStandard(DestinationTestSuiteBase):
    connector = DestinationFrappe

    @classmethod
    def get_connector_root_dir(cls) -> Path:
        return Path(__file__).resolve().parents[1] / "destination_frappe"

    @classmethod
    def get_scenarios(cls) -> list[ConnectorTestScenario]:
        return [_scenario("good_api_key", "succeed"), _scenario("bad_api_secret", "failed")]

    def test_check(self, scenario: ConnectorTestScenario, frappe_emulator) -> None:  # type: ignore[override]
        live = scenario.model_copy(update={"config_dict": _live(scenario, frappe_emulator)})
        live._id = scenario.id
        super().test_check(live)

    def test_bad_secret_is_reported_without_the_secret(self, frappe_emulator) -> None:
        """The suite checks for leaked secrets too; this pins what the user sees."""
        config = _live(self.get_scenarios()[1], frappe_emulator)
        status = DestinationFrappe().check(logging.getLogger("t"), config)
        assert status.status.value == "FAILED"
        assert status.message and WRONG_SECRET not in status.message
