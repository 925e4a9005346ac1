"""The Frappe planner, sender and prover in the shared pipeline, against the in-memory FakeSite: modes, keys,
bisecting, 409s, lost answers, docstatus, Links, child rows, dry run."""
from __future__ import annotations

import logging
from collections import Counter
from zoneinfo import ZoneInfo

import pytest

from destination_frappe.api import FrappeApi
from destination_frappe.keys import KeyFinder
from destination_frappe.links import LinkResolver
from destination_frappe.payload import RecordMapper
from destination_frappe.plan import StreamSettings
from destination_frappe.planner import DocTypePlanner, Target
from destination_frappe.prover import FrappeProver
from destination_frappe.sender import FrappeSender
from erp_airbyte.destination.rejects import RejectedRecord, RejectLog
from erp_airbyte.destination.report import Report
from erp_airbyte.destination.sink import PipelineRun, StreamSink
from erp_airbyte.destination.write_rounds import WriteRounds
from unit_tests.destination_frappe.doctypes import CUSTOMER, SALES_ORDER, TODO, doctype
from unit_tests.destination_frappe.fake_site import FakeSite

LOG = logging.getLogger("test")


class Rejects(RejectLog):
    def __init__(self, dry_run):
        super().__init__(None, LOG, dry_run)
        self.seen: list[tuple[int, str]] = []

    def add(self, rejected: RejectedRecord) -> None:
        super().add(rejected)
        self.seen.append((rejected.seq, rejected.reason))


def seqmap(fn, items):
    return [fn(x) for x in items]


class Harness:
    """One stream through the shared pipeline (StreamSink + WriteRounds) with Frappe's three parts."""

    def __init__(self, fake, meta, settings, dry_run=False, batch_size=50, drop=False):
        self.fake = fake
        api = FrappeApi(fake)
        self.resolver = LinkResolver(api, seqmap, LOG)
        dt = doctype(meta)
        target = Target("s", dt, settings)
        mapper = RecordMapper(dt, settings.key_field, ZoneInfo("UTC"), drop, "s", LOG,
                              ext_field=settings.external_id_field)
        keys = KeyFinder(api, dt, settings.key_field, seqmap, ext_field=settings.external_id_field,
                         keyless_inserts=settings.mode == "append_dedup")
        planner = DocTypePlanner(target, mapper, keys, self.resolver, seqmap, LOG)
        self.report = Report(LOG, dry_run=dry_run)
        self.rejects = Rejects(dry_run)
        self.prover = FrappeProver(api, LOG)
        rounds = WriteRounds(FrappeSender(api, batch_size, LOG), self.prover, 1, LOG, sleep=lambda s: None)
        run = PipelineRun(self.report, self.rejects, rounds, dry_run=dry_run)
        self.sink = StreamSink(run, "s", planner, workers=1, slice_size=batch_size, capacity=10**6,
                               keyed=settings.mode != "append")
        self.seq = 0

    def write(self, *records):
        for data in records:
            self.seq += 1
            self.sink.add(self.seq, data)
        self.sink.flush()
        return self

    @property
    def counts(self) -> Counter:
        return Counter({k: v for k, v in self.report.counts("s").as_dict().items() if v and k != "received"})

    @property
    def rejected(self):
        return self.rejects.seen


def site():
    return FakeSite({"Customer": "field:customer_name", "Sales Order": "naming_series:", "ToDo": "hash",
                     "Customer Group": "Prompt"},
                    unique={"Sales Order": ["ext_ref"]},
                    links={("Sales Order", "customer"): "Customer"})


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
    h.write(order(1), order(2), bad, order(4), order(5), order(6), order(7), order(8))
    assert h.counts["inserted"] == 7
    assert h.rejected == [(3, "HTTP 417 LinkValidationError: Could not find Customer: NOPE")]
    assert fake.count("Sales Order") == 7
    assert ("POST", "insert_many") in fake.calls


