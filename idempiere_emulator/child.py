"""The iDempiere emulator's CLI as a child process (erp_emulator.process), with its own control actions.

The demo and the benchmarks run the emulator this way, as a user would: it proves the documented CLI works and
keeps the emulator's threads and CPU out of the process that measures or drives the connectors.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from erp_emulator.process import EmulatorProcess, module_command

S2S_TOKEN = "s2s token"  # the credential's name on the ready line (see __main__.py)


class EmulatorChild(EmulatorProcess):
    """``python -m idempiere_emulator --host 127.0.0.1 --port 0 <args>`` in a child process."""

    def __init__(self, log_path: Path, *args: str, **options: Any) -> None:
        """``args`` are CLI flags (``--rows 5``); ``options`` go to ``EmulatorProcess`` (timeouts, cwd)."""
        super().__init__(module_command("idempiere_emulator", *args), log_path, **options)

    @property
    def s2s_token(self) -> str:
        return self.credentials[S2S_TOKEN]

    def count(self, table: str) -> int:
        """All rows of ``table``, active or not (the oracle a sync is checked against)."""
        return int(self.control("GET", "count", params={"table": table})["count"])

    def touch(self, table: str, count: int) -> int:
        """Set ``Updated`` to now on ``count`` rows, as a user editing them in the ERP would."""
        return int(self.control("POST", "touch", {"table": table, "count": count})["touched"])

    def insert(self, table: str, rows: list[dict[str, Any]]) -> list[int]:
        """Insert raw rows (FK ints, 'Y'/'N'); missing standard columns are defaulted by the emulator."""
        return list(self.control("POST", "insert", {"table": table, "rows": rows})["ids"])
