"""Per-stream sink (Singer SDK lifecycle: preprocess -> add -> is_full -> flush) for one target table.

Records go through: mapping (``add``, main thread) -> FK resolution (cached per run) -> key lookup
(upsert, update, soft delete) -> write plan (POST / PUT of changed columns only / nothing) ->
``WriteExecutor``. Every record ends with exactly one outcome: committed (inserted/updated/deactivated),
unchanged, or rejected with a reason; in dry runs the would-be outcome is counted instead and nothing is sent.

Concurrency. Records are processed in *slices* (``slices.py``: ordering, waits, failure propagation):
``batch_size`` records, or with ``in`` lookups at least one lookup request's worth (``IN_CHUNK``, written
in ``batch_size`` batches), each one unit of work on a worker thread (resolve -> look up -> plan -> write
-> account). ``flush`` returns only when every record added before it has its outcome. While no other
stream has records waiting or in flight, ``add`` already starts a slice once a slice's worth of records is
buffered, so reading and mapping the input overlaps the network and server work of the slices before it;
otherwise records wait for ``flush`` (``_flush_all`` orders the streams so that referenced rows are
written first).
"""
from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from idempiere_client.metadata import TableMeta

from destination_idempiere.fk_resolver import FkResolver
from destination_idempiere.lookup import CHUNK, IN_CHUNK, RowFinder
from destination_idempiere.options import DestinationOptions
from destination_idempiere.queries import row_key_id, row_value, same_value
from destination_idempiere.record_mapping import PreparedRecord, RecordMapper, RecordRejected
from destination_idempiere.rejects import RejectedRecord, RejectLog
from destination_idempiere.report import Report
from destination_idempiere.slices import SliceScheduler
from destination_idempiere.values import WriteContext
from destination_idempiere.writes import DOC_ACTION_RESULT, WriteExecutor, WriteOp

MODES = ("append", "append_dedup", "update", "soft_delete")
_DRY_OUTCOME = {"inserted": "would_insert", "updated": "would_update", "deactivated": "would_deactivate"}


@dataclass
class RunContext:
    """Everything the sinks of one run share (``writers``: every ``StreamWriter`` of the run)."""

    client: Any
    resolver: FkResolver
    executor: WriteExecutor
    options: DestinationOptions
    ctx: WriteContext
    report: Report
    rejects: RejectLog
    logger: logging.Logger
    writers: list = field(default_factory=list)


