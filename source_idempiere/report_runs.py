"""One report stream's process: checked (exists, may be run, parameters), run, and its output read as a ``Table``.

Check, discovery and read all go through ``ReportRunner``, so each finds the same faults with the same words:

* an unknown slug or a process the role may not run is a configuration error naming the entry (with the
  slugs that come close, from ``GET processes``);
* a parameter the process does not have is a configuration error *before* the run: the plugin ignores
  unknown keys, so a misspelt name would silently run the process without it; so is a mandatory
  parameter left out (over REST no default value is applied: it would run with null);
* ``isError`` fails the stream with the process's summary (``ProcessFailed``);
* output in a format that has no rows (PDF, HTML) is a configuration error naming what came back; no output
  file, or an empty one, is zero rows (a log line says so), not a failure. CSV, XLS/XLSX workbooks
  (``report_workbooks``) and JSON are read as rows.
"""
from __future__ import annotations

import difflib
import logging
from typing import Any

from erp_http.errors import ApiError, ConfigurationError, TransientError
from idempiere_client.column_names import to_property_name, value_of
from idempiere_client.process_answers import ProcessResult
from idempiere_client.process_output import (
    RunOutput,
    Table,
    json_table,
    parse_csv,
    parse_json_bytes,
    run_output,
)
from idempiere_client.processes import Processes, parameter_problems, slug_of
from idempiere_client.report_columns import sniff, stream_schema
from idempiere_client.report_workbooks import parse_workbook
from source_idempiere.report_options import SENT_TYPES, UNSUPPORTED_TYPES, WORKBOOK_TYPES, ReportConfig

_SUGGESTIONS = 5


def mandatory_missing(process: dict[str, Any], parameters: dict[str, Any]) -> list[str]:
    """Mandatory parameters of ``process`` (``GET processes/{slug}``) that ``parameters`` leaves out."""
    missing = []
    for para in process.get("parameters") or []:
        column = para.get("parameterName") if isinstance(para, dict) else None
        if not isinstance(column, str) or value_of(para, "IsMandatory") is not True:
            continue
        names = {column, to_property_name(column)}
        if not names & set(parameters):
            default = value_of(para, "DefaultValue")
            hint = f"; its window default {default} is not applied over REST" if default not in (None, "") else ""
            missing.append(f"mandatory parameter {column} ({value_of(para, 'Name') or column}) is not set{hint}")
    return missing


