"""frappe_client.filters: values can never change a filter's meaning; the keyset is the server's."""
from __future__ import annotations

import json

import pytest

from frappe_client.errors import UnsafeFilterValue
from frappe_client.filters import ORDER_BY, Position, condition, keyset, like_pattern, name_keyset


def test_keyset_first_page_has_bounds_and_no_or_filters() -> None:
    params = keyset(lower="2026-01-01 00:00:00.000000", upper="2026-02-01 00:00:00.000000",
                    extra=[condition("parenttype", "=", "Sales Order")])
    assert params["order_by"] == ORDER_BY == "modified asc, name asc"
    assert "or_filters" not in params
    assert json.loads(params["filters"]) == [["parenttype", "=", "Sales Order"],
                                             ["modified", ">=", "2026-01-01 00:00:00.000000"],
                                             ["modified", "<", "2026-02-01 00:00:00.000000"]]


def test_keyset_after_a_row_is_a_tuple_comparison_for_the_server() -> None:
    params = keyset(lower="2026-01-01 00:00:00.000000", upper=None,
                    after=Position("2026-01-05 10:11:12.345678", "SAL-ORD-0007"))
    assert json.loads(params["filters"]) == [["modified", ">=", "2026-01-05 10:11:12.345678"]]
    assert json.loads(params["or_filters"]) == [["modified", ">", "2026-01-05 10:11:12.345678"],
                                                ["name", ">", "SAL-ORD-0007"]]


def test_keyset_integer_names_stay_integers() -> None:
    params = keyset(after=Position("2026-01-05 10:11:12.000000", 20))
    assert json.loads(params["or_filters"])[1] == ["name", ">", 20]


def test_keyset_refuses_a_position_below_the_lower_bound() -> None:
    with pytest.raises(ValueError):
        keyset(lower="2026-01-02 00:00:00.000000", after=Position("2026-01-01 00:00:00.000000", "a"))


@pytest.mark.parametrize("value", ["x'); drop table --", "a\"b", "O'Brien", "\\", "%", "a,b"])
def test_quotes_and_commas_are_data_not_syntax(value: str) -> None:
    params = name_keyset(value)
    assert json.loads(params["filters"]) == [["name", ">", value]]


@pytest.mark.parametrize("field", ["a.b", "`tabX`.name", "name;", "", "x y", "items.item_code", 5])
def test_fields_must_be_plain_fieldnames(field) -> None:
    with pytest.raises(UnsafeFilterValue):
        condition(field, "=", 1)


@pytest.mark.parametrize("op, value", [("=", [1]), ("=", {"a": 1}), ("in", "a,b"), ("regexp", "x"),
                                       ("=", float("nan")), ("is", "maybe"), ("between", ["a"]), ("==", 1)])
def test_values_and_operators_are_guarded(op, value) -> None:
    with pytest.raises(UnsafeFilterValue):
        condition("status", op, value)


def test_booleans_become_integers() -> None:
    # "true" would compare as 0 on a Check column (Part II 4a); a JSON true is safe but 1 works everywhere.
    assert condition("is_rush", "=", True) == ["is_rush", "=", 1]
    assert condition("is_rush", "in", [False, True]) == ["is_rush", "in", [0, 1]]


@pytest.mark.parametrize("value", ["50%", "a_b", "a\\b", 5])
def test_like_refuses_wildcards_it_cannot_escape(value) -> None:
    with pytest.raises(UnsafeFilterValue):
        like_pattern(value)


def test_like_patterns() -> None:
    assert like_pattern("ACME") == "ACME%"
    assert like_pattern("ACME", contains=True) == "%ACME%"
    assert condition("customer", "like", "AC") == ["customer", "like", "AC%"]


def test_four_tuple_doctype_is_checked() -> None:
    assert condition("item_code", "=", "W", doctype="Sales Order Item") == ["Sales Order Item", "item_code", "=", "W"]
    with pytest.raises(UnsafeFilterValue):
        condition("item_code", "=", "W", doctype="Sales`Order")
