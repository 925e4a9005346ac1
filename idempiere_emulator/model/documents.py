"""Model logic the REST plugin inherits from iDempiere core: beforeSave defaults, document numbers,
order totals and the document workflow behind ``doc-action`` (spec §7.3)."""
from __future__ import annotations

from typing import Any

from ..catalog import Catalog
from ..data.dataset import PRODUCTS
from ..data.store import Store
from ..errors import EmulatorError
from ..session import Session

PRICES = {p[0]: p[4] for p in PRODUCTS}
DOCNO_START = {"c_order": 80000, "c_invoice": 50000, "c_payment": 90000}
# DocStatus -> DocAction -> (new DocStatus, Processed, next DocAction)
_WORKFLOW: dict[str, dict[str, tuple[str, str, str]]] = {
    "DR": {"CO": ("CO", "Y", "CL"), "PR": ("IP", "N", "CO"), "VO": ("VO", "Y", "--"), "AP": ("AP", "N", "CO")},
    "IP": {"CO": ("CO", "Y", "CL"), "PR": ("IP", "N", "CO"), "VO": ("VO", "Y", "--"), "AP": ("AP", "N", "CO")},
    "IN": {"CO": ("CO", "Y", "CL"), "PR": ("IP", "N", "CO"), "VO": ("VO", "Y", "--")},
    "AP": {"CO": ("CO", "Y", "CL"), "VO": ("VO", "Y", "--")},
    "CO": {"CL": ("CL", "Y", "--"), "RE": ("IP", "N", "CO"), "VO": ("VO", "Y", "--"), "RC": ("RE", "Y", "--"),
           "RA": ("RE", "Y", "--"), "PO": ("CO", "Y", "CL")},
    "CL": {"PO": ("CL", "Y", "--")},
}


