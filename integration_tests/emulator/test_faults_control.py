"""Fault injection, test-control endpoints, request log and hooks (docs/architecture.md, issue 3)."""
from __future__ import annotations

import time

import pytest
import requests

from .conftest import api, bearer


def control(emu, method: str, name: str, **kwargs) -> requests.Response:
    return requests.request(method, f"{emu.base_url}/__emulator__/{name}", timeout=10, **kwargs)


def orders(emu, **params) -> requests.Response:
    params = {"$orderby": "C_Order_ID", "$top": 1, **params}
    return requests.get(api(emu) + "/models/c_order", params=params, headers=bearer(emu.s2s_token), timeout=10)


def new_bpartner(emu, value: str) -> int:
    resp = control(emu, "POST", "insert", json={"table": "C_BPartner", "rows": [{"Value": value, "Name": value}]})
    assert resp.status_code == 200, resp.text
    return resp.json()["ids"][0]


# ------------------------------------------------------------------ faults
def test_fail_rate_answers_html_error_pages_not_json(emulator_factory):
    emu = emulator_factory(fail_rate=1.0)
    seen = set()
    for _ in range(30):
        resp = orders(emu)
        assert resp.status_code in (500, 502, 503)
        assert resp.headers["Content-Type"].startswith("text/html")
        assert resp.text.lstrip().startswith("<html>")
        seen.add(resp.status_code)
    assert len(seen) >= 2
    # control endpoints are never faulted
    assert control(emu, "GET", "requests").status_code == 200


def test_jetty_500_page_names_the_uri(emulator_factory):
    emu = emulator_factory(fail_rate=1.0)
    pages = [orders(emu) for _ in range(20)]
    jetty = [p for p in pages if p.status_code == 500]
    assert jetty and "HTTP ERROR 500" in jetty[0].text and "/api/v1/models/c_order" in jetty[0].text


def test_faults_are_reproducible_with_the_same_seed(emulator_factory):
    def statuses(emu):
        return [orders(emu).status_code for _ in range(40)]
    one = statuses(emulator_factory(fail_rate=0.5, seed=7))
    two = statuses(emulator_factory(fail_rate=0.5, seed=7))
    assert one == two and 200 in one and any(s >= 500 for s in one)


def test_drop_closes_the_connection_after_committing_the_write(emulator):
    bp = new_bpartner(emulator, "drop-me")
    emulator.set_faults(drop_rate=1.0)
    headers = {**bearer(emulator.s2s_token), "Content-Type": "application/json"}
    with pytest.raises(requests.ConnectionError):
        requests.put(api(emulator) + f"/models/c_bpartner/{bp}", json={"Description": "written anyway"},
                     headers=headers, timeout=10)
    emulator.set_faults(drop_rate=0.0)
    resp = requests.get(api(emulator) + f"/models/c_bpartner/{bp}", headers=bearer(emulator.s2s_token), timeout=10)
    assert resp.json()["Description"] == "written anyway"
    dropped = [e for e in emulator.requests() if e["method"] == "PUT"]
    assert dropped[-1]["fault"] == "drop" and dropped[-1]["status"] == 200


def test_latency_delays_api_requests_but_not_control(emulator):
    emulator.set_faults(latency_ms=300)
    start = time.monotonic()
    assert orders(emulator).status_code == 200
    assert time.monotonic() - start >= 0.3  # a lower bound only: sleeping is guaranteed, speed is not


def test_faults_endpoint_changes_settings_at_runtime(emulator):
    resp = control(emulator, "POST", "faults", json={"fail_rate": 1.0, "token_ttl": 77})
    assert resp.status_code == 200
    assert resp.json() == {"fail_rate": 1.0, "drop_rate": 0.0, "latency_ms": 0, "token_ttl": 77}
    assert orders(emulator).status_code in (500, 502, 503)
    control(emulator, "POST", "faults", json={"fail_rate": 0})
    assert orders(emulator).status_code == 200
    assert control(emulator, "POST", "faults", json={"fail_rate": 2}).status_code == 400
    assert control(emulator, "POST", "faults", json={"bogus": 1}).status_code == 400


# ------------------------------------------------------------------ control endpoints
def test_insert_count_delete_round_trip(emulator):
    before = control(emulator, "GET", "count", params={"table": "C_BPartner"}).json()["count"]
    ids = control(emulator, "POST", "insert", json={"table": "C_BPartner", "rows": [
        {"Value": "ctl-1", "Name": "ctl-1"}, {"Value": "ctl-2", "Name": "ctl-2", "IsActive": False}]}).json()["ids"]
    assert len(ids) == 2
    assert control(emulator, "GET", "count", params={"table": "C_BPartner"}).json()["count"] == before + 2
    assert control(emulator, "POST", "delete", json={"table": "C_BPartner", "ids": ids}).json() == {"deleted": 2}
    assert control(emulator, "GET", "count", params={"table": "C_BPartner"}).json()["count"] == before


def test_touch_reports_how_many_rows_moved(emulator):
    first = orders(emulator).json()["records"][0]["id"]
    assert control(emulator, "POST", "touch", json={"table": "C_Order", "ids": [first]}).json() == {"touched": 1}
    assert control(emulator, "POST", "touch", json={"table": "C_Order", "count": 3}).json() == {"touched": 3}
    assert control(emulator, "POST", "touch", json={"table": "C_Order"}).status_code == 400


def test_request_log_endpoint_lists_and_clears_api_requests_only(emulator):
    control(emulator, "DELETE", "requests")
    orders(emulator, **{"$skip": 5})
    log = control(emulator, "GET", "requests").json()["requests"]
    assert len(log) == 1
    entry = log[0]
    assert {"method", "path", "query", "status", "table", "timestamp"} <= set(entry)
    assert entry["table"] == "c_order" and "$skip=5" in entry["query"]
    assert control(emulator, "DELETE", "requests").status_code == 200
    assert control(emulator, "GET", "requests").json() == {"requests": []}


def test_unknown_control_endpoint_is_404(emulator):
    assert control(emulator, "GET", "nope").status_code == 404


# ------------------------------------------------------------------ hooks
def test_hook_can_change_data_between_two_page_requests(emulator):
    calls = []

    def hook(info):
        calls.append(info)
        if len(calls) == 1:
            emulator.backend.insert_raw("C_BPartner", [{"Value": "from-hook", "Name": "from-hook"}])

    emulator.add_hook(hook)
    url, headers = api(emulator) + "/models/c_bpartner", bearer(emulator.s2s_token)
    params = {"$orderby": "C_BPartner_ID", "$top": 5}
    first = requests.get(url, params=params, headers=headers, timeout=10).json()["row-count"]
    second = requests.get(url, params=params, headers=headers, timeout=10).json()["row-count"]
    assert second == first + 1
    assert set(calls[0]) == {"method", "path", "query", "status", "table"}
    assert calls[0]["table"] == "c_bpartner" and calls[0]["status"] == 200


def test_a_failing_hook_does_not_break_the_request(emulator):
    def bad_hook(info):
        raise RuntimeError("boom")

    emulator.add_hook(bad_hook)
    assert orders(emulator).status_code == 200
    assert emulator.hook_errors and str(emulator.hook_errors[0]) == "boom"
