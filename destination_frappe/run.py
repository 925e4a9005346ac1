"""Console script ``destination-frappe``: the standard CLI (``erp_airbyte.destination.console``)."""
from __future__ import annotations

from erp_airbyte import cdk_startup

cdk_startup.install()  # before the CDK is imported: most of the CDK's import CPU (cdk_startup.py)

from destination_frappe.destination import DestinationFrappe  # noqa: E402 - start-up deferral (above)
from erp_airbyte.destination.console import run_destination  # noqa: E402 - start-up deferral (above)


def run() -> None:
    """Entry point of the console script (setup.py)."""
    run_destination(DestinationFrappe())


if __name__ == "__main__":
    run()
