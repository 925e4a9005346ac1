"""Frappe's ``ChunkSender``: inserts through ``insert_many`` (bisected on refusal), then each plan's steps.

``frappe.client.insert_many`` is all or nothing and says only why the first bad document failed (spec
§10). A refused batch is therefore split in halves and each half sent again, down to single documents
(``POST /api/resource``), so every good record lands and each bad one is rejected with the server's own
message: about ``2k log2(n)`` extra requests for ``k`` bad records in a batch of ``n``.

Only plans without steps go through ``insert_many``: some Frappe releases build its answer as a *set* of
names (``out = set()``; others a list in input order), so names cannot safely be paired with documents;
a plan that must act on its new document afterwards (insert as cancelled) is inserted alone, and
``POST`` answers its name.

Steps (PUT changes, submit, cancel, DELETE) are single requests on the named document, in order (the
plans of a chunk run in parallel, up to ``workers``); a
refused step rejects the record with the server's reason (after an insert: "inserted as X, then ...").

A request whose answer was lost (``TransientError``) leaves its plans *uncertain*: the shared
``WriteRounds`` hands them to ``FrappeProver`` before anything is resent. A 409 ``DuplicateEntryError`` on
a natural name means the document exists: for a plan whose earlier answer was lost it is that plan's own
insert (written); in ``append`` mode it is an earlier run's document (counted unchanged); in
``append_dedup``/``update`` the document is read and updated to the record.
"""
from __future__ import annotations

import logging
from typing import Any

from destination_frappe.api import FrappeApi
from destination_frappe.plan import Refused, Unchanged, WritePlan, plan_update
from erp_airbyte.destination.protocols import WriteResult
from erp_http.parallel import parallel_map
from frappe_client.errors import ApiError, TransientError

Results = tuple[list[WriteResult[WritePlan]], list[WritePlan]]


class FrappeSender:
    """Sends chunks of ``WritePlan`` (thread-safe; ``chunk_size`` = documents per ``insert_many``)."""

    def __init__(self, api: FrappeApi, chunk_size: int, logger: logging.Logger, workers: int = 1):
        self.api = api
        self.chunk_size = chunk_size
        self.logger = logger
        self.workers = workers

    def send(self, chunk: list[WritePlan]) -> Results:
        done: list[WriteResult[WritePlan]] = []
        uncertain: list[WritePlan] = []
        by_doctype: dict[str, list[WritePlan]] = {}
        ready = [op for op in chunk if op.inserted]
        for op in chunk:
            if op.inserted:
                continue
            if op.steps:  # it needs its own name: a single POST answers it (module docstring)
                ready += self._insert_one(op, done, uncertain)
            else:
                by_doctype.setdefault(op.target.dt.name, []).append(op)
        for ops in by_doctype.values():
            ready += self._inserts(ops, done, uncertain)
        # updates, cancels and deletes: parallel single requests (keys are distinct within a chunk; the
        # client's in-flight bound is what reaches the server)
        for op, result in zip(ready, parallel_map(self._steps, ready, self.workers, name="frappe-write"), strict=True):
            if result is None:
                uncertain.append(op)
            else:
                done.append(result)
        return done, uncertain

    # ---- inserts -----------------------------------------------------------------------------------
    def _inserts(self, ops: list[WritePlan], done: list, uncertain: list) -> list[WritePlan]:
        """Insert ``ops`` (one DocType); returns the ones now named, records the others' results."""
        if len(ops) == 1:
            return self._insert_one(ops[0], done, uncertain)
        doctype = ops[0].target.dt.name
        try:
            names = self.api.insert_many(doctype, [op.insert for op in ops])
        except TransientError as exc:
            for op in ops:
                op.maybe_applied = exc.maybe_committed
            uncertain.extend(ops)
            return []
        except ApiError:
            half = len(ops) // 2
            return self._inserts(ops[:half], done, uncertain) + self._inserts(ops[half:], done, uncertain)
        paired = isinstance(names, list) and len(names) == len(ops)
        for i, op in enumerate(ops):
            op.insert_applied = True
            op.name = names[i] if paired else None  # informational only: some releases answer a set
        return ops

    def _insert_one(self, op: WritePlan, done: list, uncertain: list) -> list[WritePlan]:
        dt = op.target.dt
        try:
            doc = self.api.insert(dt.name, op.insert or {})
        except TransientError as exc:
            op.maybe_applied = exc.maybe_committed
            uncertain.append(op)
            return []
        except ApiError as exc:
            if exc.status == 409 and dt.naming == "natural":
                return self._exists(op, exc, done, uncertain)
            done.append(WriteResult(op, False, exc.reason))
            return []
        op.name, op.insert_applied = doc.get("name"), True
        return [op]

    def _exists(self, op: WritePlan, exc: ApiError, done: list, uncertain: list) -> list[WritePlan]:
        dt = op.target.dt
        name = natural_name(op)
        if name is None:
            done.append(WriteResult(op, False, exc.reason))
            return []
        if op.uncertain:
            op.name, op.insert_applied = name, True  # our own insert whose answer was lost: the record is written
            return [op]
        if op.target.settings.mode == "append":
            op.outcome = "unchanged"  # written by an earlier run; append mode does not update
            self.logger.info("Stream %r: %s %r exists already (409); append mode leaves it as it is",
                             op.target.stream, dt.name, name)
            done.append(WriteResult(op, True))
            return []
        try:
            stored = self.api.get_doc(dt.name, name)
        except TransientError:
            op.maybe_applied = False  # a read failed: nothing was written, the insert is simply sent again
            uncertain.append(op)
            return []
        if stored is None:
            done.append(WriteResult(op, False, exc.reason))
            return []
        try:
            update = plan_update(op.rec, stored, dt)
        except Refused as refused:
            done.append(WriteResult(op, False, str(refused)))
            return []
        if isinstance(update, Unchanged):
            op.outcome = "unchanged"
            done.append(WriteResult(op, True))
            return []
        op.insert, op.name, op.steps, op.next_step = None, stored["name"], update.steps, 0
        op.outcome, op.kind = update.outcome, update.kind
        return [op]

    # ---- steps -------------------------------------------------------------------------------------
    def _steps(self, op: WritePlan) -> WriteResult[WritePlan] | None:
        """Run the remaining steps; a result, or None when an answer was lost (the plan is uncertain)."""
        dt = op.target.dt
        while op.next_step < len(op.steps):
            step = op.steps[op.next_step]
            try:
                if step.method == "DELETE":
                    self.api.delete(dt.name, op.name)
                else:
                    self.api.update(dt.name, op.name, step.body or {})
            except TransientError as exc:
                op.maybe_applied = exc.maybe_committed
                return None
            except ApiError as exc:
                if step.method == "DELETE" and exc.status == 404 and op.uncertain:
                    pass  # our DELETE whose answer was lost had gone through
                else:
                    prefix = f"inserted as {op.name}, then " if op.insert is not None else ""
                    return WriteResult(op, False, prefix + exc.reason)
            op.next_step += 1
        return WriteResult(op, True)


def natural_name(op: WritePlan) -> Any:
    """The name a natural-name DocType gives this record's document (``field:`` value, or a Prompt name)."""
    body = op.insert or {}
    field = op.target.dt.name_field
    return body.get(field) if field else body.get("name")
