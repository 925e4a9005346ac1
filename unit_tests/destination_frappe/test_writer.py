"""StreamWriter against the in-memory FakeSite: modes, keys, bisecting, 409s, lost answers, docstatus, Links."""
from __future__ import annotations

import logging
from collections import Counter
from zoneinfo import ZoneInfo

import pytest

from destination_frappe.api import FrappeApi
from destination_frappe.links import LinkResolver
from destination_frappe.payload import RecordMapper
from destination_frappe.plan import StreamSettings
from destination_frappe.writer import StreamWriter
from unit_tests.destination_frappe.doctypes import CUSTOMER, SALES_ORDER, TODO, doctype
from unit_tests.destination_frappe.fake_site import FakeSite

LOG = logging.getLogger("test")


class Recorder:
    def __init__(self):
        self.counts: Counter[str] = Counter()
        self.rejects: list[tuple[int, str]] = []

    def done(self, rec, outcome):
        self.counts[outcome] += 1

    def reject(self, rec, reason):
        self.counts["rejected"] += 1
        self.rejects.append((rec.seq, reason))

    def note(self, counter, n=1):
        self.counts[counter] += n


def seqmap(fn, items):
    return [fn(x) for x in items]


def site():
    return FakeSite({"Customer": "field:customer_name", "Sales Order": "naming_series:", "ToDo": "hash",
                     "Customer Group": "Prompt"},
                    unique={"Sales Order": ["ext_ref"]},
                    links={("Sales Order", "customer"): "Customer"})


class Harness:
    def __init__(self, fake, meta, settings, dry_run=False, batch_size=50, drop=False):
        self.fake = fake
        self.out = Recorder()
        api = FrappeApi(fake)
        self.resolver = LinkResolver(api, seqmap, LOG)
        dt = doctype(meta)
        self.mapper = RecordMapper(dt, settings.key_field, ZoneInfo("UTC"), drop, "s", LOG)
        self.writer = StreamWriter(api, dt, settings, self.resolver, seqmap, self.out, batch_size=batch_size,
                                   dry_run=dry_run, logger=LOG, stream="s")
        self.seq = 0

    def write(self, *records):
        recs = []
        for data in records:
            self.seq += 1
            recs.append(self.mapper.prepare(self.seq, data))
        self.writer.write(recs)
        return self.out


def order(i, **kw):
    return {"customer": "ACME", "transaction_date": "2026-12-01", "ext_ref": f"X{i}",
            "items": [{"item_code": "W", "qty": i}], **kw}


def with_customer(fake):
    fake.docs["Customer"]["ACME"] = {"name": "ACME", "customer_name": "ACME", "docstatus": 0}
    return fake


def test_append_batches_inserts_and_bisects_a_refused_batch_so_good_records_land():
    fake = with_customer(site())
    h = Harness(fake, SALES_ORDER, StreamSettings("append"), batch_size=8)
    bad = order(3, customer="NOPE")
    out = h.write(order(1), order(2), bad, order(4), order(5), order(6), order(7), order(8))
    assert out.counts["inserted"] == 7
    assert out.rejects == [(3, "HTTP 417 LinkValidationError: Could not find Customer: NOPE")]
    assert fake.count("Sales Order") == 7
    assert ("POST", "insert_many") in fake.calls


def test_upsert_on_natural_name_inserts_then_finds_nothing_to_change_then_updates():
    fake = site()
    h = Harness(fake, CUSTOMER, StreamSettings("append_dedup", key_field="name"))
    h.write({"name": "ACME", "customer_name": "ACME", "credit_limit": 10})
    h.write({"name": "acme", "customer_name": "ACME", "credit_limit": 10})
    h.write({"name": "ACME", "customer_name": "ACME", "credit_limit": 20})
    assert h.out.counts == Counter(inserted=1, unchanged=1, updated=1)
    assert fake.docs["Customer"]["ACME"]["credit_limit"] == 20
    assert fake.count("Customer") == 1


def test_upsert_on_a_unique_field_and_a_repeated_key_in_one_chunk():
    fake = with_customer(site())
    h = Harness(fake, SALES_ORDER, StreamSettings("append_dedup", key_field="ext_ref"))
    h.write(order(1), order(2), order(1, grand_total=5))
    assert h.out.counts == Counter(inserted=2, updated=1)
    assert fake.count("Sales Order") == 2
    h.write(order(1, grand_total=5), order(2))
    assert h.out.counts["unchanged"] == 2 and fake.count("Sales Order") == 2


