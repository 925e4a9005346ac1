"""What a process implementation receives and fills in: the emulator's ProcessInfo (spec §9).

Implementations (model/import_*.py, model/reports.py, model/open_balance.py) are plain functions
``run(ProcessRun, ProcessEnv) -> str``: the returned text is the summary (``doIt``'s message, "@...@" tokens
translated); an exception makes the run an error with the exception's text as summary, as SvrProcess does.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..catalog import Catalog
from ..catalog.elements import label_for
from ..data.store import Store
from ..emulator_options import EmulatorOptions
from ..session import Session
from .process_params import ParamValue

# AD_Message texts of the tokens the emulated processes log (everything else falls back to the element name)
_MESSAGES = {"Errors": "Errors", "Inserted": "Inserted", "Updated": "Updated", "Purchase": "Purchase",
             "Error": "Error", "OK": "OK", "Created": "Created", "Deleted": "Deleted"}
_TOKEN = re.compile(r"@([^@\s]+)@")


def translate(text: str | None) -> str | None:
    """Msg.parseTranslation: ``@Errors@`` -> its message, ``@C_BPartner_ID@`` -> the element's name."""
    if text is None:
        return None
    return _TOKEN.sub(lambda m: _MESSAGES.get(m.group(1)) or label_for(m.group(1)), text)


@dataclass
class OutputFile:
    """A file a process produced (ProcessInfo's PDF report or export file): absolute path on the server."""

    path: str
    extension: str


@dataclass
class ProcessRun:
    """One run: the caller's session, the instance, its parameters; logs and output filled by the process."""

    session: Session
    instance_id: int
    name: str
    params: list[ParamValue]
    report_type: str | None = None
    record_id: int = 0
    print_format_id: int = 0  # the run option print-format-id (0: the report's own print format)
    logs: list[tuple[str | None, Any, str | None]] = field(default_factory=list)  # (P_Date, P_Number, P_Msg)
    pdf_report: OutputFile | None = None
    export_file: OutputFile | None = None

    def param(self, name: str) -> ParamValue | None:
        return next((p for p in self.params if p.name == name), None)

    def value(self, name: str) -> Any:
        """ProcessInfoParameter.getParameter() of ``name`` (None when absent or unset)."""
        p = self.param(name)
        return p.value if p else None

    def date_range(self, name: str, column: str) -> tuple[list[str], list[Any]]:
        """SQL conditions on ``column`` (and their arguments) for the range parameter ``name``: from its date,
        to its ``_To`` date, whole days; an unset end adds no condition."""
        p = self.param(name)
        conditions: list[str] = []
        args: list[Any] = []
        if p is not None and p.date:
            conditions.append(f"{column} >= ?")
            args.append(p.date[:10])
        if p is not None and p.date_to:
            conditions.append(f"{column} <= ?")
            args.append(p.date_to[:10])
        return conditions, args

    def add_log(self, number: Any, msg: str, date: str | None = None) -> None:
        """SvrProcess.addLog(0, date, number, msg): kept in AD_PInstance_Log."""
        self.logs.append((date, number, msg))


@dataclass
class ProcessEnv:
    """What implementations may use: the store, the writer (records saved like the model classes save
    them: defaults, validation, Updated), the catalog, options and where output files go."""

    store: Store
    writer: Any  # writes.Writer (typed loosely: the writer imports nothing of this module)
    catalog: Catalog
    options: EmulatorOptions
    files: Any  # process_files.ProcessFiles
