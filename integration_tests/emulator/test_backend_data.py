"""Seed data facts, $expand and the --dictionary loader, checked through the Backend (§5.3, §11, issue 3)."""
from __future__ import annotations

import pytest
import yaml

from idempiere_emulator import fixtures as fx
from idempiere_emulator.emulator_options import EmulatorOptions
from idempiere_emulator.errors import EmulatorError
from idempiere_emulator.model.backend import Backend
from idempiere_emulator.session import Session

ADMIN = Session(fx.CLIENT_ID, fx.USER_ADMIN, fx.ROLE_ADMIN, fx.ORG_HQ, fx.WAREHOUSE_HQ)
DICTIONARY = "/work/shared/idempiere/dictionary.json"


@pytest.fixture(scope="module")
def backend():
    b = Backend(EmulatorOptions(rows=200))
    yield b
    b.close()


def name_of(b, table, key):
    return b.get_record(ADMIN, table, str(key))


def test_gardenworld_fixture_ids(backend):
    assert name_of(backend, "ad_client", fx.CLIENT_ID)["Name"] == fx.CLIENT_NAME
    assert {o: name_of(backend, "ad_org", o)["Name"] for o in (fx.ORG_HQ, fx.ORG_STORE)} == {11: "HQ", 12: "Store"}
    for wid, (wname, org) in fx.WAREHOUSES.items():
        rec = name_of(backend, "m_warehouse", wid)
        assert rec["Name"] == wname and rec["AD_Org_ID"]["id"] == org
    assert name_of(backend, "ad_role", fx.ROLE_ADMIN)["Name"] == fx.ROLES[fx.ROLE_ADMIN]
    assert name_of(backend, "c_bpartner", 117)["Name"] == "C&W Construction"
    assert name_of(backend, "c_bpartner", 118)["Name"] == "Joe Block"
    assert name_of(backend, "c_doctype", 132)["Name"] == "Standard Order"
    assert name_of(backend, "m_product", 122)["Name"] == "Azalea Bush"
    assert name_of(backend, "c_country", 100)["Name"] == "Canada"
    assert [name_of(backend, "c_tax", t)["Name"] for t in (106, 107)] == ["GST", "PST"]
    assert name_of(backend, "c_currency", 102)["ISO_Code"] == "EUR"


def test_data_quirks_exist(backend):
    assert backend.sql("SELECT COUNT(*) FROM C_BPartner WHERE Name='Patio Fun, Inc.'")[0][0] == 2
    assert backend.sql("SELECT COUNT(*) FROM C_BPartner WHERE IsActive='N'")[0][0] >= 1
    assert backend.sql("SELECT COUNT(*) FROM C_Order WHERE Description IS NULL")[0][0] > 0
    ms = backend.sql("SELECT COUNT(DISTINCT substr(Updated, 21)) FROM C_Order")[0][0]
    assert ms > 50  # milliseconds are stored
    same = backend.sql("SELECT COUNT(*) FROM (SELECT Updated FROM C_Order GROUP BY Updated HAVING COUNT(*) > 1)")
    assert same[0][0] > 0  # identical timestamps (a keyset needs a tiebreaker)
    late = backend.sql("SELECT COUNT(*) FROM C_Order a JOIN C_Order b ON b.C_Order_ID = a.C_Order_ID + 1 "
                       "WHERE b.Updated < a.Updated")[0][0]
    assert late > 0  # Updated order differs from key order
    assert backend.sql("SELECT Created FROM C_Tax WHERE C_Tax_ID=106")[0][0] == "2003-01-08 15:06:11.000"


def test_rows_scales_orders_lines_and_facts():
    b = Backend(EmulatorOptions(rows=40))
    assert b.count("C_Order") == 40
    lines = b.count("C_OrderLine")
    assert 2 * 40 <= lines <= 4 * 40
    assert b.count("Fact_Acct") == 2 * b.count("C_Invoice") > 0
    totals = b.sql("SELECT o.TotalLines, (SELECT round(SUM(LineNetAmt),2) FROM C_OrderLine l "
                   "WHERE l.C_Order_ID=o.C_Order_ID) FROM C_Order o")
    assert all(abs(a - c) < 0.001 for a, c in totals)
    assert Backend(EmulatorOptions(rows=40)).sql("SELECT C_Order_UU FROM C_Order") == b.sql(
        "SELECT C_Order_UU FROM C_Order")  # deterministic


def test_expand_detail_with_options(backend):
    rec = backend.get_record(ADMIN, "c_order", "100", select="DocumentNo",
                             expand="C_OrderLine($select=Line,LineNetAmt ; $top=1 ; $skip=1 ; $orderby=Line)")
    assert rec["C_OrderLine"] == [{"id": rec["C_OrderLine"][0]["id"], "uid": rec["C_OrderLine"][0]["uid"],
                                   "Line": 20, "LineNetAmt": rec["C_OrderLine"][0]["LineNetAmt"]}]


