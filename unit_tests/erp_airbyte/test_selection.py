"""erp_airbyte.source.selection: include/exclude glob options, parsed and matched the same way by every source."""
from __future__ import annotations

import pytest

from erp_airbyte.source.selection import explicit_names, name_patterns, selects
from erp_http.errors import ConfigurationError


def test_name_patterns_strip_dedupe_and_tolerate_a_comma_separated_string() -> None:
    assert name_patterns({"k": [" A ", "b*", "A", ""]}, "k", noun="table", example="[]") == ("A", "b*")
    assert name_patterns({"k": "A, b*,, A"}, "k", noun="table", example="[]") == ("A", "b*")
    assert name_patterns({"k": ["C_Order", "c_order"]}, "k", noun="table", example="[]", fold_case=True) == (
        "c_order",)
    assert name_patterns({}, "k", noun="table", example="[]") == ()
    assert name_patterns({"k": None}, "k", noun="table", example="[]") == ()


@pytest.mark.parametrize("value", [[1, 2], {"a": 1}, 5, [None]])
def test_name_patterns_refuse_what_is_not_a_list_of_strings_naming_the_key_and_an_example(value) -> None:
    with pytest.raises(ConfigurationError) as err:
        name_patterns({"tables": value}, "tables", noun="table", example='["c_order"]')
    assert str(err.value) == 'tables must be a list of table names or glob patterns, e.g. ["c_order"].'


def test_selects_is_case_insensitive_and_exclude_wins() -> None:
    assert selects("Sales Order", ["sales *"], [])
    assert selects("anything", [], [])
    assert not selects("Sales Invoice", ["Sales *"], ["*invoice"])
    assert not selects("Customer", ["Sales *"], [])


def test_explicit_names_are_the_entries_without_glob_characters() -> None:
    assert explicit_names(["Customer", "Sales *", "a?", "[ab]c", "ToDo"]) == ["Customer", "ToDo"]
