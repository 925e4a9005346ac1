"""Shared fixtures for tests that drive the emulator over real HTTP (docs/architecture.md)."""
from __future__ import annotations

import pytest

from idempiere_emulator import EmulatorOptions, EmulatorServer


@pytest.fixture
def emulator():
    """A fresh emulator with default options on a free loopback port."""
    with EmulatorServer(EmulatorOptions()) as emu:
        yield emu


@pytest.fixture
def emulator_factory():
    """``make(**EmulatorOptions kwargs) -> started EmulatorServer``; every one is stopped at teardown."""
    started: list[EmulatorServer] = []

    def make(**kwargs) -> EmulatorServer:
        emu = EmulatorServer(EmulatorOptions(**kwargs)).start()
        started.append(emu)
        return emu

    yield make
    for emu in started:
        emu.stop()

# airbyte-cdk standard tests (integration_tests/test_source_standard.py): scenario parametrization and options
pytest_plugins = ["airbyte_cdk.test.standard_tests.pytest_hooks"]


def pytest_configure(config):
    # the standard tests mark configs under secrets/ with `requires_creds`; ours are written at test time
    config.addinivalue_line("markers", "requires_creds: scenario whose config lives under secrets/")
