"""Time windows are cut where the rows are (row quantiles), so skewed history still splits evenly."""
from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta, timezone

from idempiere_client.timeutil import ServerClock
from source_idempiere.reader import ReadSettings, TableReader

from .fakes import FakeClient, Row, order_meta

NOW = datetime(2026, 11, 20, 12, 0, 0, tzinfo=timezone.utc)
OLD = datetime(2024, 1, 1, tzinfo=timezone.utc)  # three busy weeks long ago, nothing since


def _settings() -> ReadSettings:
    return ReadSettings(page_size=10, lookback_seconds=300, start_date=None, fk_mode="flatten",
                        detect_deletes=False, workers=4)


def test_skewed_history_is_split_into_windows_of_similar_row_counts_and_nothing_is_lost():
    data = {k: Row(k, OLD + timedelta(seconds=37 * k, milliseconds=k % 1000)) for k in range(1, 1201)}
    client = FakeClient(data)
    reader = TableReader(client, order_meta(), ServerClock("UTC"), _settings())
    emitted = [r["id"] for batch in reader.incremental(None, now=NOW) for r in batch.rows]
    assert sorted(emitted) == sorted(data)
    # rows per window upper bound, from the data pages (not the 1-row probes)
    per_window = Counter()
    for call in client.calls:
        if call["top"] > 1 and "Updated lt" in call["filter"]:
            upper = call["filter"].split("Updated lt ")[1]
            per_window[upper] += 1
    busy = [pages for upper, pages in per_window.items() if "2026" not in upper]
    assert len(busy) >= 4, f"the busy weeks were not split: {per_window}"
    assert max(per_window.values()) <= 3 * (sum(per_window.values()) / len(per_window))


def test_a_failing_probe_falls_back_to_the_even_split():
    data = {k: Row(k, OLD + timedelta(seconds=37 * k)) for k in range(1, 601)}
    client = FakeClient(data)
    real = client.get_page

    def get_page(table, **kw):
        if kw.get("top") == 1:
            raise RuntimeError("probe refused")
        return real(table, **kw)

    client.get_page = get_page
    reader = TableReader(client, order_meta(), ServerClock("UTC"), _settings())
    emitted = [r["id"] for batch in reader.incremental(None, now=NOW) for r in batch.rows]
    assert sorted(emitted) == sorted(data)
