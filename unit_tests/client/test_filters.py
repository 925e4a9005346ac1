"""filters: well-formed $filter / $orderby text for the plugin's parser (spec §4, §5.1)."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from idempiere_client.filters import F, include_inactive, orderby, time_window
from idempiere_client.literals import UnsafeFilterValue, literal
from idempiere_client.timeutil import ServerClock

UTC = timezone.utc


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        (F.eq("C_BPartner_ID", "118"), "C_BPartner_ID eq 118"),
        (F.neq("IsActive", "null"), "IsActive neq null"),
        (F.is_null("Description"), "Description eq null"),
        (F.not_null("Description"), "Description neq null"),
        (F.ge("Updated", "'2024-05-01 10:00:00'"), "Updated ge '2024-05-01 10:00:00'"),
        (F.in_("C_Tax_ID", ["106", "107"]), "C_Tax_ID in (106,107)"),
        (F.in_("DocStatus", ["'CO'", "'CL'"]), "DocStatus in ('CO','CL')"),
        (F.and_("A eq 1", "B eq 2"), "A eq 1 and B eq 2"),
        (F.or_("A eq 1", "B eq 2"), "A eq 1 or B eq 2"),
        (F.and_("IsActive neq null", F.or_("A eq 1", "B eq 2")), "IsActive neq null and (A eq 1 or B eq 2)"),
        (F.and_("A eq 1", "(B eq 2 or C eq 3)"), "A eq 1 and (B eq 2 or C eq 3)"),
        (F.and_("A in (1,2)", "B eq 'x y'"), "A in (1,2) and B eq 'x y'"),
        (F.and_("A eq 'and or'", "B eq 2"), "A eq 'and or' and B eq 2"),
        (F.and_("A eq 1 and B eq 2", "C eq 3"), "(A eq 1 and B eq 2) and C eq 3"),
        (F.or_("A eq 1 and B eq 2", "C eq 3"), "(A eq 1 and B eq 2) or C eq 3"),
        (F.and_("A eq 1"), "A eq 1"),
        (F.and_("", "A eq 1"), "A eq 1"),
        (F.eq(F.lower("Name"), "'abc'"), "tolower(Name) eq 'abc'"),
        (F.contains(F.lower("Name"), "garden"), "contains(tolower(Name),'garden')"),
        (F.startswith("Value", "Joe", negate=True), "not startswith(Value,'Joe')"),
        (include_inactive(), "IsActive neq null"),
    ],
    ids=[
        "eq-int", "neq-null", "is-null", "not-null", "ge-timestamp", "in-ints", "in-strings", "and", "or",
        "and-groups-or", "already-grouped", "in-not-grouped", "quoted-keywords-not-grouped", "and-in-and-grouped",
        "and-in-or-grouped", "single-part",
        "empty-parts-dropped", "tolower-left", "contains", "not-startswith", "include-inactive",
    ],
)
def test_builder_produces_parser_friendly_text(expr, expected):
    assert expr == expected


@pytest.mark.parametrize(
    "call",
    [
        lambda: F.cmp("A", "ne", "1"),
        lambda: F.cmp("A", "EQ", "1"),
        lambda: F.gt("A", "null"),
        lambda: F.eq("A B", "1"),
        lambda: F.eq("A;", "1"),
        lambda: F.in_("A", []),
        lambda: F.and_(),
    ],
    ids=["odata-ne", "upper-case-op", "gt-null", "space-in-column", "semicolon-in-column", "empty-in", "empty-and"],
)
def test_builder_rejects_malformed_expressions(call):
    with pytest.raises(ValueError):
        call()


@pytest.mark.parametrize("lit", ["'a,b'", "'a(b)'"], ids=["comma", "parens"])
def test_in_list_refuses_values_the_server_would_split(lit):
    with pytest.raises(UnsafeFilterValue):
        F.in_("Value", [lit])


def test_time_window_uses_whole_second_server_local_bounds():
    clock = ServerClock("Europe/Berlin")
    lower = datetime(2024, 7, 1, 10, 0, 0, 500000, tzinfo=UTC)
    upper = datetime(2024, 7, 2, 10, 0, 0, tzinfo=UTC)
    assert time_window("Updated", lower, upper, clock) == (
        "Updated ge '2024-07-01 12:00:00' and Updated lt '2024-07-02 12:00:00'"
    )


def test_time_window_with_one_open_bound():
    clock = ServerClock()
    assert time_window("Updated", None, datetime(2024, 1, 1, tzinfo=UTC), clock) == "Updated lt '2024-01-01 00:00:00'"
    with pytest.raises(ValueError):
        time_window("Updated", None, None, clock)


def test_window_composes_with_include_inactive_and_literals():
    clock = ServerClock()
    expr = F.and_(include_inactive(), time_window("Updated", datetime(2024, 1, 1), None, clock),
                  F.gt("C_Order_ID", literal(5, "integer")))
    assert expr == "IsActive neq null and Updated ge '2024-01-01 00:00:00' and C_Order_ID gt 5"


@pytest.mark.parametrize(
    ("cols", "expected"),
    [(("Updated", "C_Order_ID"), "Updated,C_Order_ID"), (("Updated DESC",), "Updated desc"), (("Line asc",), "Line asc")],
    ids=["two-columns", "desc-lowered", "asc"],
)
def test_orderby(cols, expected):
    assert orderby(*cols) == expected


@pytest.mark.parametrize(
    "cols", [("id",), ("Updated  desc",), ("Updated sideways",), ()],
    ids=["id-not-accepted", "two-spaces", "bad-direction", "empty"],
)
def test_orderby_refuses_what_the_server_would_silently_drop(cols):
    with pytest.raises(ValueError):
        orderby(*cols)
