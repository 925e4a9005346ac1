"""What the process endpoints answer, read into values: a run's result, a job, an output file; parameter names.

``processes.py`` sends the requests; this module only reads answers (spec §9; the plugin's ``json/Process``
and ``ProcessResourceImpl``) and checks parameter names, so a caller may also use it on answers it holds.
"""
from __future__ import annotations

import base64
import binascii
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from erp_http.errors import ApiError, ErpError
from idempiere_client.column_names import to_property_name

# Keys of a run's body that are options of the run, not process parameters (json/Process.createProcessInfo)
RUN_OPTIONS = frozenset({"record-id", "table-id", "model-name", "report-type", "is-summary", "print-format-id"})
JOB_OPTIONS = RUN_OPTIONS | {"notification-type"}
_OUTPUT_PROPERTIES = ("reportFile", "exportFile")


class ProcessFailed(ErpError):
    """The process ran and reported an error (``isError``, or ``Result`` 0 for a job); ``result`` has its summary."""

    def __init__(self, result: ProcessResult):
        self.result = result
        super().__init__(f"process {result.process} (AD_PInstance_ID {result.instance_id}) failed: "
                         f"{result.summary or 'no summary'}")


@dataclass(frozen=True)
class OutputFile:
    """A file a process produced, as its answer describes it.

    Attributes:
        kind: ``reportFile`` (the printed report, PDF) or ``exportFile`` (an export: CSV, XLS, HTML, ...).
        name: file name on the server (``<kind>Name``).
        length: its size in bytes (``<kind>Length``; ``GET files`` checks it).
        content: the inline bytes (base64 in the answer), or None when the answer carried none.
        json: the inline JSON of a ``json`` export (the plugin embeds it as JSON, not base64), else None.
        node_id: the cluster node that holds the file (``nodeId``), if the answer named one.
    """

    kind: str
    name: str | None
    length: int | None
    content: bytes | None = field(default=None, repr=False)
    json: Any = field(default=None, repr=False)
    node_id: str | None = None


