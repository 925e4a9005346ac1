"""The Frappe demo's write-back step (demo/frappe/reverse_etl.py) against the emulator's CLI as a child process."""
from __future__ import annotations

from pathlib import Path

from demo.frappe.reverse_etl import reverse_etl
from frappe_emulator.child import FrappeChild


def test_demo_writes_a_few_customers_back_once(tmp_path: Path) -> None:
    emu = FrappeChild(tmp_path / "emulator.log", "--rows", "5").start()
    try:
        result = reverse_etl(emu, tmp_path, count=3)
    finally:
        emu.stop()
    before, first, second = result.counts
    assert (first - before, second - first) == (3, 0)
    assert [r["custom_external_id"][:5] for r in result.staged] == ["RETL-"] * 3
