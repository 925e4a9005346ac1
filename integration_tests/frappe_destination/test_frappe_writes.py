"""destination-frappe against frappe_emulator over HTTP: every mode, key choice, Link form, child-table case,
submit/cancel, server refusals as rejects with the server's message, dry run."""
from __future__ import annotations

import json

import pytest

from frappe_emulator import FrappeEmulator, FrappeOptions
from integration_tests.frappe_destination.helpers import (
    catalog,
    config,
    count,
    rec,
    rejects_of,
    user_config,
    write,
)


@pytest.fixture
def emu():
    with FrappeEmulator(FrappeOptions(rows=5)) as server:
        yield server


def order(i: int, **kw) -> dict:
    base = {"naming_series": "SAL-ORD-.YYYY.-", "customer": "Customer 0001", "company": "Demo Company",
            "transaction_date": "2026-12-01", "currency": "USD", "conversion_rate": 1,
            "selling_price_list": "Standard Selling", "po_no": f"DST-{i}",
            "items": [{"item_code": "ITEM-0001", "item_name": "Item 1", "qty": i, "rate": 5, "uom": "Nos",
                       "conversion_factor": 1}]}
    return {**base, **kw}


def customer(name: str, **kw) -> dict:
    return {"naming_series": "CUST-.YYYY.-", "customer_name": name, "customer_type": "Company",
            "customer_group": "Commercial", "territory": "India", **kw}


def so_rows(emu, where: str = "1=1", params: tuple = ()) -> list[tuple]:
    return emu.backend.sql(f"SELECT name, po_no, docstatus FROM `tabSales Order` WHERE {where} ORDER BY po_no", params)


@pytest.mark.parametrize("version", ["14", "15", "16", "dev"])
def test_append_batches_and_a_bad_record_is_rejected_with_the_servers_message(version, tmp_path):
    with FrappeEmulator(FrappeOptions(rows=3, version=version)) as emu:
        before = count(emu, "Sales Order")
        path = tmp_path / "rejects.jsonl"
        records = [order(i) for i in range(1, 8)]
        records[3] = order(4, customer="NOPE")
        run = write(config(emu, batch_size=4, rejected_records_path=str(path)), catalog(("Sales Order", "append")),
                    [rec("Sales Order", r) for r in records])
        assert run.counts("Sales Order") == {"inserted": 6, "rejected": 1}
        assert count(emu, "Sales Order") == before + 6
        ours = "parent IN (SELECT name FROM `tabSales Order` WHERE po_no LIKE 'DST-%')"
        assert count(emu, "Sales Order Item", ours) == 6
        [line] = rejects_of(path)
        assert line["reason"] == "HTTP 417 LinkValidationError: Could not find Customer: NOPE"
        assert line["record"]["po_no"] == "DST-4"
        methods = [r["path"] for r in emu.requests() if r.get("method") == "POST"]
        assert any("insert_many" in p for p in methods)


def test_upsert_on_a_unique_custom_field_inserts_once_then_unchanged_then_updates(emu):
    cat = catalog(("customer", "append_dedup", ["custom_external_id"]))
    cfg = config(emu)
    first = write(cfg, cat, [rec("customer", customer("Acme", custom_external_id="X-1", tax_id="T1"))])
    again = write(cfg, cat, [rec("customer", customer("Acme", custom_external_id="X-1", tax_id="T1"))])
    changed = write(cfg, cat, [rec("customer", customer("Acme", custom_external_id="X-1", tax_id="T2"))])
    assert first.counts("customer") == {"inserted": 1}
    assert again.counts("customer") == {"unchanged": 1}
    assert changed.counts("customer") == {"updated": 1}
    assert emu.backend.sql("SELECT tax_id FROM `tabCustomer` WHERE custom_external_id = 'X-1'") == [("T2",)]


