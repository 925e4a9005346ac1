"""`make demo`'s Frappe part runs end to end on a small site and checks itself against the emulator.

(Top level of integration_tests/ like the other PyAirbyte tests: importing PyAirbyte reconfigures logging.)
"""
from __future__ import annotations

from pathlib import Path

from demo.frappe import run


def test_frappe_demo_passes_its_own_checks(passing_demo, tmp_path: Path) -> None:
    out = passing_demo(run, 20)
    assert "marked deleted" in out and "Finished in" in out and (tmp_path / "frappe.duckdb").exists()
    assert "Written back through destination-frappe: 3 new Customer documents" in out
