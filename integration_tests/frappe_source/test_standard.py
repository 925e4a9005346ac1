"""airbyte-cdk standard tests for source-frappe (spec, check, discover, basic read, bad catalog).

Run with ``-k "not docker"``. The scenarios come from ``integration_tests/source-frappe/acceptance-test-config.yml``
(its directory is this connector's root for the suite, named like the connector); the configs it names under
``secrets/`` are written here for a frappe_emulator started once for this module.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from airbyte_cdk.test.standard_tests import SourceTestSuiteBase

from frappe_emulator import FrappeEmulator, FrappeOptions
from source_frappe.source import SourceFrappe

ROOT = Path(__file__).resolve().parents[1] / "source-frappe"
SECRETS = ROOT / "secrets"


@pytest.fixture(scope="module", autouse=True)
def live_emulator_configs():
    with FrappeEmulator(FrappeOptions(rows=30)) as emu:
        SECRETS.mkdir(exist_ok=True)
        good = {"site_url": emu.base_url, "credentials": {"auth_type": "api_key", "api_key": emu.api_key,
                                                          "api_secret": emu.api_secret},
                "doctypes": ["Customer", "Sales Order", "ToDo"], "page_size": 20}
        bad = {"site_url": emu.base_url, "credentials": {"auth_type": "api_key", "api_key": emu.api_key,
                                                         "api_secret": "definitely-wrong-secret"}}
        (SECRETS / "config.json").write_text(json.dumps(good))
        (SECRETS / "invalid_config.json").write_text(json.dumps(bad))
        yield emu


class TestSourceFrappe(SourceTestSuiteBase):
    connector = SourceFrappe

    @classmethod
    def get_connector_root_dir(cls) -> Path:
        return ROOT
