"""type_map.json_schema: nullable everything, flatten vs object FK modes (spec §2.4, §6.2)."""
from __future__ import annotations

import jsonschema
import pytest

from idempiere_client.metadata import ColumnMeta, TableMeta
from idempiere_client.type_map import DELETED_AT, json_schema


def _meta(key: str | None = "C_Order_ID") -> TableMeta:
    cols = [
        ColumnMeta("C_BPartner_ID", "fk", ref_table="c_bpartner"),
        ColumnMeta("DocStatus", "list", list_values=("DR", "CO")),
        ColumnMeta("Updated", "datetime", read_only=True),
        ColumnMeta("DateOrdered", "date"),
        ColumnMeta("GrandTotal", "number"),
        ColumnMeta("Line", "integer"),
        ColumnMeta("IsActive", "boolean"),
        ColumnMeta("DocumentNo", "string", description="Document number"),
        ColumnMeta("BinaryData", "binary"),
        ColumnMeta("C_Location_ID", "location"),
        ColumnMeta("Logo_ID", "image"),
        ColumnMeta("Weird", "other"),
        ColumnMeta("AD_Foo_UU", "fk", ref_table="ad_foo"),
        ColumnMeta("StartTime", "time"),
    ]
    return TableMeta("C_Order", "c_order", {c.name: c for c in cols}, key_column=key, uu_column="C_Order_UU")


@pytest.mark.parametrize(
    ("prop", "types", "fmt"),
    [
        ("id", ["null", "integer"], None),
        ("uid", ["null", "string"], None),
        ("C_BPartner_ID", ["null", "integer"], None),
        ("C_BPartner_ID_identifier", ["null", "string"], None),
        ("DocStatus", ["null", "string"], None),
        ("DocStatus_identifier", ["null", "string"], None),
        ("Updated", ["null", "string"], "date-time"),
        ("DateOrdered", ["null", "string"], "date"),
        ("GrandTotal", ["null", "number"], None),
        ("Line", ["null", "integer"], None),
        ("IsActive", ["null", "boolean"], None),
        ("DocumentNo", ["null", "string"], None),
        ("BinaryData", ["null", "string"], None),
        ("C_Location_ID", ["null", "integer"], None),
        ("C_Location_ID_identifier", ["null", "string"], None),
        ("Logo_ID", ["null", "integer"], None),
        ("Weird", ["null", "string"], None),
        ("AD_Foo_UU", ["null", "string"], None),
        ("StartTime", ["null", "string"], None),
        (DELETED_AT, ["null", "string"], "date-time"),
    ],
    ids=lambda v: str(v),
)
def test_flatten_mode_property_types(prop, types, fmt):
    schema = json_schema(_meta(), "flatten")["properties"][prop]
    assert schema["type"] == types
    assert schema.get("format") == fmt


def test_datetimes_are_timestamps_with_time_zone():
    assert json_schema(_meta(), "flatten")["properties"]["Updated"]["airbyte_type"] == "timestamp_with_timezone"


def test_schema_is_open_and_every_property_nullable():
    for mode in ("flatten", "object"):
        schema = json_schema(_meta(), mode)
        assert schema["additionalProperties"] is True
        for name, prop in schema["properties"].items():
            assert "null" in prop["type"], name


def test_object_mode_keeps_lookup_objects():
    props = json_schema(_meta(), "object")["properties"]
    assert props["C_BPartner_ID"]["type"] == ["null", "object"]
    assert props["C_BPartner_ID"]["properties"]["id"]["type"] == ["null", "integer"]
    assert props["DocStatus"]["properties"]["id"]["type"] == ["null", "string"]
    assert "C_BPartner_ID_identifier" not in props
    assert set(props["C_BPartner_ID"]["properties"]) == {"id", "identifier", "propertyLabel", "model-name"}


def test_uuid_key_table_has_no_id_property():
    assert "id" not in json_schema(_meta(key=None), "flatten")["properties"]


def test_unknown_fk_mode_is_refused():
    with pytest.raises(ValueError):
        json_schema(_meta(), "nested")


def test_description_is_carried():
    assert json_schema(_meta(), "flatten")["properties"]["DocumentNo"]["description"] == "Document number"


def test_schema_is_valid_draft7_and_accepts_a_null_row():
    schema = json_schema(_meta(), "object")
    jsonschema.Draft7Validator.check_schema(schema)
    jsonschema.validate({"id": 1, "C_BPartner_ID": None, DELETED_AT: None}, schema)
