"""Documents scaled by ``--rows``: orders (~3 lines each), invoices, payments, accounting facts.

Generated in chunks with executemany so that ``rows=1_000_000`` stays practical. Timestamps are
built so that many rows share one ``Updated`` second with sub-second differences, some rows are
updated long after they were created (Updated order != key order), and some are inactive (§12).
"""
from __future__ import annotations

import random
from typing import Iterator

from . import fixtures as fx
from .clock import epoch_text
from .dataset import PRODUCTS, fast_uuid
from .store import Store

BASE = 1704067200  # 2024-01-01 00:00:00 UTC
CHUNK = 20_000
CUSTOMERS = [(114, 114), (117, 117), (118, 118), (120, 120), (122, 126), (117, 127)]  # (bp, bp location)
FIRST_ORDER_ID = 100
FIRST_DOCNO = 80000

_O_COLS = ("C_Order_ID", "AD_Client_ID", "AD_Org_ID", "IsActive", "Created", "CreatedBy", "Updated", "UpdatedBy",
           "C_Order_UU", "DocumentNo", "Description", "DocStatus", "DocAction", "Processing", "Processed", "Posted",
           "IsApproved", "IsPrinted", "IsSOTrx", "C_DocType_ID", "C_DocTypeTarget_ID", "IsDelivered", "IsInvoiced",
           "IsCreditApproved", "IsTransferred", "IsSelected", "SalesRep_ID", "DateOrdered", "DatePromised",
           "DateAcct", "C_BPartner_ID", "C_BPartner_Location_ID", "POReference", "IsDiscountPrinted",
           "C_Currency_ID", "PaymentRule", "C_PaymentTerm_ID", "InvoiceRule", "DeliveryRule", "FreightCostRule",
           "FreightAmt", "DeliveryViaRule", "PriorityRule", "TotalLines", "GrandTotal", "M_Warehouse_ID",
           "M_PriceList_ID", "IsTaxIncluded", "Bill_BPartner_ID", "Bill_Location_ID", "IsDropShip",
           "IsSelfService", "SendEMail", "IsPayScheduleValid", "IsPriviledgedRate", "AD_User_ID")
_L_COLS = ("C_OrderLine_ID", "AD_Client_ID", "AD_Org_ID", "IsActive", "Created", "CreatedBy", "Updated",
           "UpdatedBy", "C_OrderLine_UU", "C_Order_ID", "Line", "C_BPartner_ID", "C_BPartner_Location_ID",
           "DateOrdered", "DatePromised", "M_Product_ID", "C_UOM_ID", "M_Warehouse_ID", "QtyOrdered",
           "QtyReserved", "QtyDelivered", "QtyInvoiced", "QtyEntered", "QtyLostSales", "C_Currency_ID",
           "PriceList", "PriceActual", "PriceLimit", "PriceEntered", "LineNetAmt", "C_Tax_ID", "FreightAmt",
           "IsDescription", "Processed", "Description", "DateDelivered")
_I_COLS = ("C_Invoice_ID", "AD_Client_ID", "AD_Org_ID", "IsActive", "Created", "CreatedBy", "Updated", "UpdatedBy",
           "C_Invoice_UU", "DocumentNo", "DocStatus", "DocAction", "Processing", "Processed", "Posted", "IsApproved",
           "IsPrinted", "IsSOTrx", "C_DocType_ID", "C_DocTypeTarget_ID", "C_Order_ID", "DateOrdered",
           "DateInvoiced", "DateAcct", "SalesRep_ID", "C_BPartner_ID", "C_BPartner_Location_ID",
           "IsDiscountPrinted", "C_Currency_ID", "PaymentRule", "C_PaymentTerm_ID", "TotalLines", "GrandTotal",
           "M_PriceList_ID", "IsTaxIncluded", "IsPaid", "IsInDispute", "IsTransferred", "IsPayScheduleValid",
           "DocBaseType", "IsSelfService", "SendEMail", "IsOverrideCurrencyRate")
_IL_COLS = ("C_InvoiceLine_ID", "AD_Client_ID", "AD_Org_ID", "IsActive", "Created", "CreatedBy", "Updated",
            "UpdatedBy", "C_InvoiceLine_UU", "C_Invoice_ID", "C_OrderLine_ID", "Line", "M_Product_ID",
            "QtyInvoiced", "QtyEntered", "PriceList", "PriceActual", "PriceLimit", "PriceEntered", "LineNetAmt",
            "LineTotalAmt", "TaxAmt", "C_UOM_ID", "C_Tax_ID", "IsDescription", "IsPrinted", "Processed")
