"""The output of a process run as rows: which file of the answer holds it, whether it must be downloaded,
and CSV / JSON content parsed into a ``Table`` (Excel workbooks: ``report_workbooks.py``).

Facts (bxservice/idempiere-rest ``json/Process.java``; iDempiere ``ServerReportCtl``, ``DelimitedReportRenderer``):

* ``POST /processes/{slug}`` answers with the run's files inline: a report run with ``report-type`` CSV, XLS,
  XLSX or HTML puts its output in ``exportFile`` (``ServerReportCtl`` sets the export file), PDF in
  ``reportFile``. Each comes with ``<property>Name`` (the file name) and ``<property>Length`` (bytes).
  The content is base64, except an export file whose extension is ``json``: that is inlined as the JSON
  element itself (``OutputFile.json``). A process may also answer JSON in ``data``.
* Plugin builds before 2020-12 (fa65492) put the file's *server path* in ``reportFile``/``exportFile``, with
  no ``<property>Name``, plus ``nodeId`` in a cluster: the content must then be fetched from
  ``GET /api/v1/files?fileName=<path>&length=<length>&node_id=<nodeId>`` (administrators only;
  ``Processes.fetch_file``).
* iDempiere's CSV: header row = the print format items' print names; values are display texts in the
  login language (``1,234.56``, ``01/15/2026``; keys as plain numbers); a value starting with one of
  ``=+-@`` is prefixed with a space when ``CSV_EXPORT_SANITIZATION`` is on (the default), which
  ``undo_sanitization`` removes again; an empty value is an empty cell; lines end with the server's line
  separator; the charset is the server's (UTF-8 by default).

The run itself and the answer's values are ``processes.py`` / ``process_answers.py``; this module sends nothing.
"""
from __future__ import annotations

import csv
import io
import json
import posixpath
from dataclasses import dataclass, field
from typing import Any

from erp_http.errors import ErpError
from idempiere_client.process_answers import OutputFile, ProcessResult

FILE_PREFERENCE = ("exportFile", "reportFile")  # the export (CSV, XLS, ...) first: a PDF may ride along
FORMULA_CHARACTERS = "=+-@"  # iDempiere's Util.CSV_ESCAPE_FORMULA_CHARACTERS
_EXTENSIONS = {".csv": "CSV", ".json": "JSON", ".xls": "XLS", ".xlsx": "XLSX", ".html": "HTML", ".htm": "HTML",
               ".pdf": "PDF"}


class ReportOutputError(ErpError):
    """A run's output cannot be read as rows; the message names the file and the row or line."""


@dataclass(frozen=True)
class RunOutput:
    """The output file of one run, resolved: inline bytes, an inline JSON element, or a server path to fetch.

    Attributes:
        file: the answer's file (``process_answers.OutputFile``).
        name: its file name (for a server path: the path's last part).
        server_path: where it lies on the server when the answer carried no content (old plugin builds).
    """

    file: OutputFile
    name: str
    server_path: str | None = None

    @property
    def needs_download(self) -> bool:
        """True when only the server path came back: the bytes are at ``GET /files``."""
        return self.server_path is not None

    @property
    def is_json(self) -> bool:
        """A ``.json`` export, inlined by the plugin as the JSON element (``file.json``), not as base64."""
        return self.name.lower().endswith(".json") and not self.needs_download

    @property
    def kind(self) -> str | None:
        """The format its name says (``CSV``, ``JSON``, ``XLS``, ``PDF``...), or None without a known extension."""
        return _EXTENSIONS.get(posixpath.splitext(self.name.lower())[1])


def run_output(result: ProcessResult) -> RunOutput | None:
    """The output of a run (``exportFile`` before ``reportFile``), or None when the answer has no file.

    Raises:
        ReportOutputError: the inline content is not base64, or its size contradicts ``<property>Length``.
    """
    files = {f.kind: f for f in result.files}
    for prop in FILE_PREFERENCE:
        file = files.get(prop)
        if file is None:
            continue
        inline = result.body.get(prop)
        if file.name is None:  # an old build: the value is the file's path on the server
            if not isinstance(inline, str) or not inline.strip():
                if inline is None:
                    continue
                raise ReportOutputError(f"{prop} of the answer is neither inline content nor a file name: "
                                        f"{inline!r:.80}")
            return RunOutput(file, posixpath.basename(inline.replace("\\", "/")), server_path=inline)
        output = RunOutput(file, file.name)
        if output.is_json:
            return output
        if file.content is None:
            what = "missing" if inline in (None, "") else "not valid base64"
            raise ReportOutputError(f"{prop} ({file.name}) of the answer is {what}")
        if file.length is not None and len(file.content) != file.length:
            raise ReportOutputError(f"{prop} ({file.name}) decodes to {len(file.content)} bytes, but {prop}Length "
                                    f"says {file.length}: the answer was cut short")
        return output
    return None


