"""StreamProgress: when progress lines are due and what they say."""
from __future__ import annotations

from erp_airbyte.source.progress import StreamProgress


def test_progress_reports_by_records_or_time():
    now = [0.0]
    p = StreamProgress("c_order", every_records=100, every_seconds=10, clock=lambda: now[0])
    assert p.add_page(50) is None
    line = p.add_page(60)
    assert line and "110 records" in line
    now[0] = 11
    assert "111 records" in p.add_page(1)
    assert "COMPLETE - 111 records" in p.finish_line("COMPLETE")