def test_upsert_on_name_for_natural_and_prompt_names_and_update_mode_refuses_missing(emu):
    cfg = config(emu, streams=[{"stream": "Sync Tag", "key_field": "name"}])
    cat = catalog(("Item Group", "append_dedup", ["name"]), ("Sync Tag", "append_dedup", ["name"]))
    msgs = [rec("Item Group", {"name": "Gadgets", "item_group_name": "Gadgets",
                               "parent_item_group": "All Item Groups"}),
            rec("Sync Tag", {"name": "violet", "tag_title": "Violet"})]
    assert write(cfg, cat, msgs).counts("Sync Tag") == {"inserted": 1}
    rerun = write(cfg, cat, msgs)
    assert rerun.counts("Item Group") == {"unchanged": 1} and rerun.counts("Sync Tag") == {"unchanged": 1}
    assert emu.backend.sql("SELECT name, tag_title FROM `tabSync Tag` WHERE name = 'violet'") == [("violet", "Violet")]
    upd = write(cfg, catalog(("Sync Tag", "update", ["name"])), [rec("Sync Tag", {"name": "nope", "tag_title": "x"})])
    assert upd.dest.last_rejects.first.reason == ("no Sync Tag document has name = 'nope' (update mode does not "
                                                  "insert; "
                                                  "use append_dedup)")


def test_natural_name_clash_in_append_mode_is_409_and_counts_as_unchanged(emu):
    cat = catalog(("Item Group", "append"))
    msgs = [rec("Item Group", {"item_group_name": "Tools", "parent_item_group": "All Item Groups"})]
    assert write(config(emu), cat, msgs).counts("Item Group") == {"inserted": 1}
    assert write(config(emu), cat, msgs).counts("Item Group") == {"unchanged": 1}
    assert count(emu, "Item Group", "name = 'Tools'") == 1


def test_soft_delete_delete_cancel_and_disable(emu):
    cfg = config(emu, streams=[{"stream": "so", "doctype": "Sales Order", "key_field": "po_no",
                                "submit_on_insert": True}])
    write(cfg, catalog(("so", "append")), [rec("so", order(1)), rec("so", order(2))])
    assert [r[2] for r in so_rows(emu, "po_no IN ('DST-1','DST-2')")] == [1, 1]
    cancel_cfg = config(emu, streams=[{"stream": "so", "doctype": "Sales Order", "key_field": "po_no",
                                       "delete_action": "cancel"}])
    cancelled = write(cancel_cfg, catalog(("so", "soft_delete")), [rec("so", {"po_no": "DST-1"})])
    assert cancelled.counts("so") == {"deactivated": 1}
    delete_cfg = config(emu, streams=[{"stream": "so", "doctype": "Sales Order", "key_field": "po_no"}])
    deleted = write(delete_cfg, catalog(("so", "soft_delete")),
                    [rec("so", {"po_no": "DST-2"}), rec("so", {"po_no": "DST-404"})])
    assert deleted.counts("so") == {"deactivated": 1, "unchanged": 1}
    assert so_rows(emu, "po_no IN ('DST-1','DST-2')") == [(so_rows(emu, "po_no = 'DST-1'")[0][0], "DST-1", 2)]
    disable_cfg = config(emu, streams=[{"stream": "Customer", "key_field": "customer_name",
                                        "delete_action": "disable"}])
    out = write(disable_cfg, catalog(("Customer", "soft_delete")),
                [rec("Customer", {"customer_name": "Customer 0002"})])
    assert out.counts("Customer") == {"deactivated": 1}
    assert emu.backend.sql("SELECT disabled FROM `tabCustomer` WHERE name = 'Customer 0002'") == [(1,)]


