"""Import_Order over real HTTP (core's ImportOrder): I_Order rows written through ``/models``, the process run
through ``/processes``; orders grouped from rows, lines, new partners, the refused rows' ERR texts, DocAction and
the end-of-run reset; both generations (the process behaves alike on both)."""
from __future__ import annotations

import pytest

from .conftest import call, write_rows

RUN = {"AD_Client_ID": 11, "AD_Org_ID": 11}


@pytest.fixture(params=[False, True], ids=["current", "legacy"])
def emu(request, emulator_factory):
    return emulator_factory(rows=3, legacy=request.param)


def import_orders(emu, **params) -> dict:
    resp = call(emu, "POST", "/processes/import_order", json={**RUN, **params})
    assert resp.status_code == 200, resp.text
    return resp.json()


def stored(emu, ids: list[int], columns: str) -> list[tuple]:
    return [tuple(r) for r in emu.backend.sql(f"SELECT {columns} FROM I_Order WHERE I_Order_ID IN "
                                              f"({','.join(map(str, ids))}) ORDER BY I_Order_ID")]


def test_rows_become_orders_with_lines_new_partners_and_refused_rows_keep_their_errors(emu):
    ids = write_rows(emu, "I_Order", [
        {"BPartnerValue": "JoeBlock", "ProductValue": "Elm", "QtyOrdered": 2, "DocumentNo": "IO-1"},
        {"BPartnerValue": "JoeBlock", "ProductValue": "Oak", "QtyOrdered": 1, "PriceActual": 50, "DocumentNo": "IO-1",
         "LineDescription": "second line"},
        {"BPartnerValue": "NewCo", "Name": "New Co", "CountryCode": "CA", "City": "Ottawa", "Address1": "1 Main St",
         "ContactName": "Nina New", "EMail": "nina@newco.test", "UPC": "000000000125", "QtyOrdered": 3},
        {"BPartnerValue": "JoeBlock", "ProductValue": "NoSuchProduct", "QtyOrdered": 1},
        {"BPartnerValue": "Ghost", "Name": "Ghost Ltd", "ProductValue": "Elm", "QtyOrdered": 1},
        {"BPartnerValue": "JoeBlock", "ProductValue": "Elm", "DocTypeName": "Nope", "TaxIndicator": "XX"},
    ])
    body = import_orders(emu, DocAction="CO")
    assert body["summary"] == "#2/3" and body["isError"] is False
    assert body["logs"] == [{"msg": "Errors", "number": 3}, {"msg": "Order: Inserted", "number": 2},
                            {"msg": "Sales Order Line: Inserted", "number": 3}]
    rows = stored(emu, ids, "I_IsImported, Processed, I_ErrorMsg, C_Order_ID, C_OrderLine_ID, C_BPartner_ID")
    joe, oak, new, bad_product, ghost, bad_names = rows
    assert joe[:3] == oak[:3] == new[:3] == ("Y", "Y", " ") and joe[3] == oak[3] != new[3]
    assert bad_product[:3] == ("N", "N", " ERR=Invalid Product, ") and bad_product[3] is None
    assert ghost[2] == " ERR=Invalid Country, ERR=No BPartner, " and ghost[5] is None
    assert bad_names[2] == " ERR=Invalid DocTypeName, ERR=Invalid Tax, "

    order = call(emu, "GET", f"/models/C_Order/{joe[3]}", params={"$expand": "C_OrderLine"}).json()
    assert order["DocumentNo"] == "IO-1" and order["DocStatus"]["id"] == "CO" and order["C_BPartner_ID"]["id"] == 118
    assert order["C_DocType_ID"]["id"] == 132 and order["C_PaymentTerm_ID"]["id"] == 107  # tenant defaults
    assert order["M_PriceList_ID"]["id"] == 101 and order["M_Warehouse_ID"]["id"] == 103
    assert order["Bill_Location_ID"]["id"] == order["C_BPartner_Location_ID"]["id"] == 118
    lines = [(ln["Line"], ln["M_Product_ID"]["id"], ln["QtyOrdered"], ln["PriceActual"], ln.get("Description"))
             for ln in order["C_OrderLine"]]
    assert lines == [(10, 123, 2, 45, None), (20, 128, 1, 50, "second line")]  # price list price, else PriceActual
    assert [ln["id"] for ln in order["C_OrderLine"]] == [joe[4], oak[4]]

    partner = call(emu, "GET", f"/models/C_BPartner/{new[5]}").json()
    assert (partner["Value"], partner["Name"]) == ("NewCo", "New Co")
    other = call(emu, "GET", f"/models/C_Order/{new[3]}").json()
    assert other["C_BPartner_ID"]["id"] == new[5] and other["DocStatus"]["id"] == "CO"
    location = call(emu, "GET", f"/models/C_BPartner_Location/{other['C_BPartner_Location_ID']['id']}").json()
    assert location["C_Location_ID"]["City"] == "Ottawa" and location["C_Location_ID"]["C_Region_ID"]["id"] == 102
    contact = call(emu, "GET", f"/models/AD_User/{other['AD_User_ID']['id']}").json()
    assert (contact["Name"], contact["EMail"]) == ("Nina New", "nina@newco.test")

    # over REST the refused rows read I_IsImported false and carry their message
    refused = call(emu, "GET", "/models/I_Order", params={
        "$filter": f"I_Order_ID ge {ids[0]} and I_IsImported eq false", "$orderby": "I_Order_ID"}).json()["records"]
    assert [(r["id"], r["I_ErrorMsg"].strip()) for r in refused] == [
        (ids[3], "ERR=Invalid Product,"), (ids[4], "ERR=Invalid Country, ERR=No BPartner,"),
        (ids[5], "ERR=Invalid DocTypeName, ERR=Invalid Tax,")]


