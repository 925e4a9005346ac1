"""`make demo`: emulator -> PyAirbyte -> DuckDB, incremental re-sync, reverse ETL, summary, for each ERP
(demo/idempiere/, then demo/frappe/).

Run from the repository root as ``python -m demo`` (the Makefile does). Exit status 0 only when
every step ran and every check against the emulator held. Shared plumbing sits at the top of demo/
(runner.py, pyairbyte_io.py); each ERP's steps live in its own sub-package.
"""
from __future__ import annotations

import sys

from demo.frappe.run import main as frappe_demo
from demo.idempiere.run import main as idempiere_demo


def main() -> int:
    """Both demos, each with its own emulator; non-zero if either failed."""
    status = idempiere_demo()
    return frappe_demo() or status


if __name__ == "__main__":
    sys.exit(main())