def test_docstatus_submit_and_refused_transitions_are_rejects_with_the_servers_reason(emu):
    cfg = config(emu, streams=[{"stream": "Sales Order", "key_field": "po_no"}])
    cat = catalog(("Sales Order", "append_dedup"))
    write(cfg, cat, [rec("Sales Order", order(1))])
    assert so_rows(emu, "po_no = 'DST-1'")[0][2] == 0
    assert write(cfg, cat, [rec("Sales Order", order(1, docstatus=1))]).counts("Sales Order") == {"updated": 1}
    assert so_rows(emu, "po_no = 'DST-1'")[0][2] == 1
    back = write(cfg, cat, [rec("Sales Order", order(1, docstatus=0))])
    reason = back.dest.last_rejects.first.reason
    assert reason.startswith("HTTP 417 DocstatusTransitionError: Cannot change docstatus from 1 (Submitted) to 0"), \
        reason
    edit = write(cfg, cat, [rec("Sales Order", order(1, docstatus=1, po_no="DST-1", transaction_date="2026-12-02"))])
    assert "UpdateAfterSubmitError" in edit.dest.last_rejects.first.reason
    cancel = write(cfg, cat, [rec("Sales Order", order(1, docstatus=2))])
    assert cancel.counts("Sales Order") == {"updated": 1}
    assert so_rows(emu, "po_no = 'DST-1'")[0][2] == 2
    edit_cancelled = write(cfg, cat, [rec("Sales Order", order(1, docstatus=2, transaction_date="2026-12-03"))])
    assert "Cannot edit cancelled document" in edit_cancelled.dest.last_rejects.first.reason


def test_link_lookups_resolve_once_per_value_with_precise_not_found_and_ambiguous(emu):
    emu.clear_requests()
    msgs = [rec("Sales Order", order(1, customer={"customer_name": "Customer 0003"})),
            rec("Sales Order", order(2, customer={"customer_name": "Customer 0003"})),
            rec("Sales Order", order(3, customer={"customer_name": "Nobody"})),
            rec("Sales Order", order(4, customer={"customer_group": "Commercial"})),
            rec("Sales Order", order(5, customer={"name": "Customer 0002"}))]
    run = write(config(emu), catalog(("Sales Order", "append")), msgs)
    assert run.counts("Sales Order") == {"inserted": 3, "rejected": 2}
    assert {r[1]: r for r in so_rows(emu, "po_no IN ('DST-1','DST-2','DST-5')")}.keys() == {"DST-1", "DST-2", "DST-5"}
    assert emu.backend.sql("SELECT DISTINCT customer FROM `tabSales Order` WHERE po_no IN ('DST-1','DST-2')") == [
        ("Customer 0003",)]
    lookups = [r for r in emu.requests() if r.get("method") == "GET" and "Customer" in r.get("path", "")
               and "customer_name" in json.dumps(r)]
    assert len([r for r in lookups if "Customer 0003" in json.dumps(r)]) == 1
    assert run.dest.last_resolver.requests == 3


def test_link_lookup_rejects_name_the_field_and_value(emu, tmp_path):
    path = tmp_path / "r.jsonl"
    write(config(emu, rejected_records_path=str(path)), catalog(("Sales Order", "append")),
          [rec("Sales Order", order(3, customer={"customer_name": "Nobody"})),
           rec("Sales Order", order(4, customer={"customer_group": "Commercial"}))])
    reasons = [line["reason"] for line in rejects_of(path)]
    assert reasons[0] == 'field customer: no Customer where customer_name = "Nobody" (Link lookup found nothing)'
    assert reasons[1].startswith('field customer: ambiguous Link lookup: more than one Customer where customer_group = '
                                 '"Commercial"')


def test_dynamic_link_needs_its_doctype_field_and_resolves_lookups(emu):
    pe = {"naming_series": "ACC-PAY-.YYYY.-", "payment_type": "Receive", "posting_date": "2026-12-01",
          "company": "Demo Company", "party_type": "Customer", "party": {"customer_name": "Customer 0004"},
          "paid_from": "Debtors", "paid_to": "Cash", "paid_amount": 10, "received_amount": 10}
    no_type = {k: v for k, v in pe.items() if k != "party_type"} | {"party": "Customer 0004"}
    run = write(config(emu), catalog(("Payment Entry", "append")),
                [rec("Payment Entry", pe), rec("Payment Entry", no_type)])
    assert run.counts("Payment Entry") == {"inserted": 1, "rejected": 1}
    assert "Dynamic Link: its DocType field 'party_type' must be set" in run.dest.last_rejects.first.reason
    assert emu.backend.sql("SELECT party FROM `tabPayment Entry` WHERE paid_from = 'Debtors' AND paid_amount = 10") == [
        ("Customer 0004",)]


