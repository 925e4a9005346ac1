"""Proving an insert whose answer was lost before sending it again (spec §8.5).

* ``external_id_field`` set (a unique Data field, e.g. a Custom Field): the documents carrying those
  values are looked up; the ones found were written, only the others are sent again. Zero duplicates.
* natural names (``field:``, Prompt, UUID): sent again; a 409 ``DuplicateEntryError`` on a record of
  a lost request means it was written (writer.py).
* naming series, hash, autoincrement without ``external_id_field``: nothing identifies the document, so
  it is sent again and **may be duplicated**. Each such resend is counted (``unverified_resends`` in the
  report) and logged as a warning.
"""
from __future__ import annotations

import logging
import threading
from typing import Any

from destination_frappe.api import FrappeApi
from destination_frappe.doctype import TargetDocType
from destination_frappe.plan import WritePlan


class InsertProver:
    def __init__(self, api: FrappeApi, dt: TargetDocType, external_id_field: str | None, logger: logging.Logger,
                 stream: str, outcomes: Any):
        self.api = api
        self.dt = dt
        self.ext = external_id_field
        self.logger = logger
        self.stream = stream
        self.outcomes = outcomes
        self._uncertain: set[int] = set()
        self._lock = threading.Lock()

    def prove(self, plans: list[WritePlan], exc: BaseException) -> tuple[list[WritePlan], list[WritePlan]]:
        """(plans proven written -- named --, plans to send again)."""
        with self._lock:
            self._uncertain.update(p.rec.seq for p in plans)
        if self.ext:
            return self._by_external_id(plans)
        if self.dt.naming == "natural":
            return [], plans
        self.outcomes.note("unverified_resends", len(plans))
        self.logger.warning(
            "Stream %r: the answer to an insert of %d %s document(s) was lost (%s). DocType %s names documents "
            "itself (%s) and the stream has no external_id_field, so they are sent again and MAY NOW EXIST TWICE. "
            "Set external_id_field to a unique field to prevent this.",
            self.stream, len(plans), self.dt.name, exc, self.dt.name, self.dt.naming)
        return [], plans

    def was_uncertain(self, plan: WritePlan) -> bool:
        with self._lock:
            return plan.rec.seq in self._uncertain

    def natural_name(self, plan: WritePlan) -> Any:
        """The name a natural-name DocType gives this record's document (``field:`` value or Prompt name)."""
        body = plan.insert or {}
        if self.dt.name_field:
            return body.get(self.dt.name_field)
        return body.get("name")

    def _by_external_id(self, plans: list[WritePlan]) -> tuple[list[WritePlan], list[WritePlan]]:
        assert self.ext is not None
        values = [p.insert[self.ext] for p in plans if p.insert]
        rows = self.api.find(self.dt.name, [(self.ext, "in", values)], ["name", self.ext], 2 * len(values) + 1)
        exact = {r.get(self.ext): r["name"] for r in rows}
        folded = {str(r.get(self.ext)).casefold(): r["name"] for r in rows}
        proven, again = [], []
        for plan in plans:
            value = (plan.insert or {}).get(self.ext)
            name = exact.get(value, folded.get(str(value).casefold()))
            if name is None:
                again.append(plan)
            else:
                plan.name = name
                proven.append(plan)
        if proven:
            self.logger.info("Stream %r: %d insert(s) whose answer was lost were found by %s and are not sent again",
                             self.stream, len(proven), self.ext)
        return proven, again
