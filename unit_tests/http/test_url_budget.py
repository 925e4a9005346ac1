"""erp_http.url_budget: GET lookups sized by encoded URL length, not by a count of keys (issue 11)."""
from __future__ import annotations

from urllib.parse import quote

from erp_http.url_budget import MAX_QUERY_BYTES, query_length, split_until_fits


def _filter_size(keys) -> int:
    return query_length({"$filter": " or ".join(f"Value eq '{k}'" for k in keys)})


def test_query_length_counts_percent_encoded_utf8():
    assert query_length({"q": "ü"}) == len("q=") + len(quote("ü"))  # 6 bytes for one character
    assert query_length({"a": "1", "b": None}) == len("a=1")


def test_long_non_ascii_keys_are_split_until_every_chunk_fits_and_order_is_kept():
    keys = [f"{i:03d}-" + "ü" * 60 for i in range(100)]  # ~400 encoded bytes each, ~40 KB together
    assert _filter_size(keys) > 8192
    chunks, alone = split_until_fits(keys, _filter_size)
    assert alone == [] and len(chunks) > 1
    assert all(_filter_size(chunk) <= MAX_QUERY_BYTES for chunk in chunks)
    assert [k for chunk in chunks for k in chunk] == keys


def test_short_keys_stay_in_one_chunk():
    keys = [f"K{i}" for i in range(100)]
    chunks, alone = split_until_fits(keys, _filter_size)
    assert chunks == [keys] and alone == []


def test_a_key_too_long_even_alone_is_returned_for_rejection():
    keys = ["short", "x" * 5000, "other"]
    chunks, alone = split_until_fits(keys, _filter_size)
    assert alone == ["x" * 5000]
    assert [k for chunk in chunks for k in chunk] == ["short", "other"]


def test_nothing_in_nothing_out():
    assert split_until_fits([], _filter_size) == ([], [])
