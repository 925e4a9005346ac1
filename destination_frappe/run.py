"""Console entry point ``destination-frappe`` (spec | check | write)."""
from __future__ import annotations

import sys

from destination_frappe.destination import DestinationFrappe


def run() -> None:
    DestinationFrappe().run(sys.argv[1:])


if __name__ == "__main__":
    run()
