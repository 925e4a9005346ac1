"""PyAirbyte (the ``airbyte`` package) configures the ``airbyte`` logger tree when it runs a connector
(own handlers, ``propagate`` off), and the CDK logs under the same name: without a reset, tests that run
later and read the CDK's captured log lines would miss them. Every test here leaves that tree as it found it."""
from __future__ import annotations

import logging

import pytest


def _airbyte_loggers() -> dict[str, logging.Logger]:
    manager = logging.root.manager
    return {name: lg for name, lg in list(manager.loggerDict.items())
            if isinstance(lg, logging.Logger) and (name == "airbyte" or name.startswith("airbyte."))}


@pytest.fixture(autouse=True)
def restore_airbyte_logging():
    saved = {name: (lg.level, lg.propagate, list(lg.handlers), lg.disabled) for name, lg in _airbyte_loggers().items()}
    root_handlers = list(logging.getLogger().handlers)
    yield
    for name, lg in _airbyte_loggers().items():
        level, propagate, handlers, disabled = saved.get(name, (logging.NOTSET, True, [], False))
        lg.setLevel(level)
        lg.propagate, lg.disabled = propagate, disabled
        lg.handlers[:] = handlers
    logging.getLogger().handlers[:] = root_handlers
