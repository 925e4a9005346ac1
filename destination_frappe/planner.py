"""Frappe's ``RecordPlanner`` for one stream: map, resolve Links, find stored documents, plan the writes.

The sink lifecycle, slices (keys distinct within a slice, repeated keys applied in input order), write
rounds, dry-run counting, rejects and the report are the shared pipeline's (``erp_airbyte.destination``).
A record goes through: ``prepare`` (main thread: payload.py) -> Link lookups (one per distinct value per
run: links.py) -> stored documents (keys.py) -> a plan (plan.py) -> the shared ``WriteRounds`` over
``FrappeSender`` (sender.py) and ``FrappeProver`` (prover.py).
"""
from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from destination_frappe.doctype import TargetDocType
from destination_frappe.keys import KeyFinder
from destination_frappe.links import LinkResolver, ParallelMap
from destination_frappe.payload import PreparedRecord, RecordMapper
from destination_frappe.plan import (
    Refused,
    StreamSettings,
    Unchanged,
    WritePlan,
    plan_record,
)
from erp_airbyte.destination.protocols import SliceOutcomes, WriteResult


@dataclass(frozen=True)
class Target:
    """One stream's destination: the DocType and how it is written."""

    stream: str
    dt: TargetDocType
    settings: StreamSettings


class DocTypePlanner:
    """``RecordPlanner`` for one stream into one DocType (thread-safe: slices plan in parallel)."""

    def __init__(self, target: Target, mapper: RecordMapper, keys: KeyFinder, resolver: LinkResolver,
                 pmap: ParallelMap, logger: logging.Logger):
        self.target = target
        self.mapper = mapper
        self.keys = keys
        self.resolver = resolver
        self.pmap = pmap
        self.logger = logger

    # ---- RecordPlanner -----------------------------------------------------------------------------
    def prepare(self, seq: int, data: Mapping[str, Any]) -> PreparedRecord:
        return self.mapper.prepare(seq, data)

    def raw_key(self, data: Mapping[str, Any]) -> tuple | None:
        return self.mapper.raw_key(data)

    def waits_for_all(self, recs: list[PreparedRecord]) -> bool:
        """A slice that looks up documents of its own DocType (a tree's parent, a self-Link) waits for every
        earlier slice, so a document written earlier in the run is found."""
        own = self.target.dt.name
        return any(ref.doctype == own for rec in recs for _, ref in rec.links)

    def plan(self, recs: list[PreparedRecord], outcomes: SliceOutcomes) -> list[WritePlan]:
        recs = self._resolve_links(recs, outcomes)
        settings = self.target.settings
        stored: dict[int, Any] = {}
        if settings.mode != "append" and recs:
            found = self.keys.find(recs)
            kept = []
            for rec in recs:
                hit = found[rec.seq]
                if hit.error:
                    outcomes.reject(rec, hit.error)
                else:
                    stored[rec.seq] = hit.doc
                    kept.append(rec)
            recs = kept
        plans = []
        for rec in recs:
            try:
                plan = plan_record(rec, stored.get(rec.seq), self.target.dt, settings)
            except Refused as exc:
                outcomes.reject(rec, str(exc))
                continue
            if isinstance(plan, Unchanged):
                outcomes.unchanged()
            else:
                plan.target = self.target
                plans.append(plan)
        return plans

    def after_writes(self, results: list[WriteResult[WritePlan]]) -> None:
        """New documents may answer lookups that found nothing before (a Customer before its orders)."""
        if any(r.ok and r.op.kind == "insert" for r in results):
            self.resolver.forget_misses(self.target.dt.name)

    # ---- Links -------------------------------------------------------------------------------------
    def _resolve_links(self, recs: list[PreparedRecord], outcomes: SliceOutcomes) -> list[PreparedRecord]:
        self.resolver.resolve_all(ref for rec in recs for _, ref in rec.links)
        kept = []
        for rec in recs:
            error = None
            for path, ref in rec.links:
                res = self.resolver.get(ref)
                if res.error:
                    error = f"field {'.'.join(str(p) for p in path)}: {res.error}"
                    break
                _set_path(rec.body, path, res.name)
            if error:
                outcomes.reject(rec, error)
            else:
                kept.append(rec)
        return kept


def _set_path(body: dict, path: tuple, value: Any) -> None:
    target: Any = body
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