_P_COLS = ("C_Payment_ID", "AD_Client_ID", "AD_Org_ID", "IsActive", "Created", "CreatedBy", "Updated", "UpdatedBy",
           "C_Payment_UU", "DocumentNo", "DocStatus", "DocAction", "Processing", "Processed", "Posted", "IsApproved",
           "IsPrinted", "IsReceipt", "C_DocType_ID", "DateTrx", "DateAcct", "C_BPartner_ID", "C_Invoice_ID",
           "C_Currency_ID", "PayAmt", "DiscountAmt", "WriteOffAmt", "IsOverUnderPayment", "TenderType", "TrxType",
           "CheckNo", "IsAllocated", "IsReconciled", "IsPrepayment", "IsOnline", "IsDelayedCapture", "IsVoided",
           "IsOverrideCurrencyRate", "IsSelfService")
_F_COLS = ("Fact_Acct_ID", "AD_Client_ID", "AD_Org_ID", "IsActive", "Created", "CreatedBy", "Updated", "UpdatedBy",
           "Fact_Acct_UU", "C_AcctSchema_ID", "Account_ID", "DateTrx", "DateAcct", "C_Period_ID", "AD_Table_ID",
           "Record_ID", "Line_ID", "GL_Category_ID", "PostingType", "C_Currency_ID", "AmtSourceDr", "AmtSourceCr",
           "AmtAcctDr", "AmtAcctCr", "C_BPartner_ID", "M_Product_ID", "Qty", "C_Tax_ID", "Description")
_STATUSES = ["CO"] * 14 + ["DR"] * 4 + ["IP", "VO"]