class ReportRunner:
    """Checks and runs the process of one ``ReportConfig`` through ``Processes`` (H2's client API)."""

    def __init__(self, client: Any, report: ReportConfig, logger: logging.Logger) -> None:
        self.report = report
        self.logger = logger
        self.processes = Processes(client, logger=logger)

    @property
    def slug(self) -> str:
        return self.report.process

    def describe(self) -> dict[str, Any]:
        """``GET processes/{slug}``, with the parameters checked against it.

        Raises:
            ConfigurationError: unknown slug, no access, unknown or missing parameters (naming the entry).
        """
        label = self.report.label
        try:
            process = self.processes.describe(self.slug)
        except ApiError as exc:
            if exc.is_not_found:
                raise ConfigurationError(f"{label}: there is no process {self.slug!r} ({exc.reason}). "
                                         f"{self._suggest()}") from None
            if exc.is_access_denied:
                raise ConfigurationError(f"{label}: the role may not run process {self.slug} ({exc.reason}). Grant "
                                         "the role access to the process (Process Access), or remove the entry.") from None
            raise
        problems = parameter_problems(process, self.report.parameters) + \
            mandatory_missing(process, dict(self.report.parameters))
        if problems:
            raise ConfigurationError(f"{label}: {'; '.join(problems)}. Fix report_streams[{self.report.index}]"
                                     ".parameters (GET /api/v1/processes/" + self.slug + " lists the parameters).")
        if self.report.report_type in SENT_TYPES and value_of(process, "IsReport") is False:
            self.logger.warning(f"{label}: process {self.slug} is not a report, so report-type "
                                f"{self.report.report_type} does not apply; its rows are whatever file it exports itself")
        return process

    def _suggest(self) -> str:
        """Slugs that come close to the configured one, from ``GET processes`` (best effort)."""
        how = ("A process's slug is its search key (Value) in lower case with spaces and punctuation as '-'; "
               "GET /api/v1/processes lists the processes the role may run.")
        try:
            listed = self.processes.list_processes()
        except (ApiError, TransientError):
            return how
        wanted = slug_of(self.slug)
        slugs = [str(p["slug"]) for p in listed if p.get("slug")]
        named = [str(p["slug"]) for p in listed if p.get("slug") and wanted
                 and wanted in slug_of(str(p.get("Name") or "")) + " " + str(p["slug"])]
        near = list(dict.fromkeys(difflib.get_close_matches(wanted, slugs, n=_SUGGESTIONS, cutoff=0.7) + named))
        if not near:
            return how
        return f"{how} Did you mean {', '.join(near[:_SUGGESTIONS])}?"

    def run(self) -> tuple[Table, ProcessResult]:
        """Run the process once and read its output.

        Raises:
            ProcessFailed: the process reported an error (its summary).
            ConfigurationError: refused (no access, unknown), or an output format that has no rows.
            ReportOutputError: output that cannot be parsed (names the line).
            TransientError: no answer (the process may have run; it is not run again), or still running.
        """
        label = self.report.label
        try:
            result = self.processes.run(self.slug, self.report.run_body(), timeout_seconds=self.report.timeout_seconds)
        except ApiError as exc:
            if exc.is_not_found or exc.is_access_denied:
                raise ConfigurationError(f"{label}: process {self.slug} was refused ({exc.reason}).") from None
            raise ApiError(exc.status, exc.title, f"{exc.detail or ''} (check report_streams[{self.report.index}]"
                           ".parameters: their values and types)".strip(), exc.method, exc.path) from None
        except TransientError as exc:
            if exc.status != 500:
                raise
            # The plugin does not catch a parameter value it cannot convert: the container answers a bare 500.
            raise ConfigurationError(
                f"{label}: the server answered the run of process {self.slug} with HTTP 500 and no error text. The "
                "plugin answers so when a parameter value cannot be converted to the parameter's type (dates as "
                f"yyyy-MM-dd, Yes-No as true/false, IDs as numbers): check report_streams[{self.report.index}]"
                ".parameters. If they are right, the server's log tells what failed.") from None
        result.raise_for_error()
        return self.table(result), result

    def table(self, result: ProcessResult) -> Table:
        """The rows of a run's output (see the module docstring)."""
        output = run_output(result)
        if output is None:
            if self.report.report_type == "JSON" and result.data is not None:
                return json_table(result.data, what=f"the data of process {self.slug}")
            return Table([], [])
        what = f"the output of process {self.slug} ({output.name})"
        if output.is_json:
            return json_table(output.file.json, what=what)
        kind = output.kind or self.report.report_type
        if kind in UNSUPPORTED_TYPES:
            raise ConfigurationError(
                f"{self.report.label}: process {self.slug} answered a {kind} file ({output.name}, in "
                f"{output.file.kind}), which cannot be read as rows ({UNSUPPORTED_TYPES[kind]}). Use a process or "
                "print format that exports CSV, with report_type CSV (or XLS, XLSX).")
        data = self._download(output) if output.needs_download else output.file.content or b""
        if kind in WORKBOOK_TYPES:
            return parse_workbook(data, header_row=self.report.header_row, what=what) if data else Table([], [])
        if kind == "JSON":
            return parse_json_bytes(data, what=what) if data.strip() else Table([], [], text=False)
        return parse_csv(data, encoding=self.report.encoding, what=what)

    def _download(self, output: RunOutput) -> bytes:
        """The file an old plugin build left on the server (``GET files``)."""
        path = output.server_path or ""
        self.logger.info(f"{self.report.label}: the answer names the file {output.name} on the server; fetching it")
        try:
            return self.processes.fetch_file(path, output.file.length, output.file.node_id)
        except ApiError as exc:
            if exc.is_access_denied:
                raise ConfigurationError(
                    f"{self.report.label}: the server refused the process's output file ({exc.reason}). The REST "
                    "plugin serves generated files (GET /api/v1/files) to administrator users only: use an "
                    "administrator, or a plugin build from 2020-12 or later, which answers the output inline.") from None
            raise

    def discovered_schema(self) -> dict[str, Any]:
        """The stream schema: declared ``columns``, else sniffed from one run (``discover_schema``).

        Raises:
            ConfigurationError: the run gave no columns to discover (and the errors of ``describe``/``run``).
        """
        if self.report.columns is not None:
            return stream_schema(dict(self.report.columns))
        self.describe()
        table, result = self.run()
        if not table.columns:
            raise ConfigurationError(
                f"{self.report.label}: discovery ran process {self.slug} (AD_PInstance_ID {result.instance_id}) and "
                "it returned no output, so its columns cannot be discovered. Declare columns, or use parameters "
                "for which it returns rows.")
        self.logger.info(f"{self.report.label}: discovered {len(table.columns)} columns from {len(table.rows)} rows "
                         f"of process {self.slug} (AD_PInstance_ID {result.instance_id})"
                         + "".join(f"; {note}" for note in table.notes))
        return stream_schema(sniff(table))
