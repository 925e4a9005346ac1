"""Console script ``destination-frappe``: ``spec | check --config | write --config --catalog``."""
from __future__ import annotations

import sys

from erp_airbyte import cdk_startup

cdk_startup.install()  # before the CDK is imported: ~0.7 s less CPU per connector process

from destination_frappe.destination import DestinationFrappe  # noqa: E402 - start-up deferral (above)


def run() -> None:
    """Entry point of the console script (setup.py)."""
    DestinationFrappe().run(sys.argv[1:])


if __name__ == "__main__":
    run()