def test_upsert_on_natural_name_inserts_then_finds_nothing_to_change_then_updates():
    fake = site()
    h = Harness(fake, CUSTOMER, StreamSettings("append_dedup", key_field="name"))
    h.write({"name": "ACME", "customer_name": "ACME", "credit_limit": 10})
    h.write({"name": "acme", "customer_name": "ACME", "credit_limit": 10})
    h.write({"name": "ACME", "customer_name": "ACME", "credit_limit": 20})
    assert h.counts == Counter(inserted=1, unchanged=1, updated=1)
    assert fake.docs["Customer"]["ACME"]["credit_limit"] == 20
    assert fake.count("Customer") == 1


def test_upsert_on_a_unique_field_and_a_repeated_key_in_one_chunk():
    fake = with_customer(site())
    h = Harness(fake, SALES_ORDER, StreamSettings("append_dedup", key_field="ext_ref"))
    h.write(order(1), order(2), order(1, grand_total=5))
    assert h.counts == Counter(inserted=2, updated=1)
    assert fake.count("Sales Order") == 2
    h.write(order(1, grand_total=5), order(2))
    assert h.counts == Counter(inserted=2, updated=1, unchanged=2) and fake.count("Sales Order") == 2


def test_update_mode_rejects_a_missing_document_with_the_key_named():
    h = Harness(site(), CUSTOMER, StreamSettings("update", key_field="name"))
    h.write({"name": "Ghost", "customer_name": "Ghost"})
    assert h.rejected == [(1, "no Customer document has name = 'Ghost' (update mode does not insert; "
                              "use append_dedup)")]


def test_natural_name_409_in_append_mode_counts_as_unchanged():
    fake = site()
    h = Harness(fake, CUSTOMER, StreamSettings("append"))
    h.write({"customer_name": "ACME"}, {"customer_name": "Bolt"})
    h.write({"customer_name": "ACME"}, {"customer_name": "Cord"})
    assert h.counts == Counter(inserted=3, unchanged=1)
    assert fake.count("Customer") == 3


def test_lost_insert_answer_on_natural_names_is_resent_and_the_409_means_written():
    fake = site()
    fake.drop_next = ["insert_many"]
    h = Harness(fake, CUSTOMER, StreamSettings("append"))
    h.write({"customer_name": "A"}, {"customer_name": "B"})
    assert h.counts == Counter(inserted=2)
    assert fake.count("Customer") == 2


def test_lost_insert_answer_with_external_id_field_is_proven_and_not_duplicated():
    fake = with_customer(site())
    fake.drop_next = ["insert_many"]
    h = Harness(fake, SALES_ORDER, StreamSettings("append", external_id_field="ext_ref"))
    h.write(order(1), order(2), order(3))
    assert h.counts == Counter(inserted=3)
    assert fake.count("Sales Order") == 3
    assert h.prover.unverified_resends == {}


def _two_todos_through_a_failed_insert(fault: str, caplog):
    """Two ToDos (no external id) written while the next ``insert_many`` meets ``fault``: ``drop_next`` (the
    site commits, the answer is lost) or ``unsent_next`` (the request never reaches the site)."""
    fake = site()
    setattr(fake, fault, ["insert_many"])
    h = Harness(fake, TODO, StreamSettings("append"))
    with caplog.at_level(logging.WARNING, "test"):
        h.write({"description": "a"}, {"description": "b"})
    return fake, h


def test_lost_insert_answer_without_an_external_id_is_resent_and_reported(caplog):
    fake, h = _two_todos_through_a_failed_insert("drop_next", caplog)
    assert h.counts == Counter(inserted=2)
    assert h.prover.unverified_resends == {"s": 2}
    assert fake.count("ToDo") == 4  # the documented risk, made visible
    assert "MAY NOW EXIST TWICE" in caplog.text


def test_insert_needs_the_external_id_value():
    h = Harness(with_customer(site()), SALES_ORDER, StreamSettings("append", external_id_field="ext_ref"))
    h.write(order(1, ext_ref=None))
    assert h.rejected == [(1, "external_id_field 'ext_ref' is empty: an insert needs it to be checked after a "
                              "lost answer")]


