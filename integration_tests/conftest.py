"""Shared fixtures for tests that drive the emulator over real HTTP (docs/architecture.md)."""
from __future__ import annotations

from collections.abc import Callable
from types import ModuleType

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


@pytest.fixture
def passing_demo(tmp_path, monkeypatch, capsys) -> Callable[[ModuleType, int], str]:
    """``run(demo_module, rows) -> stdout``: one ERP's ``make demo`` part (its ``demo/<erp>/run.py``) on a small
    emulator, its output under ``tmp_path``; fails the test, with the demo's output, unless every step's own check
    held (``main()`` returned 0). The module is passed in so that only the demo tests import PyAirbyte."""
    def run(module: ModuleType, rows: int) -> str:
        monkeypatch.setattr(module, "OUTPUT", tmp_path)
        monkeypatch.setattr(module, "ROWS", rows)
        status = module.main()
        out = capsys.readouterr().out
        assert status == 0, f"the demo failed its own checks:\n{out}"
        return out
    return run

# airbyte-cdk standard tests (integration_tests/test_source_standard.py): scenario parametrization and options
pytest_plugins = ["airbyte_cdk.test.standard_tests.pytest_hooks"]


def pytest_configure(config):
    # the standard tests mark configs under secrets/ with `requires_creds`; ours are written at test time
    config.addinivalue_line("markers", "requires_creds: scenario whose config lives under secrets/")
