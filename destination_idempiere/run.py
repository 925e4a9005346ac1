"""Console script ``destination-idempiere``: ``spec | check --config | write --config --catalog``."""
from __future__ import annotations

import sys

from destination_idempiere.destination import DestinationIdempiere


def run() -> None:
    """Entry point of the console script (setup.py)."""
    DestinationIdempiere().run(sys.argv[1:])


if __name__ == "__main__":
    run()
