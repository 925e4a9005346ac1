"""Console script ``destination-idempiere``: the standard CLI (``erp_airbyte.destination.console``)."""
from __future__ import annotations

from destination_idempiere.destination import DestinationIdempiere
from erp_airbyte.destination.console import run_destination


def run() -> None:
    """Entry point of the console script (setup.py)."""
    run_destination(DestinationIdempiere())


if __name__ == "__main__":
    run()