def test_child_rows_partial_rows_merge_and_unchanged_tables_are_not_sent(emu):
    cfg = config(emu, streams=[{"stream": "Sales Order", "key_field": "po_no"}])
    cat = catalog(("Sales Order", "append_dedup"))
    two = [{"item_code": "ITEM-0001", "item_name": "Item 1", "qty": 1, "rate": 5, "uom": "Nos", "conversion_factor": 1},
           {"item_code": "ITEM-0002", "item_name": "Item 2", "qty": 2, "rate": 7, "uom": "Nos", "conversion_factor": 1}]
    write(cfg, cat, [rec("Sales Order", order(9, items=two))])
    name = so_rows(emu, "po_no = 'DST-9'")[0][0]
    rows = emu.backend.sql("SELECT name, item_code, qty, rate FROM `tabSales Order Item` WHERE parent = ? ORDER BY idx",
                           (name,))
    partial = [{"name": rows[0][0], "qty": 4}, {"name": rows[1][0]}]
    assert write(cfg, cat, [rec("Sales Order", order(9, items=partial))]).counts("Sales Order") == {"updated": 1}
    after = emu.backend.sql("SELECT name, item_code, qty, rate FROM `tabSales Order Item` WHERE parent = ? "
                            "ORDER BY idx",
                            (name,))
    assert after == [(rows[0][0], "ITEM-0001", 4.0, 5.0), (rows[1][0], "ITEM-0002", 2.0, 7.0)]
    emu.clear_requests()
    same = [dict(two[0], qty=4), two[1]]
    assert write(cfg, cat, [rec("Sales Order", order(9, items=same))]).counts("Sales Order") == {"unchanged": 1}
    assert not [r for r in emu.requests() if r.get("method") in ("PUT", "POST")]
    fewer = write(cfg, cat, [rec("Sales Order", order(9, items=[two[1]]))])
    assert fewer.counts("Sales Order") == {"updated": 1}
    assert emu.backend.sql("SELECT item_code FROM `tabSales Order Item` WHERE parent = ?", (name,)) == [("ITEM-0002",)]


@pytest.mark.parametrize("record,message", [
    (lambda: order(1, transaction_date=None), "HTTP 417 MandatoryError: Error: Value missing for Sales Order:"),
    (lambda: order(1, company="Nowhere Ltd"), "HTTP 417 LinkValidationError: Could not find Company: Nowhere Ltd"),
    (lambda: order(1, po_no="x" * 200), "HTTP 417 CharacterLengthExceededError"),
])
def test_each_server_refusal_becomes_a_reject_with_the_servers_message(emu, record, message):
    run = write(config(emu), catalog(("Sales Order", "append")), [rec("Sales Order", record())])
    assert run.counts("Sales Order") == {"rejected": 1}
    assert run.dest.last_rejects.first.reason.startswith(message), run.dest.last_rejects.first.reason


def test_unique_clash_is_a_417_reject_and_a_read_only_user_gets_403_rejects(emu):
    dup = write(config(emu), catalog(("Customer", "append")),
                [rec("Customer", customer("Dup Co", custom_external_id="EXT-00001"))])
    assert "UniqueValidationError" in dup.dest.last_rejects.first.reason
    reader = write(user_config(emu, "reader@example.com", site_timezone="Asia/Kolkata"),
                   catalog(("Customer", "append")), [rec("Customer", customer("Reader Co"))])
    assert reader.dest.last_rejects.first.reason.startswith("HTTP 403 PermissionError")


