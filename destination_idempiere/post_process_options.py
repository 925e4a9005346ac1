"""The ``post_write_processes`` option: which process runs after a stream's rows are written, and how.

One entry per stream (or target table), e.g. ``{"i_bpartner": {"process": "import_bpartner", "parameters":
{"AD_Client_ID": 11}, "mode": "job", "timeout_seconds": 1800}}``: the way iDempiere loads business partners,
products, journals or orders safely is to write rows into its import table and run the Import process, which
validates them, creates the records and marks each import row with its error (``post_processes.py`` runs it).
Parsed here with errors that name the entry and the field; the process and its parameter names are checked
against the server before anything is written (``post_processes.post_process_problems``).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from erp_airbyte.config_options import choice, flag, whole_number
from erp_http.errors import ConfigurationError
from idempiere_client.process_answers import slug_of

KEY = "post_write_processes"
MODES = ("sync", "job")
DEFAULT_TIMEOUT_SECONDS = 900
MAX_TIMEOUT_SECONDS = 86400
_FIELDS = ("process", "parameters", "mode", "timeout_seconds", "reject_failed_import_rows")

POST_WRITE_PROCESSES_SPEC: dict[str, Any] = {
    "type": "object",
    "title": "Processes after writing",
    "description": "Map from stream (or target table) to a process run after that stream's rows are written and "
    "before their state is emitted, e.g. {\"i_bpartner\": {\"process\": \"import_bpartner\", \"parameters\": "
    "{\"AD_Client_ID\": 11}}}: write into an import table, then run its Import process. Rows the process marks "
    "as failed (I_ErrorMsg, not imported) become rejected records with that message.",
    "additionalProperties": {
        "type": "object",
        "required": ["process"],
        "additionalProperties": False,
        "properties": {
            "process": {"type": "string", "description": "The process slug (its Value in lower case, e.g. "
                        "import_bpartner; GET /api/v1/processes lists them)."},
            "parameters": {"type": "object", "description": "Process parameters by ColumnName (or its property "
                           "name), range ends as <name>_to, e.g. {\"AD_Client_ID\": 11, \"DeleteOldImported\": true}."},
            "mode": {"type": "string", "enum": list(MODES), "default": "sync", "description": "sync: one request "
                     "that answers when the process is done; job: a background job, polled until done."},
            "timeout_seconds": {"type": "integer", "minimum": 1, "maximum": MAX_TIMEOUT_SECONDS,
                                "default": DEFAULT_TIMEOUT_SECONDS, "description": "How long to wait for the "
                                "process; a process still running then fails the sync (it is never started twice)."},
            "reject_failed_import_rows": {"type": "boolean", "description": "Read the written rows back after "
                                          "the process and reject those it marked as failed (default: when the "
                                          "table has I_ErrorMsg and I_IsImported)."},
        },
    },
    "order": 17,
}


@dataclass(frozen=True)
class PostWriteProcess:
    """One configured process.

    Attributes:
        target: the entry's key, lower case (a stream name or a target table's model name).
        process: the process slug.
        parameters: the body of the run (process parameters, run options such as ``record-id``).
        mode: ``sync`` (``POST processes/{slug}``) or ``job`` (``POST processes/jobs/{slug}``, polled).
        timeout_seconds: how long to wait for the answer (sync) or for the job to finish.
        reject_failed_import_rows: True / False as configured, None for "when the table is an import table".
    """

    target: str
    process: str
    parameters: dict[str, Any] = field(default_factory=dict)
    mode: str = "sync"
    timeout_seconds: int = DEFAULT_TIMEOUT_SECONDS
    reject_failed_import_rows: bool | None = None


def post_write_processes(config: Mapping[str, Any]) -> dict[str, PostWriteProcess]:
    """The parsed option, by lower-case target.

    Raises:
        ConfigurationError: naming the entry and the field.
    """
    raw = config.get(KEY) or {}
    if not isinstance(raw, Mapping):
        raise ConfigurationError(f'{KEY} must be an object such as {{"i_bpartner": {{"process": "import_bpartner"}}}}.')
    out: dict[str, PostWriteProcess] = {}
    for target, entry in raw.items():
        name = str(target).strip().lower()
        where = f"{KEY}.{target}"
        if not name:
            raise ConfigurationError(f"{KEY}: an entry has an empty stream name.")
        if name in out:
            raise ConfigurationError(f"{KEY}: {target!r} is given twice (names are not case-sensitive).")
        out[name] = _entry(name, where, entry)
    return out


def _entry(name: str, where: str, entry: Any) -> PostWriteProcess:
    if not isinstance(entry, Mapping):
        raise ConfigurationError(f'{where} must be an object such as {{"process": "import_bpartner"}}.')
    unknown = sorted(str(k) for k in entry if k not in _FIELDS)
    if unknown:
        raise ConfigurationError(f"{where}: unknown field(s) {', '.join(unknown)}; the fields are {', '.join(_FIELDS)}.")
    process = entry.get("process")
    if not isinstance(process, str) or not slug_of(process):
        raise ConfigurationError(f"{where}.process must be the slug of a process, e.g. import_bpartner.")
    parameters = entry.get("parameters") or {}
    if not isinstance(parameters, Mapping):
        raise ConfigurationError(f'{where}.parameters must be an object such as {{"AD_Client_ID": 11}}.')
    try:
        mode = choice(entry, "mode", MODES, "sync")
        timeout = whole_number(entry, "timeout_seconds", DEFAULT_TIMEOUT_SECONDS, 1, MAX_TIMEOUT_SECONDS)
        reject = flag(entry, "reject_failed_import_rows") if entry.get("reject_failed_import_rows") is not None \
            else None
    except ConfigurationError as exc:
        raise ConfigurationError(f"{where}.{exc}") from None
    # the slug of a Value, so "Import_BPartner" works too (a slug is its own slug)
    return PostWriteProcess(name, slug_of(process), dict(parameters), mode, timeout, reject)
