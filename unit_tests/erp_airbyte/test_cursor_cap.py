"""erp_airbyte.source.cursor_cap: a saved cursor after the frozen upper bound is capped and warned about."""
from __future__ import annotations

from datetime import datetime, timezone

from erp_airbyte.source.cursor_cap import capped_cursor

UPPER = datetime(2026, 12, 7, 16, 0, tzinfo=timezone.utc)


def test_a_future_cursor_becomes_the_upper_bound_with_a_warning_naming_both():
    cursor, warning = capped_cursor(datetime(2099, 1, 1, tzinfo=timezone.utc), UPPER, "Item")
    assert cursor == UPPER
    assert "Item" in warning and "2099-01-01" in warning and "2026-12-07T16:00:00" in warning


def test_a_past_or_equal_cursor_is_kept_silently():
    past = datetime(2026, 1, 1, tzinfo=timezone.utc)
    assert capped_cursor(past, UPPER, "Item") == (past, None)
    assert capped_cursor(UPPER, UPPER, "Item") == (UPPER, None)