def test_update_mode_rejects_a_missing_document_with_the_key_named():
    h = Harness(site(), CUSTOMER, StreamSettings("update", key_field="name"))
    out = h.write({"name": "Ghost", "customer_name": "Ghost"})
    assert out.rejects == [(1, "no Customer document has name = 'Ghost' (update mode does not insert; use append_dedup)")]


def test_natural_name_409_in_append_mode_counts_as_existing():
    fake = site()
    h = Harness(fake, CUSTOMER, StreamSettings("append"))
    h.write({"customer_name": "ACME"}, {"customer_name": "Bolt"})
    h.write({"customer_name": "ACME"}, {"customer_name": "Cord"})
    assert h.out.counts == Counter(inserted=3, existing=1)
    assert fake.count("Customer") == 3


def test_lost_insert_answer_on_natural_names_is_resent_and_the_409_means_written():
    fake = site()
    fake.drop_next = ["insert_many"]
    h = Harness(fake, CUSTOMER, StreamSettings("append"))
    out = h.write({"customer_name": "A"}, {"customer_name": "B"})
    assert out.counts == Counter(inserted=2)
    assert fake.count("Customer") == 2


def test_lost_insert_answer_with_external_id_field_is_proven_and_not_duplicated():
    fake = with_customer(site())
    fake.drop_next = ["insert_many"]
    h = Harness(fake, SALES_ORDER, StreamSettings("append", external_id_field="ext_ref"))
    out = h.write(order(1), order(2), order(3))
    assert out.counts == Counter(inserted=3)
    assert fake.count("Sales Order") == 3
    assert "unverified_resends" not in out.counts


def test_lost_insert_answer_without_an_external_id_is_resent_and_reported(caplog):
    fake = site()
    fake.drop_next = ["insert_many"]
    h = Harness(fake, TODO, StreamSettings("append"))
    with caplog.at_level(logging.WARNING, "test"):
        out = h.write({"description": "a"}, {"description": "b"})
    assert out.counts == Counter(inserted=2, unverified_resends=2)
    assert fake.count("ToDo") == 4  # the documented risk, made visible
    assert "MAY NOW EXIST TWICE" in caplog.text


def test_insert_needs_the_external_id_value():
    h = Harness(with_customer(site()), SALES_ORDER, StreamSettings("append", external_id_field="ext_ref"))
    out = h.write(order(1, ext_ref=None))
    assert out.rejects == [(1, "external_id_field 'ext_ref' is empty: an insert needs it to be checked after a lost answer")]


def test_docstatus_submit_on_insert_and_refused_transitions_carry_the_server_reason():
    fake = with_customer(site())
    h = Harness(fake, SALES_ORDER, StreamSettings("append_dedup", key_field="ext_ref", submit_on_insert=True))
    h.write(order(1))
    doc = next(iter(fake.docs["Sales Order"].values()))
    assert doc["docstatus"] == 1
    out = h.write(order(1, docstatus=0))
    assert out.rejects[-1][1].startswith("HTTP 417 DocstatusTransitionError: Cannot change docstatus from 1 to 0")
    h.write(order(1, docstatus=2))
    assert doc["docstatus"] == 2
    assert h.write(order(1, docstatus=2)).counts["unchanged"] == 1


def test_draft_to_cancelled_submits_then_cancels():
    fake = with_customer(site())
    h = Harness(fake, SALES_ORDER, StreamSettings("append_dedup", key_field="ext_ref"))
    h.write(order(1))
    h.write(order(1, docstatus=2))
    assert next(iter(fake.docs["Sales Order"].values()))["docstatus"] == 2
    assert h.out.counts == Counter(inserted=1, updated=1)


@pytest.mark.parametrize("action,status,expected,left", [
    ("delete", 0, "deleted", 0), ("delete", 1, "deleted", 0), ("cancel", 1, "cancelled", 1),
])
def test_soft_delete_actions(action, status, expected, left):
    fake = with_customer(site())
    Harness(fake, SALES_ORDER, StreamSettings("append", submit_on_insert=bool(status))).write(order(1))
    h = Harness(fake, SALES_ORDER, StreamSettings("soft_delete", key_field="ext_ref", delete_action=action))
    out = h.write({"ext_ref": "X1"}, {"ext_ref": "missing"})
    assert out.counts == Counter({expected: 1, "unchanged": 1})
    assert fake.count("Sales Order") == left


