"""literals.literal / like_literal / is_safe_string: spec §4.1, §4.5-4.7 (no quote escaping on the server)."""
from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal

import pytest

from idempiere_client.literals import UnsafeFilterValue, is_safe_string, like_literal, literal
from idempiere_client.timeutil import ServerClock

UTC = timezone.utc


@pytest.mark.parametrize(
    ("value", "kind", "expected"),
    [
        (118, "fk", "118"),
        ("118", "fk", "118"),
        (-1, "integer", "-1"),
        (7.0, "integer", "7"),
        ("605450c7-24a7-4da9-990d-a8e5e7dd57eb", "fk", "'605450c7-24a7-4da9-990d-a8e5e7dd57eb'"),
        (7.5, "number", "7.5"),
        (Decimal("1E+2"), "number", "100"),
        ("10.00", "number", "10.00"),
        (3, "number", "3"),
        (True, "boolean", "true"),
        (False, "boolean", "false"),
        ("Y", "boolean", "true"),
        ("n", "boolean", "false"),
        ("CO", "list", "'CO'"),
        ("Joe Block", "string", "'Joe Block'"),
        ("", "string", "''"),
        ("50% & more+", "string", "'50% & more+'"),
        ("Zürich", "string", "'Zürich'"),
        (12, "string", "'12'"),
        (None, "string", "null"),
        (None, "fk", "null"),
        (date(2024, 5, 1), "date", "'2024-05-01'"),
        ("2024-05-01", "date", "'2024-05-01'"),
        (datetime(2024, 5, 1, 10, 0, 0, 999000, tzinfo=UTC), "datetime", "'2024-05-01 10:00:00'"),
        (datetime(2024, 5, 1, 10, 0, 0), "datetime", "'2024-05-01 10:00:00'"),
        ("2024-05-01T10:00:00Z", "timestamptz", "'2024-05-01 10:00:00'"),
        ("2024-05-01T12:00:00+02:00", "datetime", "'2024-05-01 10:00:00'"),
    ],
    ids=lambda v: repr(v)[:40],
)
def test_literal_produces_the_form_the_server_parses(value, kind, expected):
    assert literal(value, kind) == expected


def test_datetime_literal_is_server_local_wall_clock():
    berlin = ServerClock("Europe/Berlin")
    assert literal(datetime(2024, 7, 1, 10, tzinfo=UTC), "datetime", berlin) == "'2024-07-01 12:00:00'"
    assert literal(datetime(2024, 1, 1, 10, tzinfo=UTC), "datetime", berlin) == "'2024-01-01 11:00:00'"


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("O'Brien", "string"),
        ("'; drop", "list"),
        ("a) or (b", "string"),
        ("(", "string"),
        ("x)", "string"),
        (")(", "string"),
        ("a (b) c", "string"),
        ("line\nbreak", "string"),
        ("tab\there", "string"),
        ("nul\x00", "string"),
        ("abc", "fk"),
        ("12.5", "integer"),
        (True, "integer"),
        (True, "number"),
        (float("nan"), "number"),
        (float("inf"), "number"),
        ("maybe", "boolean"),
        (2, "boolean"),
        ("2024-13-45", "date"),
        ("yesterday", "datetime"),
        (True, "string"),
        ([1, 2], "string"),
    ],
    ids=[
        "single-quote", "quote-injection", "unbalanced-close-first", "lone-open", "lone-close", "negative-depth",
        "balanced-parens-read-as-method-call", "newline", "tab", "nul", "non-numeric-fk", "fraction-for-integer", "bool-for-integer", "bool-for-number",
        "nan", "inf", "not-a-boolean", "two-is-not-boolean", "impossible-date", "not-a-datetime", "bool-for-string",
        "list-for-string",
    ],
)
def test_literal_refuses_values_that_could_change_the_filter(value, kind):
    with pytest.raises(UnsafeFilterValue):
        literal(value, kind)


def test_unsafe_filter_value_is_a_value_error():
    with pytest.raises(ValueError):
        literal("O'Brien", "string")


@pytest.mark.parametrize(
    ("value", "safe"),
    [("abc", True), ("a (b)", False), ("O'Brien", False), ("(", False), ("a\rb", False), ("", True),
     ("a, b & c+d 50%", True)],
    ids=["plain", "balanced-parens", "quote", "open-paren", "carriage-return", "empty", "punctuation"],
)
def test_is_safe_string(value, safe):
    assert is_safe_string(value) is safe


@pytest.mark.parametrize(
    "value", ["a(b)", "a,b", "50%", "a_b", "it's"],
    ids=["parenthesis-npe", "comma", "percent-wildcard", "underscore-wildcard", "quote"],
)
def test_like_literal_refuses_wildcards_and_separators(value):
    with pytest.raises(UnsafeFilterValue):
        like_literal(value)


def test_like_literal_quotes_a_plain_fragment():
    assert like_literal("Garden World") == "'Garden World'"


def test_error_message_names_the_reason():
    with pytest.raises(UnsafeFilterValue, match="single quote"):
        literal("O'Brien", "string")
