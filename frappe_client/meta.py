"""DocType meta: the merged form of ``getdoctype`` (or v2 ``/doctype/{dt}/meta``), parsed into plain objects.

The DocType *record* (``/api/resource/DocType/{dt}``) lacks Custom Fields and Property Setters (spec
§6.2), so schemas are built only from the merged meta. ``getdoctype`` answers ``{"docs": [meta(dt),
meta(child)...]}`` in every version; v2 meta answers one DocType per call (F15+).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

# Fieldtypes that hold no value (layout and display only; spec §6.3).
NO_VALUE_FIELDTYPES = frozenset({
    "Section Break", "Column Break", "Tab Break", "HTML", "Button", "Image", "Fold", "Heading",
})
TABLE_FIELDTYPES = frozenset({"Table", "Table MultiSelect"})
STANDARD_FIELDS = ("name", "owner", "creation", "modified", "modified_by", "docstatus", "idx")
CHILD_STANDARD_FIELDS = ("parent", "parentfield", "parenttype")
# Fields the list endpoint serves with fields=["*"] besides the DocType's own (the optional _user_tags/
# _comments/_assign/_liked_by columns are left out by the server from F15 on, so they are not in schemas).
DOCTYPE_LIST_FIELDS = ["name", "module", "istable", "issingle", "is_virtual", "is_submittable", "custom", "autoname"]


def _flag(value: Any) -> bool:
    """0/1, "0"/"1" (Singles store text) or booleans -> bool."""
    if isinstance(value, str):
        return value.strip() not in ("", "0", "false", "False")
    return bool(value)


@dataclass(frozen=True)
class FieldMeta:
    """One DocField (custom fields and property setters already applied by the server)."""

    fieldname: str
    fieldtype: str
    options: str | None = None
    label: str | None = None
    is_custom_field: bool = False
    reqd: bool = False
    read_only: bool = False
    unique: bool = False
    is_virtual: bool = False
    permlevel: int = 0
    set_only_once: bool = False
    allow_on_submit: bool = False
    fetch_from: str | None = None
    length: int = 0

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> FieldMeta:
        def text(key: str) -> str | None:
            value = raw.get(key)
            return str(value) if value not in (None, "") else None

        try:
            permlevel = int(raw.get("permlevel") or 0)
            length = int(raw.get("length") or 0)
        except (TypeError, ValueError):
            permlevel, length = 0, 0
        return cls(
            fieldname=str(raw.get("fieldname") or ""), fieldtype=str(raw.get("fieldtype") or "Data"),
            options=text("options"), label=text("label"), is_custom_field=_flag(raw.get("is_custom_field")),
            reqd=_flag(raw.get("reqd")), read_only=_flag(raw.get("read_only")), unique=_flag(raw.get("unique")),
            is_virtual=_flag(raw.get("is_virtual")), permlevel=permlevel,
            set_only_once=_flag(raw.get("set_only_once")), allow_on_submit=_flag(raw.get("allow_on_submit")),
            fetch_from=text("fetch_from"), length=length,
        )

    @property
    def is_table(self) -> bool:
        return self.fieldtype in TABLE_FIELDTYPES

    @property
    def has_value(self) -> bool:
        """Stored in a column (or, for tables, in child rows) and served by the API."""
        return bool(self.fieldname) and self.fieldtype not in NO_VALUE_FIELDTYPES and not self.is_virtual


@dataclass(frozen=True)
class DocTypeMeta:
    """A DocType's merged meta.

    Attributes:
        name: the DocType name exactly as the server spells it (also the stream name).
        fields: value fields in form order, by fieldname (tables included; layout fields left out).
        masked_fields: fieldnames the server masks for this user (F16 ``mask``): served as text.
    """

    name: str
    istable: bool = False
    issingle: bool = False
    is_virtual: bool = False
    is_submittable: bool = False
    is_tree: bool = False
    custom: bool = False
    autoname: str | None = None
    module: str | None = None
    fields: dict[str, FieldMeta] = field(default_factory=dict)
    masked_fields: frozenset[str] = frozenset()

    @property
    def autoincrement(self) -> bool:
        """Integer names (``autoname = autoincrement``): ``name`` is a JSON integer (spec §6.4)."""
        return (self.autoname or "").strip().lower() == "autoincrement"

    @property
    def table_fields(self) -> dict[str, str]:
        """Table fieldname -> child DocType."""
        return {f.fieldname: f.options for f in self.fields.values() if f.is_table and f.options}

    @property
    def data_fields(self) -> list[FieldMeta]:
        """Fields that are columns of this DocType's own table."""
        return [f for f in self.fields.values() if not f.is_table]

    @property
    def child_doctypes(self) -> list[str]:
        return list(dict.fromkeys(self.table_fields.values()))

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> DocTypeMeta:
        fields: dict[str, FieldMeta] = {}
        for item in raw.get("fields") or []:
            if isinstance(item, Mapping):
                fm = FieldMeta.from_json(item)
                if fm.has_value and fm.fieldname not in fields:
                    fields[fm.fieldname] = fm
        masked = raw.get("masked_fields") or []
        return cls(
            name=str(raw.get("name") or ""), istable=_flag(raw.get("istable")), issingle=_flag(raw.get("issingle")),
            is_virtual=_flag(raw.get("is_virtual")), is_submittable=_flag(raw.get("is_submittable")),
            is_tree=_flag(raw.get("is_tree")), custom=_flag(raw.get("custom")),
            autoname=(str(raw["autoname"]) if raw.get("autoname") else None),
            module=(str(raw["module"]) if raw.get("module") else None), fields=fields,
            masked_fields=frozenset(str(m) for m in masked if isinstance(m, str)),
        )


class MetaFormatError(ValueError):
    """A meta answer that does not have the documented shape."""


def parse_getdoctype(body: Any, doctype: str) -> dict[str, DocTypeMeta]:
    """``frappe.desk.form.load.getdoctype`` answer -> metas by name (the DocType and its child tables).

    Raises:
        MetaFormatError: no ``docs`` list, or no meta for ``doctype`` in it.
    """
    docs = body.get("docs") if isinstance(body, Mapping) else None
    if not isinstance(docs, list):
        raise MetaFormatError(f"getdoctype for {doctype!r} answered without a 'docs' list")
    metas = {m.name: m for m in (DocTypeMeta.from_json(d) for d in docs if isinstance(d, Mapping)) if m.name}
    if doctype not in metas:
        # The server spells the name as stored; the request may differ in case only.
        by_lower = {name.lower(): name for name in metas}
        if doctype.lower() not in by_lower:
            raise MetaFormatError(f"getdoctype for {doctype!r} did not return its meta")
    return metas


def parse_v2_meta(body: Any, doctype: str) -> DocTypeMeta:
    """``/api/v2/doctype/{dt}/meta`` answer (``{"data": meta}``) -> meta.

    Raises:
        MetaFormatError: no meta object.
    """
    data = body.get("data") if isinstance(body, Mapping) else None
    if not isinstance(data, Mapping) or not data.get("name"):
        raise MetaFormatError(f"v2 meta for {doctype!r} answered without a 'data' object")
    return DocTypeMeta.from_json(data)


def doctype_list_entry(raw: Mapping[str, Any]) -> DocTypeMeta:
    """A row of ``/api/resource/DocType`` (flags only, no fields)."""
    return DocTypeMeta.from_json({k: v for k, v in raw.items() if k != "fields"})
