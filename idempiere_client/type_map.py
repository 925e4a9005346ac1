"""TableMeta -> Airbyte JSON schema, for the two foreign-key modes (spec §2.4, §6.2).

Every property is nullable (the server omits nulls and role column access may hide values) and
``additionalProperties`` is true (a live dictionary can be ahead of discovery).

| column kind | flatten mode | object mode |
|---|---|---|
| ``id`` (single int key) | integer | integer |
| ``uid`` | string | string |
| fk | ``X`` integer (string for ``*_UU`` lookups) + ``X_identifier`` string | object {id, identifier, propertyLabel, model-name} |
| list | ``X`` string (code) + ``X_identifier`` string | object {id (string), identifier, propertyLabel, model-name} |
| location | ``X`` integer + ``X_identifier`` string | object (the C_Location fields, open) |
| image | ``X`` integer | object {id, data, ...} |
| datetime, timestamptz | string, format date-time, airbyte_type timestamp_with_timezone (RFC 3339 UTC) | same |
| date | string, format date | same |
| time | string (server-local ``HH:mm:ssZ`` as sent) | same |
| number | number | number |
| integer | integer | integer |
| boolean | boolean | boolean |
| string, binary (base64) | string | string |
| other (JSON, multi-selection, unknown) | string (JSON text when not a string) | any JSON value |
| ``_ab_cdc_deleted_at`` (always) | string date-time | same |
"""
from __future__ import annotations

from typing import Any

from idempiere_client.metadata import ColumnMeta, TableMeta

FK_MODES = ("flatten", "object")
IDENTIFIER_SUFFIX = "_identifier"
DELETED_AT = "_ab_cdc_deleted_at"

_DATETIME = {"type": ["null", "string"], "format": "date-time", "airbyte_type": "timestamp_with_timezone"}


def _n(*types: str) -> dict[str, Any]:
    return {"type": ["null", *types]}


def _lookup_object(id_type: str) -> dict[str, Any]:
    return {
        "type": ["null", "object"],
        "additionalProperties": True,
        "properties": {
            "id": _n(id_type),
            "identifier": _n("string"),
            "propertyLabel": _n("string"),
            "model-name": _n("string"),
        },
    }


def column_schema(col: ColumnMeta, fk_mode: str) -> dict[str, dict[str, Any]]:
    """Schema properties produced by one column (one or two properties in flatten mode)."""
    kind = col.kind
    name = col.name
    ident = name + IDENTIFIER_SUFFIX
    if kind in ("fk", "list", "location"):
        id_type = "string" if kind == "list" or col.fk_key_is_string else "integer"
        if fk_mode == "object":
            schema = _lookup_object(id_type)
            if kind == "list" and col.list_values:
                schema["properties"]["id"]["description"] = "list code: " + ", ".join(col.list_values)
            return {name: schema}
        return {name: _n(id_type), ident: _n("string")}
    if kind == "image":
        if fk_mode == "object":
            return {name: {"type": ["null", "object"], "additionalProperties": True,
                           "properties": {"id": _n("integer"), "data": _n("string")}}}
        return {name: _n("integer")}
    if kind in ("datetime", "timestamptz"):
        return {name: dict(_DATETIME)}
    if kind == "date":
        return {name: {"type": ["null", "string"], "format": "date"}}
    if kind in ("number", "integer", "boolean"):
        return {name: _n(kind)}
    if kind == "other" and fk_mode == "object":
        return {name: {"type": ["null", "string", "number", "integer", "boolean", "object", "array"]}}
    return {name: _n("string")}


def json_schema(meta: TableMeta, fk_mode: str = "flatten") -> dict[str, Any]:
    """Build the stream JSON schema of a table.

    Raises:
        ValueError: unknown ``fk_mode``.
    """
    if fk_mode not in FK_MODES:
        raise ValueError(f"foreign_keys must be one of {FK_MODES}, got {fk_mode!r}")
    properties: dict[str, Any] = {}
    if meta.key_column:
        properties["id"] = _n("integer")
    properties["uid"] = _n("string")
    for col in meta.columns.values():
        for prop, schema in column_schema(col, fk_mode).items():
            if col.description and "description" not in schema:
                schema = {**schema, "description": col.description}
            properties.setdefault(prop, schema)
    properties[DELETED_AT] = dict(_DATETIME)
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "type": "object",
        "additionalProperties": True,
        "properties": properties,
    }
