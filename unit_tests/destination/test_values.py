"""Value normalisation and FK form parsing (pure)."""
from __future__ import annotations

import pytest

from destination_idempiere.values import (
    CLEAR_FK,
    DROP,
    FkRef,
    WriteContext,
    normalize,
    parse_fk,
    to_bool,
    to_datetime,
    to_list_code,
    to_number,
)
from idempiere_client.timeutil import ServerClock
from unit_tests.destination.fakes import bpartner_meta

META = bpartner_meta()
GROUP = META.columns["C_BP_Group_ID"]
UTC = WriteContext(ServerClock("UTC"))


@pytest.mark.parametrize(
    "value, identifier, expected",
    [
        (103, None, 103),
        ("103", None, 103),
        (103.0, None, 103),
        ({"id": 103}, None, 103),
        ({"id": "103", "propertyLabel": "x", "model-name": "c_bp_group"}, None, 103),
        (None, None, CLEAR_FK),
        ("", None, CLEAR_FK),
        (-1, None, CLEAR_FK),
        ("Standard", None, FkRef("C_BP_Group_ID", "c_bp_group", "identifier", "Standard")),
        ({"identifier": "Standard"}, None, FkRef("C_BP_Group_ID", "c_bp_group", "identifier", "Standard")),
        ({"lookupColumn": "Value", "lookupValue": "STD"}, None,
         FkRef("C_BP_Group_ID", "c_bp_group", "lookup", "STD", lookup_column="Value")),
        ("0d3c6f9e-1b2a-4c5d-8e9f-0a1b2c3d4e5f", None,
         FkRef("C_BP_Group_ID", "c_bp_group", "uid", "0d3c6f9e-1b2a-4c5d-8e9f-0a1b2c3d4e5f")),
        ({"uid": "0d3c6f9e-1b2a-4c5d-8e9f-0a1b2c3d4e5f"}, None,
         FkRef("C_BP_Group_ID", "c_bp_group", "uid", "0d3c6f9e-1b2a-4c5d-8e9f-0a1b2c3d4e5f")),
        (103, "Standard", FkRef("C_BP_Group_ID", "c_bp_group", "pair", "Standard", pair_id=103)),
        ({"id": 103, "identifier": "Standard"}, None, FkRef("C_BP_Group_ID", "c_bp_group", "pair", "Standard", pair_id=103)),
        (None, "Standard", FkRef("C_BP_Group_ID", "c_bp_group", "identifier", "Standard")),
    ],
    ids=["int", "numeric-string", "integral-float", "id-object", "read-lookup-object", "null-clears",
         "empty-clears", "minus-one", "text-is-identifier", "identifier-object", "lookup-object", "uuid-string",
         "uid-object", "flattened-pair", "object-pair", "identifier-only"],
)
def test_parse_fk_accepts_every_form(value, identifier, expected) -> None:
    assert parse_fk(GROUP, value, identifier) == expected


@pytest.mark.parametrize("value", [True, [1], {"foo": 1}, {"uid": "not-a-uuid"}])
def test_parse_fk_rejects_values_that_are_no_reference(value) -> None:
    with pytest.raises(ValueError):
        parse_fk(GROUP, value)


@pytest.mark.parametrize("value, expected", [(True, True), ("Y", True), ("N", False), ("true", True),
                                             ("false", False), (0, False), ("yes", True)])
def test_booleans(value, expected) -> None:
    assert to_bool(value) is expected


def test_boolean_garbage_is_refused() -> None:
    with pytest.raises(ValueError, match="not a boolean"):
        to_bool("maybe")


def test_numbers_keep_integers_exact_and_refuse_text() -> None:
    assert to_number("12.50") == 12.5
    assert to_number("7") == 7 and isinstance(to_number("7"), int)
    with pytest.raises(ValueError):
        to_number("twelve")
    with pytest.raises(ValueError):
        to_number(True)


def test_datetime_current_server_gets_a_utc_instant_with_whole_seconds() -> None:
    assert to_datetime("2024-05-01T12:00:00.789+02:00", UTC) == "2024-05-01T10:00:00Z"
    assert to_datetime("2024-05-01 10:00:00", UTC) == "2024-05-01T10:00:00Z"  # naive = UTC


def test_datetime_legacy_server_gets_the_server_wall_clock_with_a_fake_z() -> None:
    legacy = WriteContext(ServerClock("Europe/Berlin"), legacy_datetime=True)
    assert to_datetime("2024-05-01T10:00:00Z", legacy) == "2024-05-01T12:00:00Z"
    current = WriteContext(ServerClock("Europe/Berlin"), legacy_datetime=False)
    assert to_datetime("2024-05-01T10:00:00Z", current) == "2024-05-01T10:00:00Z"


def test_list_codes_labels_and_case() -> None:
    status = META.columns["SOCreditStatus"]
    assert to_list_code(status, "H") == "H"
    assert to_list_code(status, {"id": "S", "identifier": "Credit Stop"}) == "S"
    assert to_list_code(status, "Credit Hold") == "H"
    assert to_list_code(status, "o") == "O"
    with pytest.raises(ValueError, match="allowed: O, H, S"):
        to_list_code(status, "X")


def test_dates_and_locations() -> None:
    assert normalize(META.columns["FirstSale"], "2024-05-01T00:00:00Z", UTC) == "2024-05-01"
    loc = META.columns["C_Location_ID"]
    assert normalize(loc, {"id": 125, "propertyLabel": "Address", "City": "X"}, UTC) == 125
    assert normalize(loc, "125", UTC) == 125


def test_image_object_without_data_is_not_sent() -> None:
    from idempiere_client.metadata import ColumnMeta

    assert normalize(ColumnMeta("Logo_ID", "image"), {"id": 5, "propertyLabel": "Logo"}, UTC) is DROP


def test_integers_beyond_a_java_int_and_numbers_beyond_a_double_are_refused() -> None:
    """iDempiere's Integer columns are Java ints: a 65-bit value is this record's reject, never a crash."""
    from destination_idempiere.values import to_integer

    assert to_integer(2**31 - 1) == 2**31 - 1 and to_integer(-(2**31)) == -(2**31)
    for value in (2**31, 18446744073709551616, -(2**64)):
        with pytest.raises(ValueError, match="out of range for an integer column"):
            to_integer(value)
    with pytest.raises(ValueError, match="out of range for a number column"):
        to_number("1e400")
