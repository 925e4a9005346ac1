"""Import_Order (core's ImportOrder): I_Order rows -> C_Order headers with their C_OrderLine (and new partners).

Reproduced from core (facts, not code), after the validation of import_order_checks.py:
* New partners: a valid row without C_BPartner_ID takes BPartnerValue, else its EMail, else its Name as the key
  (a row with none of them is skipped) and Name, else ContactName, else that key as the name; the partner with
  that Value is used or created, then its location with the row's C_BPartner_Location_ID / C_Location_ID / same
  address (country, region, postal, city, address 1 and 2) or a new one, and a contact named like ContactName
  or Name (or a new contact) when the row has a ContactName, EMail or Phone. A save that fails skips the row,
  which is then marked ``ERR=No BPartner, `` like every row still without a partner.
* Orders: the valid rows in (C_BPartner_ID, BillTo_ID, C_BPartner_Location_ID, I_Order_ID) order; a row whose
  partner, ship-to, bill-to or DocumentNo differs from the previous row's starts a new order (target document
  type, IsSOTrx, DeliveryRule, DocumentNo, partner, locations, contact, Description, payment term, price list,
  warehouse, sales rep (else the user running the import), trx org, DateOrdered, DateAcct), each row adds a line
  (Line 10, 20, ...; product, quantity, PriceActual when not zero, tax, freight, LineDescription) and is marked
  imported with C_Order_ID, C_OrderLine_ID and C_Tax_ID. ``DocAction`` (unset: none, the orders stay Drafted) is
  run on each order once its lines are saved. A failed save or document action ends the loop quietly, as core
  catches and only logs it: what was saved stays and the rows not reached are reset like refused rows.
* Summary ``#<orders>/<lines>``; logs ``@Errors@``, ``@C_Order_ID@: @Inserted@``, ``@C_OrderLine_ID@: @Inserted@``.
Not emulated: shippers, activities, campaigns, projects and order sources on the order (C_Order has no such
columns here), charges (C_Charge is not served).
"""
from __future__ import annotations

from typing import Any

from erp_emulator.clock import now_text

from ..errors import EmulatorError
from .import_order_checks import validate_orders
from .import_table import ImportTable, import_run, no_nulls, required_id
from .process_run import ProcessEnv, ProcessRun

_ADDRESS = ("Address1", "Address2", "City", "Postal")


def run_import_order(run: ProcessRun, env: ProcessEnv) -> str:
    client = required_id(run, "AD_Client_ID")
    org = required_id(run, "AD_Org_ID")
    action = run.value("DocAction")
    with import_run(run, env, "I_Order", client) as t:
        validate_orders(t, org, now_text())
        for imp in env.store.query_dicts(f"SELECT * FROM I_Order WHERE {t.fresh} AND C_BPartner_ID IS NULL"):
            _new_partner(env, run, imp)
        t.error("ERR=No BPartner, ", f"C_BPartner_ID IS NULL AND {t.pending}")
        orders, lines = _import_orders(env, run, t, action)
        t.finish(run)
    run.add_log(orders, "@C_Order_ID@: @Inserted@")
    run.add_log(lines, "@C_OrderLine_ID@: @Inserted@")
    return f"#{orders}/{lines}"


def _import_orders(env: ProcessEnv, run: ProcessRun, t: ImportTable, action: Any) -> tuple[int, int]:
    """(orders inserted, lines inserted)."""
    orders = lines = line_no = order = 0
    group = None
    try:
        for imp in t.rows("C_BPartner_ID, BillTo_ID, C_BPartner_Location_ID, I_Order_ID"):
            key = (imp["C_BPartner_ID"], imp["C_BPartner_Location_ID"], imp["BillTo_ID"], imp["DocumentNo"] or "")
            if key != group:
                if order:
                    _process(env, order, action)
                group, line_no = key, 10
                order = int(env.writer.create(run.session, "C_Order", _header(run, imp))["id"])
                orders += 1
            line = env.writer.create(run.session, "C_OrderLine", _line(imp, order, line_no))
            line_no += 10
            tax = line["C_Tax_ID"]["id"] if isinstance(line.get("C_Tax_ID"), dict) else imp["C_Tax_ID"]
            t.imported(imp["I_Order_ID"], {"C_Order_ID": order, "C_OrderLine_ID": line["id"], "C_Tax_ID": tax})
            lines += 1
        if order:
            _process(env, order, action)
    except EmulatorError:
        pass  # core: "Order - <sql>" logged at SEVERE; the rows not reached stay pending
    return orders, lines


def _process(env: ProcessEnv, order: int, action: Any) -> None:
    """order.processIt(DocAction) when the parameter is set; a refused action raises (IllegalStateException)."""
    if action:
        env.writer.docs.process("C_Order", order, action)


def _header(run: ProcessRun, imp: dict) -> dict:
    body = {"AD_Org_ID": imp["AD_Org_ID"], "C_DocTypeTarget_ID": imp["C_DocType_ID"],
            "IsSOTrx": imp["IsSOTrx"] == "Y", "DeliveryRule": imp["DeliveryRule"], "DocumentNo": imp["DocumentNo"],
            "C_BPartner_ID": imp["C_BPartner_ID"], "C_BPartner_Location_ID": imp["C_BPartner_Location_ID"],
            "AD_User_ID": imp["AD_User_ID"], "Bill_BPartner_ID": imp["C_BPartner_ID"],
            "Bill_Location_ID": imp["BillTo_ID"], "Description": imp["Description"],
            "C_PaymentTerm_ID": imp["C_PaymentTerm_ID"], "M_PriceList_ID": imp["M_PriceList_ID"],
            "M_Warehouse_ID": imp["M_Warehouse_ID"], "SalesRep_ID": imp["SalesRep_ID"] or run.session.user_id,
            "AD_OrgTrx_ID": imp["AD_OrgTrx_ID"], "DateOrdered": imp["DateOrdered"], "DateAcct": imp["DateAcct"]}
    return no_nulls(body)


