"""Per-stream sink (Singer SDK lifecycle: preprocess -> add -> is_full -> flush) over an ERP's ``RecordPlanner``.

Records go through: ``prepare`` (``add``, main thread) -> buffer -> slices (``slices.py``) -> the planner's
``plan`` (references, lookups, what to write) -> ``WriteRounds`` (send, prove uncertain writes, resend) ->
accounting. Every record ends with exactly one outcome: committed (inserted/updated/deactivated),
unchanged, or rejected with a reason; in dry runs the would-be outcome is counted instead and nothing is sent.
One record never takes the others down: an exception while preparing it, or while planning a slice (the
slice is halved until the record is found), is that record's reject; only the ERP's run-level errors
(``ErpError``: a lost login, a server that is down) stop the run.

Concurrency. A slice (``slice_size`` records, chosen by the ERP) is one unit of work on a worker thread.
``flush`` returns only when every record added before it has its outcome. While no other stream has
records waiting or in flight, ``add`` already starts a slice once a slice's worth of records is buffered, so
reading and mapping the input overlaps the network and server work of the slices before it; otherwise
records wait for ``flush`` (``state_gate.flush_all`` orders the streams so that referenced rows are written
first). The CDK has no destination-side sink, so this is hand-rolled.
"""
from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic

from erp_airbyte.destination.protocols import R, Record, RecordPlanner, RecordRejected, W
from erp_airbyte.destination.rejects import RejectedRecord, RejectLog
from erp_airbyte.destination.report import Report
from erp_airbyte.destination.run_policy import RunPolicy
from erp_airbyte.destination.slices import SliceScheduler
from erp_airbyte.destination.write_rounds import WriteRounds
from erp_http.errors import ErpError

_DRY_OUTCOME = {"inserted": "would_insert", "updated": "would_update", "deactivated": "would_deactivate"}


@dataclass
class PipelineRun:
    """What the sinks of one run share.

    Attributes:
        report: outcome counts and progress lines.
        rejects: the rejections (log, rejects file; ``first`` stops a ``reject_policy=fail`` run).
        rounds: sends the writes (the ERP's sender and prover inside).
        dry_run: plan and count, send nothing, emit no state.
        stop_at_first_reject: ``reject_policy=fail`` (never applied in dry runs).
        sinks: every ``StreamSink`` of the run (they register themselves).
        checkpoints: the ERP's steps run after the sinks are flushed and before a STATE passes (and once
            after the last record), e.g. a server-side process over the rows just written that may still
            reject some of them; ``state_gate`` calls them through ``checkpoint``.
    """

    report: Report
    rejects: RejectLog
    rounds: WriteRounds[Any]
    dry_run: bool = False
    stop_at_first_reject: bool = False
    sinks: list[StreamSink[Any, Any]] = field(default_factory=list)
    checkpoints: list[Callable[[], None]] = field(default_factory=list)

    @classmethod
    def open(cls, rounds: WriteRounds[Any], logger: logging.Logger, policy: RunPolicy) -> PipelineRun:
        """A run with a fresh report and rejects file (appended to ``policy.rejected_records_path``, if set)."""
        dry_run = policy.dry_run
        return cls(Report(logger, dry_run=dry_run), RejectLog(policy.rejected_records_path, logger, dry_run=dry_run),
                   rounds, dry_run=dry_run, stop_at_first_reject=policy.reject_policy == "fail")

    def checkpoint(self) -> None:
        """Run the ``checkpoints`` in order (main thread, every sink flushed and idle)."""
        for step in self.checkpoints:
            step()

    @property
    def fail_fast(self) -> bool:
        """The run stops at the first rejection (``reject_policy=fail`` and not a dry run)."""
        return self.stop_at_first_reject and not self.dry_run


