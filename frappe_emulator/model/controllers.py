"""The little ERPNext controller logic a connector can observe: fetched names, line amounts, totals and
status per docstatus (``before_validate``/``on_submit``). Not business logic: no stock, no ledger."""
from __future__ import annotations

from .documents import Doc

_STATUS = {
    "Sales Order": ("Draft", "To Deliver and Bill", "Cancelled"),
    "Sales Invoice": ("Draft", "Unpaid", "Cancelled"),
    "Payment Entry": ("Draft", "Submitted", "Cancelled"),
}


def before_validate(site, doc: Doc) -> None:
    dt = doc.dt.name
    v = doc.values
    if dt in ("Sales Order", "Sales Invoice") and v.get("customer"):
        row = site.store.query('SELECT customer_name FROM "tabCustomer" WHERE name = ?', (v["customer"],))
        if row:
            v["customer_name"] = row[0][0]
    if dt in ("Sales Order", "Sales Invoice"):
        total = qty = 0.0
        for row in doc.children.get("items", []):
            if row.get("item_code") and not row.get("item_name"):
                item = site.store.query('SELECT item_name, stock_uom FROM "tabItem" WHERE name = ?', (row["item_code"],))
                if item:
                    row["item_name"] = item[0][0]
                    row.setdefault("uom", item[0][1])
                    if dt == "Sales Order":
                        row["stock_uom"] = row.get("stock_uom") or item[0][1]
            if not row.get("uom") and dt == "Sales Order":
                row["uom"] = row.get("stock_uom") or "Nos"
            row["conversion_factor"] = row.get("conversion_factor") or 1.0
            row["amount"] = round(float(row.get("qty") or 0) * float(row.get("rate") or 0), 2)
            if "net_amount" in row or dt == "Sales Order":
                row["net_amount"] = row["amount"]
            total += row["amount"]
            qty += float(row.get("qty") or 0)
        taxes = sum(float(t.get("tax_amount") or 0) for t in doc.children.get("taxes", []))
        v["total_qty"] = qty
        v["total"] = v["net_total"] = total
        v["total_taxes_and_charges"] = taxes
        v["grand_total"] = v["rounded_total"] = round(total + taxes, 2)
        if dt == "Sales Order":
            v["base_total"] = v["base_net_total"] = total
            v["base_grand_total"] = v["grand_total"]
            v["base_total_taxes_and_charges"] = taxes
    if dt == "Payment Entry" and v.get("party") and not v.get("party_name"):
        v["party_name"] = v["party"]
    set_status(doc)


def set_status(doc: Doc) -> None:
    statuses = _STATUS.get(doc.dt.name)
    if statuses:
        doc.values["status"] = statuses[int(doc.values.get("docstatus") or 0)]
        if doc.dt.name == "Sales Invoice" and doc.values["docstatus"] == 1:
            doc.values["outstanding_amount"] = doc.values.get("grand_total") or 0


def user_password(site, doc: Doc) -> None:
    """User: ``new_password`` goes to ``__Auth`` and is never stored on the row; full name and time zone
    default from the record and the site (a new user gets the site's zone, Part II §2)."""
    v = doc.values
    if doc.dt.name != "User":
        return
    if v.get("new_password"):
        site.store.set_password("User", str(v.get("name") or v.get("email")), "password", v["new_password"])
        v["new_password"] = None
    v["full_name"] = " ".join(str(v[k]) for k in ("first_name", "middle_name", "last_name") if v.get(k)) or v.get("full_name")
    if not v.get("time_zone"):
        v["time_zone"] = site.time_zone()
