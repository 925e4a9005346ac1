"""The ``report_streams`` option: one stream per configured process or report, parsed and checked offline.

Stream names: ``report__<name>``. Table streams are lower-case table names and view streams start with
``view__``; iDempiere table names never start with ``report__``, so a report stream cannot take a table's
name (``check`` still verifies it against the role's tables), and two entries may not share a name (case
ignored, as most destinations ignore it).

A stream's schema is either declared (``columns``) or discovered by running the process once during
discovery (``discover_schema``): discovery never runs a process unless told to, because a process may
have side effects and the platform runs discovery often. One of the two is required.
"""
from __future__ import annotations

import codecs
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from erp_http.errors import ConfigurationError
from idempiere_client.report_columns import DECLARED_TYPES

STREAM_PREFIX = "report__"
REPORT_TYPES = ("CSV", "JSON", "XLS", "XLSX")
SENT_TYPES = ("CSV", "XLS", "XLSX")  # sent as the run's report-type; JSON is whatever the process exports
WORKBOOK_TYPES = ("XLS", "XLSX")
UNSUPPORTED_TYPES = {
    "PDF": "a PDF has no rows to read",
    "HTML": "an HTML page is a layout, not rows",
}
DEFAULT_TIMEOUT_SECONDS = 600
_NAME = re.compile(r"[A-Za-z0-9_]{1,64}\Z")

REPORT_STREAMS_SPEC: dict[str, Any] = {
    "type": "array",
    "title": "Report streams",
    "description": "A stream report__<name> per entry: each sync runs the process (POST /api/v1/processes/{slug}) "
    "with these parameters and reads its output (CSV, XLS, XLSX or JSON) as records. Full refresh only.",
    "order": 15,
    "items": {
        "type": "object",
        "required": ["name", "process"],
        "properties": {
            "name": {"type": "string", "title": "Stream name", "pattern": "^[A-Za-z0-9_]{1,64}$",
                     "description": "The stream is called report__<name>.", "examples": ["timesheet_export"]},
            "process": {"type": "string", "title": "Process slug",
                        "description": "The process's slug as GET /api/v1/processes lists it (its search key in "
                        "lower case, punctuation as '-'), e.g. rv_bpartneropen."},
            "parameters": {"type": "object", "title": "Parameters",
                           "description": "Process parameters by ColumnName (or its property name), range ends "
                           "as <name>_to, e.g. {\"DateFrom\": \"2026-01-01\", \"C_BPartner_ID\": 118}. "
                           "Checked against the process's parameters before every run.",
                           "additionalProperties": True},
            "report_type": {"type": "string", "title": "Output format", "enum": list(REPORT_TYPES), "default": "CSV",
                            "description": "CSV, XLS or XLSX: sent as the run's report-type; the output's header row "
                            "names the columns (XLS/XLSX: numbers and dates arrive typed). JSON: for processes that "
                            "answer a JSON export or data (no report-type sent). PDF and HTML output cannot be read "
                            "as rows."},
            "columns": {"type": "array", "title": "Columns",
                        "description": "The output's columns (header texts) with their types. Declare them, or set "
                        "discover_schema.",
                        "items": {"type": "object", "required": ["name"], "properties": {
                            "name": {"type": "string"},
                            "type": {"type": "string", "enum": list(DECLARED_TYPES), "default": "string"}}}},
            "discover_schema": {"type": "boolean", "title": "Discover the columns by running the process",
                                "default": False,
                                "description": "Discovery runs the process once with these parameters and types "
                                "each column from its values. Only for processes without side effects."},
            "header_row": {"type": "integer", "title": "Header row (XLS/XLSX)", "minimum": 1,
                           "description": "The sheet row (1 = the first) holding the column names. By default the "
                           "row above iDempiere's frozen pane, below the report's parameter rows."},
            "encoding": {"type": "string", "title": "CSV charset", "default": "utf-8",
                         "description": "The server's charset (iDempiere writes CSV in its configured charset)."},
            "timeout_seconds": {"type": "integer", "title": "Run timeout (seconds)", "minimum": 1,
                                "default": DEFAULT_TIMEOUT_SECONDS,
                                "description": "How long to wait for the process to answer."},
        },
    },
}


@dataclass(frozen=True)
class ReportConfig:
    """One entry of ``report_streams``, validated."""

    index: int
    name: str
    process: str
    parameters: Mapping[str, Any]
    report_type: str = "CSV"
    columns: tuple[tuple[str, str], ...] | None = None
    discover_schema: bool = False
    encoding: str = "utf-8"
    timeout_seconds: int = DEFAULT_TIMEOUT_SECONDS
    header_row: int | None = None

    @property
    def stream_name(self) -> str:
        return STREAM_PREFIX + self.name

    @property
    def label(self) -> str:
        """How messages name the entry: ``report_streams[0] (timesheet_export)``."""
        return f"report_streams[{self.index}] ({self.name})"

    def run_body(self) -> dict[str, Any]:
        """The body of ``POST processes/{slug}``: the parameters, plus ``report-type`` for CSV, XLS and XLSX."""
        body = dict(self.parameters)
        if self.report_type in SENT_TYPES:
            body["report-type"] = self.report_type
        return body


def is_report_stream(name: str) -> bool:
    return name.startswith(STREAM_PREFIX)


