"""The site's DocTypes: built-ins, their Custom Fields, and (behind ``--doctypes``) a dictionary file.

``/api/resource/DocType/{dt}`` shows a DocType's own fields only; getdoctype and v2 meta merge the
Custom Fields in (spec §6.2). Custom Fields live here and in the ``Custom Field`` table.
"""
from __future__ import annotations

import json

from ..errors import not_found
from .doctypes_core import core_doctypes
from .doctypes_erp import erp_doctypes
from .dsl import DocType, Field

STANDARD = ("name", "owner", "creation", "modified", "modified_by", "docstatus", "idx")
CHILD_STANDARD = ("parent", "parentfield", "parenttype")
OPTIONAL_STANDARD = ("_user_tags", "_comments", "_assign", "_liked_by")
_ALL_STANDARD = frozenset(STANDARD + CHILD_STANDARD + OPTIONAL_STANDARD)
# the Custom Field every demo site has on Customer (F15+ prefixes UI-made fields with custom_)
DEMO_CUSTOM_FIELD = Field("custom_external_id", "Data", unique=1, is_custom_field=1, label="External ID")


class Registry:
    """DocTypes by name (exact, as Frappe's meta cache is), with their custom fields merged on demand."""

    def __init__(self, extra_path: str | None = None):
        self.doctypes: dict[str, DocType] = {}
        for dt in core_doctypes() + erp_doctypes():
            self.doctypes[dt.name] = dt
        self.doctypes["Customer"].custom_fields.append(DEMO_CUSTOM_FIELD)
        if extra_path:
            self.load_dictionary(extra_path)
        self.parents_of: dict[str, list[tuple[str, str]]] = {}
        for dt in self.doctypes.values():
            for f in dt.table_fields():
                self.parents_of.setdefault(f.options, []).append((dt.name, f.fieldname))

    def load_dictionary(self, path: str) -> None:
        """Add every DocType of a doctypes.json (discovery benchmarks); built-ins keep their definitions."""
        try:
            with open(path, encoding="utf-8") as fh:
                data = json.load(fh)
        except (OSError, ValueError) as exc:
            raise ValueError(f"--doctypes {path}: cannot read a DocType dictionary ({exc})") from None
        for raw in data.get("doctypes", []):
            name = raw.get("name")
            if not name or name in self.doctypes:
                continue
            fields = [Field(f["fieldname"], f["fieldtype"], options=f.get("options"), reqd=f.get("reqd", 0),
                            unique=f.get("unique", 0), read_only=f.get("read_only", 0),
                            default=f.get("default"), set_only_once=f.get("set_only_once", 0),
                            allow_on_submit=f.get("allow_on_submit", 0))
                      for f in raw.get("fields", [])
                      # a field named like a standard column (Communication declares _user_tags) IS that column
                      if not f.get("is_virtual") and f.get("fieldname") not in _ALL_STANDARD]
            self.doctypes[name] = DocType(
                name=name, module=raw.get("module", "Core"), fields=fields, istable=raw.get("istable", 0),
                issingle=raw.get("issingle", 0), is_submittable=raw.get("is_submittable", 0),
                is_tree=raw.get("is_tree", 0), autoname=raw.get("autoname") or "hash",
                naming_rule=raw.get("naming_rule"), sort_field=raw.get("sort_field", "creation"),
                sort_order=raw.get("sort_order", "DESC"), track_changes=raw.get("track_changes", 0))

    def get(self, name: str) -> DocType:
        dt = self.doctypes.get(name)
        if dt is None:
            raise not_found(name)
        return dt

    def find(self, name: str) -> DocType | None:
        return self.doctypes.get(name)

    def columns(self, dt: DocType) -> list[str]:
        """Table columns in table order: standard, data fields, child/optional standard columns."""
        cols = list(STANDARD)
        if dt.istable:
            cols += CHILD_STANDARD
        cols += [f.fieldname for f in dt.data_fields()]
        if not dt.istable:
            cols += OPTIONAL_STANDARD
        return cols
