"""Console script ``source-idempiere``: the standard CLI (``erp_airbyte.source.console``)."""
from __future__ import annotations

from erp_airbyte.source.console import run_source
from source_idempiere.source import SourceIdempiere


def run() -> None:
    """Entry point of the console script (setup.py)."""
    run_source(SourceIdempiere())


if __name__ == "__main__":
    run()