def test_soft_delete_cancel_refuses_a_draft_and_disable_sets_the_check():
    fake = with_customer(site())
    Harness(fake, SALES_ORDER, StreamSettings("append")).write(order(1))
    out = Harness(fake, SALES_ORDER, StreamSettings("soft_delete", key_field="ext_ref", delete_action="cancel")).write(
        {"ext_ref": "X1"})
    assert "is a draft (docstatus 0): only submitted documents can be cancelled" in out.rejects[0][1]
    h = Harness(fake, CUSTOMER, StreamSettings("soft_delete", key_field="name", delete_action="disable"))
    h.write({"name": "ACME"})
    h.write({"name": "ACME"})
    assert fake.docs["Customer"]["ACME"]["disabled"] == 1
    assert h.out.counts == Counter(disabled=1, unchanged=1)


def test_deletion_marker_in_upsert_mode_deletes():
    fake = with_customer(site())
    h = Harness(fake, CUSTOMER, StreamSettings("append_dedup", key_field="name"))
    out = h.write({"name": "ACME", "_ab_cdc_deleted_at": "2026-12-01T00:00:00Z"})
    assert out.counts == Counter(deleted=1) and fake.count("Customer") == 0


def test_link_lookups_one_request_per_distinct_value_with_not_found_and_ambiguous():
    fake = site()
    for name, group in (("ACME", "A"), ("Bolt", "B"), ("Bolt 2", "B")):
        fake.docs["Customer"][name] = {"name": name, "customer_name": name, "customer_group": group}
    h = Harness(fake, SALES_ORDER, StreamSettings("append"))
    out = h.write(order(1, customer={"customer_group": "A"}), order(2, customer={"customer_group": "A"}),
                  order(3, customer={"customer_group": "B"}), order(4, customer={"customer_group": "Z"}))
    assert out.counts["inserted"] == 2
    reasons = dict(out.rejects)
    assert reasons[3].startswith("field customer: ambiguous Link lookup: more than one Customer where customer_group = \"B\"")
    assert reasons[4] == 'field customer: no Customer where customer_group = "Z" (Link lookup found nothing)'
    assert h.resolver.requests == 3
    assert {d["customer"] for d in fake.docs["Sales Order"].values()} == {"ACME"}


def test_a_not_found_link_is_asked_again_after_this_run_inserted_into_its_doctype():
    fake = site()
    so = Harness(fake, SALES_ORDER, StreamSettings("append"))
    so.write(order(1, customer={"customer_name": "New"}))
    Harness(fake, CUSTOMER, StreamSettings("append")).write({"customer_name": "New"})
    so.resolver.forget_misses("Customer")  # what the Customer stream's writer does after inserting
    assert so.write(order(2, customer={"customer_name": "New"})).counts["inserted"] == 1


def test_child_rows_partial_update_merges_with_stored_rows_and_unchanged_tables_are_not_sent():
    fake = with_customer(site())
    h = Harness(fake, SALES_ORDER, StreamSettings("append_dedup", key_field="ext_ref"))
    h.write(order(1, items=[{"item_code": "W", "qty": 1, "rate": 5}, {"item_code": "V", "qty": 2, "rate": 7}]))
    doc = next(iter(fake.docs["Sales Order"].values()))
    first, second = (r["name"] for r in doc["items"])
    h.write(order(1, items=[{"name": first, "qty": 3}, {"name": second}]))  # partial rows
    assert [(r["item_code"], r["qty"], r["rate"], r["name"]) for r in doc["items"]] == [
        ("W", 3, 5, first), ("V", 2, 7, second)]
    puts = len([c for c in fake.calls if c[0] == "PUT"])
    h.write(order(1, items=[{"name": "other-site-row", "item_code": "W", "qty": 3}, {"item_code": "V", "qty": 2}]))
    assert len([c for c in fake.calls if c[0] == "PUT"]) == puts  # same content: table not sent
    assert h.out.counts == Counter(inserted=1, updated=1, unchanged=1)


def test_dry_run_counts_and_writes_nothing():
    fake = with_customer(site())
    h = Harness(fake, CUSTOMER, StreamSettings("append_dedup", key_field="name"), dry_run=True)
    out = h.write({"name": "ACME", "customer_name": "ACME", "credit_limit": 5}, {"name": "New", "customer_name": "New"})
    assert out.counts == Counter(would_updated=1, would_inserted=1)
    assert not [c for c in fake.calls if c[0] != "GET"]