@dataclass(frozen=True)
class ProcessResult:
    """The outcome of one process run.

    Attributes:
        process: the slug.
        instance_id: ``AD_PInstance_ID``.
        summary: the process's summary text (e.g. ``@Errors@ = 2, @C_BPartner_ID@: @Inserted@ = 8``), or None.
        is_error: the process reported an error; None when unknown (a job whose instance row is not readable).
        logs: the ``logs`` entries (``date``, ``number``, ``data``, ``msg``) of a synchronous run.
        data: the ``data`` object of a synchronous run, if any.
        files: the output files a synchronous run described.
        body: the whole answer (synchronous run) or the instance row (job).
    """

    process: str
    instance_id: int | None
    summary: str | None
    is_error: bool | None
    logs: list[dict[str, Any]] = field(default_factory=list)
    data: dict[str, Any] | None = None
    files: list[OutputFile] = field(default_factory=list)
    body: dict[str, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def from_answer(cls, slug: str, body: Any) -> ProcessResult:
        """Read ``POST processes/{slug}``'s answer.

        Raises:
            ApiError: an answer that is not a process result (no ``isError``): never read as a success.
        """
        if not isinstance(body, dict) or not isinstance(body.get("isError"), bool):
            raise ApiError(200, "Unexpected process answer", "no isError flag in the answer", "POST",
                           f"processes/{slug}")
        node = body.get("nodeId")
        files = [_output_file(kind, body, None if node is None else str(node))
                 for kind in _OUTPUT_PROPERTIES if f"{kind}Name" in body or kind in body]
        logs = body.get("logs")
        data = body.get("data")
        return cls(str(body.get("process") or slug), int_or_none(body.get("AD_PInstance_ID")),
                   text_or_none(body.get("summary")), body["isError"],
                   [e for e in logs if isinstance(e, dict)] if isinstance(logs, list) else [],
                   data if isinstance(data, dict) else None, files, body)

    def describe(self) -> str:
        """The summary and the log lines in one line for a log (e.g. Import processes leave the summary empty
        and count in their logs: ``Errors 2, Business Partner: Inserted 8``)."""
        lines = []
        for entry in self.logs:
            parts = [str(entry[k]) for k in ("msg", "number") if entry.get(k) not in (None, "")]
            if parts:
                lines.append(" ".join(parts))
        text = "; ".join(p for p in (self.summary.strip() if self.summary else "", ", ".join(lines)) if p)
        return text or "no summary"

    def raise_for_error(self) -> ProcessResult:
        """``self``, or ``ProcessFailed`` when the process reported an error."""
        if self.is_error:
            raise ProcessFailed(self)
        return self


@dataclass(frozen=True)
class Job:
    """A background job (``processes/jobs``): an ``AD_PInstance`` run as a job."""

    id: int
    process: str
    processing: bool
    since: str | None = None
    user: str | None = None
    client: str | None = None

    @classmethod
    def from_answer(cls, body: Any, path: str) -> Job:
        """Read a job object.

        Raises:
            ApiError: an answer without a job id or ``processing`` flag.
        """
        if not isinstance(body, dict) or int_or_none(body.get("id")) is None or \
                not isinstance(body.get("processing"), bool):
            raise ApiError(200, "Unexpected job answer", "no job id or processing flag", "GET", path)
        return cls(int(body["id"]), str(body.get("process") or ""), body["processing"],
                   text_or_none(body.get("since")), text_or_none(body.get("user")),
                   text_or_none(body.get("client")))


def slug_of(value: str) -> str:
    """The plugin's slug of a process ``Value`` (``TypeConverterUtils.slugify``): separators and punctuation but
    ``-``/``_`` become ``-``, accents dropped, other non-word characters removed, lower case, dashes collapsed."""
    text = re.sub(r"[\s!\"#$%&'()*+,./:;<=>?@\[\\\]^`{|}~]", "-", value)
    text = unicodedata.normalize("NFD", text)
    text = re.sub(r"[^A-Za-z0-9_-]", "", text).lower()
    return re.sub(r"-{2,}", "-", text).strip("-")


def parameter_problems(process: Mapping[str, Any], parameters: Mapping[str, Any], *, job: bool = False) -> list[str]:
    """Why ``parameters`` would not all reach ``process`` (the answer of ``GET processes/{slug}``).

    The plugin looks a parameter up by ``toPropertyName(ColumnName)`` or ColumnName exactly and ignores every
    other key, so a misspelt or differently cased name would silently run the process without it.
    """
    accepted: dict[str, str] = {}
    for para in process.get("parameters") or []:
        column = para.get("parameterName") if isinstance(para, dict) else None
        if not isinstance(column, str) or not column:
            continue
        names = [column, to_property_name(column)]
        if para.get("IsRange") is True or para.get("isRange") is True:
            names += [f"{n}_to" for n in names]
        for name in names:
            accepted[name] = column
    options = JOB_OPTIONS if job else RUN_OPTIONS
    problems = []
    for name in parameters:
        if name in accepted or name in options:
            continue
        near = sorted({n for n in accepted if n.lower() == str(name).lower()})
        hint = f"did you mean {' or '.join(near)}?" if near else \
            f"its parameters are {', '.join(sorted(set(accepted.values()))) or 'none'}"
        problems.append(f"process {process.get('slug') or process.get('Value')} has no parameter {name!r} ({hint})")
    return problems


def _output_file(kind: str, body: dict[str, Any], node_id: str | None) -> OutputFile:
    inline = body.get(kind)
    content = b64_or_none(inline) if isinstance(inline, str) else None
    as_json = inline if isinstance(inline, (dict, list)) else None
    return OutputFile(kind, text_or_none(body.get(f"{kind}Name")), int_or_none(body.get(f"{kind}Length")),
                      content, as_json, node_id)


def b64_or_none(text: str) -> bytes | None:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None


def int_or_none(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


def text_or_none(value: Any) -> str | None:
    return None if value is None else str(value)
