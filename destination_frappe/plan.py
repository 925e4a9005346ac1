"""What to do with one prepared record, given the stored document (or None): pure, no I/O.

A plan is an optional insert body followed by steps on the document (PUT / DELETE), each sent after the
previous one succeeded. ``docstatus`` (spec §8.4) drives submit and cancel:

* insert: ``docstatus`` 1 (or the stream's ``submit_on_insert``) inserts and submits in one request;
  2 inserts submitted, then cancels;
* update: 0 -> 1 submits with the changes; 1 -> 2 sends the changes, then cancels; 0 -> 2 submits,
  then cancels; anything else (1 -> 0, editing a cancelled document, a non-``allow_on_submit`` field of
  a submitted one) is sent as asked and the server's refusal becomes the record's reject reason;
* soft delete (``soft_delete`` mode, or a deletion marker in ``append_dedup`` / ``update``):
  ``delete_action`` ``delete`` (cancel first when submitted), ``cancel`` (submitted documents only) or
  ``disable`` (a Check such as ``disabled``).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from destination_frappe.child_rows import merged_rows, same_rows
from destination_frappe.doctype import TargetDocType
from destination_frappe.payload import PreparedRecord
from destination_frappe.values import same_value

MODES = ("append", "append_dedup", "update", "soft_delete")
DELETE_ACTIONS = ("delete", "cancel", "disable")
CANCEL = {"docstatus": 2}


@dataclass(frozen=True)
class StreamSettings:
    """How one stream is written (parsed from the catalog and the stream options)."""

    mode: str
    key_field: str = "name"
    external_id_field: str | None = None
    submit_on_insert: bool = False
    delete_action: str = "delete"
    disable_field: str | None = None


@dataclass(frozen=True)
class Step:
    """One request on an existing (or just inserted) document: ``PUT`` with a body, or ``DELETE``."""

    method: str
    body: dict[str, Any] | None = None


@dataclass(eq=False)
class WritePlan:
    """The writes for one record (the pipeline's ``PlannedWrite``).

    Attributes:
        outcome: what the report counts when every request succeeded: ``inserted``, ``updated``,
            ``deactivated`` (a soft delete; ``kind`` says which), or ``unchanged`` (a 409 in append mode).
        kind: ``insert``, ``update``, ``delete``, ``cancel`` or ``disable`` (logs and reject reasons).
        insert: the POST body (a new document), or None.
        name: the document's name (None for an insert until the server names it).
        steps: requests on the document, in order, after the insert if any.
        insert_applied: the insert is known to be applied (then ``name`` is set if the plan has steps).
        next_step: index of the first step not known to be applied (a lost answer is proven, then resumed).
        uncertain: an answer to one of its requests was lost (a later 409 on its natural name means written).
        maybe_applied: the last failed request may have been applied (False: it never reached the server, or
            the server said it did not process it; the prover then resends without a check).
        target: the stream it belongs to (set by the planner).
    """

    rec: PreparedRecord
    outcome: str
    kind: str = "insert"
    insert: dict[str, Any] | None = None
    name: Any = None
    steps: list[Step] = field(default_factory=list)
    insert_applied: bool = False
    next_step: int = 0
    uncertain: bool = False
    maybe_applied: bool = True
    target: Any = None

    @property
    def inserted(self) -> bool:
        """The insert (if any) is known to be applied."""
        return self.insert is None or self.insert_applied


class Unchanged:
    """Nothing to write; ``why`` is logged at debug level."""

    def __init__(self, why: str):
        self.why = why


class Refused(Exception):
    """The record is rejected before anything is sent; ``str(exc)`` is the reason."""


def plan_record(rec: PreparedRecord, stored: Mapping[str, Any] | None, dt: TargetDocType,
                settings: StreamSettings) -> WritePlan | Unchanged:
    """Raises ``Refused``."""
    mode = settings.mode
    if mode == "append":
        if rec.deleted:
            return Unchanged("a deletion marker is not appended")
        return plan_insert(rec, dt, settings)
    if mode == "soft_delete" or rec.deleted:
        if stored is None:
            return Unchanged("no document to delete")
        return plan_soft_delete(rec, stored, dt, settings)
    if stored is None:
        if mode == "update":
            raise Refused(f"no {dt.name} document has {settings.key_field} = {_show(rec.key_value)} (update mode does "
                          f"not insert; use append_dedup)")
        return plan_insert(rec, dt, settings)
    return plan_update(rec, stored, dt)


def plan_insert(rec: PreparedRecord, dt: TargetDocType, settings: StreamSettings) -> WritePlan:
    body = dict(rec.body)
    ext = settings.external_id_field
    if ext and body.get(ext) in (None, ""):
        raise Refused(f"external_id_field {ext!r} is empty: an insert needs it to be checked after a lost answer")
    if rec.name not in (None, "") and dt.autoname.strip().lower() in ("prompt", "uuid"):
        body["name"] = rec.name  # only these namings honour a client name on v1 POST (spec §8.5)
    if dt.naming == "natural" and dt.name_field and body.get(dt.name_field) in (None, ""):
        raise Refused(f"{dt.name_field!r} is empty: DocType {dt.name} names its documents by it")
    want = rec.docstatus if rec.docstatus is not None else (1 if settings.submit_on_insert and dt.is_submittable else 0)
    steps = []
    if want:
        body["docstatus"] = 1  # inserted and submitted in one request
    if want == 2:
        steps.append(Step("PUT", dict(CANCEL)))
    return WritePlan(rec, "inserted", "insert", insert=body, steps=steps)


def plan_update(rec: PreparedRecord, stored: Mapping[str, Any], dt: TargetDocType) -> WritePlan | Unchanged:
    stored_status = int(stored.get("docstatus") or 0)
    changes = changed_fields(rec, stored, dt, submitted=stored_status == 1)
    want = rec.docstatus
    steps: list[Step] = []
    if want is not None and want != stored_status:
        if want == 2 and stored_status == 1:
            if changes:
                steps.append(Step("PUT", changes))
            steps.append(Step("PUT", dict(CANCEL)))
            return WritePlan(rec, "updated", "update", name=stored["name"], steps=steps)
        if want == 2 and stored_status == 0:
            steps = [Step("PUT", {**changes, "docstatus": 1}), Step("PUT", dict(CANCEL))]
            return WritePlan(rec, "updated", "update", name=stored["name"], steps=steps)
        changes["docstatus"] = want  # 0 -> 1 submits; the rest the server refuses with its reason
    if not changes:
        return Unchanged("every field already has the value")
    return WritePlan(rec, "updated", "update", name=stored["name"], steps=[Step("PUT", changes)])


def changed_fields(rec: PreparedRecord, stored: Mapping[str, Any], dt: TargetDocType,
                   submitted: bool = False) -> dict[str, Any]:
    """The fields of ``rec`` whose stored value differs; Table fields as complete rows (child_rows.py).

    On a ``submitted`` document, read-only fields that are not ``allow_on_submit`` (totals, statuses the
    controller computes) are left out: only the server sets them there, and sending a value that differs
    (a record read from another site, where the controller computed it differently) would reject the record
    with ``UpdateAfterSubmitError`` although nothing the user can change differs.
    """
    changes: dict[str, Any] = {}
    for fieldname, value in rec.body.items():
        fld = dt.fields[fieldname]
        if submitted and fld.server_computed_after_submit:
            continue
        if fld.is_table:
            child = dt.child(fld)
            old_rows = list(stored.get(fieldname) or [])
            if not same_rows(child, value, old_rows, submitted):
                changes[fieldname] = merged_rows(child, value, rec.row_names.get(fieldname, []), old_rows)
        elif not same_value(fld, stored.get(fieldname), value):
            changes[fieldname] = value
    return changes


def plan_soft_delete(rec: PreparedRecord, stored: Mapping[str, Any], dt: TargetDocType,
                     settings: StreamSettings) -> WritePlan | Unchanged:
    status = int(stored.get("docstatus") or 0)
    name = stored["name"]
    action = settings.delete_action
    if action == "delete":
        steps = [Step("PUT", dict(CANCEL))] if status == 1 else []
        return WritePlan(rec, "deactivated", "delete", name=name, steps=steps + [Step("DELETE")])
    if action == "cancel":
        if status == 2:
            return Unchanged("already cancelled")
        if status == 0:
            raise Refused(f"{dt.name} {name} is a draft (docstatus 0): only submitted documents can be cancelled "
                          f"(delete_action is 'cancel')")
        return WritePlan(rec, "deactivated", "cancel", name=name, steps=[Step("PUT", dict(CANCEL))])
    found = dt.disable_field(settings.disable_field)
    if found is None:  # checked per stream before the sync; kept for safety
        raise Refused(f"DocType {dt.name} has no Check field to disable")
    fieldname, value = found
    if same_value(dt.fields[fieldname], stored.get(fieldname), value):
        return Unchanged("already disabled")
    return WritePlan(rec, "deactivated", "disable", name=name, steps=[Step("PUT", {fieldname: value})])


def _show(value: Any) -> str:
    return repr(value) if isinstance(value, str) else str(value)
