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
from destination_frappe.payload import LinkRef, PreparedRecord, RecordMapper
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
                 pmap: ParallelMap, logger: logging.Logger, *, check_named_links: bool = False):
        self.target = target
        self.check_named_links = check_named_links
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
        return any(ref.doctype == own for rec in recs for _, ref in rec.links) or \
            any(doctype == own for rec in recs for _, doctype, _ in rec.named_links)

    def plan(self, recs: list[PreparedRecord], outcomes: SliceOutcomes) -> list[WritePlan]:
        recs = self._resolve_links(recs, outcomes)
        if self.check_named_links:
            recs = self._check_named_links(recs, outcomes)
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
                if self.check_named_links and plan.insert is not None:  # dry run: later records may link to it
                    dt = self.target.dt
                    name = plan.insert.get(dt.name_field) if dt.name_field else plan.insert.get("name")
                    self.resolver.would_create(dt.name, plan.insert, name)
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


    def _check_named_links(self, recs: list[PreparedRecord], outcomes: SliceOutcomes) -> list[PreparedRecord]:
        """Dry runs only: Links given by name must exist (a real write lets the server check them). Only a lookup
        that ran and found nothing rejects: a target the user may not read is the server's to judge."""
        refs = {(dt, name): LinkRef(dt, (("name", name),)) for rec in recs for _, dt, name in rec.named_links}
        self.resolver.resolve_all(refs.values())
        own, name_field = self.target.dt.name, self.target.dt.name_field
        earlier: set[str] = set()  # natural names of this slice's earlier records (a tree's parent before its child)
        kept = []
        for rec in recs:
            missing = next(((p, dt, n) for p, dt, n in rec.named_links if self.resolver.get(refs[(dt, n)]).missing
                            and not (dt == own and str(n).casefold() in earlier)), None)
            natural = rec.body.get(name_field) if name_field else rec.name
            if natural not in (None, ""):
                earlier.add(str(natural).casefold())
            if missing is None:
                kept.append(rec)
            else:
                path, dt, name = missing
                outcomes.reject(rec, f"field {'.'.join(str(p) for p in path)}: {dt} {name!r} does not exist (dry run; "
                                     f"a write would be refused with LinkValidationError)")
        return kept


def _set_path(body: dict, path: tuple, value: Any) -> None:
    target: Any = body
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
