"""paging.Page envelope parsing (array-count bug, clamped records-size) (§3.1, §3.3)."""
from __future__ import annotations

import pytest

from idempiere_client.paging import Page


@pytest.mark.parametrize(
    ("body", "count", "row_count", "size", "full"),
    [
        ({"page-count": 3, "records-size": 100, "skip-records": 0, "row-count": 250,
          "records": [{}] * 100, "array-count": 100}, 100, 250, 100, True),
        ({"page-count": 3, "records-size": 100, "skip-records": 0, "row-count": 250,
          "records": [{}] * 100, "array-count": 0}, 100, 250, 100, True),
        ({"page-count": 1, "records-size": 100, "skip-records": 200, "row-count": 250,
          "records": [{}] * 50, "array-count": 0}, 50, 250, 100, False),
        ({"page-count": 1, "records-size": 100, "skip-records": 0, "row-count": 0, "records": []}, 0, 0, 100, False),
        ({"row-count": 5}, 0, 5, 500, False),
    ],
    ids=["current-server", "legacy-array-count-zero", "last-page", "empty", "records-absent"],
)
def test_page_counts_come_from_the_records_not_array_count(body, count, row_count, size, full):
    page = Page.from_json(body, skip=body.get("skip-records", 0), top=500)
    assert page.count == count and page.row_count == row_count and page.records_size == size
    assert page.is_full is full


def test_clamped_top_is_visible_in_records_size():
    page = Page.from_json({"records-size": 100, "records": [{}] * 100, "row-count": 1000}, top=500)
    assert page.records_size == 100 and page.is_full and page.next_skip == 100


def test_records_must_be_a_list():
    with pytest.raises(ValueError):
        Page.from_json({"records": {"id": 1}})