def test_docstatus_submit_on_insert_and_refused_transitions_carry_the_server_reason():
    fake = with_customer(site())
    h = Harness(fake, SALES_ORDER, StreamSettings("append_dedup", key_field="ext_ref", submit_on_insert=True))
    h.write(order(1))
    doc = next(iter(fake.docs["Sales Order"].values()))
    assert doc["docstatus"] == 1
    h.write(order(1, docstatus=0))
    assert h.rejected[-1][1].startswith("HTTP 417 DocstatusTransitionError: Cannot change docstatus from 1 to 0")
    h.write(order(1, docstatus=2))
    assert doc["docstatus"] == 2
    assert h.write(order(1, docstatus=2)).counts == Counter(inserted=1, updated=1, rejected=1, unchanged=1)


def test_draft_to_cancelled_submits_then_cancels():
    fake = with_customer(site())
    h = Harness(fake, SALES_ORDER, StreamSettings("append_dedup", key_field="ext_ref"))
    h.write(order(1))
    h.write(order(1, docstatus=2))
    assert next(iter(fake.docs["Sales Order"].values()))["docstatus"] == 2
    assert h.counts == Counter(inserted=1, updated=1)


@pytest.mark.parametrize("action,status,expected,left", [
    ("delete", 0, "deactivated", 0), ("delete", 1, "deactivated", 0), ("cancel", 1, "deactivated", 1),
])
def test_soft_delete_actions(action, status, expected, left):
    fake = with_customer(site())
    Harness(fake, SALES_ORDER, StreamSettings("append", submit_on_insert=bool(status))).write(order(1))
    h = Harness(fake, SALES_ORDER, StreamSettings("soft_delete", key_field="ext_ref", delete_action=action))
    h.write({"ext_ref": "X1"}, {"ext_ref": "missing"})
    assert h.counts == Counter({expected: 1, "unchanged": 1})
    assert fake.count("Sales Order") == left


def test_soft_delete_cancel_refuses_a_draft_and_disable_sets_the_check():
    fake = with_customer(site())
    Harness(fake, SALES_ORDER, StreamSettings("append")).write(order(1))
    h = Harness(fake, SALES_ORDER, StreamSettings("soft_delete", key_field="ext_ref", delete_action="cancel"))
    h.write({"ext_ref": "X1"})
    assert "is a draft (docstatus 0): only submitted documents can be cancelled" in h.rejected[0][1]
    h = Harness(fake, CUSTOMER, StreamSettings("soft_delete", key_field="name", delete_action="disable"))
    h.write({"name": "ACME"})
    h.write({"name": "ACME"})
    assert fake.docs["Customer"]["ACME"]["disabled"] == 1
    assert h.counts == Counter(deactivated=1, unchanged=1)


def test_deletion_marker_in_upsert_mode_deletes():
    fake = with_customer(site())
    h = Harness(fake, CUSTOMER, StreamSettings("append_dedup", key_field="name"))
    h.write({"name": "ACME", "_ab_cdc_deleted_at": "2026-12-01T00:00:00Z"})
    assert h.counts == Counter(deactivated=1) and fake.count("Customer") == 0


def test_link_lookups_one_request_per_distinct_value_with_not_found_and_ambiguous():
    fake = site()
    for name, group in (("ACME", "A"), ("Bolt", "B"), ("Bolt 2", "B")):
        fake.docs["Customer"][name] = {"name": name, "customer_name": name, "customer_group": group}
    h = Harness(fake, SALES_ORDER, StreamSettings("append"))
    h.write(order(1, customer={"customer_group": "A"}), order(2, customer={"customer_group": "A"}),
                  order(3, customer={"customer_group": "B"}), order(4, customer={"customer_group": "Z"}))
    assert h.counts["inserted"] == 2
    reasons = dict(h.rejected)
    assert reasons[3].startswith("field customer: ambiguous Link lookup: more than one Customer where "
                                 "customer_group = \"B\"")
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
    assert h.counts == Counter(inserted=1, updated=1, unchanged=1)


