"""idempiere_client.attachments: the listing and content answers, checked strictly (spec §7.6)."""
from __future__ import annotations

import pytest
import requests_mock

from erp_http.errors import ApiError
from idempiere_client.attachments import AttachmentRows, entry_content, list_entries
from idempiere_client.http import IdempiereClient
from idempiere_client.metadata import ColumnMeta, TableMeta
from unit_tests.client.conftest import API, token_config

PATH = f"{API}/models/c_order/100/attachments"


def client() -> IdempiereClient:
    return IdempiereClient(token_config(), sleep=lambda _s: None)


def test_listing_keeps_order_and_refuses_an_answer_that_is_no_listing():
    with requests_mock.Mocker() as m:
        m.get(PATH, json={"attachments": [{"name": "b.pdf", "contentType": "application/pdf"}, {"name": "a"}]})
        entries = list_entries(client(), "C_Order", 100)
        assert [(e.name, e.content_type) for e in entries] == [("b.pdf", "application/pdf"), ("a", None)]
        m.get(PATH, json={"records": []})
        with pytest.raises(ApiError, match="no 'attachments' array"):
            list_entries(client(), "c_order", 100)
        m.get(PATH, json={"attachments": [{"contentType": "text/plain"}]})
        with pytest.raises(ApiError, match="without a name"):
            list_entries(client(), "c_order", 100)
        m.get(PATH, status_code=404, json={"title": "Record not found", "status": 404, "detail": "No record found"})
        with pytest.raises(ApiError) as err:
            list_entries(client(), "c_order", 100)
        assert err.value.status == 404


def test_content_asks_for_octets_with_json_and_204_means_gone():
    with requests_mock.Mocker() as m:
        route = m.get(f"{PATH}/a%20b%2Fc.txt", json={"data": "aGVsbG8="}, headers={"Content-Type": "application/octet-stream"})
        assert entry_content(client(), "c_order", 100, "a b/c.txt") == b"hello"
        assert route.last_request.headers["Accept"] == "application/octet-stream"  # else Jersey answers 406
        assert route.last_request.qs == {"json": [""]}
        m.get(f"{PATH}/x", status_code=204)
        assert entry_content(client(), "c_order", 100, "x") is None
        m.get(f"{PATH}/y", json={"data": "not base64!"})
        with pytest.raises(ApiError, match="not base64"):
            entry_content(client(), "c_order", 100, "y")
        m.get(f"{PATH}/z", json={"msg": "?"})
        with pytest.raises(ApiError, match="no base64 'data'"):
            entry_content(client(), "c_order", 100, "z")


def test_attachment_rows_narrow_every_page_to_the_table_and_the_index_columns():
    meta = TableMeta("AD_Attachment", "ad_attachment", {n: ColumnMeta(n, "integer") for n in (
        "AD_Attachment_ID", "AD_Table_ID", "Record_ID", "Updated", "BinaryData")}, key_column="AD_Attachment_ID")
    with requests_mock.Mocker() as m:
        route = m.get(f"{API}/models/ad_attachment", json={"records": [], "row-count": 0})
        rows = AttachmentRows(client(), meta, 259)
        rows.get_page("ad_attachment", filter="IsActive neq null", orderby="Updated,AD_Attachment_ID", top=10)
        assert route.last_request.qs["$filter"] == ["ad_table_id eq 259 and isactive neq null"]
        assert route.last_request.qs["$select"] == ["record_id,updated"]  # no Record_UU on this server, never BinaryData
        rows.get_page("ad_attachment", filter=None, orderby="AD_Attachment_ID", select="AD_Attachment_ID")
        assert route.last_request.qs["$filter"] == ["ad_table_id eq 259"] and route.last_request.qs["$select"] == ["ad_attachment_id"]
