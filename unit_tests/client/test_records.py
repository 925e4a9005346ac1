"""records.RecordConverter: flatten/object FK modes, datetimes -> RFC 3339 UTC (spec §6)."""
from __future__ import annotations

import jsonschema
import pytest

from idempiere_client.metadata import ColumnMeta, TableMeta
from idempiere_client.records import RecordConverter
from idempiere_client.timeutil import ServerClock
from idempiere_client.type_map import json_schema


def _meta() -> TableMeta:
    cols = [
        ColumnMeta("AD_Client_ID", "fk", ref_table="ad_client", read_only=True),
        ColumnMeta("IsActive", "boolean"),
        ColumnMeta("Created", "datetime"),
        ColumnMeta("Updated", "datetime"),
        ColumnMeta("Name", "string"),
        ColumnMeta("DocStatus", "list", list_values=("DR", "CO")),
        ColumnMeta("C_BPartner_ID", "fk", ref_table="c_bpartner"),
        ColumnMeta("C_Location_ID", "location"),
        ColumnMeta("GrandTotal", "number"),
        ColumnMeta("DateOrdered", "date"),
        ColumnMeta("Stamp", "timestamptz"),
        ColumnMeta("JsonData", "string"),
    ]
    return TableMeta("C_Order", "c_order", {c.name: c for c in cols}, key_column="C_Order_ID", uu_column="C_Order_UU")


def _record(created: str = "2024-07-01T12:00:00+02:00", updated: str = "2024-07-01T12:00:05+02:00") -> dict:
    return {
        "id": 1000, "uid": "605450c7-24a7-4da9-990d-a8e5e7dd57eb",
        "AD_Client_ID": {"propertyLabel": "Tenant", "id": 11, "identifier": "GardenWorld", "model-name": "ad_client"},
        "IsActive": True, "Created": created, "Updated": updated, "Name": "Joe",
        "DocStatus": {"propertyLabel": "Document Status", "id": "CO", "identifier": "Completed", "model-name": "ad_ref_list"},
        "C_BPartner_ID": {"propertyLabel": "Business Partner", "id": 118, "model-name": "c_bpartner"},
        "C_Location_ID": {"propertyLabel": "Address", "id": 125, "identifier": "Berlin", "model-name": "c_location",
                          "City": "Berlin", "IsActive": "true"},
        "GrandTotal": 10.5, "DateOrdered": "2024-07-01", "Stamp": "2024-07-01T10:00:00.123Z",
        "JsonData": {"a": [1, 2]}, "Extra": "kept", "model-name": "c_order",
    }


def test_flatten_mode_splits_lookups_into_id_and_identifier():
    row = RecordConverter(_meta(), "flatten", ServerClock("Europe/Berlin")).convert(_record())
    assert row["AD_Client_ID"] == 11 and row["AD_Client_ID_identifier"] == "GardenWorld"
    assert row["DocStatus"] == "CO" and row["DocStatus_identifier"] == "Completed"
    assert row["C_BPartner_ID"] == 118 and row["C_BPartner_ID_identifier"] is None
    assert row["C_Location_ID"] == 125 and row["C_Location_ID_identifier"] == "Berlin"
    assert "model-name" not in row
    assert row["Extra"] == "kept" and row["id"] == 1000 and row["uid"].startswith("605450c7")


def test_object_mode_passes_lookups_through():
    record = _record()
    row = RecordConverter(_meta(), "object", ServerClock()).convert(record)
    assert row["C_BPartner_ID"] == record["C_BPartner_ID"]
    assert row["DocStatus"]["id"] == "CO"
    assert "C_BPartner_ID_identifier" not in row and "model-name" not in row


@pytest.mark.parametrize(
    ("tz", "created", "expected"),
    [("UTC", "2024-07-01T12:00:00Z", "2024-07-01T12:00:00Z"),
     ("Europe/Berlin", "2024-07-01T12:00:00+02:00", "2024-07-01T10:00:00Z"),
     ("Europe/Berlin", "2024-07-01T12:00:00Z", "2024-07-01T10:00:00Z")],
    ids=["current-utc", "current-offset", "old-fake-z"],
)
def test_datetimes_become_rfc3339_utc_on_both_generations(tz, created, expected):
    row = RecordConverter(_meta(), "flatten", ServerClock(tz)).convert(_record(created=created))
    assert row["Created"] == expected


def test_timestamp_with_time_zone_is_not_shifted_by_the_server_zone():
    row = RecordConverter(_meta(), "flatten", ServerClock("Europe/Berlin")).convert(_record())
    assert row["Stamp"] == "2024-07-01T10:00:00.123Z"


def test_dates_and_numbers_untouched_and_json_columns_become_text():
    row = RecordConverter(_meta(), "flatten", ServerClock()).convert(_record())
    assert row["DateOrdered"] == "2024-07-01" and row["GrandTotal"] == 10.5
    assert row["JsonData"] == '{"a":[1,2]}'


def test_lower_case_property_names_are_emitted_under_exact_column_names():
    record = {"id": 1, "name": "Joe", "isActive": False, "Created": "2024-07-01T12:00:00Z", "model-name": "c_order"}
    row = RecordConverter(_meta(), "flatten", ServerClock()).convert(record)
    assert row == {"id": 1, "Name": "Joe", "IsActive": False, "Created": "2024-07-01T12:00:00Z"}


def test_unparseable_datetime_is_kept_rather_than_lost():
    row = RecordConverter(_meta(), "flatten", ServerClock()).convert({"Updated": "not a date"})
    assert row["Updated"] == "not a date"


def test_input_record_is_not_modified():
    record = _record()
    RecordConverter(_meta(), "flatten", ServerClock()).convert(record)
    assert record["AD_Client_ID"]["id"] == 11 and "model-name" in record


@pytest.mark.parametrize("mode", ["flatten", "object"])
def test_converted_rows_validate_against_the_discovered_schema(mode):
    meta = _meta()
    row = RecordConverter(meta, mode, ServerClock("Europe/Berlin")).convert(_record())
    jsonschema.validate(row, json_schema(meta, mode))