def test_unknown_field_rejects_or_drops_and_server_maintained_fields_are_never_sent(emu):
    emu.clear_requests()
    data = customer("Typo Co", custmer_group="Commercial", modified="2020-01-01 00:00:00", owner="x@y")
    rejected = write(config(emu), catalog(("Customer", "append")), [rec("Customer", data)])
    assert rejected.dest.last_rejects.first.reason == "field 'custmer_group' matches no field of DocType 'Customer'"
    dropped = write(config(emu, unknown_fields="drop"), catalog(("Customer", "append")), [rec("Customer", data)])
    assert dropped.counts("Customer") == {"inserted": 1}
    assert emu.backend.sql("SELECT owner FROM `tabCustomer` WHERE customer_name = 'Typo Co'") == [("api@example.com",)]


def test_dry_run_counts_writes_nothing_and_emits_no_state(emu):
    before = count(emu, "Customer")
    cfg = config(emu, dry_run=True, streams=[{"stream": "Customer", "key_field": "customer_name"}])
    from integration_tests.frappe_destination.helpers import state  # noqa: PLC0415

    run = write(cfg, catalog(("Customer", "append_dedup")),
                [rec("Customer", customer("Customer 0001", tax_id="NEW")), rec("Customer", customer("Brand New")),
                 rec("Customer", customer("Bad", customer_type="Alien")), state("Customer", 1)])
    assert run.counts("Customer") == {"would_update": 1, "would_insert": 1, "rejected": 1}
    assert run.states == []
    assert count(emu, "Customer") == before


@pytest.mark.parametrize("streams,options,message", [
    ([("Nope Doc", "append")], {}, "Stream 'Nope Doc': no DocType 'Nope Doc'"),
    ([("System Settings", "append")], {}, "DocType 'System Settings' is a Single DocType"),
    ([("Sales Order Item", "append")], {}, "is a child table (write its rows inside the parent's Table field)"),
    ([("Customer", "overwrite")], {}, "uses the 'overwrite' sync mode, which this destination refuses"),
    ([("Customer", "update")], {}, "sync mode update needs a primary key"),
    ([("Customer", "append_dedup", ["nosuch"])], {}, "key field 'nosuch' is not a field of the DocType"),
    ([("Customer", "append")], {"streams": [{"stream": "Customer", "external_id_field": "tax_id"}]},
     "external_id_field 'tax_id' must be unique"),
    ([("ToDo", "soft_delete", ["name"])], {"streams": [{"stream": "ToDo", "delete_action": "disable"}]},
     "delete_action 'disable' needs a Check field"),
    ([("Customer", "append")], {"streams": [{"stream": "Customer", "submit_on_insert": True}]},
     "submit_on_insert needs a submittable DocType"),
    ([("Customer", "append")], {"batch_size": 500}, "batch_size must be between 1 and 200 (got 500)"),
])
def test_catalog_and_stream_option_problems_fail_before_anything_is_written(emu, streams, options, message):
    from airbyte_cdk.utils.traced_exception import AirbyteTracedException  # noqa: PLC0415

    emu.clear_requests()
    run = write(config(emu, **options), catalog(*streams), [rec(streams[0][0], {"customer_name": "X"})],
                expect_error=True)
    assert isinstance(run.error, AirbyteTracedException)
    assert message in run.error.message, run.error.message
    assert run.error.failure_type.value == "config_error"
    assert not [r for r in emu.requests() if r.get("method") in ("POST", "PUT", "DELETE")]


def test_streams_map_to_doctypes_from_warehouse_names_even_without_the_doctype_list(emu):
    """The reader cannot list DocTypes: 'sales_order' is still found by its title-cased guess."""
    out = write(user_config(emu, "reader@example.com", site_timezone="Asia/Kolkata", dry_run=True),
                catalog(("sales_order", "append")), [rec("sales_order", order(1))])
    assert out.counts("sales_order") == {"would_insert": 1}


