"""$filter tokenizer and converter: exact SQL, parameters and error bodies (spec §4)."""
from __future__ import annotations

import pytest

from idempiere_emulator.catalog import builtin_catalog
from idempiere_emulator.errors import EmulatorError
from idempiere_emulator.query.filter import FilterConverter, mentions_isactive
from idempiere_emulator.query.filter_tokens import split

CATALOG = builtin_catalog()
ORDER = CATALOG.get("C_Order")


def convert(text: str, table=ORDER, **kw):
    out = FilterConverter(table, **kw).convert(text)
    return out.where, out.params


def error(text: str, table=ORDER, **kw) -> EmulatorError:
    with pytest.raises(EmulatorError) as info:
        convert(text, table, **kw)
    return info.value


@pytest.mark.parametrize("text, tokens", [
    ("Name eq 'a b'", ["Name", "eq", "'a b'"]),
    ("A eq 1   and  B eq 2", ["A", "eq", "1", "and", "B", "eq", "2"]),
    ("(A eq 1 or B eq 2) and C eq 3", ["(A eq 1 or B eq 2)", "and", "C", "eq", "3"]),
    ("contains(Name,'x y')", ["contains(Name,'x y')"]),
    ("C_Tax_ID in (1, 2)", ["C_Tax_ID", "in", "(1, 2)"]),
    ("Name eq 'a (b' and X eq 1", ["Name", "eq", "'a (b' and X eq 1"]),  # parentheses count inside quotes
], ids=["quoted-space", "multi-space", "group", "method", "in-list", "unbalanced-paren-in-quotes"])
def test_split_follows_the_plugin_tokenizer(text, tokens):
    assert split(text) == tokens


def test_and_or_keep_sql_precedence_and_groups_are_parenthesised():
    where, params = convert("DocumentNo eq '1' or DocumentNo eq '2' AND (C_BPartner_ID eq 118 Or IsActive eq true)")
    assert where == '"DocumentNo"= ? OR "DocumentNo"= ? AND ("C_BPartner_ID"= ? OR "IsActive"= ?)'
    assert params == ["1", "2", 118, "Y"]


@pytest.mark.parametrize("literal, expected", [("true", "Y"), ("Y", "Y"), ("'Y'", "N"), ("TRUE", "N"), ("false", "N")])
def test_yesno_literals_quoted_y_and_upper_true_mean_n(literal, expected):
    assert convert(f"IsActive eq {literal}")[1] == [expected]


def test_null_comparisons_and_null_with_ordering_operator():
    assert convert("Description eq null")[0] == '"Description" IS NULL'
    assert convert("Description neq null")[0] == '"Description" IS NOT NULL'
    err = error("GrandTotal gt null")
    assert (err.status, err.title, err.detail) == (400, None, "Operator gt is not compatible with NULL comparision")


@pytest.mark.parametrize("op", ["ne", "EQ", "Eq", "==", "like"])
def test_unsupported_operators_are_400_with_null_title(op):
    err = error(f"DocumentNo {op} 'x'")
    assert err.status == 400 and err.title is None and err.detail == f"Unsupported operator: {op}"
    assert err.body() == {"title": None, "status": 400, "detail": f"Unsupported operator: {op}"}


def test_quoted_integer_for_id_column_is_rejected_with_the_java_message():
    err = error("C_BPartner_ID eq '118'")
    assert err.detail == "Error convertig parameter with value: '118' - For input string: \"'118'\""


def test_unquoted_string_is_rejected_and_names_the_column_label():
    err = error("DocumentNo eq 80000")
    assert err.status == 400
    assert err.detail == ("Error convertig parameter with value: 80000 - String values must be put between "
                          "single quotes. ColumnName: Document No")


def test_list_columns_also_need_quotes():
    assert convert("DocStatus eq 'CO'")[1] == ["CO"]
    assert "String values must be put between single quotes" in error("DocStatus eq CO").detail


def test_unknown_method_is_500_get_error():
    err = error("substring(DocumentNo,1) eq 'x'")
    assert err.body() == {"title": "GET Error", "status": 500, "detail": "Method call 'substring' not implemented"}