@dataclass
class Table:
    """Rows of a report: column names in output order and one dict per row (raw values, None for empty).

    ``lines[i]`` is the line (CSV) or item number (JSON) of ``rows[i]`` in the output, for error messages;
    ``places[i]``, when given, says where it is in words instead (a workbook: ``row 5 of sheet 'Orders'``).
    ``notes`` are what reading the output decided that the sync log should tell (rows skipped, and why).
    """

    columns: list[str]
    rows: list[dict[str, Any]]
    lines: list[int] = field(default_factory=list)
    text: bool = True  # CSV: every value is a string or None; JSON and workbooks: typed values
    places: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def line_of(self, index: int) -> int:
        """The output line (or item) number of row ``index``."""
        return self.lines[index] if index < len(self.lines) else index + 1

    def where(self, index: int) -> str:
        """Where row ``index`` is in the output, for messages: ``line 7``, or its ``places`` entry."""
        return self.places[index] if index < len(self.places) else f"line {self.line_of(index)}"


def undo_sanitization(value: str) -> str:
    """Remove the space iDempiere puts before a value starting with ``=``, ``+``, ``-`` or ``@`` (``" -5"``)."""
    if len(value) >= 2 and value[0] == " " and value[1] in FORMULA_CHARACTERS:
        return value[1:]
    return value


def column_names(header: list[str]) -> list[str]:
    """Header texts as unique property names: an empty one becomes ``column_<n>``, a repeated one ``<name>_2``."""
    names: list[str] = []
    seen: set[str] = set()
    for index, raw in enumerate(header, start=1):
        base = undo_sanitization(raw).strip() or f"column_{index}"
        name, n = base, 1
        while name in seen:
            n += 1
            name = f"{base}_{n}"
        seen.add(name)
        names.append(name)
    return names


def parse_csv(data: bytes, *, encoding: str = "utf-8", what: str = "the report") -> Table:
    """CSV bytes -> ``Table``: the first row is the header; an empty cell is None.

    Raises:
        ReportOutputError: undecodable bytes, broken quoting, or a row whose cell count differs from the
            header's (each names the line).
    """
    text = _decode_text(data, encoding, what)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header: list[str] | None = None
    rows: list[dict[str, Any]] = []
    lines: list[int] = []
    blank: int | None = None  # first blank line seen: only allowed at the end (a trailing newline)
    try:
        for cells in reader:
            line = reader.line_num
            if header is None:
                if not cells:
                    continue
                header = column_names(cells)
                continue
            if not cells:
                if len(header) == 1:  # a one-column report writes an empty value as an empty line
                    cells = [""]
                else:
                    blank = blank or line
                    continue
            if blank is not None:
                raise ReportOutputError(f"{what}: line {blank} is empty but more rows follow (line {line})")
            if len(cells) != len(header):
                raise ReportOutputError(f"{what}: line {line} (row {len(rows) + 1}) has {len(cells)} cells, "
                                        f"the header has {len(header)}")
            rows.append({name: (undo_sanitization(cell) if cell != "" else None) for name, cell in zip(header, cells)})
            lines.append(line)
    except csv.Error as exc:
        raise ReportOutputError(f"{what}: line {reader.line_num} is not valid CSV ({exc})") from None
    return Table(header or [], rows, lines, text=True)


def _decode_text(data: bytes, encoding: str, what: str) -> str:
    try:
        return data.decode("utf-8-sig" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding)
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise ReportOutputError(f"{what}: line {line} is not {encoding} text (byte {exc.start}); set the "
                                "stream's encoding to the server's charset") from None


def parse_json_bytes(data: bytes, *, what: str = "the report") -> Table:
    """A downloaded ``.json`` file -> ``Table`` (see ``json_table``).

    Raises:
        ReportOutputError: not JSON (names the line), or not rows.
    """
    try:
        element = json.loads(_decode_text(data, "utf-8", what))
    except json.JSONDecodeError as exc:
        raise ReportOutputError(f"{what}: line {exc.lineno} is not valid JSON ({exc.msg})") from None
    return json_table(element, what=what)


def json_table(element: Any, *, what: str = "the report") -> Table:
    """A JSON element -> ``Table``: an array is one row per item (each an object), an object is one row,
    null is no row.

    Raises:
        ReportOutputError: an item that is not an object (names the item), or a scalar output.
    """
    if element is None:
        return Table([], [], text=False)
    items = element if isinstance(element, list) else [element]
    columns: dict[str, None] = {}
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            where = f"item {number}" if isinstance(element, list) else "the output"
            raise ReportOutputError(f"{what}: {where} is a JSON {type(item).__name__}, not an object (a row)")
        columns.update(dict.fromkeys(str(k) for k in item))
    rows = [{str(k): v for k, v in item.items()} for item in items]
    return Table(list(columns), rows, list(range(1, len(rows) + 1)), text=False)
