"""Writes one chunk of a stream's prepared records: resolve Links, find stored documents, plan, send, prove.

Order inside a chunk: Link lookups (one per distinct value per run, links.py) -> stored documents (by
``name``: one GET each; by a key field: ``in`` lookups, then one GET per found document, since updates
compare against the stored document and its child rows) -> plans (plan.py) -> inserts in
``insert_many`` batches, updates and deletes as parallel single requests. Records whose keys repeat in a
chunk are written in rounds, so the second one sees what the first one wrote.

Inserts are all-or-nothing per ``insert_many`` (spec §10): a refused batch is bisected until each bad
record stands alone and is rejected with the server's message, while the good ones land. A write whose
answer was lost (``maybe_committed``) is proven before it is sent again (insert_proof.py); a refused
write becomes that record's reject with the server's reason.
"""
from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any, Protocol

from destination_frappe.api import FrappeApi, is_duplicate_name, is_uncertain, reason_of
from destination_frappe.doctype import TargetDocType
from destination_frappe.insert_proof import InsertProver
from destination_frappe.keys import KeyFinder
from destination_frappe.links import LinkResolver, ParallelMap
from destination_frappe.payload import PreparedRecord
from destination_frappe.plan import Refused, StreamSettings, Unchanged, WritePlan, plan_record, plan_update
from destination_frappe.values import same_value
from frappe_client.errors import ApiError, TransientError

MAX_ROUNDS = 5  # sends of one uncertain write (first + resends) before the sync fails


class Outcomes(Protocol):
    """Where a record's final outcome goes (the pipeline counts it, logs and files rejects)."""

    def done(self, rec: PreparedRecord, outcome: str) -> None: ...
    def reject(self, rec: PreparedRecord, reason: str) -> None: ...
    def note(self, counter: str, n: int = 1) -> None: ...


