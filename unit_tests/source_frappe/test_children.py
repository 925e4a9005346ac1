"""Child rows for a page of parents: URL-bounded chunks, name-keyset paging, grouping by parent and field."""
from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import requests_mock

from frappe_client.client import FrappeClient
from frappe_client.config import ConnectionConfig
from frappe_client.meta import parse_getdoctype
from source_frappe.children import attach_children, fetch_children, name_chunks

API = "http://erp.test/api"
META = parse_getdoctype({"docs": [{"name": "Sales Order", "fields": [
    {"fieldname": "items", "fieldtype": "Table", "options": "Sales Order Item"},
    {"fieldname": "packed", "fieldtype": "Table", "options": "Sales Order Item"},
]}, {"name": "Sales Order Item", "istable": 1, "fields": []}]}, "Sales Order")["Sales Order"]


def test_name_chunks_keep_each_request_short() -> None:
    names = [f"SAL-ORD-2026-{i:05d}" for i in range(500)]
    chunks = list(name_chunks(names, budget=500))
    assert [n for c in chunks for n in c] == names
    assert all(sum(len(n) + 6 for n in c) <= 500 for c in chunks) and len(chunks) > 1


def test_children_are_paged_by_name_and_grouped_by_parent_and_field() -> None:
    cfg = ConnectionConfig.from_airbyte({"site_url": "http://erp.test", "credentials": {
        "auth_type": "api_key", "api_key": "k", "api_secret": "s"}})
    client = FrappeClient(cfg, sleep=lambda s: None)
    rows = [{"name": "r3", "parent": "SO-1", "parentfield": "items", "idx": 2},
            {"name": "r1", "parent": "SO-1", "parentfield": "items", "idx": 1},
            {"name": "r2", "parent": "SO-2", "parentfield": "packed", "idx": 1}]
    with requests_mock.Mocker() as m:
        m.get(API + "/resource/Sales%20Order%20Item", [{"json": {"data": rows[:2]}}, {"json": {"data": rows[2:]}}])
        groups = fetch_children(client, META, ["SO-1", "SO-2", "SO-3"], page_size=2)
        first, second = (parse_qs(urlsplit(r.url).query) for r in m.request_history)  # .qs lower-cases values
    assert first["parent"] == ["Sales Order"] and first["order_by"] == ["name asc"]
    filters = json.loads(first["filters"][0])
    assert ["parent", "in", ["SO-1", "SO-2", "SO-3"]] in filters and ["parenttype", "=", "Sales Order"] in filters
    assert ["parentfield", "in", ["items", "packed"]] in filters
    assert ["name", ">", "r1"] in json.loads(second["filters"][0])  # next page after the last name, as sent
    docs = [{"name": "SO-1"}, {"name": "SO-2"}, {"name": "SO-3"}]
    attach_children(META, docs, groups)
    assert [r["name"] for r in docs[0]["items"]] == ["r1", "r3"] and docs[0]["packed"] == []
    assert [r["name"] for r in docs[1]["packed"]] == ["r2"] and docs[2]["items"] == []


def test_name_chunks_are_sized_by_the_encoded_url_not_by_characters() -> None:
    """Non-ASCII names cost up to 9 bytes per character once percent-encoded (issue 11: size by the encoded
    URL, never by count alone): every chunk's encoded filter stays within the budget."""
    from erp_http.url_budget import query_length

    names = [f"订单-{i:04d}-" + "ü" * 40 for i in range(200)]
    chunks = list(name_chunks(names))
    assert [n for c in chunks for n in c] == names
    sizes = [query_length({"filters": json.dumps(c, ensure_ascii=False, separators=(",", ":"))}) for c in chunks]
    assert max(sizes) <= 2500 and len(chunks) > 10
