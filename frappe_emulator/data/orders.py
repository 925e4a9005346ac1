"""Seed Sales Orders (+ items, taxes), Sales Invoices (+ items) and Payment Entries in bulk.

Names follow the naming series (``SAL-ORD-YYYY-#####`` by the year of creation) and ``tabSeries`` is
advanced past them, so API inserts continue the sequence. 60% submitted, 30% draft, 10% cancelled.
"""
from __future__ import annotations

from ..auth.users import make_key
from .demo import ABBR, COMPANY


def _series(seeder, prefix_tpl: str, stamp: str, counters: dict) -> str:
    prefix = prefix_tpl.replace(".YYYY.", stamp[:4])
    counters[prefix] = counters.get(prefix, 0) + 1
    return f"{prefix}{counters[prefix]:05d}"


def seed_orders(seeder, n: int) -> None:
    r = seeder.rng
    counters: dict[str, int] = {}
    orders, items, taxes, invoices, inv_items, payments = [], [], [], [], [], []
    last = None
    for i in range(n):
        stamp = last if (i % 25 == 24 and last) else seeder.stamp(spacing=300 * 86400 / max(n, 1))
        last = stamp
        name = _series(seeder, "SAL-ORD-.YYYY.-", stamp, counters)
        status_roll = i % 10
        docstatus = 1 if status_roll < 6 else (0 if status_roll < 9 else 2)
        cust = seeder.customers[i % len(seeder.customers)]
        total = 0.0
        nlines = 1 + i % 3
        for j in range(nlines):
            code = seeder.items[(i + j) % len(seeder.items)]
            qty = float(1 + (i + j) % 9)
            rate = round(5 + ((i * 7 + j) % 40) * 2.5, 2)
            amount = round(qty * rate, 2)
            total += amount
            items.append({"name": make_key(r, 10), "parent": name, "parenttype": "Sales Order", "parentfield": "items",
                          "idx": j + 1, "docstatus": docstatus, "creation": stamp, "modified": stamp,
                          "item_code": code, "item_name": f"Item {int(code[5:])}", "qty": qty, "uom": "Nos",
                          "stock_uom": "Nos", "conversion_factor": 1.0, "stock_qty": qty, "rate": rate,
                          "amount": amount, "net_rate": rate, "net_amount": amount,
                          "warehouse": f"Stores - {ABBR}", "delivery_date": stamp[:10]})
        tax = 0.0
        if i % 3 == 0:
            tax = round(total * 0.1, 2)
            taxes.append({"name": make_key(r, 10), "parent": name, "parenttype": "Sales Order", "parentfield": "taxes",
                          "idx": 1, "docstatus": docstatus, "creation": stamp, "modified": stamp,
                          "charge_type": "On Net Total", "account_head": f"VAT - {ABBR}", "description": "VAT 10%",
                          "rate": 10.0, "tax_amount": tax, "total": round(total + tax, 2)})
        grand = round(total + tax, 2)
        orders.append({
            "name": name, "creation": stamp, "modified": stamp, "docstatus": docstatus,
            "owner": "api@example.com" if i % 2 else "Administrator", "modified_by": "Administrator",
            "naming_series": "SAL-ORD-.YYYY.-", "customer": cust, "customer_name": cust, "order_type": "Sales",
            "company": COMPANY, "transaction_date": stamp[:10],
            "delivery_date": None if i % 5 == 0 else stamp[:10], "po_no": None if i % 4 == 0 else ("" if i % 4 == 1 else f"PO-{i:06d}"),
            "customer_group": None, "territory": None, "currency": "USD", "conversion_rate": 1.0,
            "selling_price_list": "Standard Selling", "plc_conversion_rate": 1.0, "total_qty": float(nlines),
            "base_total": total, "base_net_total": total, "total": total, "net_total": total,
            "base_total_taxes_and_charges": tax, "total_taxes_and_charges": tax, "base_grand_total": grand,
            "grand_total": grand, "rounded_total": grand, "additional_discount_percentage": 0.0,
            "status": ("Draft", "To Deliver and Bill", "Cancelled")[docstatus],
            "per_delivered": 0.0, "per_billed": 0.0, "delivery_status": "Not Delivered",
            "billing_status": "Not Billed", "skip_delivery_note": 0})
        if i % 2 == 0:
            iname = _series(seeder, "ACC-SINV-.YYYY.-", stamp, counters)
            invoices.append({"name": iname, "creation": stamp, "modified": stamp, "docstatus": docstatus,
                             "naming_series": "ACC-SINV-.YYYY.-", "customer": cust, "customer_name": cust,
                             "company": COMPANY, "posting_date": stamp[:10], "posting_time": stamp[11:26],
                             "due_date": stamp[:10], "currency": "USD", "conversion_rate": 1.0, "total": total,
                             "net_total": total, "grand_total": total, "rounded_total": total,
                             "outstanding_amount": total if docstatus == 1 else 0.0,
                             "status": ("Draft", "Unpaid", "Cancelled")[docstatus],
                             "remarks": None if i % 3 else "No Remarks"})
            inv_items.append({"name": make_key(r, 10), "parent": iname, "parenttype": "Sales Invoice",
                              "parentfield": "items", "idx": 1, "docstatus": docstatus, "creation": stamp,
                              "modified": stamp, "item_code": seeder.items[i % len(seeder.items)],
                              "item_name": "Item", "qty": 1.0, "uom": "Nos", "conversion_factor": 1.0,
                              "rate": total, "amount": total, "net_amount": total, "sales_order": name})
        if i % 4 == 0:
            pname = _series(seeder, "ACC-PAY-.YYYY.-", stamp, counters)
            payments.append({"name": pname, "creation": stamp, "modified": stamp, "docstatus": min(docstatus, 1),
                             "naming_series": "ACC-PAY-.YYYY.-", "payment_type": "Receive",
                             "posting_date": stamp[:10], "company": COMPANY, "party_type": "Customer",
                             "party": cust, "party_name": cust, "paid_from": f"Debtors - {ABBR}",
                             "paid_to": f"Cash - {ABBR}", "paid_amount": grand, "received_amount": grand,
                             "source_exchange_rate": 1.0, "target_exchange_rate": 1.0,
                             "status": ("Draft", "Submitted")[min(docstatus, 1)], "title": cust})
    for dt, recs in (("Sales Order", orders), ("Sales Order Item", items), ("Sales Taxes and Charges", taxes),
                     ("Sales Invoice", invoices), ("Sales Invoice Item", inv_items), ("Payment Entry", payments)):
        seeder.rows(dt, recs)
    for prefix, count in counters.items():
        seeder.store.execute("INSERT OR REPLACE INTO tabSeries VALUES (?, ?)", (prefix, count))
