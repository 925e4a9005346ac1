"""The Frappe demo: emulator -> PyAirbyte -> DuckDB, edits on the site, incremental re-sync, reverse ETL, summary."""
from __future__ import annotations

import os
from pathlib import Path

from demo.frappe.reverse_etl import WriteBack, reverse_etl
from demo.frappe.steps import DOCTYPES, DemoResult, edit_on_site, full_sync, incremental_sync
from demo.pyairbyte_io import duckdb_cache
from demo.runner import fresh_duckdb, run_demo, say
from frappe_emulator.child import FrappeChild

OUTPUT = Path(os.environ.get("DEMO_OUTPUT", "demo_output")).resolve()
ROWS = int(os.environ.get("DEMO_FRAPPE_ROWS", "300"))  # Sales Orders; invoices scale with it


def main() -> int:
    """Run every step in order; the emulator is stopped whatever happens."""
    db_path = fresh_duckdb(OUTPUT, "frappe")
    result = DemoResult(duckdb_path=db_path)
    written = WriteBack()
    cache = duckdb_cache(db_path)
    return run_demo(
        f"Starting the Frappe / ERPNext emulator (--rows {ROWS})",
        lambda: FrappeChild(OUTPUT / "frappe-emulator.log", "--rows", str(ROWS)).start(),
        [
            ("full sync into DuckDB with source-frappe", lambda emu: full_sync(emu, cache, result)),
            ("edit, rename and delete documents on the site", lambda emu: edit_on_site(emu, cache, result)),
            ("incremental sync", lambda emu: incremental_sync(emu, cache, result)),
            ("reverse ETL through destination-frappe", lambda emu: reverse_etl(emu, OUTPUT, result=written)),
        ],
        lambda: print_summary(result, written),
    )


def print_summary(result: DemoResult, written: WriteBack | None = None) -> None:
    say("\n== Frappe summary " + "=" * 53)
    say(f"{'DocType (stream)':<18}{'rows in DuckDB':>16}{'read by 2nd sync':>20}")
    for stream in DOCTYPES:
        say(f"{stream:<18}{result.rows.get(stream, 0):>16,}{result.changed.get(stream, 0):>20,}")
    say(f"Renamed ToDo read under its new name ({result.renamed}); deleted ToDo {result.deleted} marked deleted.")
    if written is not None and written.staged:
        say(f"Written back through destination-frappe: {len(written.staged)} new Customer documents "
            f"({', '.join(r['custom_external_id'] for r in written.staged)}); the same rows written again added "
            f"none (found by custom_external_id).")
    say(f"DuckDB file: {result.duckdb_path}")