def parse_report_streams(config: Mapping[str, Any]) -> tuple[ReportConfig, ...]:
    """``report_streams`` -> ``ReportConfig`` entries.

    Raises:
        ConfigurationError: naming the entry and the key to fix.
    """
    value = config.get("report_streams")
    if value is None:
        return ()
    if not isinstance(value, list):
        raise ConfigurationError("report_streams must be a list of objects such as "
                                 '{"name": "timesheet_export", "process": "<slug>", "discover_schema": true}.')
    reports = tuple(_entry(i, item) for i, item in enumerate(value))
    seen: dict[str, ReportConfig] = {}
    for report in reports:
        other = seen.get(report.stream_name.lower())
        if other is not None:
            raise ConfigurationError(f"{report.label} and {other.label} would both be stream {report.stream_name} "
                                     "(names are compared ignoring case): give each entry its own name.")
        seen[report.stream_name.lower()] = report
    return reports


def _entry(index: int, item: Any) -> ReportConfig:
    where = f"report_streams[{index}]"
    if not isinstance(item, dict):
        raise ConfigurationError(f"{where} must be an object with name and process.")
    name = item.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ConfigurationError(f"{where}.name is required: the stream is called report__<name>.")
    name = name.strip()
    if name.lower().startswith(STREAM_PREFIX):
        name = name[len(STREAM_PREFIX):]
    if not _NAME.match(name):
        raise ConfigurationError(f"{where}.name must be 1 to 64 letters, digits or underscores (got {name!r}).")
    where = f"report_streams[{index}] ({name})"
    process = item.get("process")
    if not isinstance(process, str) or not process.strip():
        raise ConfigurationError(f"{where}: process is required: the process's slug as GET /api/v1/processes "
                                 "lists it, e.g. rv_bpartneropen.")
    parameters = item.get("parameters") or {}
    if not isinstance(parameters, dict):
        raise ConfigurationError(f"{where}: parameters must be an object of parameter name -> value.")
    if "report-type" in parameters:
        raise ConfigurationError(f"{where}: set the output format with report_type, not parameters.report-type.")
    report_type = str(item.get("report_type") or "CSV").strip().upper()
    if report_type in UNSUPPORTED_TYPES:
        raise ConfigurationError(f"{where}: report_type {report_type} is not supported ({UNSUPPORTED_TYPES[report_type]})"
                                 f". Use CSV, XLS or XLSX: the same report's columns and rows.")
    if report_type not in REPORT_TYPES:
        raise ConfigurationError(f"{where}: report_type must be one of {', '.join(REPORT_TYPES)} (got {report_type!r}).")
    columns = _columns(where, item.get("columns"))
    discover = item.get("discover_schema", False)
    if not isinstance(discover, bool):
        raise ConfigurationError(f"{where}: discover_schema must be true or false.")
    if columns is None and not discover:
        raise ConfigurationError(f"{where}: declare its columns (the output's header texts, with types), or set "
                                 "discover_schema: true so that discovery runs the process once to read them.")
    encoding = item.get("encoding") or "utf-8"
    try:
        codecs.lookup(str(encoding))
    except LookupError:
        raise ConfigurationError(f"{where}: encoding {encoding!r} is not a known charset (e.g. utf-8, "
                                 "windows-1252).") from None
    timeout = item.get("timeout_seconds", DEFAULT_TIMEOUT_SECONDS)
    if isinstance(timeout, float) and math.isfinite(timeout) and timeout.is_integer():
        timeout = int(timeout)
    if isinstance(timeout, bool) or not isinstance(timeout, int) or timeout < 1:
        raise ConfigurationError(f"{where}: timeout_seconds must be a whole number of seconds, at least 1.")
    header_row = item.get("header_row")
    if header_row is not None:
        if isinstance(header_row, bool) or not isinstance(header_row, int) or header_row < 1:
            raise ConfigurationError(f"{where}: header_row must be a row number, 1 or more (got {header_row!r}).")
        if report_type not in WORKBOOK_TYPES:
            raise ConfigurationError(f"{where}: header_row applies to XLS and XLSX output only (report_type is "
                                     f"{report_type}): remove it.")
    return ReportConfig(index, name, process.strip(), dict(parameters), report_type, columns, discover,
                        str(encoding), timeout, header_row)


def _columns(where: str, value: Any) -> tuple[tuple[str, str], ...] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not value:
        raise ConfigurationError(f"{where}: columns must be a non-empty list of {{\"name\": ..., \"type\": ...}}.")
    out: dict[str, str] = {}
    for number, column in enumerate(value):
        if isinstance(column, str):
            column = {"name": column}
        name = column.get("name") if isinstance(column, dict) else None
        if not isinstance(name, str) or not name:
            raise ConfigurationError(f"{where}: columns[{number}] needs a name (the header text of the column).")
        kind = column.get("type") or "string"
        if kind not in DECLARED_TYPES:
            raise ConfigurationError(f"{where}: columns[{number}] ({name}) type must be one of "
                                     f"{', '.join(DECLARED_TYPES)} (got {kind!r}).")
        if name in out:
            raise ConfigurationError(f"{where}: column {name!r} is declared twice.")
        out[name] = kind
    return tuple(out.items())