def test_rows_of_one_partner_split_by_document_no_and_purchase_rows_get_purchase_defaults(emu):
    ids = write_rows(emu, "I_Order", [
        {"BPartnerValue": "SeedFarm", "DocTypeName": "Purchase Order", "ProductValue": "GrassSeed", "QtyOrdered": 5,
         "DocumentNo": "PO-A", "DateOrdered": "2025-03-04"},
        {"BPartnerValue": "SeedFarm", "DocTypeName": "Purchase Order", "ProductValue": "Mulch", "QtyOrdered": 7,
         "DocumentNo": "PO-B"},
        {"BPartnerValue": "SeedFarm", "IsSOTrx": False, "ProductValue": "Oak", "QtyOrdered": 1, "DocumentNo": "PO-C"},
    ])
    body = import_orders(emu)  # no DocAction: the orders stay drafted
    assert body["summary"] == "#3/3"
    orders = [r[0] for r in stored(emu, ids, "C_Order_ID")]
    headers = [tuple(r) for r in emu.backend.sql(
        f"SELECT DocumentNo, DocStatus, IsSOTrx, C_DocTypeTarget_ID, M_PriceList_ID, DateOrdered, TotalLines FROM "
        f"C_Order WHERE C_Order_ID IN ({','.join(map(str, orders))}) ORDER BY DocumentNo")]
    assert [h[:5] for h in headers] == [(doc, "DR", "N", 126, 102) for doc in ("PO-A", "PO-B", "PO-C")]
    assert headers[0][5] == "2025-03-04" and headers[0][6] > 0
    assert stored(emu, ids, "IsSOTrx, C_DocType_ID, M_PriceList_ID") == [("N", 126, 102)] * 3  # PO-C: the default


def test_a_refused_document_action_ends_the_import_quietly_and_rows_not_reached_are_reset(emu):
    ids = write_rows(emu, "I_Order", [{"BPartnerValue": "JoeBlock", "ProductValue": "Elm", "QtyOrdered": 1},
                           {"BPartnerValue": "C&W", "ProductValue": "Oak", "QtyOrdered": 1}])
    body = import_orders(emu, DocAction="XX")  # processIt fails: core logs it and stops the loop
    assert body["isError"] is False and body["summary"] == "#1/1" and body["logs"][0] == {"msg": "Errors", "number": 1}
    (joe, cw) = stored(emu, ids, "I_IsImported, I_ErrorMsg, C_Order_ID")  # imported in partner order: 117, 118
    assert cw[0] == "Y" and joe == ("N", " ", None)
    assert emu.backend.sql(f"SELECT DocStatus FROM C_Order WHERE C_Order_ID={cw[2]}") == [("DR",)]
    again = import_orders(emu, DocAction="PR", DeleteOldImported=True)  # the pending row is imported on a rerun
    assert again["summary"] == "#1/1"
    assert emu.backend.sql(f"SELECT COUNT(*) FROM I_Order WHERE I_Order_ID={ids[1]}") == [(0,)]  # deleted as old
    (row,) = stored(emu, [ids[0]], "I_IsImported, C_Order_ID")
    assert row[0] == "Y" and emu.backend.sql(f"SELECT DocStatus FROM C_Order WHERE C_Order_ID={row[1]}") == [("IP",)]


def test_an_unset_organization_parameter_is_a_process_error_that_touches_no_row(emu):
    (rid,) = write_rows(emu, "I_Order", [{"BPartnerValue": "JoeBlock", "ProductValue": "Elm", "QtyOrdered": 1}])
    resp = call(emu, "POST", "/processes/import_order", json={"AD_Client_ID": 11, "DocAction": "CO"})
    body = resp.json()
    assert body["isError"] is True and "ProcessInfoParameter.getParameter()" in body["summary"]
    assert stored(emu, [rid], "I_IsImported, I_ErrorMsg, C_Order_ID") == [("N", None, None)]
    params = call(emu, "GET", "/processes/import_order").json()["parameters"]
    assert [(p["parameterName"], p["IsMandatory"]) for p in params] == [
        ("AD_Client_ID", True), ("AD_Org_ID", True), ("DeleteOldImported", False), ("DocAction", False)]
