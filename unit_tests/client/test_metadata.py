"""metadata.parse_yaml and MetadataCatalog (spec §2.4 YAML, key probe)."""
from __future__ import annotations

import pytest
import requests_mock

from idempiere_client import metadata
from idempiere_client.config import ConnectionConfig
from idempiere_client.http import IdempiereClient
from idempiere_client.metadata import MetadataCatalog, parse_yaml
from unit_tests.client.yaml_samples import BROKEN_YAML, C_ORDER_YAML, PYYAML_STYLE_YAML

API = "http://erp.test/api/v1"


@pytest.fixture(
    params=[C_ORDER_YAML, BROKEN_YAML, PYYAML_STYLE_YAML, "strict:" + PYYAML_STYLE_YAML],
    ids=["plugin-style-unquoted-colon", "unquoted-multiline-description", "pyyaml-style", "pyyaml-style-strict-parser"],
)
def meta(request, monkeypatch):
    text = request.param
    if text.startswith("strict:"):
        text = text[len("strict:"):]
        monkeypatch.setattr(metadata, "_lenient_load", lambda t: {})  # force the PyYAML fallback
    return parse_yaml("c_order", text)


def test_exact_table_name_comes_from_the_document(meta):
    assert meta.name == "C_Order"
    assert meta.model_name == "c_order"


def test_columns_keep_exact_names_and_order_without_id_and_uid(meta):
    assert list(meta.columns) == [
        "AD_Client_ID", "IsActive", "Created", "Updated", "DocumentNo", "DocStatus", "C_BPartner_ID",
        "DateOrdered", "DatePromised", "GrandTotal", "Line", "BinaryData", "StartTime", "C_Location_ID", "Logo_ID",
    ]


@pytest.mark.parametrize(
    ("column", "kind"),
    [("AD_Client_ID", "fk"), ("IsActive", "boolean"), ("Created", "datetime"), ("DocumentNo", "string"),
     ("DocStatus", "list"), ("C_BPartner_ID", "fk"), ("DateOrdered", "date"), ("GrandTotal", "number"),
     ("Line", "integer"), ("BinaryData", "binary"), ("StartTime", "time"), ("C_Location_ID", "location"),
     ("Logo_ID", "image")],
    ids=lambda v: v,
)
def test_column_kinds(meta, column, kind):
    assert meta.columns[column].kind == kind


def test_fk_and_list_details(meta):
    assert meta.columns["C_BPartner_ID"].ref_table == "c_bpartner"
    assert meta.columns["AD_Client_ID"].ref_table == "ad_client"
    assert meta.columns["AD_Client_ID"].read_only is True
    assert meta.columns["Created"].read_only is True
    assert meta.columns["DocStatus"].list_values == ("DR", "CO")
    assert meta.columns["DocStatus"].list_labels == ("Drafted", "Completed")
    assert meta.columns["DocumentNo"].read_only is False
    assert meta.has_updated is True
    assert meta.column_ci("isactive").name == "IsActive"
    assert meta.column_ci("nope") is None


def test_description_with_colon_survives():
    meta = parse_yaml("c_order", C_ORDER_YAML)
    assert meta.columns["DocumentNo"].description == "Document sequence number of the document: it is unique per type"


def test_yaml_without_the_table_schema_is_an_error():
    with pytest.raises(ValueError):
        parse_yaml("c_invoice", C_ORDER_YAML.replace("title: models/C_Order", "title: models/X"))


def _client():
    cfg = ConnectionConfig.from_airbyte({"base_url": "http://erp.test", "credentials": {"auth_type": "token", "token": "s2s.tok.en"}})
    return IdempiereClient(cfg, sleep=lambda s: None)


def test_catalog_probes_the_key_and_caches():
    with requests_mock.Mocker() as m:
        probe = m.get(f"{API}/models/c_order", json={"records": [], "row-count": 0})
        yaml_get = m.get(f"{API}/models/c_order/yaml", text=C_ORDER_YAML)
        catalog = MetadataCatalog(_client())
        meta = catalog.get("C_Order")
        assert catalog.get("c_order") is meta
        assert meta.key_column == "C_Order_ID"
        assert meta.uu_column == "C_Order_UU"
        assert probe.call_count == 1 and yaml_get.call_count == 1
        q = probe.last_request.qs
        assert q["$filter"] == ["c_order_id eq -1"] and q["$top"] == ["1"] and "$orderby" in q


def test_catalog_uses_uu_key_when_there_is_no_int_key():
    yaml_text = C_ORDER_YAML.replace("C_Order", "AD_Foo_Access")
    with requests_mock.Mocker() as m:
        m.get(f"{API}/models/ad_foo_access", [
            {"status_code": 400, "json": {"title": None, "status": 400, "detail": "Invalid column for filter: ad_foo_access_id"}},
            {"status_code": 200, "json": {"records": []}},
        ])
        m.get(f"{API}/models/ad_foo_access/yaml", text=yaml_text)
        meta = MetadataCatalog(_client()).get("ad_foo_access")
    assert meta.key_column is None and meta.uu_column == "AD_Foo_Access_UU"


def test_get_many_isolates_broken_tables():
    with requests_mock.Mocker() as m:
        m.get(f"{API}/models/c_order", json={"records": []})
        m.get(f"{API}/models/c_order/yaml", text=C_ORDER_YAML)
        m.get(f"{API}/models/fact_acct", status_code=403,
              json={"title": "Access denied", "status": 403, "detail": "Access denied for table: fact_acct"})
        m.get(f"{API}/models/bad", json={"records": []})
        m.get(f"{API}/models/bad/yaml", status_code=500, text="")
        metas, errors = MetadataCatalog(_client(), workers=4).get_many(["c_order", "fact_acct", "bad"])
    assert list(metas) == ["c_order"]
    assert set(errors) == {"fact_acct", "bad"}
    assert "Access denied" in errors["fact_acct"]


def test_list_tables_returns_models_entries():
    with requests_mock.Mocker() as m:
        m.get(f"{API}/models", json={"models": [{"id": 259, "model-name": "c_order", "name": "Order"}]})
        assert MetadataCatalog(_client()).list_tables()[0]["model-name"] == "c_order"


def test_a_listed_t_id_column_is_not_the_key():
    """AD_ChangeLog has an AD_ChangeLog_ID column but a multi-column key; the YAML lists only non-keys."""
    yaml_text = C_ORDER_YAML.replace("C_Order", "AD_ChangeLog").replace(
        "        Line:\n", "        AD_ChangeLog_ID:\n          type: integer\n        Line:\n")
    with requests_mock.Mocker() as m:
        m.get(f"{API}/models/ad_changelog", json={"records": []})
        m.get(f"{API}/models/ad_changelog/yaml", text=yaml_text)
        meta = MetadataCatalog(_client()).get("AD_ChangeLog")
    assert meta.key_column is None and meta.uu_column == "AD_ChangeLog_UU"
    assert "AD_ChangeLog_ID" in meta.columns


def test_row_key_prefers_the_integer_key_and_falls_back_to_the_uu_column():
    from idempiere_client.metadata import TableMeta

    assert TableMeta("C_Order", "c_order", {}, key_column="C_Order_ID", uu_column="C_Order_UU").row_key == "C_Order_ID"
    assert TableMeta("AD_Role_OrgAccess", "ad_role_orgaccess", {},
                     uu_column="AD_Role_OrgAccess_UU").row_key == "AD_Role_OrgAccess_UU"
    assert TableMeta("T_Fact_Acct_History", "t_fact_acct_history", {}).row_key is None