class Documents:
    """Per-table beforeSave defaults and the document workflow.

    It reads and writes the store directly (no validation, no access rules), as the model classes do below
    the REST layer, so it needs only the store and the catalog, never the writer that calls it.
    """

    def __init__(self, store: Store, catalog: Catalog) -> None:
        self.store = store
        self.catalog = catalog
        self._docnos: dict[str, int] = {}

    def next_document_no(self, table: str) -> str:
        """AD_Sequence: the next number; the MAX scan runs once per table, then a counter is used."""
        key = table.lower()
        with self.store.lock:
            cur = self._docnos.get(key)
            if cur is None:
                row = self.store.query(f'SELECT MAX(CAST(DocumentNo AS INTEGER)) FROM "{table}"')
                cur = max(int(row[0][0] or 0) + 1, DOCNO_START.get(key, 1000000))
            self._docnos[key] = cur + 1
        return str(cur)

    def before_save(self, session: Session, table: str, values: dict[str, Any], is_new: bool) -> None:
        """Fill what MOrder/MOrderLine/MInvoice... derive from other fields on save."""
        name = table.lower()
        if name in ("c_order", "c_invoice") and is_new:
            bp = values.get("C_BPartner_ID")
            if bp is not None:
                bprow = self._row("C_BPartner", "C_BPartner_ID", bp)
                if values.get("C_BPartner_Location_ID") is None:
                    loc = self.store.query("SELECT C_BPartner_Location_ID FROM C_BPartner_Location WHERE "
                                           "C_BPartner_ID=? AND IsActive='Y' ORDER BY IsShipTo DESC, "
                                           "C_BPartner_Location_ID LIMIT 1", (bp,))
                    values["C_BPartner_Location_ID"] = loc[0][0] if loc else None
                if values.get("C_PaymentTerm_ID") is None:
                    values["C_PaymentTerm_ID"] = (bprow or {}).get("C_PaymentTerm_ID") or self._default(
                        "C_PaymentTerm", "C_PaymentTerm_ID")
                if values.get("M_PriceList_ID") is None:
                    values["M_PriceList_ID"] = (bprow or {}).get("M_PriceList_ID") or self._default(
                        "M_PriceList", "M_PriceList_ID", "IsSOPriceList='Y'")
                if name == "c_order" and values.get("Bill_BPartner_ID") is None:
                    values["Bill_BPartner_ID"] = bp
                    values["Bill_Location_ID"] = values.get("C_BPartner_Location_ID")
            if values.get("C_Currency_ID") is None and values.get("M_PriceList_ID") is not None:
                pl = self._row("M_PriceList", "M_PriceList_ID", values["M_PriceList_ID"])
                values["C_Currency_ID"] = (pl or {}).get("C_Currency_ID")
            if values.get("M_Warehouse_ID") is None and name == "c_order":
                wh = self.store.query("SELECT M_Warehouse_ID FROM M_Warehouse WHERE AD_Org_ID=? LIMIT 1",
                                      (values.get("AD_Org_ID"),))
                values["M_Warehouse_ID"] = wh[0][0] if wh else None
            if name == "c_invoice" and values.get("DocBaseType") is None:
                values["DocBaseType"] = "ARI" if values.get("IsSOTrx", "Y") == "Y" else "API"
        if name == "c_payment" and is_new and values.get("C_Currency_ID") is None:
            values["C_Currency_ID"] = 100
        if name in ("c_orderline", "c_invoiceline"):
            self._line_defaults(name, values, is_new)

    def _line_defaults(self, name: str, values: dict, is_new: bool) -> None:
        parent_col = "C_Order_ID" if name == "c_orderline" else "C_Invoice_ID"
        parent = self._row(parent_col[:-3], parent_col, values.get(parent_col)) or {}
        if is_new:
            for col in ("C_BPartner_ID", "C_BPartner_Location_ID", "C_Currency_ID", "M_Warehouse_ID",
                        "DateOrdered"):
                if self.catalog.get(name).has(col) and values.get(col) is None:
                    values[col] = parent.get(col)
            if values.get("Line") is None:
                mx = self.store.query(f'SELECT MAX(Line) FROM "{name}" WHERE "{parent_col}"=?',
                                      (values.get(parent_col),))
                values["Line"] = int(mx[0][0] or 0) + 10
            product = self._row("M_Product", "M_Product_ID", values.get("M_Product_ID")) if values.get(
                "M_Product_ID") else None
            if product is not None and values.get("PriceList") in (None, 0, 0.0):
                std, lst, limit = self._price(product["M_Product_ID"], parent.get("M_PriceList_ID"))
                values["PriceList"], values["PriceLimit"] = lst, limit
                if values.get("PriceEntered") in (None, 0, 0.0):
                    values["PriceEntered"] = values["PriceActual"] = std
            if values.get("C_UOM_ID") is None:
                values["C_UOM_ID"] = (product or {}).get("C_UOM_ID") or 100
            if values.get("C_Tax_ID") is None:
                values["C_Tax_ID"] = 104
        qty_col = "QtyOrdered" if name == "c_orderline" else "QtyInvoiced"
        if values.get("QtyEntered") is not None and (is_new or qty_col not in values):
            values[qty_col] = values["QtyEntered"]
        if values.get("PriceEntered") and not values.get("PriceActual"):
            values["PriceActual"] = values["PriceEntered"]
        if not values.get("PriceActual") and values.get("PriceList"):
            values["PriceActual"] = values["PriceList"]
        if values.get("PriceActual") is not None and values.get(qty_col) is not None:
            values["LineNetAmt"] = round(float(values["PriceActual"]) * float(values[qty_col]), 2)

    def _price(self, product_id: int, price_list_id: Any) -> tuple[float, float, float]:
        """MProductPricing: (PriceStd, PriceList, PriceLimit) from the newest version of the price list."""
        rows = self.store.query(
            "SELECT pp.PriceStd, pp.PriceList, pp.PriceLimit FROM M_ProductPrice pp JOIN M_PriceList_Version v "
            "ON v.M_PriceList_Version_ID = pp.M_PriceList_Version_ID WHERE pp.M_Product_ID=? AND "
            "v.M_PriceList_ID=? AND pp.IsActive='Y' ORDER BY v.ValidFrom DESC LIMIT 1",
            (product_id, price_list_id or 101))
        if rows:
            return rows[0]
        price = PRICES.get(product_id, 0.0)
        return price, price, round(price * 0.9, 2)

    def after_line_change(self, table: str, parent_id: Any) -> None:
        """MOrderLine/MInvoiceLine.afterSave: the header's TotalLines/GrandTotal follow the lines."""
        name = table.lower()
        if name not in ("c_orderline", "c_invoiceline") or parent_id is None:
            return
        header, key = ("C_Order", "C_Order_ID") if name == "c_orderline" else ("C_Invoice", "C_Invoice_ID")
        total = self.store.query(f'SELECT COALESCE(SUM(LineNetAmt),0) FROM "{table}" WHERE "{key}"=? AND '
                                 f"IsActive='Y'", (parent_id,))[0][0]
        tax = self.store.query(f'SELECT COALESCE(SUM(l.LineNetAmt * t.Rate / 100.0),0) FROM "{table}" l JOIN '
                               f'C_Tax t ON t.C_Tax_ID=l.C_Tax_ID WHERE l."{key}"=? AND l.IsActive=\'Y\'',
                               (parent_id,))[0][0]
        self.store.execute(f'UPDATE "{header}" SET TotalLines=?, GrandTotal=? WHERE "{key}"=?',
                           (round(total, 2), round(total + tax, 2), parent_id))

    def process(self, table: str, key_value: Any, action: Any) -> str:
        """Run a DocAction; invalid transitions fail like DocumentEngine (500, rolled back)."""
        if isinstance(action, dict):
            action = action.get("id")
        action = str(action or "")
        t = self.catalog.get(table)
        row = self._row(t.name, t.key, key_value) or {}
        status = row.get("DocStatus") or "DR"
        if action == "--" or not action:
            return ""
        nxt = _WORKFLOW.get(status, {}).get(action)
        if nxt is None:
            raise EmulatorError(500, "Failed processing document",
                                f"Invalid DocAction: {action} for DocStatus: {status}")
        new_status, processed, next_action = nxt
        values: dict[str, Any] = {"DocStatus": new_status, "Processed": processed, "DocAction": next_action}
        if t.column("C_DocType_ID") is not None and t.column("C_DocTypeTarget_ID") is not None:
            values["C_DocType_ID"] = row.get("C_DocTypeTarget_ID") or row.get("C_DocType_ID")
        if t.column("IsApproved") is not None and new_status in ("CO", "AP"):
            values["IsApproved"] = "Y"
        sets = ", ".join(f'"{k}"=?' for k in values)
        self.store.execute(f'UPDATE "{t.name}" SET {sets} WHERE "{t.key}"=?', [*values.values(), key_value])
        for child in ("C_OrderLine", "C_InvoiceLine"):
            link = f"{t.name}_ID"
            ct = self.catalog.get(child)
            if ct is not None and ct.parent_link == link:
                self.store.execute(f'UPDATE "{child}" SET Processed=? WHERE "{link}"=?', (processed, key_value))
        names = t.column("DocStatus").list_values or {}
        return names.get(new_status, new_status)

    def _row(self, table: str, keycol: str, value: Any) -> dict | None:
        if value is None:
            return None
        rows = self.store.query_dicts(f'SELECT * FROM "{table}" WHERE "{keycol}"=?', (value,))
        return rows[0] if rows else None

    def _default(self, table: str, keycol: str, extra: str = "1=1") -> Any:
        rows = self.store.query(f"SELECT \"{keycol}\" FROM \"{table}\" WHERE IsActive='Y' AND {extra} "
                                f"ORDER BY IsDefault DESC, \"{keycol}\" LIMIT 1")
        return rows[0][0] if rows else None
