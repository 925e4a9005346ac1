"""destination-frappe's GET lookups are sized by encoded URL length (``erp_http.url_budget``), never by a count
alone: long non-ASCII keys are split into requests nginx accepts (the emulator refuses a request line over
8 KB with 414, as nginx does), and a key whose request cannot fit even alone is that record's reject."""
from __future__ import annotations

import pytest

from frappe_emulator import FrappeEmulator, FrappeOptions
from integration_tests.frappe_destination.helpers import catalog, config, rec, rejects_of, write
from integration_tests.frappe_destination.test_frappe_writes import customer, order

HUGE = "ü" * 1500  # 3000 UTF-8 bytes, 9000 percent-encoded: no URL of 4 KB holds it


@pytest.fixture
def emu():
    with FrappeEmulator(FrappeOptions(rows=5)) as server:
        yield server


def _refused(emu) -> list[dict]:
    return [r for r in emu.requests() if r.get("status") == 414]


def test_the_emulator_refuses_a_request_line_over_8_kb_like_nginx(emu):
    import requests
    answer = requests.get(f"{emu.base_url}/api/resource/Customer", params={"filters": "x" * 9000}, timeout=10)
    assert answer.status_code == 414 and "nginx" in answer.text


def test_many_long_non_ascii_keys_are_looked_up_in_requests_that_fit(emu, tmp_path):
    """100 keys of ~50 two-byte characters: one `in` filter of them is ~30 KB encoded (414 before)."""
    path = tmp_path / "rejects.jsonl"
    keys = [f"{'Ä' * 48}-{i:03d}" for i in range(100)]
    cat = catalog(("customer", "append_dedup", ["custom_external_id"]))
    msgs = [rec("customer", customer(f"Long {i}", custom_external_id=k)) for i, k in enumerate(keys)]
    msgs.insert(50, rec("customer", customer("Huge", custom_external_id=HUGE)))
    first = write(config(emu, rejected_records_path=str(path)), cat, msgs)
    assert first.counts("customer") == {"inserted": 100, "rejected": 1}
    [reject] = rejects_of(path)
    assert reject["reason"].startswith("the key custom_external_id = 'üüü")
    assert "is too long to look up: its request does not fit in a URL of 4096 bytes" in reject["reason"]
    assert HUGE not in reject["reason"]  # the reason shows the key's start and length, not all of it
    again = write(config(emu), cat, msgs[:50] + msgs[51:])  # found by the split lookups: nothing inserted twice
    assert again.counts("customer") == {"unchanged": 100}
    assert _refused(emu) == []
    assert emu.backend.sql("SELECT COUNT(*) FROM `tabCustomer` WHERE custom_external_id LIKE 'Ä%'") == [(100,)]


def test_a_name_key_too_long_for_a_url_is_that_records_reject(emu, tmp_path):
    path = tmp_path / "rejects.jsonl"
    cfg = config(emu, rejected_records_path=str(path), streams=[{"stream": "Sync Tag", "key_field": "name"}])
    run = write(cfg, catalog(("Sync Tag", "append_dedup", ["name"])),
                [rec("Sync Tag", {"name": "€" * 1000, "tag_title": "huge"}),
                 rec("Sync Tag", {"name": "grün", "tag_title": "Grün"})])
    assert run.counts("Sync Tag") == {"inserted": 1, "rejected": 1}
    [reject] = rejects_of(path)
    assert reject["reason"].startswith("the key name = '€€€") and "too long to look up" in reject["reason"]
    assert _refused(emu) == []
    assert emu.backend.sql("SELECT name FROM `tabSync Tag` WHERE tag_title = 'Grün'") == [("grün",)]


def test_a_link_lookup_too_long_for_a_url_rejects_only_the_records_using_it(emu, tmp_path):
    path = tmp_path / "rejects.jsonl"
    run = write(config(emu, rejected_records_path=str(path)), catalog(("Sales Order", "append")),
                [rec("Sales Order", order(1, customer={"customer_name": HUGE})),
                 rec("Sales Order", order(2, customer={"customer_name": "Customer 0003"}))])
    assert run.counts("Sales Order") == {"inserted": 1, "rejected": 1}
    [reject] = rejects_of(path)
    assert reject["record"]["po_no"] == "DST-1"
    assert "lookup of Customer where customer_name = 'üüü" in reject["reason"]
    assert "is too long to send: its request does not fit in a URL of 4096 bytes" in reject["reason"]
    assert _refused(emu) == []
    assert emu.backend.sql("SELECT customer FROM `tabSales Order` WHERE po_no = 'DST-2'") == [("Customer 0003",)]
