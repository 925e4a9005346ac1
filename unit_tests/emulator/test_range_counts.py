"""The row-count shortcut splits a WHERE only where that is the same condition (query/counts.py)."""
from __future__ import annotations

import pytest

from idempiere_emulator.catalog import builtin_catalog
from idempiere_emulator.query.counts import _count, conjuncts, shape_of

ORDER = builtin_catalog().get("C_Order")


@pytest.mark.parametrize("sql, terms", [
    ('"A">= ? AND "B"< ?', ['"A">= ?', '"B"< ?']),
    ('("IsActive" IS NOT NULL AND ("Updated">= ? AND "Updated"< ?)) AND "Updated" >= ? AND AD_Client_ID IN (0,11)',
     ['"IsActive" IS NOT NULL', '"Updated">= ?', '"Updated"< ?', '"Updated" >= ?', "AD_Client_ID IN (0,11)"]),
    ("IsActive='Y' AND \"Name\" LIKE ?", ["IsActive='Y'", '"Name" LIKE ?']),
    ('("A"= ? OR "B"= ?) AND "C"> ?', ['("A"= ? OR "B"= ?)', '"C"> ?']),  # an OR group stays one term
    ('(("A"> ?) AND ("B"< ?))', ['"A"> ?', '"B"< ?']),
    ('("A"> ?) = ("B"< ?)', ['("A"> ?) = ("B"< ?)']),  # not one group: kept whole
    ('"AND" > ? AND "X_AND" < ?', ['"AND" > ?', '"X_AND" < ?']),  # quoted names are not keywords
    ("\"Name\" = 'a AND b'", ["\"Name\" = 'a AND b'"]),
    ('NOT "A" > ? AND "B" < ?', ['NOT "A" > ?', '"B" < ?']),
])
def test_conjuncts_split_only_top_level_and(sql, terms):
    assert conjuncts(sql) == terms


@pytest.mark.parametrize("sql", [
    '"A"> ? AND "B"< ? OR "C"= ?',  # AND binds tighter than OR: splitting would change the condition
    '"A" BETWEEN ? AND ?',
    'CASE WHEN "A" > ? AND "B" < ? THEN 1 END',
    '"A"> ? AND AND "B"< ?',
    '("A"> ?',
    '"A"> ? or "B"< ?',
])
def test_unsafe_or_unbalanced_where_is_not_split(sql):
    assert conjuncts(sql) is None


def test_shape_takes_the_column_with_most_range_terms_and_keeps_parameter_positions():
    where = ('("IsActive" IS NOT NULL AND ("Updated">= ? AND "Updated"< ?) AND "C_Order_ID"> ?) '
             'AND "Updated" >= ? AND AD_Client_ID IN (0,11)')
    shape = shape_of(ORDER, where)
    assert shape.column == "Updated"
    assert shape.ranges == ((">=", 0), ("<", 1), (">=", 3))
    assert shape.rest_sql == '"IsActive" IS NOT NULL AND "C_Order_ID"> ? AND AD_Client_ID IN (0,11)'
    assert shape.rest_idx == (2,)
    assert shape_of(ORDER, "IsActive='Y' AND AD_Client_ID IN (0,11)") is None
    assert shape_of(ORDER, '"NoSuchColumn" > ?') is None
    assert shape_of(ORDER, '"updated" > ?') is None  # not the catalog spelling: left to SQLite
    assert shape_of(ORDER, '"DocStatus"= ? AND "IsActive"= ?') is None  # equalities alone are fixed conditions
    shape = shape_of(ORDER, '"DocStatus"= ? AND "GrandTotal"= ? AND "GrandTotal"> ?')
    assert (shape.column, shape.rest_sql, shape.ranges) == ("GrandTotal", '"DocStatus"= ?', (("=", 1), (">", 2)))


@pytest.mark.parametrize("ranges, expected", [
    ([(">=", 2), ("<", 5)], 4),
    ([(">", 2), ("<=", 5)], 4),
    ([(">=", 2), (">", 2)], 6),  # strict wins a tie
    ([("<=", 5), ("<", 5)], 5),
    ([("=", 3)], 2),
    ([("=", 3), (">", 3)], 0),
    ([(">", 9)], 0),
    ([("<", 0)], 0),
    ([(">=", 5), ("<", 2)], 0),
    ([(">=", 2.5)], 6),
])
def test_count_by_bisection(ranges, expected):
    values = [1, 2, 3, 3, 4, 5, 6, 7]
    assert _count(values, ranges) == expected == sum(all(_holds(v, op, b) for op, b in ranges) for v in values)


def _holds(v, op, b) -> bool:
    return {">": v > b, ">=": v >= b, "<": v < b, "<=": v <= b, "=": v == b}[op]