def test_dry_run_checks_links_given_by_name(emu):
    run = write(config(emu, dry_run=True), catalog(("Sales Order", "append")),
                [rec("Sales Order", order(1)), rec("Sales Order", order(2, customer="Ghost Ltd")),
                 rec("Sales Order", order(3, items=[dict(order(3)["items"][0], item_code="NO-ITEM")]))])
    assert run.counts("Sales Order") == {"would_insert": 1, "rejected": 2}
    first = run.dest.last_rejects.first
    assert first.reason == ("field customer: Customer 'Ghost Ltd' does not exist (dry run; a write would be refused "
                            "with LinkValidationError)")


def test_dry_run_links_to_documents_an_earlier_record_would_create_count_as_found(emu):
    cat = catalog(("Item Group", "append"), ("Customer", "append"), ("Sales Order", "append"))
    run = write(config(emu, dry_run=True), cat, [
        rec("Customer", customer("Dry Co")),
        rec("Sales Order", order(1, customer={"customer_name": "Dry Co"})),
        rec("Item Group", {"item_group_name": "Dry Group", "parent_item_group": "All Item Groups"}),
        rec("Item Group", {"item_group_name": "Dry Child", "parent_item_group": "Dry Group"})])
    assert run.counts("Sales Order") == {"would_insert": 1}
    assert run.counts("Item Group") == {"would_insert": 2}


def test_a_tree_parent_and_its_children_in_one_sync_land_in_order(emu):
    groups = [{"item_group_name": "Tree Root", "parent_item_group": "All Item Groups", "is_group": 1}]
    groups += [{"item_group_name": f"Tree Leaf {i}", "parent_item_group": "Tree Root"} for i in range(6)]
    run = write(config(emu, batch_size=1, num_workers=4), catalog(("Item Group", "append")),
                [rec("Item Group", g) for g in groups])
    assert run.counts("Item Group") == {"inserted": 7}
    assert count(emu, "Item Group", "parent_item_group = 'Tree Root'") == 6


@pytest.mark.parametrize("version", ["14", "15", "16", "dev"])
def test_every_mode_on_every_emulated_version(version):
    """Upsert (insert, update, unchanged), Link lookup, submit, cancel, update mode, soft delete per version."""
    with FrappeEmulator(FrappeOptions(rows=3, version=version)) as emu:
        cfg = config(emu, streams=[{"stream": "Sales Order", "key_field": "po_no"}])
        upsert = catalog(("Sales Order", "append_dedup"))
        lookup = {"customer_name": "Customer 0002"}
        assert write(cfg, upsert, [rec("Sales Order", order(1, customer=lookup)), rec("Sales Order", order(2))]
                     ).counts("Sales Order") == {"inserted": 2}
        again = write(cfg, upsert, [rec("Sales Order", order(1, customer=lookup, docstatus=1)),
                                    rec("Sales Order", order(2))])
        assert again.counts("Sales Order") == {"updated": 1, "unchanged": 1}
        cancel = write(cfg, catalog(("Sales Order", "update")),
                       [rec("Sales Order", order(1, customer=lookup, docstatus=2))])
        assert cancel.counts("Sales Order") == {"updated": 1}
        gone = write(cfg, catalog(("Sales Order", "soft_delete")), [rec("Sales Order", {"po_no": "DST-2"})])
        assert gone.counts("Sales Order") == {"deactivated": 1}
        assert so_rows(emu, "po_no LIKE 'DST-%'") == [(so_rows(emu, "po_no = 'DST-1'")[0][0], "DST-1", 2)]
        assert emu.backend.sql("SELECT customer FROM `tabSales Order` WHERE po_no = 'DST-1'") == [("Customer 0002",)]


