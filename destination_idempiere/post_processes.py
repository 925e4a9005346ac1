"""Running a process after a stream's rows are written (``post_write_processes``), and rejecting what it refused.

When. A STATE message tells the source that every record before it is final. A row written into an import
table (``I_BPartner``, ``I_Product``, ...) is not final until the Import process has tried it: it may still be
refused. So the process runs at the pipeline's checkpoints (``erp_airbyte.destination.sink.PipelineRun
.checkpoints``): after every sink is flushed and before each STATE passes the gate, when rows of its stream
were written since its last run, and once after the last record. A source that checkpoints once per stream
gets one run per sync; one that checkpoints every N records gets one run per N records (each run imports
what is pending). After a rejection under ``reject_policy=fail`` the gate stops before a checkpoint: rows of
that last stretch stay in the import table, unprocessed, and no state covers them.

What then. The process's summary is logged. A process that reports an error (``isError``, or ``Result`` 0 for
a job) fails the sync loudly with its summary: no state after those rows is emitted. A process whose answer
was lost, or that is still running at ``timeout_seconds``, fails the sync too, and it is never started a second
time (``idempiere_client.processes``: a run is not idempotent). Otherwise the rows written since the last run
are read back by their ids (``import_rows``) and each one the process refused (``I_ErrorMsg`` set, not
imported) becomes a rejected record with that message, through the shared reject machinery: counted (its
``inserted``/``updated`` count moves to ``rejected``), logged, in the rejects file, and under
``reject_policy=fail`` the gate then stops the sync before the STATE. Rows neither imported nor refused (a
validate-only run, parameters that do not select them) are counted in a warning; they stay pending.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from destination_idempiere.import_rows import IMPORTED, is_import_table, read_import_rows
from destination_idempiere.post_process_options import KEY, PostWriteProcess
from destination_idempiere.prepared_record import PreparedRecord
from destination_idempiere.table_planner import RunContext
from destination_idempiere.write_requests import WriteOp
from erp_airbyte.destination.protocols import SliceOutcomes, WriteResult
from erp_airbyte.destination.sink import StreamSink
from erp_http.errors import ApiError, ConfigurationError
from idempiere_client.column_names import value_of
from idempiere_client.metadata import TableMeta
from idempiere_client.process_answers import ProcessFailed, ProcessResult, mandatory_missing, parameter_problems
from idempiere_client.processes import Processes


@dataclass
class _Written:
    """One row this sync wrote and has not checked yet: its id, record and the count it went to;
    ``imported_before``: an update of a row the process had already imported (it never imports it again)."""

    row_id: int
    rec: PreparedRecord
    outcome: str
    imported_before: bool = False


def configured_for(options: Mapping[str, PostWriteProcess], stream: str, table: str) -> PostWriteProcess | None:
    """The entry for ``stream`` (by its name, else by its target table's model name), or None."""
    return options.get(stream.lower()) or options.get(table.lower())


def unused_entries(options: Mapping[str, PostWriteProcess], streams: Iterable[tuple[str, str]]) -> list[str]:
    """Entries that name no ``(stream, table)`` of the catalog."""
    names = {n.lower() for pair in streams for n in pair}
    return sorted(target for target in options if target not in names)


def post_process_problems(processes: Processes, entries: Iterable[PostWriteProcess]) -> list[str]:
    """What the server says against the configured processes: unknown slug, no access, parameter names the
    process does not have (the plugin would ignore them silently). One ``GET processes/{slug}`` per slug.
    A mandatory parameter left out is a warning, not a problem: some run fine as null (a Y/N flag)."""
    problems: list[str] = []
    described: dict[str, dict[str, Any] | str] = {}
    for entry in entries:
        where = f"{KEY}.{entry.target}"
        if entry.process not in described:
            try:
                described[entry.process] = processes.describe(entry.process)
            except ApiError as exc:
                if not (exc.is_not_found or exc.is_access_denied):
                    raise
                what = "no process has this slug (GET /api/v1/processes lists the slugs)" if exc.is_not_found \
                    else "the role may not run it"
                described[entry.process] = f"{what}: {exc.reason}"
        found = described[entry.process]
        if isinstance(found, str):
            problems.append(f"{where}: process {entry.process!r}: {found}")
            continue
        problems += [f"{where}: {p}" for p in parameter_problems(found, entry.parameters, job=entry.mode == "job")]
        for missing in mandatory_missing(found, entry.parameters):  # may be harmless (a Y/N read as N): warn
            processes.logger.warning("%s: %s; the process runs with it null", where, missing)
    return problems


def table_problem(entry: PostWriteProcess, meta: TableMeta) -> str | None:
    """Why ``reject_failed_import_rows: true`` cannot work on ``meta`` (not an import table), or None."""
    if entry.reject_failed_import_rows and not is_import_table(meta):
        return (f"{KEY}.{entry.target}: reject_failed_import_rows needs an import table with I_IsImported, "
                f"I_ErrorMsg and an integer key; {meta.name} is none. Set it to false to only run the process.")
    return None


class PostProcessStep:
    """The process of one stream: watches its writes and runs at the pipeline's checkpoints.

    Args:
        run: the run's shared context (client, report, rejects, options, logger).
        sink: the stream's sink; its planner is wrapped so that committed writes are noted.
        meta: the target table.
        entry: the configured process.
        processes: the process client.
    """

    def __init__(self, run: RunContext, sink: StreamSink[Any, Any], meta: TableMeta, entry: PostWriteProcess,
                 processes: Processes):
        self.run = run
        self.sink = sink
        self.meta = meta
        self.entry = entry
        self.processes = processes
        self.logger: logging.Logger = run.logger
        self.check_rows = is_import_table(meta) if entry.reject_failed_import_rows is None \
            else entry.reject_failed_import_rows
        self.runs = 0
        self._written: list[_Written] = []
        self._unchecked = 0  # committed writes whose answer carried no row id
        self._lock = threading.Lock()
        self._dry_logged = False
        sink.planner = _WatchedPlanner(sink.planner, self)

    # ---- called by the sink's slices (worker threads) ----------------------------------------------
    def note(self, results: list[WriteResult[WriteOp]]) -> None:
        """Remember the rows committed by ``results`` (inserts and updates)."""
        with self._lock:
            for res in results:
                if not res.ok or res.op.outcome not in ("inserted", "updated"):
                    continue
                row_id = _row_id(res)
                if row_id is None:
                    self._unchecked += 1
                else:
                    before = res.op.outcome == "updated" and isinstance(res.body, dict) and \
                        value_of(res.body, IMPORTED) is True  # the answer shows the row after the PUT
                    self._written.append(_Written(row_id, res.op.rec, res.op.outcome, before))

    # ---- the checkpoint (main thread, sinks idle) ---------------------------------------------------
    def checkpoint(self) -> None:
        """Run the process over the rows written since its last run, log, reject what it refused.

        Raises:
            ProcessFailed: the process reported an error.
            TransientError: its answer was lost, or it ran past ``timeout_seconds`` (never started again).
            ApiError: the server refused to run it.
        """
        entry, stream = self.entry, self.sink.stream
        if self.run.options.dry_run:
            if not self._dry_logged:
                self.logger.info("Dry run: process %s would run after the rows of stream %s are written",
                                 entry.process, stream)
                self._dry_logged = True
            return
        with self._lock:
            written, self._written = self._written, []
            unchecked, self._unchecked = self._unchecked, 0
        if not written and not unchecked:
            return
        self.runs += 1
        self.logger.info("Stream %s: %d row(s) written; running process %s (%s)", stream, len(written) + unchecked,
                         entry.process, "as a job" if entry.mode == "job" else "waiting for its answer")
        result = self._run()
        self.logger.info("Process %s (AD_PInstance_ID %s) after stream %s: %s", entry.process, result.instance_id,
                         stream, result.describe())
        if result.is_error:
            self.logger.error("Process %s reported an error for stream %s; no state after these rows is emitted",
                              entry.process, stream)
            raise ProcessFailed(result)
        if result.is_error is None:
            self.logger.warning("The outcome of process %s is unknown; its rows are checked one by one",
                                entry.process)
        if unchecked:
            self.logger.warning("Stream %s: %d written row(s) cannot be checked after process %s (no row id in "
                                "the answer)", stream, unchecked, entry.process)
        if self.check_rows and written:
            self._reject_refused(written)

    def _run(self) -> ProcessResult:
        entry = self.entry
        if entry.mode == "job":
            return self.processes.run_job(entry.process, entry.parameters, timeout_seconds=entry.timeout_seconds)
        return self.processes.run(entry.process, entry.parameters, timeout_seconds=entry.timeout_seconds)

    def _reject_refused(self, written: list[_Written]) -> None:
        rows = read_import_rows(self.run.client, self.meta, [w.row_id for w in written], use_in=self.run.use_batch,
                                workers=self.run.options.num_workers)
        imported = failed = pending = missing = 0
        for item in written:
            row = rows.get(item.row_id)
            if item.imported_before:
                failed += 1
                self._reject(item, f"the row ({self.meta.key_column} {item.row_id}) was imported before this sync "
                                   f"changed it, and process {self.entry.process} does not import a row twice: the "
                                   f"changed values did not reach the target. Write import rows in append mode (a "
                                   f"new row per record), or set I_IsImported to false in the record")
            elif row is None:
                missing += 1
            elif row.imported:
                imported += 1
            elif row.failed:
                failed += 1
                self._reject(item, f"process {self.entry.process} did not import the row ({self.meta.key_column} "
                                   f"{row.row_id}): {row.error}")
            else:
                pending += 1
        stream, process = self.sink.stream, self.entry.process
        self.logger.info("Stream %s: process %s imported %d of %d row(s) written; %d refused (rejected)", stream,
                         process, imported, len(written), failed)
        if pending:
            self.logger.warning("Stream %s: %d row(s) neither imported nor refused by process %s (a validate-only "
                                "run, or parameters that do not select them); they stay in %s", stream, pending,
                                process, self.meta.name)
        if missing:
            self.logger.warning("Stream %s: %d written row(s) of %s are gone after process %s (deleted by it?)",
                                stream, missing, self.meta.name, process)

    def _reject(self, item: _Written, reason: str) -> None:
        """The record's committed count becomes a rejection (one outcome per record)."""
        self.run.report.add(self.sink.stream, item.outcome, -1)
        self.sink.reject(item.rec, reason)


class _WatchedPlanner:
    """A stream's ``RecordPlanner`` that also tells its ``PostProcessStep`` which writes were committed."""

    def __init__(self, inner: Any, step: PostProcessStep):
        self.inner = inner
        self.step = step

    def prepare(self, seq: int, data: dict[str, Any]) -> PreparedRecord:
        return self.inner.prepare(seq, data)

    def raw_key(self, data: dict[str, Any]) -> tuple[Any, ...] | None:
        return self.inner.raw_key(data)

    def waits_for_all(self, recs: list[PreparedRecord]) -> bool:
        return self.inner.waits_for_all(recs)

    def plan(self, recs: list[PreparedRecord], outcomes: SliceOutcomes) -> list[WriteOp]:
        return self.inner.plan(recs, outcomes)

    def after_writes(self, results: list[WriteResult[WriteOp]]) -> None:
        self.step.note(results)
        self.inner.after_writes(results)

    def __getattr__(self, name: str) -> Any:  # the planner's other attributes (finder, mapper, ...) for tests
        return getattr(self.inner, name)


def _row_id(res: WriteResult[WriteOp]) -> int | None:
    """The id of the row a committed write touched: the answer's ``id`` (a batch item's body carries it as a
    JSON double, ``1000000.0``: the plugin's batch re-serialises through Gson), else the PUT path's last part."""
    body = res.body
    value = body.get("id") if isinstance(body, dict) else None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    tail = res.op.path.rsplit("/", 1)[-1]
    return int(tail) if res.op.method == "PUT" and tail.isdigit() else None


def attach_post_processes(run: RunContext, sinks: Iterable[tuple[str, str, StreamSink[Any, Any]]],
                          metas: Mapping[str, TableMeta], processes: Processes) -> list[PostProcessStep]:
    """One ``PostProcessStep`` per ``(stream, table, sink)`` that has an entry, registered as a checkpoint of
    ``run.pipeline``; the entries are checked against the server first (nothing is written yet).

    Raises:
        ConfigurationError: every problem found, in one message.
    """
    options = run.options.post_write_processes
    if not options:
        return []
    sinks = list(sinks)
    for target in unused_entries(options, [(stream, table) for stream, table, _ in sinks]):
        run.logger.warning("%s for %s is ignored: no stream writes to that stream or table", KEY, target)
    chosen = [(entry, sink, metas[table]) for stream, table, sink in sinks
              if (entry := configured_for(options, stream, table)) is not None]
    problems = post_process_problems(processes, [entry for entry, _, _ in chosen])
    problems += [p for entry, _, meta in chosen if (p := table_problem(entry, meta))]
    if problems:
        raise ConfigurationError("; ".join(dict.fromkeys(problems)))
    steps = [PostProcessStep(run, sink, meta, entry, processes) for entry, sink, meta in chosen]
    run.pipeline.checkpoints.extend(step.checkpoint for step in steps)
    return steps
