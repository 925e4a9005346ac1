"""DocType meta -> JSON schema (issue 13's fieldtype table).

Every property is nullable and ``additionalProperties`` is true (a field added on the server after
discovery still flows). Link/Dynamic Link are the target's ``name`` (the target is named in the
description); Datetime is RFC 3339 UTC (converted from the site zone by ``records.py``); Table fields are
arrays of child objects in nested mode. Masked fields (F16) are text whatever their fieldtype.
"""
from __future__ import annotations

from typing import Any

from frappe_client.meta import CHILD_STANDARD_FIELDS, DocTypeMeta, FieldMeta

STRING = "string"
KIND_BY_FIELDTYPE: dict[str, str] = {
    "Check": "boolean",
    "Int": "integer", "Long Int": "integer",
    "Float": "number", "Currency": "number", "Percent": "number", "Duration": "number", "Rating": "number",
    "Date": "date", "Datetime": "datetime", "Time": "time", "JSON": "json",
}
DELETED_AT = "_ab_cdc_deleted_at"


def field_kind(field: FieldMeta, masked: frozenset[str] = frozenset()) -> str:
    """string | boolean | integer | number | date | datetime | time | json (tables are handled apart)."""
    if field.fieldname in masked:
        return STRING
    return KIND_BY_FIELDTYPE.get(field.fieldtype, STRING)


def _nullable(kind: str) -> dict[str, Any]:
    if kind == "boolean":
        return {"type": ["null", "boolean"]}
    if kind == "integer":
        return {"type": ["null", "integer"]}
    if kind == "number":
        return {"type": ["null", "number"]}
    if kind == "date":
        return {"type": ["null", "string"], "format": "date"}
    if kind == "datetime":
        return {"type": ["null", "string"], "format": "date-time", "airbyte_type": "timestamp_with_timezone"}
    if kind == "json":
        return {"type": ["null", "object", "array", "string", "number", "boolean"]}
    return {"type": ["null", "string"]}


def property_schema(field: FieldMeta, masked: frozenset[str] = frozenset()) -> dict[str, Any]:
    prop = _nullable(field_kind(field, masked))
    notes = []
    if field.label:
        notes.append(field.label)
    if field.fieldtype == "Link" and field.options:
        notes.append(f"Link to {field.options} (its name)")
    elif field.fieldtype == "Dynamic Link" and field.options:
        notes.append(f"Dynamic Link: the name of a document of the DocType held in field {field.options}")
    elif field.fieldtype == "Select" and field.options:
        notes.append("one of: " + ", ".join(o for o in field.options.split("\n") if o.strip())[:500])
    elif field.fieldtype == "Time":
        notes.append("time of day HH:MM:SS[.ffffff]")
    if field.fieldname in masked:
        notes.append("masked by the server for this user")
    if notes:
        prop["description"] = "; ".join(notes)
    return prop


def standard_properties(meta: DocTypeMeta, *, child: bool) -> dict[str, Any]:
    """The standard fields every row has (``name`` is an integer for autoincrement DocTypes)."""
    props: dict[str, Any] = {
        "name": {"type": "integer" if meta.autoincrement else "string", "description": "Document name (primary key)"},
        "owner": {"type": ["null", "string"], "description": "Link to User (creator)"},
        "creation": _nullable("datetime"),
        "modified": {**_nullable("datetime"), "description": "Last save, UTC (cursor)"},
        "modified_by": {"type": ["null", "string"], "description": "Link to User"},
        "docstatus": {"type": ["null", "integer"], "description": "0 draft, 1 submitted, 2 cancelled"},
        "idx": {"type": ["null", "integer"]},
    }
    if child:
        props["parent"] = {"type": ["null", "string"], "description": "name of the parent document"}
        props["parentfield"] = {"type": ["null", "string"], "description": "Table field of the parent"}
        props["parenttype"] = {"type": ["null", "string"], "description": "DocType of the parent"}
    return props


def object_schema(meta: DocTypeMeta, children: dict[str, DocTypeMeta] | None = None, *, nested: bool = True,
                  deletions: bool = False) -> dict[str, Any]:
    """JSON schema of one DocType's rows.

    Args:
        meta: the DocType.
        children: child DocType metas by name (nested mode puts Table fields as arrays of these).
        nested: include Table fields as arrays (False for child-table streams and ``streams`` mode).
        deletions: add ``_ab_cdc_deleted_at`` (deletion markers are emitted for this stream).
    """
    props = standard_properties(meta, child=meta.istable)
    for field in meta.data_fields:
        if field.fieldname not in props and field.fieldname not in CHILD_STANDARD_FIELDS:
            props[field.fieldname] = property_schema(field, meta.masked_fields)
    if nested:
        for fieldname, child_name in meta.table_fields.items():
            child = (children or {}).get(child_name)
            items = object_schema(child, nested=False) if child is not None else {"type": "object",
                                                                                     "additionalProperties": True}
            items.pop("$schema", None)
            props[fieldname] = {"type": ["null", "array"], "items": items,
                                "description": f"Table of {child_name} rows (current rows, by idx)"}
    if deletions:
        props[DELETED_AT] = {"type": ["null", "string"], "format": "date-time",
                             "airbyte_type": "timestamp_with_timezone",
                             "description": "Set when the row was deleted (or renamed away) on the server"}
    return {"$schema": "http://json-schema.org/draft-07/schema#", "type": "object", "additionalProperties": True,
            "properties": props}