def _line(imp: dict, order: int, line_no: int) -> dict:
    """MOrderLine(order): product (its UOM), setQty, the price list's prices unless PriceActual is not zero."""
    body: dict[str, Any] = {"C_Order_ID": order, "Line": line_no, "M_Product_ID": imp["M_Product_ID"],
                            "QtyEntered": imp["QtyOrdered"] or 0, "C_Tax_ID": imp["C_Tax_ID"],
                            "FreightAmt": imp["FreightAmt"], "Description": imp["LineDescription"]}
    if imp["PriceActual"]:
        body["PriceEntered"] = body["PriceActual"] = imp["PriceActual"]
    return no_nulls(body)


def _new_partner(env: ProcessEnv, run: ProcessRun, imp: dict) -> None:
    """The "New BPartner" loop body: partner, location and contact found or created, ids saved on the row."""
    value = imp["BPartnerValue"] or imp["EMail"] or imp["Name"]
    if value is None:
        return
    name = imp["Name"] or imp["ContactName"] or value
    store, session = env.store, run.session
    try:
        found = store.query("SELECT C_BPartner_ID FROM C_BPartner WHERE Value=? AND AD_Client_ID=?",
                            (value, imp["AD_Client_ID"]))
        bp = found[0][0] if found else env.writer.create(
            session, "C_BPartner", {"AD_Org_ID": imp["AD_Org_ID"], "Value": value, "Name": name})["id"]
        bpl, location = _location(env, run, imp, bp)
    except EmulatorError:
        return  # core: "continue" without saving the row
    user = imp["AD_User_ID"]
    if imp["ContactName"] is not None or imp["EMail"] is not None or imp["Phone"] is not None:
        user = _contact(env, run, imp, bp, name) or user
    store.execute("UPDATE I_Order SET BPartnerValue=?, Name=?, C_BPartner_ID=?, C_Location_ID=?, BillTo_ID=?, "
                  "C_BPartner_Location_ID=?, AD_User_ID=?, Updated=?, UpdatedBy=? WHERE I_Order_ID=?",
                  (value, name, bp, location, bpl, bpl, user, now_text(), session.user_id, imp["I_Order_ID"]))


def _location(env: ProcessEnv, run: ProcessRun, imp: dict, bp: int) -> tuple[int, int]:
    """(C_BPartner_Location_ID, C_Location_ID): the partner's matching location, else a new one."""
    rows = env.store.query_dicts(
        "SELECT bpl.C_BPartner_Location_ID, l.* FROM C_BPartner_Location bpl JOIN C_Location l ON "
        "l.C_Location_ID=bpl.C_Location_ID WHERE bpl.C_BPartner_ID=? AND bpl.IsActive='Y' "
        "ORDER BY bpl.C_BPartner_Location_ID", (bp,))
    for loc in rows:
        if loc["C_BPartner_Location_ID"] == imp["C_BPartner_Location_ID"] or \
                loc["C_Location_ID"] == imp["C_Location_ID"] or (not imp["C_Location_ID"] and _same_address(loc, imp)):
            return loc["C_BPartner_Location_ID"], loc["C_Location_ID"]
    address = no_nulls({**{c: imp[c] for c in _ADDRESS}, "C_Country_ID": imp["C_Country_ID"],
                        "C_Region_ID": imp["C_Region_ID"] or None})
    created = env.writer.create(run.session, "C_BPartner_Location", {"C_BPartner_ID": bp, "C_Location_ID": address})
    location = env.store.query("SELECT C_Location_ID FROM C_BPartner_Location WHERE C_BPartner_Location_ID=?",
                               (created["id"],))[0][0]
    return created["id"], location


def _same_address(loc: dict, imp: dict) -> bool:
    """MLocation.equals(country, region, postal, "", city, address1, address2): empty and null are alike."""
    return (loc["C_Country_ID"] == imp["C_Country_ID"] and (loc["C_Region_ID"] or 0) == (imp["C_Region_ID"] or 0)
            and all((loc[c] or "") == (imp[c] or "") for c in _ADDRESS))


def _contact(env: ProcessEnv, run: ProcessRun, imp: dict, bp: int, name: str) -> int | None:
    """The partner's contact named ContactName or Name, else a new one (None when it cannot be saved)."""
    for user_id, user_name in env.store.query("SELECT AD_User_ID, Name FROM AD_User WHERE C_BPartner_ID=? "
                                              "ORDER BY AD_User_ID", (bp,)):
        if user_name in (imp["ContactName"], name):
            return int(user_id)
    body = no_nulls({"C_BPartner_ID": bp, "Name": imp["ContactName"] or name, "EMail": imp["EMail"],
                     "Phone": imp["Phone"]})
    try:
        return int(env.writer.create(run.session, "AD_User", body)["id"])
    except EmulatorError:
        return None
