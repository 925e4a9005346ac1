"""Frappe's ``WriteProver``: is a write whose answer was lost applied? (spec §8.5)

Inserts:

* ``external_id_field`` set (a unique Data field, e.g. a Custom Field): the document carrying the
  record's value is looked up. Found: written (its remaining steps run on the next round). Not found:
  sent again. No duplicates.
* natural names (``field:``, Prompt, UUID): sent again; the 409 ``DuplicateEntryError`` that answers a
  plan marked uncertain means it was written (sender.py).
* naming series, hash or autoincrement without ``external_id_field``: nothing identifies the document,
  so it is **sent again and may be duplicated**. Each such resend is counted (``unverified_resends``,
  logged at the end of the run) and logged as a warning.

Steps (PUT, DELETE): the document is read back; a PUT whose fields (and ``docstatus``) already hold the
sent values, or a DELETE whose document is gone, is applied; otherwise it is sent again. (A PUT is
idempotent on field values, and a table key replaces the whole table, so a resend cannot add rows twice;
checking first matters for ``docstatus``: cancelling twice is refused.)
"""
from __future__ import annotations

import logging
import threading
from typing import Any

from destination_frappe.api import FrappeApi
from destination_frappe.plan import WritePlan
from destination_frappe.values import same_value
from erp_airbyte.destination.protocols import WriteResult


class FrappeProver:
    """Thread-safe; ``unverified_resends`` counts inserts sent again without proof."""

    def __init__(self, api: FrappeApi, logger: logging.Logger):
        self.api = api
        self.logger = logger
        self.unverified_resends: dict[str, int] = {}
        self._lock = threading.Lock()

    def prove(self, op: WritePlan) -> WriteResult[WritePlan] | None:
        if not op.maybe_applied:  # it never reached the server (or was refused unprocessed): resend as it is
            op.maybe_applied = True
            return None
        op.uncertain = True
        if not op.inserted:
            return self._prove_insert(op)
        step = op.steps[op.next_step]
        if not self._applied(op, step.method, step.body):
            return None
        op.next_step += 1
        return WriteResult(op, True) if op.next_step >= len(op.steps) else None

    def _prove_insert(self, op: WritePlan) -> WriteResult[WritePlan] | None:
        dt, ext = op.target.dt, op.target.settings.external_id_field
        if ext:
            value = (op.insert or {}).get(ext)
            rows = self.api.find(dt.name, [(ext, "=", value)], ["name", ext], 2)
            if len(rows) == 1:
                op.name, op.insert_applied = rows[0]["name"], True
                self.logger.info("Stream %r: the insert with %s = %r whose answer was lost is %s %s; not sent "
                                 "again", op.target.stream, ext, value, dt.name, op.name)
                return WriteResult(op, True) if not op.steps else None
            return None
        if dt.naming != "natural":
            with self._lock:
                self.unverified_resends[op.target.stream] = self.unverified_resends.get(op.target.stream, 0) + 1
            self.logger.warning(
                "Stream %r: the answer to an insert into %s was lost; %s names documents itself (%s) and the stream "
                "has no external_id_field, so it is sent again and MAY NOW EXIST TWICE. Set external_id_field to a "
                "unique field to prevent this.", op.target.stream, dt.name, dt.name, dt.naming)
        return None

    def _applied(self, op: WritePlan, method: str, body: dict[str, Any] | None) -> bool:
        dt = op.target.dt
        stored = self.api.get_doc(dt.name, op.name)
        if method == "DELETE":
            return stored is None
        if stored is None:
            return False
        for key, value in (body or {}).items():
            if key == "docstatus":
                if int(stored.get("docstatus") or 0) != value:
                    return False
                continue
            fld = dt.fields.get(key)
            if fld is not None and fld.is_table:
                if len(stored.get(key) or []) != len(value):
                    return False
            elif not same_value(fld, stored.get(key), value):
                return False
        return True