class StreamWriter:
    """Writes prepared records of one stream into one DocType (``write`` returns when each has an outcome)."""

    def __init__(self, api: FrappeApi, dt: TargetDocType, settings: StreamSettings, resolver: LinkResolver,
                 pmap: ParallelMap, outcomes: Outcomes, *, batch_size: int, dry_run: bool,
                 logger: logging.Logger, stream: str):
        self.api = api
        self.dt = dt
        self.settings = settings
        self.resolver = resolver
        self.pmap = pmap
        self.outcomes = outcomes
        self.batch_size = batch_size
        self.dry_run = dry_run
        self.logger = logger
        self.stream = stream
        self.keys = KeyFinder(api, dt, settings.key_field, pmap)
        self.prover = InsertProver(api, dt, settings.external_id_field, logger, stream, outcomes)

    # ---- one chunk ---------------------------------------------------------------------------------
    def write(self, recs: Sequence[PreparedRecord]) -> None:
        recs = self._resolve_links(recs)
        for round_recs in _rounds(recs, self.settings.mode != "append"):
            self._write_round(round_recs)

    def _write_round(self, recs: list[PreparedRecord]) -> None:
        stored: dict[int, Any] = {}
        if self.settings.mode != "append":
            found = self.keys.find(recs)
            kept = []
            for rec in recs:
                hit = found[rec.seq]
                if hit.error:
                    self.outcomes.reject(rec, hit.error)
                else:
                    stored[rec.seq] = hit.doc
                    kept.append(rec)
            recs = kept
        plans: list[WritePlan] = []
        for rec in recs:
            try:
                plan = plan_record(rec, stored.get(rec.seq), self.dt, self.settings)
            except Refused as exc:
                self.outcomes.reject(rec, str(exc))
                continue
            if isinstance(plan, Unchanged):
                self.outcomes.done(rec, "unchanged")
            else:
                plans.append(plan)
        if self.dry_run:
            for plan in plans:
                self.outcomes.done(plan.rec, f"would_{plan.outcome}")
            return
        inserts = [p for p in plans if p.insert is not None]
        batches = [inserts[i:i + self.batch_size] for i in range(0, len(inserts), self.batch_size)]
        inserted = [p for got in self.pmap(self._insert_batch, batches) for p in got]
        if inserts:
            self.resolver.forget_misses(self.dt.name)
        ready = inserted + [p for p in plans if p.insert is None]
        self.pmap(self._finish, ready)

    # ---- Links -------------------------------------------------------------------------------------
    def _resolve_links(self, recs: Sequence[PreparedRecord]) -> list[PreparedRecord]:
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
                self.outcomes.reject(rec, error)
            else:
                kept.append(rec)
        return kept

    # ---- inserts -----------------------------------------------------------------------------------
    def _insert_batch(self, plans: list[WritePlan]) -> list[WritePlan]:
        """Insert ``plans`` (one ``insert_many``, bisected on refusal); returns those now named in the server.

        Rejected records and 409s settled here get their outcome; the returned ones still run their steps.
        """
        pending, landed = list(plans), []
        for attempt in range(1, MAX_ROUNDS + 1):
            if not pending:
                break
            try:
                landed += self._send_inserts(pending)
                pending = []
            except TransientError as exc:
                if not is_uncertain(exc) or attempt == MAX_ROUNDS:
                    raise
                proven, pending = self.prover.prove(pending, exc)
                landed += proven
        return landed

    def _send_inserts(self, plans: list[WritePlan]) -> list[WritePlan]:
        """One request for ``plans``; on refusal bisect. Raises on a lost answer (the caller proves)."""
        if len(plans) == 1:
            return self._insert_one(plans[0])
        try:
            names = self.api.insert_many(self.dt.name, [p.insert for p in plans])
        except ApiError:
            half = len(plans) // 2
            return self._send_inserts(plans[:half]) + self._send_inserts(plans[half:])
        if len(names) != len(plans):
            raise RuntimeError(f"insert_many into {self.dt.name} answered {len(names)} names for {len(plans)} documents")
        for plan, name in zip(plans, names):
            plan.name = name
        return plans

    def _insert_one(self, plan: WritePlan) -> list[WritePlan]:
        try:
            doc = self.api.insert(self.dt.name, plan.insert or {})
        except ApiError as exc:
            if is_duplicate_name(exc) and self.dt.naming == "natural":
                return self._already_there(plan, exc)
            self.outcomes.reject(plan.rec, exc.reason)
            return []
        plan.name = doc.get("name")
        return [plan]

    def _already_there(self, plan: WritePlan, exc: BaseException) -> list[WritePlan]:
        """409 on a natural name: the document exists (an earlier run, or our own lost answer) -> written;
        ``append_dedup``/``update`` then update it to the record."""
        name = self.prover.natural_name(plan)
        if self.prover.was_uncertain(plan) and name is not None:
            plan.name = name  # our own insert whose answer was lost: it is the record, written
            return [plan]
        if self.settings.mode == "append" or name is None:
            self.outcomes.done(plan.rec, "existing")
            return []
        stored = self.api.get_doc(self.dt.name, name)
        if stored is None:
            self.outcomes.reject(plan.rec, reason_of(exc) or "duplicate name")
            return []
        try:
            update = plan_update(plan.rec, stored, self.dt)
        except Refused as refused:
            self.outcomes.reject(plan.rec, str(refused))
            return []
        if isinstance(update, Unchanged):
            self.outcomes.done(plan.rec, "unchanged")
            return []
        return [update]

    # ---- steps on a named document -----------------------------------------------------------------
    def _finish(self, plan: WritePlan) -> None:
        """Run the plan's steps in order; count the outcome, or reject with the refusing step's reason."""
        for step in plan.steps:
            reason = self._step(plan, step.method, step.body)
            if reason is not None:
                prefix = f"{plan.outcome} as {plan.name}, then " if plan.insert is not None else ""
                self.outcomes.reject(plan.rec, prefix + reason)
                return
        self.outcomes.done(plan.rec, plan.outcome)

    def _step(self, plan: WritePlan, method: str, body: dict | None) -> str | None:
        """Send one PUT/DELETE; a lost answer is checked (re-read) before resending. Returns a reject reason."""
        for attempt in range(1, MAX_ROUNDS + 1):
            try:
                if method == "DELETE":
                    self.api.delete(self.dt.name, plan.name)
                else:
                    self.api.update(self.dt.name, plan.name, body or {})
                return None
            except TransientError as exc:
                if not is_uncertain(exc) or attempt == MAX_ROUNDS:
                    raise
                if self._applied(plan, method, body):
                    return None
            except ApiError as exc:
                if method == "DELETE" and exc.status == 404 and attempt > 1:
                    return None  # our lost DELETE had gone through
                return exc.reason
        return None

    def _applied(self, plan: WritePlan, method: str, body: dict | None) -> bool:
        stored = self.api.get_doc(self.dt.name, plan.name)
        if method == "DELETE":
            return stored is None
        if stored is None:
            return False
        for key, value in (body or {}).items():
            if key == "docstatus":
                if int(stored.get("docstatus") or 0) != value:
                    return False
                continue
            fld = self.dt.fields.get(key)
            if fld is not None and fld.is_table:
                if len(stored.get(key) or []) != len(value):
                    return False
                continue
            if not same_value(fld, stored.get(key), value):
                return False
        return True


def _rounds(recs: Sequence[PreparedRecord], keyed: bool) -> list[list[PreparedRecord]]:
    """Split into consecutive rounds in which no key repeats (each round sees the previous one's writes)."""
    if not keyed:
        return [list(recs)] if recs else []
    rounds: list[list[PreparedRecord]] = []
    current: list[PreparedRecord] = []
    seen: set = set()
    for rec in recs:
        k = _key_token(rec.key)
        if k is not None and k in seen:
            rounds.append(current)
            current, seen = [], set()
        current.append(rec)
        if k is not None:
            seen.add(k)
    if current:
        rounds.append(current)
    return rounds


def _key_token(key: Any) -> Any:
    if key is None:
        return None
    return str(key).casefold()  # the server's collation folds case: 'ACME' and 'acme' are one document


def _set_path(body: dict, path: tuple, value: Any) -> None:
    target: Any = body
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value