def test_dry_run_counts_and_writes_nothing():
    fake = with_customer(site())
    h = Harness(fake, CUSTOMER, StreamSettings("append_dedup", key_field="name"), dry_run=True)
    h.write({"name": "ACME", "customer_name": "ACME", "credit_limit": 5}, {"name": "New", "customer_name": "New"})
    assert h.counts == Counter(would_update=1, would_insert=1)
    assert not [c for c in fake.calls if c[0] != "GET"]


def test_upsert_without_a_key_value_finds_by_external_id_or_inserts_and_update_mode_refuses():
    fake = with_customer(site())
    h = Harness(fake, SALES_ORDER, StreamSettings("append_dedup", key_field="name", external_id_field="ext_ref"))
    h.write(order(1), order(1, grand_total=9))  # no name: found by ext_ref the second time
    assert h.counts == Counter(inserted=1, updated=1) and fake.count("Sales Order") == 1
    plain = Harness(fake, CUSTOMER, StreamSettings("append_dedup", key_field="name"))
    plain.write({"customer_name": "Keyless"})
    assert plain.counts == Counter(inserted=1)
    upd = Harness(fake, CUSTOMER, StreamSettings("update", key_field="name"))
    upd.write({"customer_name": "Keyless", "credit_limit": 1})
    assert upd.rejected == [(1, "key field 'name' is empty: the document to change cannot be found")]


def test_insert_many_names_in_any_order_and_inserts_with_follow_up_steps_go_alone():
    fake = with_customer(site())
    fake.names_as_set = True
    h = Harness(fake, SALES_ORDER, StreamSettings("append"))
    h.write(order(1), order(2, docstatus=2), order(3), order(4, docstatus=2))
    assert h.counts == Counter(inserted=4)
    by_ref = {d["ext_ref"]: d["docstatus"] for d in fake.docs["Sales Order"].values()}
    assert by_ref == {"X1": 0, "X2": 2, "X3": 0, "X4": 2}
    posts = [c for c in fake.calls if c[0] == "POST"]
    assert posts.count(("POST", "insert_many")) == 1 and len(posts) == 3


def test_slices_that_name_their_own_doctype_wait_for_every_earlier_slice():
    """A tree's child names its parent (same DocType): its slice must not run before the parent's insert."""
    from destination_frappe.doctype import TargetDocType  # noqa: PLC0415

    group = TargetDocType.from_meta({"name": "Item Group", "autoname": "field:item_group_name", "fields": [
        {"fieldname": "item_group_name", "fieldtype": "Data"},
        {"fieldname": "parent_item_group", "fieldtype": "Link", "options": "Item Group"},
        {"fieldname": "customer", "fieldtype": "Link", "options": "Customer"}]})
    mapper = RecordMapper(group, "name", ZoneInfo("UTC"), False, "s", LOG)
    planner = DocTypePlanner(Target("s", group, StreamSettings("append")), mapper, None, None, seqmap, LOG)
    leaf = mapper.prepare(1, {"item_group_name": "Leaf", "parent_item_group": "Root"})
    by_lookup = mapper.prepare(2, {"item_group_name": "Leaf", "parent_item_group": {"item_group_name": "Root"}})
    other = mapper.prepare(3, {"item_group_name": "Leaf", "customer": "ACME"})
    assert planner.waits_for_all([leaf]) and planner.waits_for_all([by_lookup])
    assert not planner.waits_for_all([other])


def test_updates_of_one_chunk_are_sent_in_parallel():
    """Two PUTs must be in flight at once: each waits at a barrier that only two concurrent calls pass."""
    import threading  # noqa: PLC0415

    barrier = threading.Barrier(2)

    class ConcurrentSite(FakeSite):
        def put(self, path, body):
            barrier.wait(timeout=10)  # sequential PUTs would break the barrier
            return super().put(path, body)

    fake = ConcurrentSite({"Customer": "field:customer_name"})
    for name in ("A", "B"):
        fake.docs["Customer"][name] = {"name": name, "customer_name": name, "docstatus": 0}
    api = FrappeApi(fake)
    dt = doctype(CUSTOMER)
    settings = StreamSettings("update", key_field="name")
    target = Target("s", dt, settings)
    mapper = RecordMapper(dt, "name", ZoneInfo("UTC"), False, "s", LOG)

    def pmap(fn, items):
        from erp_http.parallel import parallel_map  # noqa: PLC0415
        return parallel_map(fn, items, 2)

    planner = DocTypePlanner(target, mapper, KeyFinder(api, dt, "name", pmap), LinkResolver(api, pmap, LOG), pmap, LOG)
    recs = [mapper.prepare(i, {"name": n, "credit_limit": 5}) for i, n in enumerate(("A", "B"), 1)]

    class Outcomes:
        def reject(self, rec, reason):
            raise AssertionError(reason)

        def unchanged(self, n=1):
            raise AssertionError("unchanged")

    plans = planner.plan(recs, Outcomes())
    done, uncertain = FrappeSender(api, 50, LOG, workers=2).send(plans)
    assert [r.ok for r in done] == [True, True] and not uncertain
    assert {d["credit_limit"] for d in fake.docs["Customer"].values()} == {5}


