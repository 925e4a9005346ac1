"""Record -> the body to send: fields matched, values checked, child tables built, Link lookups collected.

Frappe silently ignores keys that are not columns (spec §8.1), so a typo would lose its value without a
trace. Every input field must therefore match a field of the DocType (naming.py); one that matches
nothing rejects the record, or, with ``unknown_fields: drop``, is dropped and named in a warning.
Standard columns the server maintains (``modified``, ``creation``, ``owner``, ``modified_by``, ``idx``)
are never sent (``modified`` would be an optimistic-lock token: TimestampMismatchError).
"""
from __future__ import annotations

import json
import logging
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from destination_frappe.doctype import (
    CHILD_LINK_COLUMNS,
    DESK_COLUMNS,
    SERVER_MAINTAINED,
    TargetDocType,
    TargetField,
)
from destination_frappe.naming import NameMatcher
from destination_frappe.values import ValueRejected, coerce
from erp_airbyte.destination.protocols import RecordRejected

DELETED_MARKER = "_ab_cdc_deleted_at"
_STANDARD = ("name", "docstatus") + tuple(sorted(SERVER_MAINTAINED | CHILD_LINK_COLUMNS | DESK_COLUMNS))


@dataclass(frozen=True)
class LinkRef:
    """A Link value given as a lookup (``{"customer_name": "ACME"}``): resolved to the target's ``name``."""

    doctype: str
    filters: tuple[tuple[str, Any], ...]

    def describe(self) -> str:
        return " and ".join(f"{f} = {json.dumps(v, default=str)}" for f, v in self.filters)


@dataclass
class PreparedRecord:
    """One input record, ready to plan.

    Attributes:
        seq: position in the input (1-based).
        data: the record as received (for the rejects file).
        body: fieldname -> value to send; Table fields hold lists of row bodies; a Link lookup holds its
            ``LinkRef`` until resolved.
        name: the record's ``name`` field (None when absent).
        key_value: the value of the stream's match key (``name`` or a unique field), None when absent.
        ext_value: the value of the stream's ``external_id_field``, None when absent or not configured.
        docstatus: the ``docstatus`` the record asks for (0 draft, 1 submitted, 2 cancelled), or None.
        deleted: a deletion marker from the source (``_ab_cdc_deleted_at`` set).
        row_names: Table fieldname -> the input rows' ``name`` values (None for rows without one).
        links: (path, LinkRef) for every lookup; path is ``(field,)`` or ``(table, row_index, field)``.
        named_links: (path, target DocType, name) for every Link given by name (checked by dry runs only: a
            real write lets the server check them).
    """

    seq: int
    data: Mapping[str, Any]
    body: dict[str, Any] = field(default_factory=dict)
    name: Any = None
    key_value: Any = None
    ext_value: Any = None
    docstatus: int | None = None
    deleted: bool = False
    row_names: dict[str, list[Any]] = field(default_factory=dict)
    links: list[tuple[tuple, LinkRef]] = field(default_factory=list)
    named_links: list[tuple[tuple, str, Any]] = field(default_factory=list)

    @property
    def key(self) -> tuple | None:
        """The key as the pipeline reports it (rejects file)."""
        return None if self.key_value is None else (self.key_value,)

    @property
    def group_key(self) -> Any:
        """Records with one key apply in input order. The server's collation folds case ('ACME' and 'acme'
        are one document), so the key is folded too; a record without a key is its own group."""
        if self.key_value not in (None, ""):
            return str(self.key_value).casefold()
        if self.ext_value not in (None, ""):  # found by its external id (keys.py)
            return ("ext", str(self.ext_value).casefold())
        return ("seq", self.seq)


