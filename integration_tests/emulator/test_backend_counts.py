"""``row-count`` from the sorted-values shortcut equals SQLite's COUNT(*) for the same WHERE (query/counts.py).

The shortcut only starts after a rest was seen with many rows; here the threshold is 0 so every filter of a
shape seen twice is answered from the sorted list, and each answer is checked against a plain COUNT(*).
"""
from __future__ import annotations

import random

import pytest

from idempiere_emulator import fixtures as fx
from idempiere_emulator.emulator_options import EmulatorOptions
from idempiere_emulator.model.backend import Backend
from idempiere_emulator.session import Session

ADMIN = Session(fx.CLIENT_ID, fx.USER_ADMIN, fx.ROLE_ADMIN, fx.ORG_HQ, fx.WAREHOUSE_HQ)
USER = Session(fx.CLIENT_ID, fx.USER_RESTRICTED, fx.ROLE_USER, fx.ORG_HQ, fx.WAREHOUSE_HQ)


@pytest.fixture
def backend():
    b = Backend(EmulatorOptions(rows=300))
    b.counts.MIN_ROWS = 0
    yield b
    b.close()


def sql_count(b: Backend, session: Session, table: str, text: str | None) -> int:
    t = b.catalog.get(table)
    where, params = b.where_clause(session, t, text)
    return b.sql(f'SELECT COUNT(*) FROM "{t.name}" WHERE {where}', params)[0][0]


def check(b: Backend, table: str, text: str | None, session: Session = ADMIN) -> int:
    expected = sql_count(b, session, table, text)
    for _ in range(2):  # the first sighting counts in SQLite, the second builds and uses the list
        assert b.query(session, table, filter=text, top=1).row_count == expected, text
    return expected


def _literal(value) -> str:
    return f"'{value}'" if isinstance(value, str) else str(value)


def test_random_range_filters_match_count_star(backend):
    rng = random.Random(5)
    updated = [r[0] for r in backend.sql("SELECT Updated FROM C_Order ORDER BY Updated")]
    keys = [r[0] for r in backend.sql("SELECT C_Order_ID FROM C_Order")]
    totals = [r[0] for r in backend.sql("SELECT GrandTotal FROM C_Order")]
    columns = [("Updated", lambda: rng.choice(updated[:-1])[:rng.choice((19, 23))]),  # seconds or ms literals
               ("C_Order_ID", lambda: rng.choice(keys) + rng.choice((0, 0, 1, -1))),
               ("GrandTotal", lambda: rng.choice(totals) + rng.choice((0, 0, 0.005, -0.01))),
               ("DateOrdered", lambda: rng.choice(updated)[:10])]
    prefixes = ["", "IsActive neq null and ", "IsActive eq true and ", "DocStatus eq 'CO' and ",
                "C_BPartner_ID eq 118 and "]
    seen_nonzero = 0
    for _ in range(150):
        name, pick = rng.choice(columns)
        ops = rng.sample(["ge", "gt", "lt", "le", "eq"], rng.choice((1, 2, 2, 3)))
        terms = [f"{name} {op} {_literal(pick())}" for op in ops]
        text = rng.choice(prefixes) + ("(" + " and ".join(terms) + ")" if rng.random() < 0.5 else " and ".join(terms))
        seen_nonzero += check(backend, "c_order", text) > 0
    assert seen_nonzero > 50
    assert {key[1] for key in backend.counts._lists} == {"Updated", "C_Order_ID", "GrandTotal", "DateOrdered"}


def test_mixed_and_unsplittable_filters_match_count_star(backend):
    first = backend.sql("SELECT MIN(Updated) FROM C_Order")[0][0][:19]
    for text in [None, "IsActive neq null",
                 f"Updated ge '{first}' and C_Order_ID gt 150",
                 f"Updated gt '{first}' or (Updated eq '{first}' and C_Order_ID gt 120)",
                 f"(Updated ge '{first}' and Updated lt '2030-01-01 00:00:00') or C_Order_ID lt 110",
                 "contains(DocumentNo,'80') and C_Order_ID ge 200",
                 "tolower(DocumentNo) ge '80100' and DocumentNo lt '80200'",
                 "C_Order_ID in (100,101,102) and C_Order_ID ge 101",
                 "Created gt Updated and C_Order_ID gt 120"]:
        check(backend, "c_order", text)
    check(backend, "c_orderline", "QtyOrdered ge 2 and QtyOrdered lt 4")
    check(backend, "fact_acct", "AmtAcctDr gt 10 and AmtAcctDr le 500")


def test_other_sessions_and_writes_are_never_served_stale_counts(backend):
    window = "IsActive neq null and (Updated ge '2024-01-01 00:00:00' and Updated lt '2025-01-01 00:00:00')"
    before = check(backend, "c_order", window)
    assert check(backend, "c_order", window, USER) < before  # role 103-like org access: another rest, another list
    backend.sql("UPDATE C_Order SET Updated='2031-01-01 00:00:00.000' WHERE C_Order_ID IN (100, 101)")  # raw SQL
    assert check(backend, "c_order", window) == before - 2
    assert len(backend.counts._lists) == 2  # ADMIN's and USER's rests, rebuilt after the write
    backend.touch("C_Order", ids=[102])  # a write through the store: Updated = now
    assert check(backend, "c_order", window) == before - 3
    backend.insert_raw("C_Order", [{"DocumentNo": "X1", "C_BPartner_ID": 118, "Updated": "2024-06-01T00:00:00Z"}])
    assert check(backend, "c_order", window) == before - 2


def test_a_bound_of_another_kind_than_the_column_values_is_left_to_sqlite(backend):
    t = backend.catalog.get("C_Order")
    where = "IsActive='Y' AND \"Updated\" >= ?"
    for _ in range(3):  # TEXT column, integer bound: SQLite compares it as text '5'
        expected = backend.sql(f"SELECT COUNT(*) FROM C_Order WHERE {where}", [5])[0][0]
        assert backend.counts.count(t, where, [5]) == expected
    where = "IsActive='Y' AND \"C_Order_ID\" >= ?"
    for bound in (150, "150", 150.5, float("nan")):
        expected = backend.sql(f"SELECT COUNT(*) FROM C_Order WHERE {where}", [bound])[0][0]
        assert backend.counts.count(t, where, [bound]) == expected
        assert backend.counts.count(t, where, [bound]) == expected


def test_a_column_holding_text_and_numbers_is_left_to_sqlite(backend):
    """SQLite orders every number before every text; a REAL column with one text value must not be bisected."""
    backend.sql("UPDATE C_Order SET GrandTotal='n/a' WHERE C_Order_ID=105")
    for text in ["GrandTotal gt 5 and GrandTotal lt 100000", "GrandTotal ge 0", "GrandTotal lt 50"]:
        check(backend, "c_order", text)
    kinds = [entry[2] for key, entry in backend.counts._lists.items() if key[1] == "GrandTotal"]
    assert kinds and all(kind is None for kind in kinds)  # read once, found mixed, not read again