def test_expand_master_and_explicit_fk(backend):
    rec = backend.get_record(ADMIN, "m_product", "122", expand="m_product_category_id($select=Name,IsDefault)")
    cat = rec["M_Product_Category_ID"]
    assert cat["Name"] == "Bushes" and cat["model-name"] == "m_product_category" and set(cat) == {
        "id", "uid", "Name", "IsDefault", "model-name"}
    user = backend.get_record(ADMIN, "ad_user", "101", expand="C_order.salesrep_id($select=documentno)")
    assert user["C_order.salesrep_id"] and all(set(o) == {"id", "uid", "DocumentNo"}
                                               for o in user["C_order.salesrep_id"])
    inv = backend.get_record(ADMIN, "c_invoice", "104", expand="fact_acct.record_id($select=fact_acct_id)")
    assert len(inv["fact_acct.record_id"]) == 2


def test_expand_errors(backend):
    with pytest.raises(EmulatorError) as info:
        backend.get_record(ADMIN, "m_product", "122", expand="M_Product_Category_ID($top=1)")
    assert info.value.body()["detail"] == "Expanding a master only support the $select query operator"
    with pytest.raises(EmulatorError) as info:
        backend.get_record(ADMIN, "c_order", "100", expand="C_OrderLine($top=x)")
    assert info.value.body() == {"title": "Expand error", "status": 400,
                                 "detail": "failed to parse Skip or Top operator. Only integers allowed"}


def test_dictionary_tables_are_served_empty_or_with_rows():
    b = Backend(EmulatorOptions(rows=0, dictionary=DICTIONARY, dictionary_rows=3))
    names = {m["model-name"] for m in b.list_models(ADMIN, None)}
    assert len(names) > 600 and {"c_project", "m_inout", "c_order"} <= names
    assert "ad_column" not in names  # system-only access level stays hidden from a client role
    project = b.query(ADMIN, "c_project", filter="IsActive neq null")
    assert project.row_count == 3 and project.records[0]["model-name"] == "c_project"
    doc = yaml.safe_load(b.table_yaml(ADMIN, "c_project"))
    assert "C_Project_ID" not in doc["components"]["schemas"]["C_Project"]["properties"]
    assert b.get_record(ADMIN, "c_order", "100") if b.count("C_Order") else True
    empty = Backend(EmulatorOptions(rows=0, dictionary=DICTIONARY))
    assert empty.query(ADMIN, "m_inout").row_count == 0


def test_db_file_persists_between_backends(tmp_path):
    path = str(tmp_path / "emu.db")
    first = Backend(EmulatorOptions(rows=10, db=path))
    made = first.create(ADMIN, "c_bpartner", {"Name": "Persisted BP"})
    first.close()
    second = Backend(EmulatorOptions(rows=10, db=path))
    assert second.count("C_Order") == 10  # not seeded twice
    assert second.get_record(ADMIN, "c_bpartner", str(made["id"]))["Name"] == "Persisted BP"
    assert second.create(ADMIN, "c_bpartner", {"Name": "Next"})["id"] == made["id"] + 1
    second.close()


def test_concurrent_reads_and_writes_share_one_connection_safely():
    import threading
    b = Backend(EmulatorOptions(rows=100))
    errors: list[BaseException] = []

    def reader():
        try:
            for k in range(15):
                res = b.query(ADMIN, "c_order", filter="IsActive neq null", orderby="Updated,C_Order_ID",
                              top=20, skip=k * 5)
                assert len(res.records) == 20
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    def writer(n):
        try:
            for k in range(10):
                b.create(ADMIN, "c_bpartner", {"Name": f"T{n}-{k}"})
                b.touch("C_Order", count=3)
        except BaseException as exc:  # pragma: no cover
            errors.append(exc)

    threads = [threading.Thread(target=reader) for _ in range(3)] + [threading.Thread(target=writer, args=(i,))
                                                                       for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert b.sql("SELECT COUNT(*) FROM C_BPartner WHERE Name LIKE 'T%-%'")[0][0] == 30


def test_postman_fixture_tables(backend):
    """Tables the Postman collection expands or reads by uuid (#16, #23-#25)."""
    order = backend.get_record(ADMIN, "c_order", "100", expand="C_OrderTax")
    taxes = order["C_OrderTax"]
    assert taxes and all("C_Order_ID" not in t and "id" not in t for t in taxes)
    assert round(sum(t["TaxAmt"] for t in taxes), 2) == round(order["GrandTotal"] - order["TotalLines"], 2)
    acct = backend.get_record(ADMIN, "c_tax_acct", "7df64952-88e0-4ebf-9f56-9cb899b555f8")
    assert acct["C_Tax_ID"]["id"] == 106
    prices = backend.get_record(ADMIN, "m_product", "122", expand="M_ProductPrice")["M_ProductPrice"]
    assert {p["M_PriceList_Version_ID"]["id"] for p in prices} == {104, 105, 106}


def test_new_order_lines_are_priced_from_the_price_list(backend):
    order = backend.create(ADMIN, "c_order", {"C_BPartner_ID": 118, "C_DocTypeTarget_ID": 132,
                                              "C_OrderLine": [{"M_Product_ID": 122, "QtyEntered": 2}]})
    line = order["C_OrderLine"][0]
    assert (line["PriceList"], line["PriceActual"], line["LineNetAmt"]) == (23.75, 23.75, 47.5)
    assert line["QtyOrdered"] == 2 and order["GrandTotal"] == 47.5
