"""Query features over real HTTP, both generations: filters, errors, dates, select, yaml (spec §2-§6, §13)."""
from __future__ import annotations

import pytest
import requests
import yaml

from .conftest import api, bearer, login


def get(emu, path, params=None, token=None):
    return requests.get(api(emu) + path, params=params, headers=bearer(token or emu.s2s_token), timeout=30)


@pytest.fixture(scope="module")
def current():
    from idempiere_emulator import EmulatorOptions, EmulatorServer
    with EmulatorServer(EmulatorOptions(rows=300, tz="Europe/Berlin")) as emu:
        yield emu


@pytest.fixture(scope="module")
def legacy():
    from idempiere_emulator import EmulatorOptions, EmulatorServer
    with EmulatorServer(EmulatorOptions(rows=300, tz="Europe/Berlin", legacy=True)) as emu:
        yield emu


def test_parser_errors_are_400_with_literal_null_title(current):
    resp = get(current, "/models/c_order", {"$filter": "DocumentNo ne '80001'"})
    assert resp.status_code == 400
    assert resp.text == '{"title":null,"status":400,"detail":"Unsupported operator: ne"}'
    resp = get(current, "/models/c_order", {"$filter": "C_BPartner_ID eq '118'"})
    assert resp.json()["detail"] == "Error convertig parameter with value: '118' - For input string: \"'118'\""


def test_unknown_method_and_truncated_filters_are_500(current):
    resp = get(current, "/models/c_order", {"$filter": "substring(DocumentNo,1) eq '8'"})
    assert resp.status_code == 500
    assert resp.json() == {"title": "GET Error", "status": 500, "detail": "Method call 'substring' not implemented"}
    assert get(current, "/models/c_order", {"$filter": "DocumentNo eq"}).json()["detail"] == "Index: 2, Size: 2"


def test_filter_combinations_return_matching_rows(current):
    body = get(current, "/models/c_order", {"$filter": "(C_BPartner_ID eq 117 or C_BPartner_ID eq 118) and "
                                                       "contains(DocumentNo,'80') and IsActive eq true",
                                            "$orderby": "DocumentNo desc", "$top": 50}).json()
    docs = [r["DocumentNo"] for r in body["records"]]
    assert docs == sorted(docs, reverse=True) and body["row-count"] >= len(docs) > 0
    assert {r["C_BPartner_ID"]["id"] for r in body["records"]} <= {117, 118}


def test_datetime_output_per_generation(current, legacy):
    new = get(current, "/models/c_order/100").json()
    old = get(legacy, "/models/c_order/100").json()
    assert new["Created"] == "2024-01-01T01:00:00+01:00"  # Berlin, real offset
    assert old["Created"] == "2024-01-01T01:00:00Z"  # legacy: wall clock with a fake Z
    assert new["DateOrdered"] == old["DateOrdered"] == "2024-01-01"


def test_iso_filter_literal_is_exact_now_and_truncated_in_legacy(current, legacy):
    def count(emu, lit):
        return get(emu, "/models/c_order", {"$filter": f"Updated ge '{lit}' and IsActive neq null"}).json()["row-count"]
    exact, midnight = count(current, "2024-01-01T01:00:00Z"), count(current, "2024-01-01 00:00:00")
    assert exact < midnight
    assert count(legacy, "2024-01-01T01:00:00Z") == count(legacy, "2024-01-01 00:00:00") == midnight


def test_id_uid_aliases_only_in_current_generation(current, legacy):
    uid = get(current, "/models/c_order/100").json()["uid"]
    assert get(current, "/models/c_order", {"$filter": f"uid eq '{uid}'"}).json()["records"][0]["id"] == 100
    assert get(current, "/models/c_order", {"$filter": "id eq 100"}).json()["row-count"] == 1
    resp = get(legacy, "/models/c_order", {"$filter": "id eq 100"})
    assert resp.status_code == 400 and resp.json()["detail"] == "Invalid column for filter: id"


@pytest.mark.parametrize("generation", ["current", "legacy"])
def test_quoted_literal_with_parentheses_matches_the_stored_text(generation, request):
    emu = request.getfixturevalue(generation)
    requests.post(emu.base_url + "/__emulator__/insert", timeout=10,
                  json={"table": "C_BPartner", "rows": [{"Value": f"paren-{generation}", "Name": "Garden (East)"}]})
    body = get(emu, "/models/c_bpartner", {"$filter": "Name eq 'Garden (East)'"}).json()
    assert [r["Value"] for r in body["records"]] == [f"paren-{generation}"]


@pytest.mark.parametrize("generation", ["current", "legacy"])
def test_numbers_keep_the_stored_scale_in_the_raw_body(generation, request):
    """BigDecimal.toString(): CostPrice 4 decimals, Amount 2, integral Quantity plain, zero '0' (§6.2)."""
    import re
    emu = request.getfixturevalue(generation)
    text = get(emu, "/models/c_orderline/100").text
    tokens = dict(re.findall(r'"(PriceList|LineNetAmt|QtyOrdered|QtyDelivered)":([-0-9.]+)[,}]', text))
    assert re.fullmatch(r"\d+\.\d{4}", tokens["PriceList"]), tokens
    assert re.fullmatch(r"\d+\.\d{2}", tokens["LineNetAmt"]), tokens
    assert re.fullmatch(r"\d+", tokens["QtyOrdered"]) and tokens["QtyDelivered"] == "0", tokens
    page = get(emu, "/models/c_order", {"$select": "GrandTotal", "$orderby": "C_Order_ID", "$top": 5}).text
    assert re.findall(r'"GrandTotal":([-0-9.]+)', page) and all(
        re.fullmatch(r"\d+\.\d{2}|0", t) for t in re.findall(r'"GrandTotal":([-0-9.]+)', page))


