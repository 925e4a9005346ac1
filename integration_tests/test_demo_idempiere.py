"""`make demo`'s iDempiere part runs end to end on a small emulator and checks itself against it: sources into
DuckDB, an incremental re-sync, write-back, attachment and report streams, an I_BPartner import, a nested order.

(Top level of integration_tests/ like the other PyAirbyte tests: importing PyAirbyte reconfigures logging.)
"""
from __future__ import annotations

from pathlib import Path

from demo.idempiere import run


def test_idempiere_demo_passes_its_own_checks(passing_demo, tmp_path: Path) -> None:
    out = passing_demo(run, 40)
    assert "Finished in" in out and (tmp_path / "idempiere.duckdb").exists()
    assert "Written back through destination-idempiere: 3 new c_bpartner rows" in out
    assert "3 read back by the next sync" in out
    assert "Imported through I_BPartner + Import_BPartner: 3 new c_bpartner rows" in out and "1 rejected" in out
    assert f"order {run.ORDER_NO} with its 2 C_OrderLine rows" in out
