"""Hand-built DocTypes for the pure tests (shapes as getdoctype returns them, ERPNext fieldnames)."""
from __future__ import annotations

from destination_frappe.doctype import TargetDocType


def _f(fieldname, fieldtype="Data", options="", **kw):
    return {"fieldname": fieldname, "fieldtype": fieldtype, "options": options, **kw}


SALES_ORDER_ITEM = {
    "name": "Sales Order Item", "istable": 1, "fields": [
        _f("item_code", "Link", "Item", reqd=1), _f("qty", "Float"), _f("rate", "Currency"),
        _f("delivery_date", "Date"), _f("description", "Text Editor"),
    ],
}
SALES_ORDER = {
    "name": "Sales Order", "autoname": "naming_series:", "is_submittable": 1, "fields": [
        _f("naming_series", "Select", "SAL-ORD-.YYYY.-"), _f("customer", "Link", "Customer", reqd=1),
        _f("customer_name", "Data"), _f("transaction_date", "Date", reqd=1), _f("delivery_date", "Date"),
        _f("section_break_1", "Section Break"), _f("status", "Select", "\nDraft\nTo Deliver\nCompleted\nCancelled"),
        _f("items", "Table", "Sales Order Item", reqd=1), _f("grand_total", "Currency"),
        _f("is_rush", "Check"), _f("ext_ref", "Data", unique=1, is_custom_field=1), _f("payload", "JSON"),
        _f("delivery_at", "Datetime"), _f("pickup_time", "Time"), _f("priority", "Int"),
        _f("big_counter", "Long Int"), _f("rating", "Rating"), _f("memo", "Small Text"),
    ],
}
CUSTOMER = {
    "name": "Customer", "autoname": "field:customer_name", "fields": [
        _f("customer_name", "Data", reqd=1, unique=1), _f("customer_group", "Link", "Customer Group"),
        _f("territory", "Link", "Territory"), _f("disabled", "Check"), _f("email_id", "Data", "Email"),
        _f("credit_limit", "Currency"),
    ],
}
CONTACT = {
    "name": "Contact", "autoname": "hash", "fields": [
        _f("first_name", "Data"), _f("link_doctype", "Link", "DocType"),
        _f("link_name", "Dynamic Link", "link_doctype"),
    ],
}
TODO = {"name": "ToDo", "autoname": "hash", "fields": [_f("description", "Text Editor", reqd=1),
                                                       _f("status", "Select", "Open\nClosed\nCancelled")]}
COUNTER = {"name": "Conn Counter", "autoname": "autoincrement", "fields": [_f("label")]}

_CHILDREN = {"Sales Order Item": SALES_ORDER_ITEM}


def doctype(meta: dict) -> TargetDocType:
    return TargetDocType.from_meta(meta, _CHILDREN.__getitem__)