@pytest.mark.parametrize("generation", ["current", "legacy"])
def test_filter_text_converted_for_one_table_is_reused_for_another(generation, emulator_factory):
    """§4.9: the converter cache is keyed by the text only. C_BPartner_ID exists in C_Order, not in M_Product:
    after C_Order converted the text, M_Product fails in the database (500), not in the parser (400)."""
    emu = emulator_factory(rows=5, legacy=generation == "legacy")
    flt = {"$filter": "C_BPartner_ID eq 118"}
    assert get(emu, "/models/m_product", flt).status_code == 400  # first conversion: validated, not cached
    assert get(emu, "/models/c_order", flt).status_code == 200
    resp = get(emu, "/models/m_product", flt)
    assert resp.status_code == 500
    assert resp.json() == {"title": "GET Error", "status": 500, "detail": 'ERROR: column "c_bpartner_id" does not exist'}


def test_select_and_orderby_rules(current):
    body = get(current, "/models/c_order", {"$select": "DocumentNo", "$orderby": "Updated,C_Order_ID", "$top": 3}).json()
    assert [list(r) for r in body["records"]] == [["id", "uid", "DocumentNo", "model-name"]] * 3
    resp = get(current, "/models/c_order", {"$select": "DocumentNo,Foo"})
    assert resp.status_code == 400 and resp.json() == {"title": None, "status": 400,
                                                        "detail": "Foo is not a valid column of table C_Order"}
    ignored = get(current, "/models/c_order", {"$orderby": "id", "$top": 20}).json()["records"]
    plain = get(current, "/models/c_order", {"$top": 20}).json()["records"]
    assert [r["id"] for r in ignored] == [r["id"] for r in plain] != sorted(r["id"] for r in plain)


def test_unknown_and_denied_tables(current):
    assert get(current, "/models/nope").json() == {"title": "Invalid table name", "status": 404,
                                                   "detail": "No match found for table name: nope"}
    token = login(current, "GardenUser", params={})["token"]
    resp = get(current, "/models/fact_acct", token=token)
    assert resp.status_code == 403 and resp.json()["title"] == "Access denied"
    names = {m["model-name"] for m in get(current, "/models", token=token).json()["models"]}
    assert "fact_acct" not in names and "c_order" in names
    filtered = get(current, "/models", {"$filter": "TableName eq 'C_BPartner'"}).json()["models"]
    assert [m["model-name"] for m in filtered] == ["c_bpartner"]


def test_yaml_endpoint(current):
    resp = get(current, "/models/c_bpartner/yaml")
    assert resp.status_code == 200 and resp.headers["Content-Type"].startswith("application/yaml")
    props = yaml.safe_load(resp.text)["components"]["schemas"]["C_BPartner"]["properties"]
    assert props["SOCreditStatus"]["properties"]["model-name"]["enum"] == ["ad_ref_list"]
    missing = get(current, "/models/nope/yaml")
    assert missing.status_code == 500 and missing.content == b""


def test_tolowercase_option_renames_only_underscore_free_properties(emulator_factory):
    emu = emulator_factory(rows=5, tolowercase=True)
    rec = get(emu, "/models/c_order/100").json()
    assert "documentNo" in rec and "isActive" in rec and "C_BPartner_ID" in rec and "DocumentNo" not in rec
    rec = get(emu, "/models/c_order", {"$filter": "DocumentNo eq '80000'", "$select": "documentno"}).json()
    assert rec["records"][0]["documentNo"] == "80000"


def test_expand_over_http(current):
    body = get(current, "/models/c_order", {"$select": "DocumentNo", "$orderby": "C_Order_ID", "$top": 2,
                                            "$expand": "C_OrderLine($select=Line;$orderby=Line desc)"}).json()
    lines = body["records"][0]["C_OrderLine"]
    assert [ln["Line"] for ln in lines] == sorted((ln["Line"] for ln in lines), reverse=True)
    assert all(set(ln) == {"id", "uid", "Line"} for ln in lines)
    bad = get(current, "/models/m_product/122", {"$expand": "M_Product_Category_ID($top=1)"})
    assert bad.status_code == 400 and bad.json()["title"] == "Expand error"


def test_dictionary_option_serves_every_table(emulator_factory):
    emu = emulator_factory(rows=0, dictionary="/work/shared/idempiere/dictionary.json", dictionary_rows=2)
    models = get(emu, "/models").json()["models"]
    assert len(models) > 600
    project = get(emu, "/models/c_project", {"$filter": "IsActive neq null"}).json()
    assert project["row-count"] == 2 and project["records"][0]["model-name"] == "c_project"
    assert get(emu, "/models/m_inout/yaml").status_code == 200