def test_truncated_expression_is_index_out_of_bounds():
    assert error("DocumentNo eq").body() == {"title": "GET Error", "status": 500, "detail": "Index: 2, Size: 2"}
    assert error("DocumentNo").detail == "Index: 1, Size: 1"


def test_not_only_before_like_methods():
    where, params = convert("not contains(DocumentNo,'80')")
    assert where == '"DocumentNo" NOT  LIKE ?' and params == ["%80%"]
    err = error("not DocumentNo eq '1'")
    assert err.detail == "Operator NOT is only compatible with certain functions. Not with DocumentNo"


@pytest.mark.parametrize("text, sql, params", [
    ("contains(DocumentNo,'80')", '"DocumentNo" LIKE ?', ["%80%"]),
    ("startswith(DocumentNo,'80')", '"DocumentNo" LIKE ?', ["80%"]),
    ("endswith(DocumentNo,'80')", '"DocumentNo" LIKE ?', ["%80"]),
    ("contains(tolower(DocumentNo),'po')", 'lower("DocumentNo") LIKE ?', ["%po%"]),
    ("contains(POReference,DocumentNo)", '"POReference" LIKE "DocumentNo"', []),
    ("toupper(DocumentNo) eq 'A'", 'upper("DocumentNo")= ?', ["A"]),
    ("tolower(DocumentNo) eq tolower('ABC')", 'lower("DocumentNo")=lower(?)', ["ABC"]),
], ids=["contains", "startswith", "endswith", "tolower-left", "column-right", "toupper", "tolower-both"])
def test_method_calls(text, sql, params):
    assert convert(text) == (sql, params)


def test_column_to_column_comparison_and_case_insensitive_columns():
    assert convert("updated gt CREATED")[0] == '"Updated">"Created"'


def test_quoted_right_operand_with_parentheses_is_a_literal():
    """convertBinaryOperator checks for quotes before '(' since 28f3f09 (2024-11-19): no method call."""
    assert convert("DocumentNo eq 'a (b)'") == ('"DocumentNo"= ?', ["a (b)"])
    assert convert("DocumentNo eq tolower('a')") == ('"DocumentNo"=lower(?)', ["a"])  # unquoted: a method
    # convertMethodCall has no quote check: '(' in the value -> no method name -> NullPointerException (§4.5)
    err = error("contains(DocumentNo,'a (b)')")
    assert (err.status, err.title) == (500, "GET Error") and err.detail.startswith("Cannot invoke")


def test_in_operator_binds_each_value_and_requires_parentheses():
    assert convert("C_BPartner_ID in (117,118, 119)") == ('"C_BPartner_ID" IN (?,?,?)', [117, 118, 119])
    assert error("C_BPartner_ID in 117").detail == "Wrong right parameter for IN operator"


def test_id_and_uid_aliases_exist_only_in_the_current_generation():
    assert convert("id eq 100") == ('"C_Order_ID"= ?', [100])
    assert convert("uid eq 'x'")[0] == '"C_Order_UU"= ?'
    assert error("id eq 100", legacy=True).detail == "Invalid column for filter: id"
    assert error("ID eq 100").detail == "Invalid column for filter: ID"


def test_secure_and_unknown_columns_are_invalid_for_filter():
    assert error("Foo eq 1").detail == "Invalid column for filter: Foo"
    assert error("Password eq 'x'", CATALOG.get("AD_User")).detail == "Invalid column for filter: Password"


@pytest.mark.parametrize("literal, stored", [
    ("'2024-05-01T10:00:00Z'", "2024-05-01 10:00:00.000"),
    ("'2024-05-01T10:00:00.123Z'", "2024-05-01 10:00:00.123"),
    ("'2024-05-01T12:00:00+02:00'", "2024-05-01 10:00:00.000"),
    ("'2024-05-01T10:00:00'", "2024-05-01 08:00:00.000"),  # ISO local = server zone (Berlin, CEST)
    ("'2024-05-01 10:00:00'", "2024-05-01 08:00:00.000"),
    ("'2024-05-01'", "2024-04-30 22:00:00.000"),
    ("2024-05-01T10:00:00Z", "2024-05-01 10:00:00.000"),  # unquoted ISO is fine (no space)
])
def test_datetime_literals_current_generation(literal, stored):
    assert convert(f"Updated ge {literal}", tz="Europe/Berlin")[1] == [stored]


