"""Shared fixtures for tests that drive the emulator over real HTTP (docs/architecture.md)."""
from __future__ import annotations

import pytest

from idempiere_emulator import EmulatorOptions, EmulatorServer
from integration_tests.server_factory import started_servers


@pytest.fixture
def emulator():
    """A fresh emulator with default options on a free loopback port."""
    with EmulatorServer(EmulatorOptions()) as emu:
        yield emu


@pytest.fixture
def emulator_factory():
    """``make(**EmulatorOptions kwargs) -> started EmulatorServer``; every one is stopped at teardown."""
    yield from started_servers(lambda **kwargs: EmulatorServer(EmulatorOptions(**kwargs)).start())

# airbyte-cdk standard tests (integration_tests/test_source_standard.py): scenario parametrization and options
pytest_plugins = ["airbyte_cdk.test.standard_tests.pytest_hooks"]


def pytest_configure(config):
    # the standard tests mark configs under secrets/ with `requires_creds`; ours are written at test time
    config.addinivalue_line("markers", "requires_creds: scenario whose config lives under secrets/")
