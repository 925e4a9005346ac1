"""airbyte-cdk standard tests for destination-idempiere (spec and check with good and bad config).

The repository root holds the *source's* metadata.yaml, so this class points the suite at the
destination package (its own metadata.yaml) and lists its own scenarios. Their ``base_url`` is filled
in from a live emulator at test time (a scenario is built at collection, before any fixture runs).
"""
from __future__ import annotations

from pathlib import Path

from airbyte_cdk.test.models import ConnectorTestScenario
from airbyte_cdk.test.standard_tests import DestinationTestSuiteBase

from destination_idempiere import DestinationIdempiere

PLACEHOLDER_URL = "http://emulator.invalid"


def _scenario(scenario_id: str, credentials: dict, status: str) -> ConnectorTestScenario:
    scenario = ConnectorTestScenario(
        config_dict={"base_url": PLACEHOLDER_URL, "credentials": credentials, "batch_size": 20,
                     "reject_policy": "continue"},
        status=status,
    )
    scenario._id = scenario_id
    return scenario


class TestDestinationIdempiereStandard(DestinationTestSuiteBase):
    connector = DestinationIdempiere

    @classmethod
    def get_connector_root_dir(cls) -> Path:
        return Path(__file__).resolve().parents[1] / "destination_idempiere"

    @classmethod
    def get_scenarios(cls) -> list[ConnectorTestScenario]:
        password = {"auth_type": "password", "username": "GardenAdmin", "client": "GardenWorld",
                    "role": "GardenWorld Admin", "organization": "HQ"}
        return [
            _scenario("good_password", {**password, "password": "GardenAdmin"}, "succeed"),
            _scenario("bad_password", {**password, "password": "not-the-Secret-pw"}, "failed"),
        ]

    def test_check(self, scenario: ConnectorTestScenario, emulator) -> None:  # type: ignore[override]
        config = {**scenario.config_dict, "base_url": emulator.base_url}
        live = scenario.model_copy(update={"config_dict": config})
        live._id = scenario.id
        super().test_check(live)

    def test_bad_password_is_reported_without_the_secret(self, emulator) -> None:
        """The suite checks for leaked secrets too; this pins the message the user sees."""
        import logging

        config = {**self.get_scenarios()[1].config_dict, "base_url": emulator.base_url}
        status = DestinationIdempiere().check(logging.getLogger("t"), config)
        assert status.status.value == "FAILED"
        assert "not-the-Secret-pw" not in (status.message or "")
        assert status.message