def test_without_system_settings_or_site_timezone_only_datetime_values_are_refused(emu):
    import logging  # noqa: PLC0415

    from destination_frappe.destination import DestinationFrappe  # noqa: PLC0415

    cfg = user_config(emu, "reader@example.com", dry_run=True)
    assert DestinationFrappe().check(logging.getLogger("t"), cfg).status.value == "SUCCEEDED"
    todo = write(cfg, catalog(("ToDo", "append")), [rec("ToDo", {"description": "no datetime"})])
    assert todo.counts("ToDo") == {"would_insert": 1}
    mismatch = user_config(emu, "reader@example.com", site_timezone="Europe/Paris")
    assert DestinationFrappe().check(logging.getLogger("t"), mismatch).status.value == "SUCCEEDED"  # not verifiable

    wrong = config(emu, site_timezone="Europe/Paris")  # readable System Settings (Asia/Kolkata) disagree
    status = DestinationFrappe().check(logging.getLogger("t"), wrong)
    assert status.status.value == "FAILED" and "site_timezone is 'Europe/Paris'" in status.message


def test_a_lookup_on_several_fields_and_in_a_child_row(emu):
    item = dict(order(1)["items"][0], item_code={"item_name": "Item 2", "disabled": 0})
    run = write(config(emu), catalog(("Sales Order", "append")),
                [rec("Sales Order", order(7, customer={"customer_name": "Customer 0003", "disabled": 0},
                                          items=[item]))])
    assert run.counts("Sales Order") == {"inserted": 1}
    name = so_rows(emu, "po_no = 'DST-7'")[0][0]
    assert emu.backend.sql("SELECT customer FROM `tabSales Order` WHERE name = ?", (name,)) == [("Customer 0003",)]
    assert emu.backend.sql("SELECT item_code FROM `tabSales Order Item` WHERE parent = ?", (name,)) == [("ITEM-0002",)]


def test_upsert_on_name_into_a_self_naming_doctype_warns_that_foreign_names_insert_again(emu, caplog):
    import logging  # noqa: PLC0415

    with caplog.at_level(logging.WARNING, "airbyte"):
        write(config(emu, dry_run=True), catalog(("Sales Order", "append_dedup", ["name"])), [])
    assert "upsert on 'name' into Sales Order, which names new documents itself (series)" in caplog.text
    caplog.clear()
    with caplog.at_level(logging.WARNING, "airbyte"):
        write(config(emu, dry_run=True), catalog(("Item Group", "append_dedup", ["name"])), [])
    assert "upsert on 'name'" not in caplog.text


def test_a_document_written_earlier_in_the_sync_is_found_by_a_later_lookup(emu):
    cat = catalog(("Customer", "append"), ("Sales Order", "append"))
    run = write(config(emu), cat, [rec("Customer", customer("Fresh Co", custom_external_id="FRESH-1")),
                                   rec("Sales Order", order(8, customer={"custom_external_id": "FRESH-1"}))])
    assert run.counts("Customer") == {"inserted": 1} and run.counts("Sales Order") == {"inserted": 1}
    fresh = emu.backend.sql("SELECT name FROM `tabCustomer` WHERE custom_external_id = 'FRESH-1'")[0][0]
    assert emu.backend.sql("SELECT customer FROM `tabSales Order` WHERE po_no = 'DST-8'") == [(fresh,)]


def test_the_rejects_file_masks_secrets(emu, tmp_path):
    path = tmp_path / "rejects.jsonl"
    write(config(emu, rejected_records_path=str(path)), catalog(("User", "append")),
          [rec("User", {"email": "new@example.com", "first_name": "New", "new_password": "Hunter2-Secret",
                        "api_secret": "S3cr3t-Value", "nickname": "typo field"})])
    text = path.read_text()
    [line] = rejects_of(path)
    assert line["reason"] == "field 'nickname' matches no field of DocType 'User'"
    assert line["record"]["new_password"] == "****" and line["record"]["api_secret"] == "****"
    assert "Hunter2-Secret" not in text and "S3cr3t-Value" not in text
