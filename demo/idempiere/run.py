"""The iDempiere demo: emulator -> PyAirbyte -> DuckDB, incremental re-sync, reverse ETL, attachment and report
streams, an import through I_BPartner, summary."""
from __future__ import annotations

import os
from pathlib import Path

from demo.idempiere.beyond_tables import ORDER_NO, BeyondTables, attachments_and_report, import_through_i_bpartner
from demo.idempiere.steps import TABLES, DemoResult, edit_in_erp, full_sync, incremental_sync, read_back, reverse_etl
from demo.pyairbyte_io import duckdb_cache
from demo.runner import fresh_duckdb, run_demo, say
from idempiere_emulator.child import EmulatorChild

OUTPUT = Path(os.environ.get("DEMO_OUTPUT", "demo_output")).resolve()
ROWS = int(os.environ.get("DEMO_ROWS", "1000"))  # C_Order rows; lines, invoices etc. scale with it


def main() -> int:
    """Run every step in order; the emulator is stopped whatever happens."""
    db_path = fresh_duckdb(OUTPUT, "idempiere")
    result = DemoResult(duckdb_path=db_path)
    beyond = BeyondTables()
    cache = duckdb_cache(db_path)
    return run_demo(
        f"Starting the iDempiere REST emulator (--rows {ROWS})",
        lambda: EmulatorChild(OUTPUT / "emulator.log", "--rows", str(ROWS)).start(),
        [
            ("full sync into DuckDB", lambda emu: full_sync(emu, cache, result)),
            ("edit rows in the ERP", lambda emu: edit_in_erp(emu, cache, result)),
            ("incremental sync", lambda emu: incremental_sync(emu, cache, result)),
            ("reverse ETL through destination-idempiere", lambda emu: reverse_etl(emu, OUTPUT, result)),
            ("read the written rows back", lambda emu: read_back(emu, cache, result)),
            ("attachment and report streams", lambda emu: attachments_and_report(emu, cache, beyond)),
            ("import through I_BPartner, and an order with its lines", lambda emu: import_through_i_bpartner(emu, OUTPUT, beyond)),
        ],
        lambda: print_summary(result, beyond),
    )


def print_summary(result: DemoResult, beyond: BeyondTables) -> None:
    """A short table a person can read at a glance."""
    say("\n== Summary " + "=" * 60)
    say(f"{'table':<14}{'rows in DuckDB':>16}{'changed in 2nd sync':>22}{'edited in ERP':>16}")
    for stream in TABLES:
        say(f"{stream:<14}{result.rows.get(stream, 0):>16,}{result.changed.get(stream, 0):>22,}"
            f"{result.edited.get(stream, 0):>16,}")
    say(f"Written back through destination-idempiere: {len(result.written_back)} new c_bpartner rows "
        f"({', '.join(r['value'] for r in result.written_back)}), group given by identifier; "
        f"{len(result.read_back)} read back by the next sync.")
    say(f"Attachments: {beyond.attachments} files of {beyond.attached_records} business partners in "
        f"c_bpartner__attachments; report: {beyond.report_rows} Order Detail lines of {beyond.report_partner!r} "
        f"for {beyond.report_product!r} in report__order_detail.")
    say(f"Imported through I_BPartner + Import_BPartner: {len(beyond.imported)} new c_bpartner rows "
        f"({', '.join(beyond.imported)}); {len(beyond.import_rejects)} rejected "
        f"({'; '.join(beyond.import_rejects)}).")
    say(f"Written as one record: order {ORDER_NO} with its {beyond.order_lines} C_OrderLine rows (nested array).")
    say("(`changed in 2nd sync` also counts rows re-read inside the source's look-back window.)")
    say(f"DuckDB file: {result.duckdb_path}")