class RecordMapper:
    """Prepares the records of one stream for one DocType.

    Args:
        doctype: the target DocType, with its child DocTypes loaded.
        key_field: ``name`` or the fieldname records are matched on.
        tz: the site time zone (Datetime values are sent as site-local wall clock); None: unknown, so a
            Datetime value rejects its record.
        drop_unknown: drop (and warn about) fields that match no field, instead of rejecting the record.
        stream: stream name, for log lines.
    """

    def __init__(self, doctype: TargetDocType, key_field: str, tz: ZoneInfo | None, drop_unknown: bool,
                 stream: str, logger: logging.Logger, ext_field: str | None = None):
        self.doctype = doctype
        self.key_field = key_field
        self.ext_field = ext_field
        self.tz = tz
        self.drop_unknown = drop_unknown
        self.stream = stream
        self.logger = logger
        self._matchers: dict[str, NameMatcher] = {}
        self._warned: set[tuple[str, str]] = set()
        self._lock = threading.Lock()

    def raw_key(self, data: Mapping[str, Any]) -> tuple | None:
        """The key of a record ``prepare`` refused (for the rejects file)."""
        matcher = self._matcher(self.doctype)
        for key, value in data.items():
            if matcher.match(str(key)) == self.key_field:
                return (value,)
        return None

    def prepare(self, seq: int, data: Mapping[str, Any]) -> PreparedRecord:
        """Raises ``RecordRejected`` with a precise reason."""
        rec = PreparedRecord(seq=seq, data=data)
        rec.deleted = bool(data.get(DELETED_MARKER))
        body = self._map(self.doctype, data, rec, path=(), top=True)
        rec.body = body
        if self.ext_field:
            rec.ext_value = body.get(self.ext_field)
        if self.key_field == "name":
            rec.key_value = rec.name
        else:
            rec.key_value = body.get(self.key_field)
            if isinstance(rec.key_value, LinkRef):
                raise RecordRejected(f"key field {self.key_field!r} must be a plain value, not a lookup")
        return rec

    # ---- mapping ---------------------------------------------------------------------------------
    def _map(self, dt: TargetDocType, data: Mapping[str, Any], rec: PreparedRecord, path: tuple, top: bool
             ) -> dict[str, Any]:
        matcher = self._matcher(dt)
        body: dict[str, Any] = {}
        seen: dict[str, str] = {}
        for raw_key, value in data.items():
            key = str(raw_key)
            if key.startswith(("_airbyte_", "_ab_")):
                continue
            target = matcher.match(key)
            if target is None:
                self._unknown(dt, key, matcher)
                continue
            if target in seen:
                raise RecordRejected(f"fields {seen[target]!r} and {key!r} both map to {dt.name}.{target}")
            seen[target] = key
            where = ".".join(str(p) for p in path + (target,))
            if target == "name":
                if top:
                    rec.name = value
                continue
            if target == "docstatus":
                if top:
                    rec.docstatus = _docstatus(value, dt)
                continue
            if target in SERVER_MAINTAINED or target in CHILD_LINK_COLUMNS or target in DESK_COLUMNS:
                continue  # the server maintains these (module docstring)
            fld = dt.fields[target]
            if fld.fieldtype == "Password" and isinstance(value, str) and value and set(value) == {"*"}:
                self._warn_once(dt, target, "holds a masked password as the server reads it back ('****'); it is not "
                                "written (that would replace the real password with asterisks)")
                continue
            try:
                body[target] = self._value(dt, fld, value, data, rec, path)
            except ValueRejected as exc:
                raise RecordRejected(f"field {where}: {exc}") from None
        return body

    def _value(self, dt: TargetDocType, fld: TargetField, value: Any, data: Mapping[str, Any],
               rec: PreparedRecord, path: tuple) -> Any:
        if fld.is_table:
            return self._rows(dt, fld, value, rec, path)
        if fld.fieldtype == "Link" and isinstance(value, Mapping):
            return self._lookup(fld.options, value, rec, path + (fld.fieldname,))
        target = fld.options if fld.fieldtype == "Link" else None
        if fld.fieldtype == "Dynamic Link" and value not in (None, ""):
            target = self._dynamic_target(dt, fld, data)
            if isinstance(value, Mapping):
                return self._lookup(target, value, rec, path + (fld.fieldname,))
        out = coerce(fld, value, self.tz)
        if target and out not in (None, ""):
            rec.named_links.append((path + (fld.fieldname,), target, out))
        return out

    def _rows(self, dt: TargetDocType, fld: TargetField, value: Any, rec: PreparedRecord, path: tuple) -> list:
        if value is None:
            value = []
        if isinstance(value, str):  # a warehouse may hand a nested array back as JSON text
            try:
                value = json.loads(value) if value.strip() else []
            except ValueError:
                raise ValueRejected("is not a list of rows (JSON text that does not parse)") from None
        if not isinstance(value, list):
            raise ValueRejected(f"is not a list of rows (got {type(value).__name__})")
        if path:
            raise ValueRejected("nested child tables inside child rows are not supported")
        child = dt.child(fld)
        rows, names = [], []
        for i, row in enumerate(value):
            if not isinstance(row, Mapping):
                raise ValueRejected(f"row {i} is not an object")
            names.append(row.get("name") or None)
            rows.append(self._map(child, row, rec, path=(fld.fieldname, i), top=False))
        rec.row_names[fld.fieldname] = names
        return rows

    def _lookup(self, doctype: str, value: Mapping[str, Any], rec: PreparedRecord, path: tuple) -> Any:
        if not value:
            raise ValueRejected("an empty lookup object; use the target's name or {\"<field>\": value}")
        if set(value) == {"name"}:
            name = value["name"]
            if not isinstance(name, (str, int)) or isinstance(name, bool):
                raise ValueRejected(f"{value!r}: name must be a string")
            rec.named_links.append((path, doctype, name))
            return name
        filters = []
        for fname, fvalue in value.items():
            if not isinstance(fvalue, (str, int, float)) or isinstance(fvalue, bool):
                raise ValueRejected(f"lookup {fname!r} of {doctype} must be a string or number (got {fvalue!r})")
            filters.append((str(fname), fvalue))
        ref = LinkRef(doctype, tuple(sorted(filters)))
        rec.links.append((path, ref))
        return ref

    def _dynamic_target(self, dt: TargetDocType, fld: TargetField, data: Mapping[str, Any]) -> str:
        """A Dynamic Link names its target DocType in another field (its ``options``), which must be set too."""
        type_field = fld.options
        matcher = self._matcher(dt)
        for key, val in data.items():
            if matcher.match(str(key)) == type_field and isinstance(val, str) and val:
                return val
        raise ValueRejected(f"is a Dynamic Link: its DocType field {type_field!r} must be set in the same record")

    def _unknown(self, dt: TargetDocType, key: str, matcher: NameMatcher) -> None:
        clash = matcher.ambiguity(key)
        detail = f" (ambiguous: {', '.join(clash)})" if len(clash) > 1 else ""
        if not self.drop_unknown:
            raise RecordRejected(f"field {key!r} matches no field of DocType {dt.name!r}{detail}")
        self._warn_once(dt, key, f"matches no field of DocType {dt.name!r}{detail}; its values are dropped "
                                 f"(unknown_fields is 'drop')")

    def _warn_once(self, dt: TargetDocType, key: str, what: str) -> None:
        with self._lock:
            if (dt.name, key) in self._warned:
                return
            self._warned.add((dt.name, key))
        self.logger.warning("Stream %r: field %r %s", self.stream, key, what)

    def _matcher(self, dt: TargetDocType) -> NameMatcher:
        matcher = self._matchers.get(dt.name)
        if matcher is None:
            names = list(dt.fields) + [s for s in _STANDARD if s not in dt.fields]
            matcher = self._matchers[dt.name] = NameMatcher(names)
        return matcher


def _docstatus(value: Any, dt: TargetDocType) -> int | None:
    if value is None or value == "":
        return None
    try:
        status = int(value)
    except (TypeError, ValueError):
        raise RecordRejected(f"docstatus {value!r} is not 0, 1 or 2") from None
    if isinstance(value, bool) or status not in (0, 1, 2) or status != value and str(status) != str(value).strip():
        raise RecordRejected(f"docstatus {value!r} is not 0, 1 or 2")
    if status and not dt.is_submittable:
        raise RecordRejected(f"docstatus {status}: DocType {dt.name!r} is not submittable")
    return status
