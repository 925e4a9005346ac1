"""The Frappe emulator's CLI as a child process (erp_emulator.process), with its control actions.

Benchmarks and demos run the emulator this way, as a user would: it proves the documented CLI works and
keeps the emulator's threads and CPU out of the process that measures or drives the connectors.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from erp_emulator.process import EmulatorProcess, module_command

API_KEY, API_SECRET = "api_key", "api_secret"  # the credentials' names on the ready line (see __main__.py)


class FrappeChild(EmulatorProcess):
    """``python -m frappe_emulator --host 127.0.0.1 --port 0 <args>`` in a child process."""

    def __init__(self, log_path: Path, *args: str, **options: Any) -> None:
        """``args`` are CLI flags (``--rows 5 --version 15``); ``options`` go to ``EmulatorProcess``."""
        super().__init__(module_command("frappe_emulator", *args), log_path, **options)

    def _credential(self, name: str) -> str:
        return self.credentials[name]

    @property
    def api_key(self) -> str:
        return self._credential(API_KEY)

    @property
    def api_secret(self) -> str:
        return self._credential(API_SECRET)

    def count(self, doctype: str) -> int:
        """Every row of ``doctype`` (no permissions): the oracle a sync is checked against."""
        return int(self.control("GET", "count", params={"doctype": doctype})["count"])

    def touch(self, doctype: str, count: int | None = None, names: list | None = None,
              modified: str | None = None) -> str:
        """Give rows one shared ``modified`` (now, or ``modified``); returns that value."""
        body: dict[str, Any] = {"doctype": doctype}
        body.update({"names": names} if names is not None else {"count": count or 0})
        if modified:
            body["modified"] = modified
        return str(self.control("POST", "touch", body)["modified"])

    def insert(self, doctype: str, docs: list[dict[str, Any]], modified: str | None = None) -> list:
        """Insert documents (a late commit when ``modified`` is old); returns their names."""
        body: dict[str, Any] = {"doctype": doctype, "docs": docs}
        if modified:
            body["modified"] = modified
        return list(self.control("POST", "insert", body)["names"])

    def hard_delete(self, doctype: str, names: list) -> int:
        """Delete without a Deleted Document (what a connector can only find by reconciliation)."""
        return int(self.control("POST", "delete", {"doctype": doctype, "names": names})["deleted"])

    def rename(self, doctype: str, old: str, new: str) -> str:
        return str(self.control("POST", "rename", {"doctype": doctype, "old": old, "new": new})["name"])