class StreamWriter:
    """Writes the records of one stream into one table with one sync mode.

    Args:
        run: shared run context.
        stream: stream name as in the catalog.
        meta: target table metadata.
        mode: ``append`` | ``append_dedup`` | ``update`` | ``soft_delete``.
        key_names: primary-key field names (required for every mode but ``append``).
    """

    def __init__(self, run: RunContext, stream: str, meta: TableMeta, mode: str, key_names: list[str]):
        if mode not in MODES:
            raise ValueError(f"unsupported mode {mode!r}")
        self.run = run
        self.stream = stream
        self.meta = meta
        self.mode = mode
        self.mapper = RecordMapper(meta, stream, key_names, run.ctx, deterministic_uu=mode != "append",
                                   logger=run.logger, keyless_inserts=mode == "append_dedup",
                                   key_required=mode != "append")
        self.finder = RowFinder(run.client, meta, self.mapper.key_fields, run.ctx.clock, run.options.num_workers,
                                run.logger, use_in=run.executor.use_batch)
        self.doc_action = run.options.doc_action.get(meta.model_name) or run.options.doc_action.get(stream.lower())
        self.buffer: list[PreparedRecord] = []
        self.workers = run.options.num_workers
        # Records per slice. Batch endpoint: one batch, or with ``in`` lookups one full lookup request
        # (IN_CHUNK keys, written in batch_size batches: a lookup costs the server about as much for 100 keys
        # as for 50). Single requests: one OR lookup's worth (CHUNK). Within a slice requests go one after
        # the other; the slices are what runs in parallel.
        self.slice_size = run.options.batch_size if run.executor.use_batch else CHUNK
        if self.finder.use_in and mode != "append":
            self.slice_size = max(self.slice_size, IN_CHUNK)
        self.capacity = max(run.options.batch_size * self.workers, self.slice_size)
        self._dry_inserted: set[Any] = set()
        self._self_ref_columns = frozenset(c.name for c in meta.columns.values() if c.kind == "fk" and (
            c.ref_table is None or c.ref_table == meta.model_name))
        self._insert_path = f"models/{meta.model_name}"
        self.scheduler = SliceScheduler(stream, self.workers, self._write_slice, keyed=mode != "append",
                                        waits_for_all=self._references_own_table)
        run.writers.append(self)

    # ---- lifecycle -------------------------------------------------------------------------------
    def add(self, seq: int, data: dict[str, Any]) -> None:
        """Preprocess one record; mapping problems are rejected at once (nothing else to wait for)."""
        self.run.report.add(self.stream, "received")
        try:
            rec = self.mapper.prepare(seq, data)
        except RecordRejected as exc:
            self._reject_raw(seq, data, exc.reason)
            return
        self.buffer.append(rec)
        if len(self.buffer) >= self.slice_size and self._may_start_early():
            recs, self.buffer = self.buffer, []
            self.scheduler.start(recs, self.slice_size)
            self.run.report.progress()

    def is_full(self) -> bool:
        return len(self.buffer) >= self.capacity

    def oldest_seq(self) -> float:
        """The oldest record without an outcome yet: buffered, or in a slice still running."""
        oldest = self.scheduler.oldest_seq()
        return min(oldest, self.buffer[0].seq) if self.buffer else oldest

    def flush(self) -> None:
        """Resolve, look up, write and account for every record added so far; returns when all are final.

        Raises:
            whatever a slice raised (e.g. ``TransientError`` when writes could not be confirmed), after
            every other started slice has finished.
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
        options = self.run.options
        if options.reject_policy == "fail" and not options.dry_run and self.run.rejects.first is not None:
            return False
        return all(w is self or w.idle() for w in self.run.writers)

    def _references_own_table(self, recs: list[PreparedRecord]) -> bool:
        """Whether a record names a row of this table (or of a table the metadata does not tell) by a
        reference that is resolved (FK columns only produce those; ``FkRef.ref_table`` is the column's)."""
        own = self._self_ref_columns
        return bool(own) and any(column in own for rec in recs for column in rec.fk_refs)

    def _write_slice(self, recs: list[PreparedRecord]) -> None:
        """One slice, on a worker thread (``SliceScheduler`` orders the slices): resolve, look up, write,
        account."""
        recs = self._resolve_fks(recs)
        if self.run.options.dry_run:
            recs = self._check_ids(recs)
        if recs:
            self._process(recs)

    # ---- steps -----------------------------------------------------------------------------------
    def _resolve_fks(self, recs: list[PreparedRecord]) -> list[PreparedRecord]:
        resolver = self.run.resolver
        refs = {id(ref): ref for rec in recs for ref in rec.fk_refs.values()}  # the mapper shares equal refs
        if not refs:
            return recs
        resolver.resolve_all(refs.values())
        resolved = {key: resolver.get(ref) for key, ref in refs.items()}
        kept = []
        for rec in recs:
            error = None
            for column, ref in rec.fk_refs.items():
                res = resolved[id(ref)]
                if res.error:
                    error = f"column {column}: {res.error}"
                    break
                rec.values[column] = res.value
            if error:
                self._reject(rec, error)
            else:
                kept.append(rec)
        return kept

    def _check_ids(self, recs: list[PreparedRecord]) -> list[PreparedRecord]:
        """Dry run only: plain FK ids are checked here (a real write lets the server check them, §7.2)."""
        checks = {(c.ref_table, v) for rec in recs for name, v in rec.values.items()
                  if (c := self.meta.columns.get(name)) is not None and c.kind == "fk" and c.ref_table
                  and isinstance(v, int) and v > 0 and name not in rec.fk_refs}
        for table, value in checks:
            self.run.resolver.id_exists(table, value)
        kept = []
        for rec in recs:
            bad = next((f"column {n}: id {v} not found in {c.ref_table}" for n, v in rec.values.items()
                        if (c := self.meta.columns.get(n)) is not None and (c.ref_table, v) in checks
                        and not self.run.resolver.id_exists(c.ref_table, v)), None)
            if bad:
                self._reject(rec, bad)
            else:
                kept.append(rec)
        return kept

    def _process(self, recs: list[PreparedRecord]) -> None:
        """Look up, plan, write and count one slice (its keys are distinct)."""
        counts: Counter[str] = Counter()
        try:
            if self.mode == "append":
                plans = []
                for rec in recs:
                    if rec.deleted:
                        counts["unchanged"] += 1  # appending a deletion means nothing
                    else:
                        plans.append((rec, self._insert_op(rec)))
            else:
                found = self.finder.find(recs, parallel=False)
                plans = []
                for rec in recs:
                    hit = found[rec.seq]
                    if hit.error:
                        self._reject(rec, hit.error)
                        continue
                    plan = self._plan(rec, hit.row, counts)
                    if plan is not None:
                        plans.append((rec, plan))
            if self.run.options.dry_run:
                for rec, op in plans:
                    if op.method == "POST":
                        self._dry_inserted.add(rec.group_key)
                    counts[_DRY_OUTCOME[op.outcome]] += 1
                return
            if not plans:
                return
            results = self.run.executor.execute([op for _, op in plans], parallel=False)
            if any(r.ok and r.op.method == "POST" for r in results):
                self.run.resolver.forget_misses(self.meta.model_name)  # new rows may be referenced by later records
            for res in results:
                if res.ok:
                    counts[res.op.outcome] += 1
                else:
                    self._reject(res.op.rec, res.reason or "rejected by the server")
        finally:
            report = self.run.report
            for outcome, n in counts.items():
                report.add(self.stream, outcome, n)

    def _plan(self, rec: PreparedRecord, row: dict | None, counts: Counter[str]) -> WriteOp | None:
        """The write for one looked-up record, or None (unchanged -- counted in ``counts`` -- / rejected)."""
        if row is None and self.run.options.dry_run and rec.group_key in self._dry_inserted:
            return self._dry_update(rec)  # dry run: an earlier record of this run would have inserted it
        if self.mode == "soft_delete" or rec.deleted:  # a tombstone deactivates, it never deletes or inserts
            if row is None or row_value(row, "IsActive") is False:
                counts["unchanged"] += 1  # nothing (left) to deactivate
                return None
            return WriteOp(rec, "PUT", self._row_path(row), {"IsActive": False}, "deactivated")
        if row is None:
            if self.mode == "update":
                self._reject(rec, f"no row of {self.meta.name} matches the key {list(rec.key or ())!r}")
                return None
            return self._insert_op(rec)
        changes = {c: v for c, v in rec.values.items()
                   if c.lower() != "ad_client_id"
                   and not same_value(self._kind(c), row.get(c), v, self.run.ctx.clock, self.run.ctx.legacy_datetime)}
        for column, value in changes.items():
            current = row.get(column)
            if self._kind(column) == "location" and isinstance(value, dict) and "id" not in value and \
                    isinstance(current, dict) and current.get("id"):
                changes[column] = {**value, "id": current["id"]}  # edit the linked address, do not add one per run
        action = self._doc_action_for(row)
        if not changes and not action:
            counts["unchanged"] += 1
            return None
        if action:
            changes["doc-action"] = action
        path = self._row_path(row)
        verify = path if action else None
        return WriteOp(rec, "PUT", path, changes, "updated", verify_path=verify, doc_action=action)

    def _dry_update(self, rec: PreparedRecord) -> WriteOp | None:
        if self.mode == "soft_delete" or rec.deleted:
            return WriteOp(rec, "PUT", "", {}, "deactivated")
        return WriteOp(rec, "PUT", "", dict(rec.values), "updated")

    def _insert_op(self, rec: PreparedRecord) -> WriteOp:
        body = dict(rec.values)
        verify = None
        if self.meta.uu_column and rec.uu:
            body[self.meta.uu_column] = rec.uu
            verify = f"{self._insert_path}/{rec.uu}"
        if self.doc_action:
            body["doc-action"] = self.doc_action
        return WriteOp(rec, "POST", self._insert_path, body, "inserted", verify_path=verify,
                       doc_action=self.doc_action)

    def _doc_action_for(self, row: dict) -> str | None:
        if not self.doc_action:
            return None
        status = row_value(row, "DocStatus")
        return None if status == DOC_ACTION_RESULT.get(self.doc_action) else self.doc_action

    def _row_path(self, row: dict) -> str:
        return f"models/{self.meta.model_name}/{row_key_id(row, self.meta)}"

    def _kind(self, column: str) -> str:
        col = self.meta.columns.get(column)
        return col.kind if col is not None else "other"

    # ---- rejections ------------------------------------------------------------------------------
    def _reject(self, rec: PreparedRecord, reason: str) -> None:
        self.run.report.add(self.stream, "rejected")
        self.run.rejects.add(RejectedRecord(self.stream, _key_json(rec.key), reason, rec.data, rec.seq))

    def _reject_raw(self, seq: int, data: dict[str, Any], reason: str) -> None:
        key = None
        try:
            key = _key_json(self.mapper.raw_key(data))
        except Exception:  # noqa: BLE001 - the key is only informative here
            key = None
        self.run.report.add(self.stream, "rejected")
        self.run.rejects.add(RejectedRecord(self.stream, key, reason, data, seq))


def _key_json(key: tuple | None) -> Any:
    if key is None:
        return None
    return list(key) if len(key) != 1 else key[0]
