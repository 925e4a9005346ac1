"""Documents scaled by ``--rows``: orders (~3 lines each), invoices, payments, accounting facts.

Generated inside SQLite with INSERT ... SELECT over a number sequence, so ``rows=1_000_000``
stays practical (no per-row Python). Every value is a pure function of the row number and the
seed, hence deterministic. Timestamps are built so that many rows share one ``Updated`` second
with sub-second (and some identical) differences, some rows were updated weeks after creation
(Updated order != key order), and every 50th order is inactive (spec §12, issue 3).
"""
from __future__ import annotations

from .. import fixtures as fx
from .dataset import PRODUCTS
from .store import Store

BASE = 1704067200  # 2024-01-01 00:00:00 UTC
FIRST_ORDER_ID = 100
CUSTOMERS = [(114, 114), (117, 117), (118, 118), (120, 120), (122, 126), (117, 127)]  # (bp, bp location)


def ts(seconds: str, millis: str) -> str:
    """SQL expression: epoch seconds + ms -> stored text 'YYYY-MM-DD HH:MM:SS.fff'."""
    return f"(strftime('%Y-%m-%d %H:%M:%S', {seconds}, 'unixepoch') || '.' || substr('00' || ({millis}), -3, 3))"


def uu(n: str, salt: int) -> str:
    """SQL expression: a deterministic, per-table unique UUID-shaped string for row number ``n``."""
    return (f"printf('%08x-%04x-4%03x-a%03x-%06x%06x', ({n} * 2654435761 + {salt}) % 4294967296, "
            f"({n} * 40503 + {salt}) % 65536, ({n} * 2053 + {salt}) % 4096, ({n} * 1013 + {salt}) % 4096, "
            f"({n} * 1103515245 + {salt} * 7919) % 16777216, ({n} * 134775813 + {salt}) % 16777216)")


PERIOD = 180  # lcm of the line-pattern periods 9, 18, 5 and 4


def _taxes(i: int) -> list[tuple[int, float, float]]:
    """C_OrderTax rows of order ``i``: (C_Tax_ID, TaxBaseAmt, TaxAmt) per tax used on its lines."""
    out: dict[int, list[float]] = {}
    for ln in range(1 + (i * 7 + 3) % 5):
        price = PRODUCTS[(i * 3 + ln * 5) % len(PRODUCTS)][4]
        net = round((1 + (i + ln) % 9) * price, 2)
        tax = 106 if (i + ln) % 4 == 0 else 104
        acc = out.setdefault(tax, [0.0, 0.0])
        acc[0] += net
        acc[1] += round(net * 0.07, 2) if tax == 106 else 0.0
    return [(t, round(b, 2), round(a, 2)) for t, (b, a) in sorted(out.items())]


def _totals(i: int) -> tuple[float, float]:
    """TotalLines and GrandTotal of order ``i``: the same arithmetic as the line INSERT below."""
    tl = gt = 0.0
    for ln in range(1 + (i * 7 + 3) % 5):
        price = PRODUCTS[(i * 3 + ln * 5) % len(PRODUCTS)][4]
        net = round((1 + (i + ln) % 9) * price, 2)
        tl += net
        gt += net + (round(net * 0.07, 2) if (i + ln) % 4 == 0 else 0.0)
    return round(tl, 2), round(gt, 2)


def _case(expr: str, values: list) -> str:
    whens = " ".join(f"WHEN {k} THEN {v!r}" for k, v in enumerate(values))
    return f"(CASE {expr} {whens} END)"