def _stamp(i: int) -> tuple[str, str]:
    """Created/Updated for the i-th order: bursts of rows inside one second, with ms differences.

    Orders 20..149 all share one Updated second (a burst larger than a 100-row page); every
    tenth order was updated weeks later, so Updated order differs from key order.
    """
    created = BASE + i * 37
    if 20 <= i < 150:
        upd_s, upd_ms = BASE + 20 * 37 + 5, (i * 7) % 1000  # includes exact duplicates (i*7 mod 1000 repeats)
    elif i % 10 == 3:
        upd_s, upd_ms = created + 86400 * 21 + (i % 5), (i * 131) % 1000
    else:
        upd_s, upd_ms = created + (i % 4) * 3600 + (i // 3) % 2, (i * 389) % 1000
    return epoch_text(created, (i * 53) % 1000), epoch_text(upd_s, upd_ms)


def seed_documents(store: Store, rows: int, seed: int) -> None:
    """Insert ``rows`` orders with lines, an invoice for every 4th order, payments and facts."""
    rng = random.Random(seed * 7919 + rows)
    gen = _Generator(rng)
    for start in range(0, rows, CHUNK):
        gen.build_chunk(start, min(rows, start + CHUNK))
        store.insert_many("C_Order", _O_COLS, gen.orders)
        store.insert_many("C_OrderLine", _L_COLS, gen.lines)
        store.insert_many("C_Invoice", _I_COLS, gen.invoices)
        store.insert_many("C_InvoiceLine", _IL_COLS, gen.inv_lines)
        store.insert_many("C_Payment", _P_COLS, gen.payments)
        store.insert_many("Fact_Acct", _F_COLS, gen.facts)


class _Generator:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.line_id = 100
        self.inv_line_id = 100
        self.fact_id = 100

    def build_chunk(self, start: int, end: int) -> None:
        self.orders, self.lines, self.invoices, self.inv_lines, self.payments, self.facts = [], [], [], [], [], []
        for i in range(start, end):
            self._order(i)

    def _order(self, i: int) -> None:
        rng = self.rng
        oid = FIRST_ORDER_ID + i
        created, updated = _stamp(i)
        day = created[:10]
        bp, loc = CUSTOMERS[i % len(CUSTOMERS)]
        status = _STATUSES[(i * 7 + i // 20) % len(_STATUSES)]
        processed = "Y" if status in ("CO", "VO", "CL") else "N"
        active = "N" if i % 50 == 49 else "Y"
        org = fx.ORG_HQ if i % 3 else fx.ORG_STORE
        wh = fx.WAREHOUSE_HQ if org == fx.ORG_HQ else fx.WAREHOUSE_STORE
        user = fx.USER_ADMIN if i % 5 else fx.USER_RESTRICTED
        total = 0.0
        tax_total = 0.0
        nlines = 1 + (i * 7 + 3) % 5  # 1..5, three on average
        order_lines = []
        for ln in range(nlines):
            pid, _v, _n, _c, price, _tc, uom = PRODUCTS[(i * 3 + ln * 5) % len(PRODUCTS)]
            qty = 1 + (i + ln) % 9
            net = round(qty * price, 2)
            tax = 106 if (i + ln) % 4 == 0 else 104
            total += net
            tax_total += round(net * 0.07, 2) if tax == 106 else 0.0
            self.lines.append((self.line_id, fx.CLIENT_ID, org, active, created, user, updated, user, fast_uuid(rng),
                               oid, (ln + 1) * 10, bp, loc, day, day, pid, uom, wh, qty, 0 if processed == "Y" else qty,
                               qty if status == "CO" and i % 2 else 0, 0, qty, 0, 100, price, price,
                               round(price * 0.9, 2), price, net, tax, 0, "N", processed,
                               None if ln else ("Rush delivery" if i % 11 == 0 else None),
                               day if status == "CO" and i % 2 else None))
            order_lines.append((self.line_id, pid, qty, price, net, tax, uom))
            self.line_id += 1
        total = round(total, 2)
        grand = round(total + tax_total, 2)
        self.orders.append((
            oid, fx.CLIENT_ID, org, active, created, user, updated, user, fast_uuid(rng), str(FIRST_DOCNO + i),
            f"Order {i} for {bp}" if i % 4 == 0 else None, status, "CL" if status == "CO" else "CO", "N", processed,
            "Y" if processed == "Y" and i % 3 else "N", "Y" if processed == "Y" else "N", "Y" if i % 7 == 0 else "N",
            "Y", 132 if processed == "Y" else 0, 132, "N", "N", "Y", "N", "N", fx.USER_ADMIN, day, day, day, bp, loc,
            f"PO-{i:06d}" if i % 6 == 0 else None, "N", 100, "P", 107 if bp != 118 else 105, "I", "F", "I", 0.0, "P",
            "5" if i % 13 else "1", total, grand, wh, 101, "N", bp, loc, "N", "N", "N", "N", "N",
            103 if bp == 118 else None))
        if i % 4 == 0 and status == "CO":
            self._invoice(i, oid, created, updated, day, bp, loc, org, user, total, grand, order_lines)

    def _invoice(self, i: int, oid: int, created: str, updated: str, day: str, bp: int, loc: int, org: int,
                 user: int, total: float, grand: float, order_lines: list[tuple]) -> None:
        rng = self.rng
        inv_id = FIRST_ORDER_ID + i // 4
        paid = "Y" if i % 8 == 0 else "N"
        self.invoices.append((
            inv_id, fx.CLIENT_ID, org, "Y", created, user, updated, user, fast_uuid(rng), str(50000 + i // 4),
            "CO", "CL", "N", "Y", "Y", "Y", "N", "Y", 116, 116, oid, day, day, day, fx.USER_ADMIN, bp, loc, "N", 100,
            "P", 107, total, grand, 101, "N", paid, "N", "N", "Y", "ARI", "N", "N", "N"))
        for n, (line_id, pid, qty, price, net, tax, uom) in enumerate(order_lines):
            tax_amt = round(net * 0.07, 2) if tax == 106 else 0.0
            self.inv_lines.append((self.inv_line_id, fx.CLIENT_ID, org, "Y", created, user, updated, user,
                                   fast_uuid(rng), inv_id, line_id, (n + 1) * 10, pid, qty, qty, price, price,
                                   round(price * 0.9, 2), price, net, round(net + tax_amt, 2), tax_amt, uom, tax,
                                   "N", "Y", "Y"))
            self.inv_line_id += 1
        for acct, dr, cr, desc in ((11200, grand, 0.0, "Receivable"), (41000, 0.0, total, "Revenue")):
            self.facts.append((self.fact_id, fx.CLIENT_ID, org, "Y", created, fx.USER_SUPER, updated, fx.USER_SUPER,
                               fast_uuid(rng), 101, acct, day, day, 100 + int(day[5:7]), 318, inv_id, None, 108, "A",
                               100, dr, cr, dr, cr, bp, None, None, None, f"{desc} {50000 + i // 4}"))
            self.fact_id += 1
        if paid == "Y":
            self.payments.append((
                inv_id, fx.CLIENT_ID, org, "Y", created, user, updated, user, fast_uuid(rng), str(90000 + i // 4),
                "CO", "CL", "N", "Y", "Y" if i % 16 else "N", "Y", "N", "Y", 119, day, day, bp, inv_id, 100, grand,
                0.0, 0.0, "N", "K" if i % 3 else "X", "S", f"{1000 + i // 8}" if i % 3 else None, "Y",
                "Y" if i % 24 == 0 else "N", "N", "N", "N", "N", "N", "N"))
