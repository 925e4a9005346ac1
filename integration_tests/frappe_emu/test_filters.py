"""Filters over HTTP, driven by filter_cases (spec §4.1; Part II §4a), per version where they differ."""
from __future__ import annotations

import json

import pytest

from frappe_emulator import FrappeEmulator, FrappeOptions

from .conftest import Client
from .filter_cases import CASES, ERROR_CASES, ROWS

VERSIONS = ("14", "15", "16", "dev")


@pytest.fixture(scope="module")
def servers():
    """One loaded emulator per version, started on first use."""
    started: dict[str, tuple] = {}

    def get(version: str) -> Client:
        if version not in started:
            emu = FrappeEmulator(FrappeOptions(rows=10, version=version)).start()
            client = Client(emu, "Administrator")
            client.control("POST", "insert", {"doctype": "ToDo", "docs": ROWS})
            started[version] = (emu, client)
        return started[version][1]

    yield get
    for emu, _client in started.values():
        emu.stop()


@pytest.fixture(params=VERSIONS)
def loaded(request, servers):
    return request.param, servers(request.param)


def _run(client, filters, or_filters):
    scoped = [["description", "like", "FC-%"]]
    if isinstance(filters, dict):
        scoped += [[k, *(v if isinstance(v, list) else ["=", v])] for k, v in filters.items()]
        filters = None
    params = {"fields": '["description"]', "limit_page_length": 0,
              "filters": json.dumps(scoped + (filters or []))}
    if or_filters:
        params["or_filters"] = json.dumps(or_filters)
    return client.get("/api/resource/ToDo", params=params)


@pytest.mark.parametrize("version,case", [(v, c) for c in CASES for v in c[4]],
                         ids=[f"{c[0]}-v{v}" for c in CASES for v in c[4]])
def test_filter_case(servers, version, case):
    client = servers(version)
    _id, filters, or_filters, expected, _versions = case
    resp = _run(client, filters, or_filters)
    assert resp.status_code == 200, resp.text
    assert {r["description"] for r in resp.json()["data"]} == expected


def test_dict_form_as_sent(loaded):
    _version, client = loaded
    resp = client.get("/api/resource/ToDo", params={"fields": '["description"]', "limit_page_length": 0,
                                                    "filters": json.dumps({"status": "Closed", "priority": "Medium"})})
    assert {r["description"] for r in resp.json()["data"]} >= {"FC-2"}


@pytest.mark.parametrize("version,case", [(v, c) for c in ERROR_CASES for v in c[4]],
                         ids=[f"{c[0]}-v{v}" for c in ERROR_CASES for v in c[4]])
def test_filter_errors(servers, version, case):
    client = servers(version)
    _id, filters, status, exc_type, _versions = case
    resp = client.get("/api/resource/ToDo", params={"filters": json.dumps(filters)})
    assert resp.status_code == status, resp.text
    assert resp.json()["exc_type"] == exc_type


def test_values_are_bound_never_sql(loaded):
    _version, client = loaded
    resp = _run(client, [["status", "=", "Open' OR '1'='1"]], None)
    assert resp.status_code == 200 and resp.json()["data"] == []
