"""airbyte-cdk standard tests for the source (spec, check, discover, basic read, bad catalog).

Run with ``-k "not docker"``: this machine has the docker client but no engine. The scenarios come
from ``acceptance-test-config.yml``; the configs they name under ``secrets/`` are written here, for an
emulator started once for this module (the CDK reads config files at test time, not at collection).
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from airbyte_cdk.test.standard_tests import SourceTestSuiteBase

from idempiere_emulator import EmulatorOptions, EmulatorServer
from source_idempiere import SourceIdempiere

HERE = Path(__file__).parent
SECRETS = HERE / "secrets"


@pytest.fixture(scope="module", autouse=True)
def live_emulator_configs():
    """Start an emulator and write secrets/config.json (token) and secrets/invalid_config.json."""
    with EmulatorServer(EmulatorOptions(rows=40)) as emu:
        SECRETS.mkdir(exist_ok=True)
        good = {"base_url": emu.base_url, "credentials": {"auth_type": "token", "token": emu.s2s_token},
                "page_size": 50}
        bad = {"base_url": emu.base_url, "credentials": {
            "auth_type": "password", "username": "GardenAdmin", "password": "definitely-wrong-password",
            "client": "GardenWorld", "role": "GardenWorld Admin"}}
        (SECRETS / "config.json").write_text(json.dumps(good))
        (SECRETS / "invalid_config.json").write_text(json.dumps(bad))
        yield emu


class TestSourceIdempiere(SourceTestSuiteBase):
    connector = SourceIdempiere
