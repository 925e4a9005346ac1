"""iDempiere's ``RecordPlanner`` for one target table: map, resolve FKs, look rows up, plan the writes.

The sink lifecycle, slices, write rounds, dry-run counting and rejects are the shared pipeline's
(``erp_airbyte.destination``); this module says what a record means for one iDempiere table. A record goes
through: mapping (``prepare``, main thread: ``record_mapping``) -> FK resolution (cached per run,
``fk_resolver``) -> key lookup (upsert, update, soft delete: ``lookup``) -> write plan (POST / PUT of changed
columns only / nothing) -> the shared ``WriteRounds`` over ``write_requests``. A record may carry its child
rows (a document with its lines): they are mapped, resolved and inserted with it (``child_rows``), and matched
to the document's current rows on update (``child_sync``).

Slice size. With the batch endpoint, ``batch_size`` records, or with ``in`` lookups at least one lookup
request's worth (``IN_CHUNK``, written in ``batch_size`` batches: a lookup costs the server about as much
for 100 keys as for 50); with single requests, one OR lookup's worth (``CHUNK``). Within a slice requests
go one after the other; the slices are what runs in parallel.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from destination_idempiere.child_rows import (
    ChildMapper,
    at,
    child_tables,
    insert_arrays,
    locate_failure,
    parent_seed,
    walk,
)
from destination_idempiere.child_sync import ChildSync, ExistingChildren
from destination_idempiere.fk_resolver import FkResolver
from destination_idempiere.lookup import CHUNK, IN_CHUNK, RowFinder
from destination_idempiere.prepared_record import PreparedRecord
from destination_idempiere.queries import changed_columns, row_key_id, row_value
from destination_idempiere.record_mapping import RecordMapper
from destination_idempiere.values import WriteContext
from destination_idempiere.write_options import DestinationOptions
from destination_idempiere.write_requests import DOC_ACTION_RESULT, WriteOp
from erp_airbyte.destination.protocols import SliceOutcomes, WriteResult
from erp_airbyte.destination.rejects import RejectLog
from erp_airbyte.destination.report import Report
from erp_airbyte.destination.sink import PipelineRun, StreamSink
from erp_airbyte.destination.stream_plans import SUPPORTED_MODES
from erp_airbyte.destination.write_rounds import WriteRounds
from idempiere_client.metadata import TableMeta

MODES = tuple(mode.value for mode in SUPPORTED_MODES)


@dataclass
class RunContext:
    """Everything the planners of one run share, and the shared pipeline run built from it (``pipeline``).

    ``use_batch``: the server has ``POST /batch`` (decides slice sizes and ``in`` lookups).
    """

    client: Any
    resolver: FkResolver
    executor: WriteRounds[WriteOp]
    options: DestinationOptions
    ctx: WriteContext
    report: Report
    rejects: RejectLog
    logger: logging.Logger
    use_batch: bool
    pipeline: PipelineRun = field(init=False)

    def __post_init__(self) -> None:
        self.pipeline = PipelineRun(self.report, self.rejects, self.executor, dry_run=self.options.dry_run,
                                    stop_at_first_reject=self.options.reject_policy == "fail")


def table_sink(run: RunContext, stream: str, meta: TableMeta, mode: str,
               key_names: list[str]) -> StreamSink[PreparedRecord, WriteOp]:
    """The shared sink for one stream, over a ``TablePlanner`` (registered in ``run.pipeline``).

    Raises:
        ValueError: an unsupported mode, or a key field that is not a column.
    """
    planner = TablePlanner(run, stream, meta, mode, key_names)
    workers = run.options.num_workers
    slice_size = run.options.batch_size if run.use_batch else CHUNK
    if planner.finder.use_in and mode != "append":
        slice_size = max(slice_size, IN_CHUNK)
    return StreamSink(run.pipeline, stream, planner, workers=workers, slice_size=slice_size,
                      capacity=max(run.options.batch_size * workers, slice_size), keyed=mode != "append")


class TablePlanner:
    """Plans the records of one stream for one table with one sync mode (a ``RecordPlanner``).

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
        self.child_keys = run.options.children.keys
        nested = ChildMapper(run.resolver.catalog, meta, stream, run.ctx, run.logger, self.child_keys)
        self.mapper = RecordMapper(meta, stream, key_names, run.ctx, deterministic_uu=mode != "append",
                                   logger=run.logger, keyless_inserts=mode == "append_dedup",
                                   key_required=mode != "append", nested=nested)
        self.children = ChildSync(run.client, run.options.children, run.ctx, use_in=run.use_batch)
        self.finder = RowFinder(run.client, meta, self.mapper.key_fields, run.ctx.clock, run.options.num_workers,
                                run.logger, use_in=run.use_batch)
        self.doc_action = run.options.doc_action.get(meta.model_name) or run.options.doc_action.get(stream.lower())
        self._dry_inserted: set[Any] = set()
        self._self_ref_columns = frozenset(c.name for c in meta.columns.values() if c.kind == "fk" and (
            c.ref_table is None or c.ref_table == meta.model_name))
        self._insert_path = f"models/{meta.model_name}"

    # ---- RecordPlanner ---------------------------------------------------------------------------
    def prepare(self, seq: int, data: dict[str, Any]) -> PreparedRecord:
        """Map one record (``RecordRejected``: unknown field, value that does not fit, missing key)."""
        return self.mapper.prepare(seq, data)

    def raw_key(self, data: dict[str, Any]) -> tuple | None:
        return self.mapper.raw_key(data)

    def waits_for_all(self, recs: list[PreparedRecord]) -> bool:
        """Whether a record (or one of its child rows) names a row of this table (or of a table the metadata
        does not tell) by a reference that is resolved (FK columns only produce those; ``FkRef.ref_table`` is
        the column's)."""
        own = self._self_ref_columns
        if own and any(column in own for rec in recs for column in rec.fk_refs):
            return True
        return any(ref.ref_table in (None, self.meta.model_name) for rec in recs if rec.children
                   for path, node, _ in walk(rec, self.meta) if path for ref in node.fk_refs.values())

    def plan(self, recs: list[PreparedRecord], outcomes: SliceOutcomes) -> list[WriteOp]:
        """Resolve, look up and plan one slice (its keys are distinct); rejections and unchanged records go
        to ``outcomes``."""
        recs = self._resolve_fks(recs, outcomes)
        if self.run.options.dry_run:
            recs = self._check_ids(recs, outcomes)
        if not recs:
            return []
        if self.mode == "append":
            plans = []
            for rec in recs:
                if rec.deleted:
                    outcomes.unchanged()  # appending a deletion means nothing
                else:
                    plans.append(self._insert_op(rec))
        else:
            found = self.finder.find(recs, parallel=False)
            existing = self.children.existing(
                ((rec, hit.row) for rec in recs if rec.children and not rec.deleted and self.mode != "soft_delete"
                 and (hit := found[rec.seq]).row is not None), self.meta)
            plans = []
            for rec in recs:
                hit = found[rec.seq]
                if hit.error:
                    outcomes.reject(rec, hit.error)
                    continue
                op = self._plan(rec, hit.row, outcomes, existing)
                if op is not None:
                    plans.append(op)
        if self.run.options.dry_run:
            self._dry_inserted.update(op.rec.group_key for op in plans if op.method == "POST")
        return plans

    def after_writes(self, results: list[WriteResult[WriteOp]]) -> None:
        """Forgets cached misses that new rows may answer, and points a refused document's reason at the child
        row it is about (``child_rows.locate_failure``; the sink files the reason after this call)."""
        if any(r.ok and r.op.method == "POST" for r in results):
            self.run.resolver.forget_misses(self.meta.model_name)  # new rows may be referenced by later records
        for table in {t for r in results if r.ok for t in child_tables(r.op.rec)}:
            self.run.resolver.forget_misses(table)
        for result in results:
            if not result.ok and result.reason and result.op.rec.children:
                result.reason = locate_failure(result.op.rec, self.meta, result.reason)

    # ---- steps -----------------------------------------------------------------------------------
    def _nodes(self, rec: PreparedRecord) -> list[tuple[str, PreparedRecord, TableMeta]]:
        """The record and its child rows at any depth, with their paths (``C_OrderLine[1]``) and tables."""
        return list(walk(rec, self.meta)) if rec.children else [("", rec, self.meta)]

    def _resolve_fks(self, recs: list[PreparedRecord], outcomes: SliceOutcomes) -> list[PreparedRecord]:
        resolver = self.run.resolver
        nodes = {rec.seq: self._nodes(rec) for rec in recs}
        # the mapper shares equal refs
        refs = {id(ref): ref for rec in recs for _, node, _ in nodes[rec.seq] for ref in node.fk_refs.values()}
        if not refs:
            return recs
        resolver.resolve_all(refs.values())
        resolved = {key: resolver.get(ref) for key, ref in refs.items()}
        kept = []
        for rec in recs:
            error = None
            for path, node, _ in nodes[rec.seq]:
                for column, ref in node.fk_refs.items():
                    res = resolved[id(ref)]
                    if res.error:
                        error = f"{at(path)}column {column}: {res.error}"
                        break
                    node.values[column] = res.value
                if error:
                    break
            if error:
                outcomes.reject(rec, error)
            else:
                kept.append(rec)
        return kept

    def _check_ids(self, recs: list[PreparedRecord], outcomes: SliceOutcomes) -> list[PreparedRecord]:
        """Dry run only: plain FK ids are checked here (a real write lets the server check them, §7.2)."""
        nodes = {rec.seq: self._nodes(rec) for rec in recs}
        checks = {(c.ref_table, v) for rec in recs for _, node, meta in nodes[rec.seq] for name, v in node.values.items()
                  if (c := meta.columns.get(name)) is not None and c.kind == "fk" and c.ref_table
                  and isinstance(v, int) and v > 0 and name not in node.fk_refs}
        for table, value in checks:
            self.run.resolver.id_exists(table, value)
        kept = []
        for rec in recs:
            bad = next((f"{at(path)}column {n}: id {v} not found in {c.ref_table}" for path, node, meta in nodes[rec.seq]
                        for n, v in node.values.items()
                        if (c := meta.columns.get(n)) is not None and (c.ref_table, v) in checks
                        and not self.run.resolver.id_exists(c.ref_table, v)), None)
            if bad:
                outcomes.reject(rec, bad)
            else:
                kept.append(rec)
        return kept

    def _plan(self, rec: PreparedRecord, row: dict | None, outcomes: SliceOutcomes,
              existing: ExistingChildren) -> WriteOp | None:
        """The write for one looked-up record, or None (unchanged / rejected: told to ``outcomes``)."""
        if row is None and self.run.options.dry_run and rec.group_key in self._dry_inserted:
            return self._dry_update(rec)  # dry run: an earlier record of this run would have inserted it
        if self.mode == "soft_delete" or rec.deleted:  # a tombstone deactivates, it never deletes or inserts
            if row is None or row_value(row, "IsActive") is False:
                outcomes.unchanged()  # nothing (left) to deactivate
                return None
            return WriteOp(rec, "PUT", self._row_path(row), {"IsActive": False}, "deactivated")
        if row is None:
            if self.mode == "update":
                outcomes.reject(rec, f"no row of {self.meta.name} matches the key {list(rec.key or ())!r}")
                return None
            return self._insert_op(rec)
        changes = changed_columns(self.meta, rec.values, row, self.run.ctx.clock, self.run.ctx.legacy_datetime)
        children = self.children.update(rec, self.meta, row, existing) if rec.children else None
        if children is not None:
            if children.error:
                outcomes.reject(rec, children.error)
                return None
            changes.update(children.arrays)
        action = self._doc_action_for(row)
        if not changes and not action:
            outcomes.unchanged()
            return None
        if action:
            changes["doc-action"] = action
        path = self._row_path(row)
        verify = path if action else children.verify_path if children else None
        gone = children.gone_path if children and not verify else None
        return WriteOp(rec, "PUT", path, changes, "updated", verify_path=verify, doc_action=action, gone_path=gone)

    def _dry_update(self, rec: PreparedRecord) -> WriteOp | None:
        if self.mode == "soft_delete" or rec.deleted:
            return WriteOp(rec, "PUT", "", {}, "deactivated")
        return WriteOp(rec, "PUT", "", dict(rec.values), "updated")

    def _insert_op(self, rec: PreparedRecord) -> WriteOp:
        body = dict(rec.values)
        if rec.children:  # one POST: the plugin inserts the rows with the document, in its transaction (§7.4)
            body.update(insert_arrays(rec, parent_seed(rec.uu, rec.key), self.child_keys))
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
