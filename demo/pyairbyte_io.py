"""PyAirbyte plumbing shared by every ERP's demo and integration_tests/test_pyairbyte.py.

PyAirbyte reads ``AIRBYTE_OFFLINE_MODE`` when it is first imported; without it, it tries to download
the connector registry and fails on a machine without internet access. So this module sets the
offline variables before it imports ``airbyte``, and every caller imports PyAirbyte through it.
"""
from __future__ import annotations

import logging
import os
import re
import sys
import warnings
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

os.environ.setdefault("AIRBYTE_OFFLINE_MODE", "1")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("NO_LIVE_PROGRESS", "1")  # plain progress lines; a live Rich view garbles `make` output
# google-cloud clients imported by PyAirbyte warn about Python 3.11's end of life (2027) at import time.
warnings.filterwarnings("ignore", message="You are using a Python version", category=FutureWarning)

import airbyte as ab  # noqa: E402  (must come after the environment above)
from airbyte.caches import DuckDBCache  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
# Connector log lines worth showing live: stream start/finish, running counts and rates, rejects.
PROGRESS_PATTERN = re.compile(r"(?i)\b(stream|records?|rows?|rate|inserted|updated|rejected|written|sync)\b")


def installed_script(name: str) -> Path:
    """The console script installed next to this interpreter (``.venv/bin/<name>``).

    ``sys.executable`` is deliberately not resolved: in a venv it is a symlink to the system
    Python, and the scripts live next to the link, not next to its target.
    """
    path = Path(sys.executable).parent / name
    if not path.exists():
        raise FileNotFoundError(f"{name} is not installed in {path.parent}; run `make install` first")
    return path


def get_source(
    name: str, config: dict[str, Any], streams: list[str], progress: Callable[[str], None] | None = None
) -> ab.Source:
    """A connector (``source-<erp>``) as a PyAirbyte source, run from the installed script (no registry, no venv).

    ``progress`` receives the connector's progress log lines while it runs (see echo_connector_progress).
    """
    source = ab.get_source(name, config=config, local_executable=installed_script(name), install_if_missing=False)
    source.select_streams(streams)
    if progress:
        echo_connector_progress(name, progress)
    return source


def get_destination(
    name: str, config: dict[str, Any], progress: Callable[[str], None] | None = None
) -> ab.Destination:
    """A connector (``destination-<erp>``) as a PyAirbyte destination, run from the installed script."""
    destination = ab.get_destination(
        name, config=config, local_executable=installed_script(name), install_if_missing=False
    )
    if progress:
        echo_connector_progress(name, progress)
    return destination


def duckdb_cache(db_path: Path) -> DuckDBCache:
    """A DuckDB cache in one file; PyAirbyte keeps each stream's state in it between ``read()`` calls."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    return DuckDBCache(db_path=db_path, schema_name="main", cache_dir=db_path.parent / "pyairbyte_tmp")


def table_count(cache: DuckDBCache, table: str) -> int:
    """Rows in the cache table of a stream (PyAirbyte names tables after the lower-case stream)."""
    return int(cache.run_sql_query(f"SELECT COUNT(*) AS n FROM {cache.schema_name}.{table}")[0]["n"])


def rows_extracted_since(cache: DuckDBCache, table: str, since: datetime) -> int:
    """Rows whose latest version arrived at or after ``since`` (PyAirbyte merges on the primary key,
    so a row read again by an incremental sync gets a new ``_airbyte_extracted_at``)."""
    rows = cache.run_sql_query(
        f"SELECT COUNT(*) AS n FROM {cache.schema_name}.{table} "
        f"WHERE _airbyte_extracted_at >= TIMESTAMPTZ '{since.isoformat()}'"
    )
    return int(rows[0]["n"])


class _EchoHandler(logging.Handler):
    def __init__(self, prefix: str, emit_line: Callable[[str], None]) -> None:
        super().__init__(logging.INFO)
        self.prefix = prefix
        self.emit_line = emit_line

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if PROGRESS_PATTERN.search(message):
            self.emit_line(f"    [{self.prefix}] {message.strip()[:300]}")


def echo_connector_progress(connector_name: str, emit_line: Callable[[str], None] = print) -> None:
    """Show a connector's progress log lines live.

    PyAirbyte writes connector LOG messages only to a log file (logger ``airbyte.<name>``); this
    adds a handler that echoes the progress-looking ones, so a person sees streams start, record
    counts grow and rates while a sync runs. PyAirbyte resets the logger's handlers whenever it
    creates a connector object, so call this after ``get_source``/``get_destination``.
    """
    logger = logging.getLogger(f"airbyte.{connector_name}")
    if not any(isinstance(h, _EchoHandler) for h in logger.handlers):
        logger.addHandler(_EchoHandler(connector_name, emit_line))