def test_an_insert_that_never_reached_the_site_is_resent_without_a_duplicate_warning(caplog):
    fake, h = _two_todos_through_a_failed_insert("unsent_next", caplog)
    assert h.counts == Counter(inserted=2) and fake.count("ToDo") == 2
    assert h.prover.unverified_resends == {} and "MAY NOW EXIST TWICE" not in caplog.text


def test_server_computed_fields_of_a_submitted_document_are_not_compared():
    from destination_frappe.plan import Unchanged, plan_update  # noqa: PLC0415

    meta = {"name": "Sales Order", "autoname": "naming_series:", "is_submittable": 1, "fields": [
        {"fieldname": "po_no", "fieldtype": "Data", "allow_on_submit": 1},
        {"fieldname": "grand_total", "fieldtype": "Currency", "read_only": 1},
        {"fieldname": "items", "fieldtype": "Table", "options": "Sales Order Item"}]}
    child = {"name": "Sales Order Item", "istable": 1, "fields": [
        {"fieldname": "qty", "fieldtype": "Float"}, {"fieldname": "amount", "fieldtype": "Currency", "read_only": 1}]}
    from destination_frappe.doctype import TargetDocType  # noqa: PLC0415

    dt = TargetDocType.from_meta(meta, {"Sales Order Item": child}.__getitem__)
    mapper = RecordMapper(dt, "po_no", ZoneInfo("UTC"), False, "s", LOG)
    stored = {"name": "SO-1", "docstatus": 1, "po_no": "A", "grand_total": 10.0,
              "items": [{"name": "r1", "qty": 1.0, "amount": 10.0}]}
    same = mapper.prepare(1, {"po_no": "A", "grand_total": 11, "items": [{"qty": 1, "amount": 11}]})
    assert isinstance(plan_update(same, stored, dt), Unchanged)
    draft = plan_update(same, {**stored, "docstatus": 0}, dt)  # a draft is compared on every field
    assert draft.steps[0].body["grand_total"] == 11
    edited = plan_update(mapper.prepare(2, {"po_no": "B", "grand_total": 11}), stored, dt)
    assert edited.steps[0].body == {"po_no": "B"}


def test_parallel_slices_ask_for_one_link_value_once():
    """Two slices resolving the same lookup at once: the second waits for the first's answer."""
    import threading  # noqa: PLC0415

    from destination_frappe.payload import LinkRef  # noqa: PLC0415

    started, release = threading.Event(), threading.Event()

    class SlowSite(FakeSite):
        def get(self, path, params=None):
            started.set()
            release.wait(timeout=10)
            return super().get(path, params)

    fake = with_customer(SlowSite({"Customer": "field:customer_name"}))
    resolver = LinkResolver(FrappeApi(fake), seqmap, LOG)
    ref = LinkRef("Customer", (("customer_name", "ACME"),))
    first = threading.Thread(target=resolver.resolve_all, args=([ref],))
    first.start()
    started.wait(timeout=10)
    second = threading.Thread(target=resolver.resolve_all, args=([ref],))
    second.start()
    release.set()
    first.join(timeout=10)
    second.join(timeout=10)
    assert resolver.requests == 1 and resolver.get(ref).name == "ACME"