def seed_documents(store: Store, rows: int, seed: int) -> None:
    """Insert ``rows`` orders with lines, an invoice for every 4th completed order, payments, facts."""
    if rows <= 0:
        return
    s = seed % 100_000
    x = store.conn.execute
    x("CREATE TEMP TABLE _p (idx INTEGER PRIMARY KEY, pid INTEGER, price REAL, uom INTEGER)")
    store.conn.executemany("INSERT INTO _p VALUES (?,?,?,?)",
                           [(k, p[0], p[4], p[6]) for k, p in enumerate(PRODUCTS)])
    x("CREATE TEMP TABLE _ln (ln INTEGER PRIMARY KEY)")
    x("INSERT INTO _ln VALUES (0),(1),(2),(3),(4)")
    created_s = f"({BASE} + i * 37)"
    upd_s = (f"(CASE WHEN i BETWEEN 20 AND 149 THEN {BASE + 150 * 37 + 5} WHEN i % 10 = 3 THEN "
             f"{created_s} + 1814400 + i % 5 ELSE {created_s} + (i % 4) * 3600 + (i / 3) % 2 END)")
    upd_ms = "(CASE WHEN i BETWEEN 20 AND 149 THEN (i % 40) * 25 WHEN i % 10 = 3 THEN (i * 131) % 1000 " \
             "ELSE (i * 389) % 1000 END)"
    st = "((i * 7 + i / 20) % 20)"
    x(f"""CREATE TEMP TABLE _o AS WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i < {rows - 1})
        SELECT i, {FIRST_ORDER_ID} + i AS oid, {ts(created_s, '(i * 53) % 1000')} AS created,
               {ts(upd_s, upd_ms)} AS updated, date({created_s}, 'unixepoch') AS day,
               {_case('i % 6', [c[0] for c in CUSTOMERS])} AS bp, {_case('i % 6', [c[1] for c in CUSTOMERS])} AS loc,
               CASE WHEN {st} < 14 THEN 'CO' WHEN {st} < 18 THEN 'DR' WHEN {st} = 18 THEN 'IP' ELSE 'VO' END AS status,
               CASE WHEN i % 50 = 49 THEN 'N' ELSE 'Y' END AS active,
               CASE WHEN i % 3 = 0 THEN {fx.ORG_STORE} ELSE {fx.ORG_HQ} END AS org,
               CASE WHEN i % 3 = 0 THEN {fx.WAREHOUSE_STORE} ELSE {fx.WAREHOUSE_HQ} END AS wh,
               CASE WHEN i % 5 = 0 THEN {fx.USER_RESTRICTED} ELSE {fx.USER_ADMIN} END AS usr,
               1 + (i * 7 + 3) % 5 AS nlines,
               15 * (i / 5) + {_case('i % 5', [0, 4, 5, 8, 13])} AS line0
        FROM seq""")
    _lines(store, s)
    _orders(store, s)
    _invoices(store, s)
    for t in ("_o", "_p", "_ln", "_tot", "_inv", "_per", "_ptax"):
        x(f"DROP TABLE IF EXISTS temp.{t}")


