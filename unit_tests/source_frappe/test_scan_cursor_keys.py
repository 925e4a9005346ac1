"""Pure parts of source_frappe: the keyset scan, sync bounds and state, known-key encoding, options."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from frappe_client.errors import ConfigurationError, PagingOrderError
from frappe_client.timeutil import SiteClock
from source_frappe.cursor import SyncBounds, floor_cursor
from source_frappe.keys import decode_keys, encode_keys
from source_frappe.options import SourceOptions, connection_specification
from source_frappe.scan import KeysetScan

CREDS = {"auth_type": "api_key", "api_key": "k", "api_secret": "s"}


def _rows(*pairs):
    return [{"modified": m, "name": n} for m, n in pairs]


def test_scan_moves_after_the_last_row_as_sent_and_ends_on_a_short_page() -> None:
    scan = KeysetScan("2026-01-01 00:00:00.000000", "2026-02-01 00:00:00.000000", 2)
    assert "or_filters" not in scan.params()
    scan.accept(_rows(("2026-01-05 10:00:00", "B"), ("2026-01-05 10:00:00", "a")))  # the server's order, as is
    params = scan.params()
    assert json.loads(params["or_filters"]) == [["modified", ">", "2026-01-05 10:00:00"], ["name", ">", "a"]]
    assert scan.checkpoint == "2026-01-05 10:00:00.000000" and not scan.done
    scan.accept(_rows(("2026-01-06 00:00:00.5", "c")))
    assert scan.done and scan.checkpoint == "2026-02-01 00:00:00.000000"


def test_scan_refuses_rows_out_of_modified_order_and_a_page_that_does_not_move() -> None:
    scan = KeysetScan(None, None, 2)
    with pytest.raises(PagingOrderError, match="order"):
        scan.accept(_rows(("2026-01-05 10:00:01", "a"), ("2026-01-05 10:00:00", "b")))
    scan = KeysetScan(None, None, 2)
    scan.accept(_rows(("2026-01-05", "a"), ("2026-01-05 00:00:00", "b")))
    with pytest.raises(PagingOrderError, match="ignored or_filters"):
        scan.accept(_rows(("2026-01-05", "a"), ("2026-01-05 00:00:00", "b")))


def test_empty_range_is_done_at_once() -> None:
    assert KeysetScan("2026-01-02 00:00:00.000000", "2026-01-01 00:00:00.000000", 5).done


NY = SiteClock("America/New_York")
UPPER = datetime(2026, 12, 7, 15, 0, tzinfo=timezone.utc)


def test_bounds_from_state_with_lookback_zone_change_and_start_date() -> None:
    bounds = SyncBounds(NY, UPPER, timedelta(seconds=300), start_date=datetime(2026, 1, 1, tzinfo=timezone.utc))
    assert bounds.upper == "2026-12-07 10:00:00.000000"
    assert bounds.lower({}) == "2025-12-31 19:00:00.000000"  # start_date in site wall time
    assert bounds.lower({"cursor": "2026-12-07 09:00:00.000000", "time_zone": "America/New_York"}) == \
        "2026-12-07 08:55:00.000000"
    # The site moved from Berlin to New York: the saved wall time is converted, not reused.
    assert bounds.lower({"cursor": "2026-12-07 15:00:00.000000", "time_zone": "Europe/Berlin"}) == \
        "2026-12-07 08:55:00.000000"
    final = bounds.state(bounds.upper, {"synced_at": "old"}, keys="z1:x")
    assert final == {"cursor": bounds.upper, "time_zone": "America/New_York", "synced_at": "2026-12-07T15:00:00Z",
                     "keys": "z1:x"}
    mid = bounds.state("2026-12-07 09:30:00.000000", {"synced_at": "2026-12-07T14:00:00Z"}, keys=None)
    assert mid == {"cursor": "2026-12-07 09:30:00.000000", "time_zone": "America/New_York",
                   "synced_at": "2026-12-07T14:00:00Z"}


def test_bounds_cover_the_repeated_fall_back_hour() -> None:
    bounds = SyncBounds(NY, datetime(2026, 11, 1, 6, 20, tzinfo=timezone.utc), timedelta(seconds=300))
    state = {"cursor": "2026-11-01 01:45:00.000000", "time_zone": "America/New_York",
             "synced_at": "2026-11-01T05:45:00Z"}
    assert bounds.lower(state) == "2026-11-01 01:00:00.000000"


def test_floor_cursor_never_moves_a_mid_sync_checkpoint_back() -> None:
    assert floor_cursor("2026-01-01 00:00:00.000000", "2026-02-01 00:00:00") == "2026-02-01 00:00:00.000000"
    assert floor_cursor("2026-03-01 00:00:00.000000", "2026-02-01 00:00:00") == "2026-03-01 00:00:00.000000"
    assert floor_cursor(None, None) is None


def test_known_keys_round_trip_and_garbage_is_none() -> None:
    encoded = encode_keys(["b", "a", 3, "O'Brien/1"])
    assert encoded.startswith("z1:") and decode_keys(encoded) == {"a", "b", "3", "O'Brien/1"}
    assert decode_keys(encode_keys([])) == set()
    assert decode_keys(None) is None and decode_keys("z1:!!!") is None and decode_keys("plain") is None


def test_options_parse_and_refuse_with_the_key_named() -> None:
    opts = SourceOptions.from_airbyte({"site_url": "https://e.x/app", "credentials": CREDS,
                                       "doctypes": "Customer, Sales *", "num_workers": 8.0, "child_tables": "both"})
    assert opts.doctypes == ("Customer", "Sales *") and opts.num_workers == 8 and opts.nested and opts.child_streams
    assert opts.selects("sales order") and opts.selects("Customer") and not opts.selects("ToDo")
    assert opts.explicit_doctypes() == ["Customer"] and opts.named("customer")
    assert opts.page_size == 500 and opts.child_tables == "both" and not opts.detect_deletes
    for bad, key in [({"page_size": 0}, "page_size"), ({"child_tables": "flat"}, "child_tables"),
                     ({"site_timezone": "Nowhere/City"}, "site_timezone"), ({"detect_deletes": "yes"}, "detect_deletes"),
                     ({"start_date": "yesterday"}, "yesterday"), ({"doctypes": [1]}, "doctypes")]:
        with pytest.raises(ConfigurationError, match=key):
            SourceOptions.from_airbyte({"site_url": "https://e.x", "credentials": CREDS, **bad})


def test_spec_defaults_and_the_child_tables_choice_is_explained() -> None:
    props = connection_specification()["properties"]
    assert props["child_tables"]["default"] == "nested" and "nested (default)" in props["child_tables"]["description"]
    assert props["page_size"]["default"] == 500 and props["detect_deletes"]["default"] is False
    assert props["verify_tls"]["default"] is True