class StreamSink(Generic[R, W]):
    """Buffers, plans, writes and accounts for the records of one stream.

    Args:
        run: the shared run (the sink adds itself to ``run.sinks``).
        stream: stream name as in the catalog.
        planner: the ERP's ``RecordPlanner`` for this stream.
        workers: slices running at once.
        slice_size: records per slice (e.g. one batch request's worth).
        capacity: buffered records at which ``is_full`` asks the caller to flush.
        keyed: whether records of one ``group_key`` must apply in input order (every mode but append).
    """

    def __init__(self, run: PipelineRun, stream: str, planner: RecordPlanner[R, W], *, workers: int,
                 slice_size: int, capacity: int, keyed: bool):
        self.run = run
        self.stream = stream
        self.planner = planner
        self.workers = workers
        self.slice_size = slice_size
        self.capacity = capacity
        self.buffer: list[R] = []
        self.scheduler: SliceScheduler[R] = SliceScheduler(stream, workers, self._write_slice, keyed=keyed,
                                                           waits_for_all=planner.waits_for_all)
        run.sinks.append(self)

    # ---- lifecycle -------------------------------------------------------------------------------
    def add(self, seq: int, data: dict[str, Any]) -> None:
        """Preprocess one record; mapping problems are rejected at once (nothing else to wait for)."""
        self.run.report.add(self.stream, "received")
        try:
            rec = self.planner.prepare(seq, data)
        except RecordRejected as exc:
            self._reject_raw(seq, data, exc.reason)
            return
        except ErpError:
            raise  # about the run (a lost login, a server that is down), not about this record
        except Exception as exc:  # noqa: BLE001 - one record never takes the others down
            self._reject_raw(seq, data, f"the record could not be prepared: {_describe(exc)}")
            return
        self.buffer.append(rec)
        if len(self.buffer) >= self.slice_size and self._may_start_early():
            recs, self.buffer = self.buffer, []
            self.scheduler.start(recs, self.slice_size)
            self.run.report.progress()

    def is_full(self) -> bool:
        """Enough records are buffered that the caller should flush (every stream, in order)."""
        return len(self.buffer) >= self.capacity

    def oldest_seq(self) -> float:
        """The oldest record without an outcome yet: buffered, or in a slice still running."""
        oldest = self.scheduler.oldest_seq()
        return min(oldest, self.buffer[0].seq) if self.buffer else oldest

    def flush(self) -> None:
        """Plan, write and account for every record added so far; returns when all are final.

        Raises:
            whatever a slice raised (e.g. writes that could not be confirmed), after every other started
            slice has finished.
        """
        recs, self.buffer = self.buffer, []
        try:
            if recs:
                self.scheduler.start(recs, self.slice_size)
        finally:
            self.scheduler.wait_all()
        self.run.report.progress()

    def idle(self) -> bool:
        """No record buffered and no slice running."""
        return not self.buffer and self.scheduler.idle()

    # ---- slices ----------------------------------------------------------------------------------
    def _may_start_early(self) -> bool:
        """Start a slice from ``add`` only while no other stream has records without an outcome (its rows
        may be referenced by ours), and not after a rejection under ``reject_policy=fail``."""
        if self.run.fail_fast and self.run.rejects.first is not None:
            return False
        return all(s is self or s.idle() for s in self.run.sinks)

    def _write_slice(self, recs: list[R]) -> None:
        """One slice, on a worker thread (``SliceScheduler`` orders the slices): plan, write, account."""
        outcomes = _SliceOutcomes(self)
        try:
            writes = self._plan(recs, outcomes)
            if self.run.dry_run:
                for op in writes:
                    outcomes.counts[_DRY_OUTCOME[op.outcome]] += 1
                return
            if not writes:
                return
            results = self.run.rounds.execute(writes, parallel=False)
            self.planner.after_writes(results)
            for res in results:
                if res.ok:
                    outcomes.counts[res.op.outcome] += 1
                else:
                    self.reject(res.op.rec, res.reason or "rejected by the server")
        finally:
            report = self.run.report
            for outcome, n in outcomes.counts.items():
                report.add(self.stream, outcome, n)

    def _plan(self, recs: list[R], outcomes: _SliceOutcomes) -> list[W]:
        """The planner's writes; when planning fails on something that is not about the run, the slice is
        halved until the record that breaks it is found and rejected, and the others are planned.

        Planning sends no write (only lookups), so planning a part again is safe.
        """
        try:
            return self.planner.plan(recs, outcomes)
        except ErpError:
            raise
        except Exception as exc:  # noqa: BLE001 - one record never takes the others down
            if len(recs) == 1:
                outcomes.reject(recs[0], f"the record could not be planned: {_describe(exc)}")
                return []
            middle = len(recs) // 2
            return self._plan(recs[:middle], outcomes) + self._plan(recs[middle:], outcomes)

    # ---- rejections ------------------------------------------------------------------------------
    def reject(self, rec: Record, reason: str) -> None:
        """Count, log and file one rejected record."""
        self.run.report.add(self.stream, "rejected")
        self.run.rejects.add(RejectedRecord(self.stream, _key_json(rec.key), reason, rec.data, rec.seq))

    def _reject_raw(self, seq: int, data: dict[str, Any], reason: str) -> None:
        key = None
        try:
            key = _key_json(self.planner.raw_key(data))
        except Exception:  # noqa: BLE001 - the key is only informative here
            key = None
        self.run.report.add(self.stream, "rejected")
        self.run.rejects.add(RejectedRecord(self.stream, key, reason, data, seq))


class _SliceOutcomes:
    """A ``SliceOutcomes``: rejections go out at once, other counts when the slice ends."""

    def __init__(self, sink: StreamSink[Any, Any]):
        self.sink = sink
        self.counts: Counter[str] = Counter()

    def reject(self, rec: Record, reason: str) -> None:
        self.sink.reject(rec, reason)

    def unchanged(self, n: int = 1) -> None:
        self.counts["unchanged"] += n


def _describe(exc: BaseException) -> str:
    text = str(exc).splitlines()[0][:300] if str(exc) else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _key_json(key: tuple[Any, ...] | None) -> Any:
    if key is None:
        return None
    return list(key) if len(key) != 1 else key[0]