def _lines(store: Store, s: int) -> None:
    store.conn.execute(f"""INSERT INTO C_OrderLine (C_OrderLine_ID, AD_Client_ID, AD_Org_ID, IsActive, Created,
        CreatedBy, Updated, UpdatedBy, C_OrderLine_UU, C_Order_ID, Line, C_BPartner_ID, C_BPartner_Location_ID,
        DateOrdered, DatePromised, M_Product_ID, C_UOM_ID, M_Warehouse_ID, QtyOrdered, QtyReserved, QtyDelivered,
        QtyInvoiced, QtyEntered, QtyLostSales, C_Currency_ID, PriceList, PriceActual, PriceLimit, PriceEntered,
        LineNetAmt, C_Tax_ID, FreightAmt, IsDescription, Processed, Description, DateDelivered)
        SELECT {FIRST_ORDER_ID} + line0 + ln, {fx.CLIENT_ID}, org, active, created, usr, updated, usr,
          {uu(f'({FIRST_ORDER_ID} + line0 + ln)', s + 1)}, oid, (ln + 1) * 10, bp, loc, day, day, p.pid, p.uom, wh,
          1 + (i + ln) % 9, CASE WHEN status IN ('CO','VO') THEN 0 ELSE 1 + (i + ln) % 9 END,
          CASE WHEN status = 'CO' AND i % 2 = 1 THEN 1 + (i + ln) % 9 ELSE 0 END, 0, 1 + (i + ln) % 9, 0, 100,
          p.price, p.price, round(p.price * 0.9, 2), p.price, round((1 + (i + ln) % 9) * p.price, 2),
          CASE WHEN (i + ln) % 4 = 0 THEN 106 ELSE 104 END, 0, 'N',
          CASE WHEN status IN ('CO','VO') THEN 'Y' ELSE 'N' END,
          CASE WHEN ln = 0 AND i % 11 = 0 THEN 'Rush delivery' END,
          CASE WHEN status = 'CO' AND i % 2 = 1 THEN day END
        FROM _o CROSS JOIN _ln ON _ln.ln < _o.nlines JOIN _p p ON p.idx = (i * 3 + ln * 5) % {len(PRODUCTS)}""")
    # line amounts are periodic in the order number (qty % 9, product % 18, line count % 5, tax % 4), so
    # the header totals are computed once per residue of 180 and joined, instead of aggregating all lines
    store.conn.execute("CREATE TEMP TABLE _per (r INTEGER PRIMARY KEY, tl REAL, gt REAL)")
    store.conn.executemany("INSERT INTO _per VALUES (?,?,?)", [(r, *_totals(r)) for r in range(PERIOD)])
    store.conn.execute(f"CREATE TEMP TABLE _tot AS SELECT oid, _per.tl, _per.gt FROM _o JOIN _per ON _per.r = i % {PERIOD}")
    store.conn.execute("CREATE TEMP TABLE _ptax (r INTEGER, tax INTEGER, base REAL, amt REAL)")
    store.conn.executemany("INSERT INTO _ptax VALUES (?,?,?,?)",
                           [(r, *t) for r in range(PERIOD) for t in _taxes(r)])
    store.conn.execute(f"""INSERT INTO C_OrderTax (AD_Client_ID, AD_Org_ID, IsActive, Created, CreatedBy, Updated,
        UpdatedBy, C_OrderTax_UU, C_Order_ID, C_Tax_ID, TaxBaseAmt, TaxAmt, IsTaxIncluded, Processed)
        SELECT {fx.CLIENT_ID}, org, active, created, usr, updated, usr, {uu('(oid * 2 + (tax - 104) / 2)', s + 7)}, oid, tax,
          base, amt, 'N', CASE WHEN status IN ('CO','VO') THEN 'Y' ELSE 'N' END
        FROM _o JOIN _ptax ON _ptax.r = i % {PERIOD}""")
    store.conn.execute("CREATE UNIQUE INDEX temp._tot_oid ON _tot(oid)")


def _orders(store: Store, s: int) -> None:
    processed = "CASE WHEN status IN ('CO','VO') THEN 'Y' ELSE 'N' END"
    store.conn.execute(f"""INSERT INTO C_Order (C_Order_ID, AD_Client_ID, AD_Org_ID, IsActive, Created, CreatedBy,
        Updated, UpdatedBy, C_Order_UU, DocumentNo, Description, DocStatus, DocAction, Processing, Processed, Posted,
        IsApproved, IsPrinted, IsSOTrx, C_DocType_ID, C_DocTypeTarget_ID, IsDelivered, IsInvoiced,
        IsCreditApproved, IsTransferred, IsSelected, SalesRep_ID, DateOrdered, DatePromised, DateAcct,
        C_BPartner_ID, C_BPartner_Location_ID, POReference, IsDiscountPrinted, C_Currency_ID, PaymentRule,
        C_PaymentTerm_ID, InvoiceRule, DeliveryRule, FreightCostRule, FreightAmt, DeliveryViaRule, PriorityRule,
        TotalLines, GrandTotal, M_Warehouse_ID, M_PriceList_ID, IsTaxIncluded, Bill_BPartner_ID, Bill_Location_ID,
        IsDropShip, IsSelfService, SendEMail, IsPayScheduleValid, IsPriviledgedRate, AD_User_ID)
        SELECT _o.oid, {fx.CLIENT_ID}, org, active, created, usr, updated, usr, {uu('_o.oid', s + 2)},
          CAST(80000 + i AS TEXT), CASE WHEN i % 4 = 0 THEN 'Order ' || i || ' for ' || bp END, status,
          CASE WHEN status = 'CO' THEN 'CL' WHEN status = 'VO' THEN '--' ELSE 'CO' END, 'N', {processed},
          CASE WHEN status = 'CO' AND i % 3 > 0 THEN 'Y' ELSE 'N' END, {processed},
          CASE WHEN i % 7 = 0 THEN 'Y' ELSE 'N' END, 'Y',
          CASE WHEN status IN ('CO','VO') THEN 132 ELSE 0 END, 132, 'N', 'N', 'Y', 'N', 'N', {fx.USER_ADMIN},
          day, day, day, bp, loc, CASE WHEN i % 6 = 0 THEN printf('PO-%06d', i) END, 'N', 100, 'P',
          CASE WHEN bp = 118 THEN 105 ELSE 107 END, 'I', 'F', 'I', 0, 'P', CASE WHEN i % 13 = 0 THEN '1' ELSE '5' END,
          _tot.tl, _tot.gt, wh, 101, 'N', bp, loc, 'N', 'N', 'N', 'N', 'N', CASE WHEN bp = 118 THEN 103 END
        FROM _o JOIN _tot ON _tot.oid = _o.oid""")


