"""Console script ``source-frappe``: ``spec | check | discover | read`` (the shared console, fast RECORD lines)."""
from __future__ import annotations

from erp_airbyte.source.console import run_source
from source_frappe.source import SourceFrappe


def run() -> None:
    run_source(SourceFrappe())


if __name__ == "__main__":
    run()
