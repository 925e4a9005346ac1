"""column_names: iDempiere's lower-case column rule, both directions (§2.5)."""
from __future__ import annotations

import pytest

from idempiere_client.column_names import column_for, to_property_name, value_of

COLUMNS = {"Name": 1, "DocumentNo": 1, "C_Order_ID": 1, "IsActive": 1, "name2": 1}


@pytest.mark.parametrize(("column", "prop"), [
    ("Name", "name"), ("DocumentNo", "documentNo"), ("C_Order_ID", "C_Order_ID"), ("", ""), ("X", "x"),
])
def test_property_name_lowers_the_first_letter_only_without_underscore(column, prop):
    assert to_property_name(column) == prop


@pytest.mark.parametrize("column", ["Name", "DocumentNo", "C_Order_ID", "IsActive"])
def test_column_for_inverts_the_property_name(column):
    assert column_for(to_property_name(column), COLUMNS) == column
    assert column_for(column, COLUMNS) == column


def test_column_for_leaves_unknown_and_exact_keys_alone():
    assert column_for("id", COLUMNS) == "id"  # no column "Id"
    assert column_for("name2", COLUMNS) == "name2"  # an exact (lower-case) ColumnName wins
    assert column_for("model-name", COLUMNS) == "model-name"


def test_value_of_tries_exact_then_property_then_any_case():
    assert value_of({"DocumentNo": "A", "documentNo": "B"}, "DocumentNo") == "A"
    assert value_of({"documentNo": "B"}, "DocumentNo") == "B"
    assert value_of({"DOCUMENTNO": "C"}, "DocumentNo") == "C"
    assert value_of({}, "DocumentNo") is None