def _invoices(store: Store, s: int) -> None:
    x = store.conn.execute
    x(f"""CREATE TEMP TABLE _inv AS SELECT _o.i, _o.oid, _o.created, _o.updated, _o.day, _o.bp, _o.loc, _o.org, _o.usr, _o.nlines, _o.line0, {FIRST_ORDER_ID} + i / 4 AS inv, _tot.tl, _tot.gt,
        i / 4 AS k FROM _o JOIN _tot ON _tot.oid = _o.oid
        WHERE i % 4 = 0 AND status = 'CO'""")
    x(f"""INSERT INTO C_Invoice (C_Invoice_ID, AD_Client_ID, AD_Org_ID, IsActive, Created, CreatedBy, Updated,
        UpdatedBy, C_Invoice_UU, DocumentNo, DocStatus, DocAction, Processing, Processed, Posted, IsApproved,
        IsPrinted, IsSOTrx, C_DocType_ID, C_DocTypeTarget_ID, C_Order_ID, DateOrdered, DateInvoiced, DateAcct,
        SalesRep_ID, C_BPartner_ID, C_BPartner_Location_ID, IsDiscountPrinted, C_Currency_ID, PaymentRule,
        C_PaymentTerm_ID, TotalLines, GrandTotal, M_PriceList_ID, IsTaxIncluded, IsPaid, IsInDispute,
        IsTransferred, IsPayScheduleValid, DocBaseType, IsSelfService, SendEMail, IsOverrideCurrencyRate)
        SELECT inv, {fx.CLIENT_ID}, org, 'Y', created, usr, updated, usr, {uu('inv', s + 3)},
          CAST(50000 + i / 4 AS TEXT), 'CO', 'CL', 'N', 'Y', 'Y', 'Y', 'N', 'Y', 116, 116, oid, day, day, day,
          {fx.USER_ADMIN}, bp, loc, 'N', 100, 'P', 107, tl, gt, 101, 'N', CASE WHEN i % 8 = 0 THEN 'Y' ELSE 'N' END,
          'N', 'N', 'Y', 'ARI', 'N', 'N', 'N' FROM _inv""")
    x(f"""INSERT INTO C_InvoiceLine (C_InvoiceLine_ID, AD_Client_ID, AD_Org_ID, IsActive, Created, CreatedBy,
        Updated, UpdatedBy, C_InvoiceLine_UU, C_Invoice_ID, C_OrderLine_ID, Line, M_Product_ID, QtyInvoiced,
        QtyEntered, PriceList, PriceActual, PriceLimit, PriceEntered, LineNetAmt, LineTotalAmt, TaxAmt, C_UOM_ID,
        C_Tax_ID, IsDescription, IsPrinted, Processed)
        SELECT l.C_OrderLine_ID, {fx.CLIENT_ID}, v.org, 'Y',
          v.created, v.usr, v.updated, v.usr, {uu(f'({FIRST_ORDER_ID} + l.C_OrderLine_ID)', s + 4)}, v.inv,
          l.C_OrderLine_ID, l.Line, l.M_Product_ID, l.QtyOrdered, l.QtyEntered, l.PriceList, l.PriceActual,
          l.PriceLimit, l.PriceEntered, l.LineNetAmt,
          round(l.LineNetAmt + CASE WHEN l.C_Tax_ID = 106 THEN round(l.LineNetAmt * 0.07, 2) ELSE 0 END, 2),
          CASE WHEN l.C_Tax_ID = 106 THEN round(l.LineNetAmt * 0.07, 2) ELSE 0 END, l.C_UOM_ID, l.C_Tax_ID,
          'N', 'Y', 'Y'
        FROM _inv v CROSS JOIN _ln ON _ln.ln < v.nlines
        JOIN C_OrderLine l ON l.C_OrderLine_ID = {FIRST_ORDER_ID} + v.line0 + _ln.ln""")
    x(f"""INSERT INTO Fact_Acct (Fact_Acct_ID, AD_Client_ID, AD_Org_ID, IsActive, Created, CreatedBy, Updated,
        UpdatedBy, Fact_Acct_UU, C_AcctSchema_ID, Account_ID, DateTrx, DateAcct, C_Period_ID, AD_Table_ID, Record_ID,
        GL_Category_ID, PostingType, C_Currency_ID, AmtSourceDr, AmtSourceCr, AmtAcctDr, AmtAcctCr, C_BPartner_ID,
        Description)
        SELECT {FIRST_ORDER_ID} + k * 2 + d, {fx.CLIENT_ID}, org, 'Y', created, {fx.USER_SUPER}, updated,
          {fx.USER_SUPER}, {uu(f'({FIRST_ORDER_ID} + k * 2 + d)', s + 5)}, 101, CASE d WHEN 0 THEN 11200 ELSE 41000 END,
          day, day, 100 + CAST(substr(day, 6, 2) AS INTEGER), 318, inv, 108, 'A', 100,
          CASE d WHEN 0 THEN gt ELSE 0 END, CASE d WHEN 0 THEN 0 ELSE tl END,
          CASE d WHEN 0 THEN gt ELSE 0 END, CASE d WHEN 0 THEN 0 ELSE tl END, bp,
          CASE d WHEN 0 THEN 'Receivable ' ELSE 'Revenue ' END || (50000 + i / 4)
        FROM _inv CROSS JOIN (SELECT 0 AS d UNION ALL SELECT 1)""")
    x(f"""INSERT INTO C_Payment (C_Payment_ID, AD_Client_ID, AD_Org_ID, IsActive, Created, CreatedBy, Updated,
        UpdatedBy, C_Payment_UU, DocumentNo, DocStatus, DocAction, Processing, Processed, Posted, IsApproved,
        IsPrinted, IsReceipt, C_DocType_ID, DateTrx, DateAcct, C_BPartner_ID, C_Invoice_ID, C_Currency_ID, PayAmt,
        DiscountAmt, WriteOffAmt, IsOverUnderPayment, TenderType, TrxType, CheckNo, IsAllocated, IsReconciled,
        IsPrepayment, IsOnline, IsDelayedCapture, IsVoided, IsOverrideCurrencyRate, IsSelfService)
        SELECT inv, {fx.CLIENT_ID}, org, 'Y', created, usr, updated, usr, {uu('inv', s + 6)},
          CAST(90000 + i / 4 AS TEXT), 'CO', 'CL', 'N', 'Y', CASE WHEN i % 16 = 0 THEN 'N' ELSE 'Y' END, 'Y', 'N',
          'Y', 119, day, day, bp, inv, 100, gt, 0, 0, 'N', CASE WHEN i % 3 = 0 THEN 'X' ELSE 'K' END, 'S',
          CASE WHEN i % 3 = 0 THEN NULL ELSE CAST(1000 + i / 8 AS TEXT) END, 'Y',
          CASE WHEN i % 24 = 0 THEN 'Y' ELSE 'N' END, 'N', 'N', 'N', 'N', 'N', 'N'
        FROM _inv WHERE i % 8 = 0""")
