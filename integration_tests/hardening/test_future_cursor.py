"""A saved cursor in the future is warned about and capped at the sync's frozen upper bound, so the stream
reads again on the next sync (issue 11), for every ERP source (iDempiere: test_source_read.py)."""
from __future__ import annotations

from airbyte_cdk.models import AirbyteStateMessageSerializer, SyncMode

from frappe_emulator import FrappeEmulator, FrappeOptions
from integration_tests.frappe_source.helpers import catalog, config, run, state_blobs


def _state(stream: str, cursor: str, zone: str) -> list:
    return [AirbyteStateMessageSerializer.load({"type": "STREAM", "stream": {
        "stream_descriptor": {"name": stream}, "stream_state": {"cursor": cursor, "time_zone": zone}}})]


def test_frappe_a_2099_cursor_is_capped_and_the_next_sync_reads_new_rows() -> None:
    options = FrappeOptions(rows=10)
    with FrappeEmulator(options) as emu:
        cfg = config(emu)
        cat = catalog(cfg, ["Customer"], SyncMode.incremental)
        first = run(cfg, cat, _state("Customer", "2099-01-01 00:00:00.000000", options.tz))
        assert any("is in the future" in line and "2099-01-01" in line for line in first.logs)
        saved = state_blobs(first.final_state())["Customer"]["cursor"]
        assert saved < "2099"  # back to the frozen upper bound, not kept in the future
