"""Round trip: source-frappe (nested child tables) reads site A, destination-frappe writes into a fresh site B,
source-frappe reads B again: the documents are the same.

How documents are matched. Both sites start from the same seed, so their masters (customers, items, the
company) are the same documents under the same names, and Links between them carry over unchanged. The
documents the test adds to A are matched in B by a key the data carries: Item Group by ``name`` (a natural
``field:`` name, so the server gives B the same name), Customer by its unique Custom Field
``custom_external_id`` and Sales Order by ``po_no`` (both named by a naming series: B chooses its own
names). Compared: every field the source emits except the server-made ones (``name``, ``owner``,
``creation``, ``modified``, ``modified_by``; in child rows also ``parent`` and row ``name``), plus
``docstatus``; child rows in order.
"""
from __future__ import annotations

from airbyte_cdk.models import SyncMode

from frappe_emulator import FrappeEmulator, FrappeOptions
from integration_tests.frappe_destination.helpers import catalog as dest_catalog
from integration_tests.frappe_destination.helpers import config as dest_config
from integration_tests.frappe_destination.helpers import rec, write
from integration_tests.frappe_source.helpers import catalog as source_catalog
from integration_tests.frappe_source.helpers import config as source_config
from integration_tests.frappe_source.helpers import run as source_run

STREAMS = ["Item Group", "Customer", "Sales Order"]
SERVER_MADE = {"name", "owner", "creation", "modified", "modified_by", "parent", "idx"}
KEYS = {"Item Group": "name", "Customer": "custom_external_id", "Sales Order": "po_no"}


def _new_documents(emu) -> None:
    """What the round trip carries: documents site B does not have (written into A with the destination)."""
    cfg = dest_config(emu, reject_policy="fail", streams=[{"stream": "Sales Order", "key_field": "po_no"}])
    items = [{"item_code": "ITEM-0001", "item_name": "Item 1", "qty": 2, "rate": 5.5, "uom": "Nos",
              "conversion_factor": 1, "additional_notes": "first"},
             {"item_code": "ITEM-0002", "item_name": "Item 2", "qty": 1, "rate": 7, "uom": "Nos",
              "conversion_factor": 1, "delivery_date": "2026-12-20"}]
    orders = [{"naming_series": "SAL-ORD-.YYYY.-", "customer": "Customer 0003", "company": "Demo Company",
               "transaction_date": "2026-12-0%d" % i, "currency": "USD", "conversion_rate": 1,
               "selling_price_list": "Standard Selling", "po_no": f"RT-{i}", "items": items[:i],
               "docstatus": 1 if i == 2 else 0, "terms": "net 30"} for i in (1, 2)]
    customers = [{"naming_series": "CUST-.YYYY.-", "customer_name": f"Round Trip {i}", "customer_type": "Individual",
                  "customer_group": "Commercial", "territory": "India", "custom_external_id": f"RT-C{i}",
                  "tax_id": f"TX{i}"} for i in (1, 2)]
    run = write(cfg, dest_catalog(("Item Group", "append"), ("Customer", "append"), ("Sales Order", "append")),
                [rec("Item Group", {"item_group_name": "Round Trip Group", "parent_item_group": "All Item Groups"})]
                + [rec("Customer", c) for c in customers] + [rec("Sales Order", o) for o in orders])
    assert run.counts("Sales Order") == {"inserted": 2}, run.dest.last_rejects.first


def _read(emu) -> dict[str, dict]:
    cfg = source_config(emu, doctypes=STREAMS, child_tables="nested")
    sync = source_run(cfg, source_catalog(cfg, STREAMS, SyncMode.full_refresh))
    out = {}
    for stream in STREAMS:
        for row in sync.records.get(stream, []):
            key = row.get(KEYS[stream])
            if isinstance(key, str) and (key.startswith("RT-") or key == "Round Trip Group"):
                out[f"{stream}:{key}"] = row
    return out


def _comparable(row: dict) -> dict:
    out = {}
    for key, value in row.items():
        if key in SERVER_MADE or key.startswith("_ab_"):
            continue
        if isinstance(value, list):
            value = [{k: v for k, v in child.items() if k not in SERVER_MADE and k != "parenttype"} for child in value]
        out[key] = value
    return out


def test_source_nested_to_a_fresh_site_and_back_gives_the_same_documents():
    with FrappeEmulator(FrappeOptions(rows=5)) as site_a, FrappeEmulator(FrappeOptions(rows=5)) as site_b:
        _new_documents(site_a)
        from_a = _read(site_a)
        assert len(from_a) == 5 and len(from_a["Sales Order:RT-2"]["items"]) == 2

        cfg = dest_config(site_b, reject_policy="fail", streams=[
            {"stream": "Customer", "key_field": "custom_external_id"}, {"stream": "Sales Order", "key_field": "po_no"}])
        cat = dest_catalog(("Item Group", "append_dedup", ["name"]), ("Customer", "append_dedup"),
                           ("Sales Order", "append_dedup"))
        messages = [rec(key.split(":")[0], row) for key, row in from_a.items()]
        first = write(cfg, cat, messages)
        assert {s: first.counts(s) for s in STREAMS} == {
            "Item Group": {"inserted": 1}, "Customer": {"inserted": 2}, "Sales Order": {"inserted": 2}}

        from_b = _read(site_b)
        assert from_b.keys() == from_a.keys()
        for key in from_a:
            assert _comparable(from_b[key]) == _comparable(from_a[key]), key
        assert from_b["Sales Order:RT-2"]["docstatus"] == 1

        again = write(cfg, cat, messages)  # the same input again changes nothing
        assert {s: again.counts(s) for s in STREAMS} == {
            "Item Group": {"unchanged": 1}, "Customer": {"unchanged": 2}, "Sales Order": {"unchanged": 2}}
