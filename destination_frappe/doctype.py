"""What the destination needs to know about a target DocType: its writable fields and how it names documents.

A deliberately small view over ``frappe_client``'s merged DocType meta (``getdoctype``: Custom Fields and
Property Setters included), so the planning code below reads like the write rules of the spec (§8) and
stays testable with hand-built DocTypes. ``TargetDocType.from_meta`` is the only place that knows the
client's meta attribute names.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

# Fields that hold no value (layout only, spec §6.3); never written, never matched.
NO_VALUE_TYPES = frozenset({
    "Section Break", "Column Break", "Tab Break", "HTML", "Button", "Image", "Fold", "Heading",
})
TABLE_TYPES = frozenset({"Table", "Table MultiSelect"})
# Standard columns the server maintains (spec §6.4, §8.5): never sent. `modified` in a PUT body becomes an
# optimistic-lock token (TimestampMismatchError), `owner`/`creation` are overwritten on insert anyway.
SERVER_MAINTAINED = frozenset({"modified", "creation", "owner", "modified_by", "idx", "doctype"})
# Child-row link columns: set by the server from the parent.
CHILD_LINK_COLUMNS = frozenset({"parent", "parenttype", "parentfield"})
# Optional parent-table columns (JSON text the desk maintains); the source may emit them but they are not data.
DESK_COLUMNS = frozenset({"_user_tags", "_comments", "_assign", "_liked_by", "_seen"})
# Check fields that mean "this document is disabled" (soft_delete with delete_action=disable).
DISABLE_FIELDS = ("disabled", "is_disabled")
ENABLE_FIELDS = ("enabled", "is_active")


@dataclass(frozen=True)
class TargetField:
    """One DocField as the destination sees it."""

    fieldname: str
    fieldtype: str
    options: str = ""
    reqd: bool = False
    unique: bool = False
    length: int = 0
    label: str = ""
    read_only: bool = False
    allow_on_submit: bool = False

    @property
    def is_table(self) -> bool:
        return self.fieldtype in TABLE_TYPES

    @property
    def server_computed_after_submit(self) -> bool:
        """Read-only and not editable after submit: on a submitted document only the server sets it."""
        return self.read_only and not self.allow_on_submit

    @property
    def select_options(self) -> list[str]:
        """A Select's choices (newline-separated ``options``); empty when unrestricted."""
        return [o for o in self.options.split("\n")] if self.fieldtype == "Select" and self.options else []


@dataclass
class TargetDocType:
    """A DocType the destination writes, with its child DocTypes resolved.

    Attributes:
        name: exact DocType name (``Sales Order``).
        fields: fieldname -> field, value-holding fields only, in form order.
        autoname: the DocType's ``autoname`` (``field:customer_name``, ``naming_series:``, ``hash``,
            ``autoincrement``, ``Prompt``, ``format:...``, ``UUID``, empty).
        is_submittable: uses docstatus (draft / submitted / cancelled).
        istable: a child DocType.
        children: child DocType name -> its TargetDocType (for Table fields).
    """

    name: str
    fields: dict[str, TargetField]
    autoname: str = ""
    is_submittable: bool = False
    istable: bool = False
    issingle: bool = False
    children: dict[str, TargetDocType] = field(default_factory=dict)

    @classmethod
    def from_meta(cls, meta: Any, child_meta: Callable[[str], Any] | None = None) -> TargetDocType:
        """Build from a ``frappe_client`` DocType meta (or the ``getdoctype`` dict of one DocType).

        ``child_meta(name)`` returns the meta of a child DocType named by a Table field's ``options``.
        """
        get = _getter(meta)
        fields: dict[str, TargetField] = {}
        raw_fields = get("fields") or ()
        for raw in raw_fields.values() if isinstance(raw_fields, Mapping) else raw_fields:
            f = _getter(raw)
            fieldtype = str(f("fieldtype") or "Data")
            fieldname = f("fieldname")
            if not fieldname or fieldtype in NO_VALUE_TYPES or _truthy(f("is_virtual")):
                continue
            fields[str(fieldname)] = TargetField(
                fieldname=str(fieldname), fieldtype=fieldtype, options=str(f("options") or ""),
                reqd=_truthy(f("reqd")), unique=_truthy(f("unique")), length=int(f("length") or 0),
                label=str(f("label") or ""), read_only=_truthy(f("read_only")),
                allow_on_submit=_truthy(f("allow_on_submit")),
            )
        children: dict[str, TargetDocType] = {}
        if child_meta is not None:
            for fld in fields.values():
                if fld.is_table and fld.options and fld.options not in children:
                    children[fld.options] = cls.from_meta(child_meta(fld.options))
        return cls(name=str(get("name")), fields=fields, autoname=str(get("autoname") or ""),
                   is_submittable=_truthy(get("is_submittable")), istable=_truthy(get("istable")),
                   issingle=_truthy(get("issingle")), children=children)

    @property
    def naming(self) -> str:
        """How the server names a new document: ``natural`` (``field:``, Prompt, UUID: a retried insert answers
        409), ``autoincrement``, ``series`` (naming series / format expressions) or ``hash``.

        Only ``natural`` gives idempotent inserts (spec §8.5).
        """
        auto = self.autoname.strip()
        low = auto.lower()
        if low.startswith("field:") or low in ("prompt", "uuid"):
            return "natural"
        if low == "autoincrement":
            return "autoincrement"
        if low in ("", "hash"):
            return "hash"
        return "series"

    @property
    def name_field(self) -> str | None:
        """For ``field:<fieldname>`` naming, the field whose value becomes ``name``."""
        auto = self.autoname.strip()
        return auto.split(":", 1)[1].strip() if auto.lower().startswith("field:") else None

    def child(self, fld: TargetField) -> TargetDocType:
        try:
            return self.children[fld.options]
        except KeyError:
            raise KeyError(f"child DocType {fld.options!r} of {self.name}.{fld.fieldname} is not loaded") from None

    def disable_field(self, configured: str | None = None) -> tuple[str, int] | None:
        """(fieldname, value meaning "disabled") for ``delete_action=disable``, or None when there is none."""
        if configured:
            fld = self.fields.get(configured)
            if fld is None or fld.fieldtype != "Check":
                return None
            return configured, 0 if configured in ENABLE_FIELDS else 1
        for name in DISABLE_FIELDS:
            if name in self.fields and self.fields[name].fieldtype == "Check":
                return name, 1
        for name in ENABLE_FIELDS:
            if name in self.fields and self.fields[name].fieldtype == "Check":
                return name, 0
        return None


def child_doctypes(doctypes: Iterable[TargetDocType]) -> Mapping[str, TargetDocType]:
    """Every child DocType reachable from ``doctypes`` (by name)."""
    out: dict[str, TargetDocType] = {}
    for dt in doctypes:
        out.update(dt.children)
    return out


def _getter(obj: Any) -> Callable[[str], Any]:
    if isinstance(obj, Mapping):
        return obj.get
    return lambda name: getattr(obj, name, None)


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip() not in ("", "0")
    return bool(value)