def test_legacy_truncates_iso_values_to_midnight_server_local():
    assert convert("Updated ge '2024-05-01T10:00:00Z'", legacy=True, tz="Europe/Berlin")[1] == [
        "2024-04-30 22:00:00.000"]
    assert convert("Updated ge '2024-05-01 10:00:00'", legacy=True)[1] == ["2024-05-01 10:00:00.000"]


def test_date_columns_bind_the_date_and_bad_dates_are_400():
    assert convert("DateOrdered ge '2024-01-05T23:00:00Z'")[1] == ["2024-01-05"]
    err = error("Updated ge 'yesterday'")
    assert err.detail == 'Error convertig parameter with value: yesterday - Unparseable date: "yesterday"'


def test_isactive_word_detection_uses_the_generated_sql():
    assert mentions_isactive(convert("IsActive neq null")[0])
    assert not mentions_isactive(convert("DocumentNo eq 'isactive'")[0])


@pytest.mark.parametrize("text, bounds", [
    ("(Updated gt '2024-02-01 00:00:00' or (Updated eq '2024-02-01 00:00:00' and C_Order_ID gt 5)) and "
     "IsActive neq null", {"Updated": "2024-02-01 00:00:00.000"}),
    ("Updated ge '2024-01-01 00:00:00' and Updated lt '2024-02-01 00:00:00'", {"Updated": "2024-01-01 00:00:00.000"}),
    ("Updated gt '2024-02-01 00:00:00' or C_Order_ID gt 5", {}),
    ("tolower(DocumentNo) gt 'a'", {}),
    ("Updated gt Created", {}),
    ("(Updated gt '2024-02-01 00:00:00' or Updated eq '2024-01-01 00:00:00')", {"Updated": "2024-01-01 00:00:00.000"}),
], ids=["keyset-or", "window", "or-other-column", "function", "column-to-column", "or-min"])
def test_implied_lower_bounds_for_index_ranges(text, bounds):
    assert {k: v for k, v in FilterConverter(ORDER).convert(text).bounds.items() if k == "Updated"} == bounds


def test_space_separated_milliseconds_are_cut_to_seconds_like_simpledateformat():
    assert convert("Updated ge '2024-05-01 10:00:00.987'")[1] == ["2024-05-01 10:00:00.000"]


def test_converter_cache_is_keyed_by_the_filter_text_only():
    """§4.9: the first table's conversion is reused for any table; what the other table lacks fails in SQL."""
    from idempiere_emulator.query.filter import ConverterCache
    cache = ConverterCache(legacy=False, tz="UTC")
    bp, product = CATALOG.get("C_BPartner"), CATALOG.get("M_Product")
    first = cache.convert(ORDER, "id eq 100")
    assert first.where == '"C_Order_ID"= ?' and cache.convert(ORDER, "id eq 100") is first
    with pytest.raises(EmulatorError) as info:
        cache.convert(bp, "id eq 100")  # a fresh conversion would have used C_BPartner_ID
    assert info.value.body() == {"title": "GET Error", "status": 500, "detail": 'ERROR: column "c_order_id" does not exist'}
    assert cache.convert(bp, "Name eq 'x'").where == cache.convert(product, "Name eq 'x'").where == '"Name"= ?'
    for _ in range(2):  # errors are not cached: the same text fails the same way again
        with pytest.raises(EmulatorError) as info:
            cache.convert(bp, "Nope eq 1")
        assert info.value.status == 400
    small = ConverterCache(legacy=False, tz="UTC", size=2)
    a = small.convert(bp, "Value eq 'a'")
    small.convert(bp, "Value eq 'b'")
    small.convert(bp, "Value eq 'c'")  # evicts the least recently used text
    assert small.convert(bp, "Value eq 'a'") is not a
