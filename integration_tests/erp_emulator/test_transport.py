"""The shared transport with a toy ERP plugged in (no iDempiere code): faults, control, log, hooks, limits."""
from __future__ import annotations

import http.client
import json

import pytest
import requests

from integration_tests.erp_emulator.toy import ToyEmulator, ToyOptions


@pytest.fixture
def toy():
    with ToyEmulator() as emu:
        yield emu
    assert emu.stopped  # on_stop ran


def control(emu, method: str, name: str, **kwargs) -> requests.Response:
    return requests.request(method, f"{emu.base_url}/__emulator__/{name}", timeout=10, **kwargs)


def test_the_api_handler_gets_the_request_and_its_answer_is_sent(toy) -> None:
    resp = requests.post(toy.base_url + "/api/thing?a=1&b=x+y", data=b"hello", timeout=10)
    assert resp.status_code == 200 and resp.headers["Content-Type"] == "application/json"
    body = resp.json()
    assert body.pop("stamp")  # the clock's now, checked in test_a_test_can_move_the_clock
    assert body == {"method": "POST", "path": "/api/thing", "params": {"a": "1", "b": "x y"}, "body": "hello",
                    "counter": 1}
    assert requests.get(toy.base_url + "/elsewhere", timeout=10).status_code == 404


def test_keep_alive_serves_many_requests_on_one_connection(toy) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", toy.port, timeout=10)
    sockets = set()
    for _ in range(5):
        conn.request("GET", "/api/x")
        resp = conn.getresponse()
        assert resp.status == 200 and resp.read()
        sockets.add(id(conn.sock))
    conn.close()
    assert len(sockets) == 1


def test_request_log_and_hooks_carry_the_erp_fields(toy) -> None:
    seen = []
    toy.add_hook(seen.append)
    requests.get(toy.base_url + "/api/orders?x=1", timeout=10)
    log = toy.requests()
    assert [(e["method"], e["path"], e["query"], e["status"], e["resource"], e["fault"]) for e in log] == [
        ("GET", "/api/orders", "x=1", 200, "orders", None)]
    assert seen == [{"method": "GET", "path": "/api/orders", "query": "x=1", "status": 200, "resource": "orders"}]
    assert control(toy, "GET", "requests").json()["requests"][0]["resource"] == "orders"
    assert control(toy, "DELETE", "requests").json() == {"cleared": 1}
    assert toy.requests() == []


def test_a_failing_hook_is_recorded_and_the_request_still_answers(toy) -> None:
    def bad(_info: dict) -> None:
        raise RuntimeError("hook broke")

    toy.add_hook(bad)
    assert requests.get(toy.base_url + "/api/x", timeout=10).status_code == 200
    assert [str(e) for e in toy.hook_errors] == ["hook broke"]
    toy.remove_hook(bad)


def test_injected_failures_are_proxy_html_pages_by_default_and_handle_nothing() -> None:
    with ToyEmulator(ToyOptions(fail_rate=1.0)) as toy:
        statuses = set()
        for _ in range(30):
            resp = requests.post(toy.base_url + "/api/x", timeout=10)
            assert resp.headers["Content-Type"] == "text/html" and resp.text.startswith("<html>")
            statuses.add(resp.status_code)
        assert statuses == {500, 502, 503} and toy.counter == 0
        assert {e["fault"] for e in toy.requests()} == {"fail"}
        assert control(toy, "GET", "faults").status_code == 200  # control is never faulted


def test_a_dropped_answer_comes_after_the_request_was_handled(toy) -> None:
    toy.set_faults(drop_rate=1.0)
    with pytest.raises(requests.ConnectionError):
        requests.post(toy.base_url + "/api/x", timeout=10)
    assert toy.counter == 1
    assert toy.requests()[-1]["fault"] == "drop"


def test_faults_endpoint_takes_the_shared_settings_only(toy) -> None:
    assert control(toy, "POST", "faults", json={"latency_ms": 1}).json() == {
        "fail_rate": 0.0, "drop_rate": 0.0, "latency_ms": 1}
    assert control(toy, "POST", "faults", json={"token_ttl": 5}).status_code == 400
    assert control(toy, "POST", "faults", json={"fail_rate": 3}).status_code == 400


def test_erp_actions_and_their_errors(toy) -> None:
    assert control(toy, "POST", "bump", json={"by": 2}).json() == {"counter": 2}
    error = control(toy, "POST", "bump", json={"by": "error"})
    assert error.status_code == 409 and error.json() == {"toy": "cannot bump by error"}
    assert control(toy, "POST", "bump", json={}).status_code == 400  # KeyError: a bad payload
    assert control(toy, "POST", "bump", data="[1]").status_code == 400
    assert control(toy, "POST", "bump", data="{nope").status_code == 400
    assert control(toy, "GET", "bump").status_code == 404
    assert toy.requests() == []  # control calls are not logged


def test_a_request_target_over_the_limit_is_refused_and_the_connection_closed(toy) -> None:
    resp = requests.get(toy.base_url + "/api/x?q=" + "a" * 300, timeout=10)
    assert resp.status_code == 414 and resp.headers["Connection"] == "close"
    assert toy.requests()[-1]["status"] == 414
    assert json.loads(requests.get(toy.base_url + "/api/x", timeout=10).text)["path"] == "/api/x"


def test_a_test_can_move_the_clock_the_erp_stamps_with(toy) -> None:
    frozen = control(toy, "POST", "clock", json={"set": "2024-03-31T01:59:59.250+00:00", "frozen": True})
    assert frozen.json() == {"now": "2024-03-31T01:59:59.250000+00:00", "frozen": True, "offset_s": 0.0}
    assert requests.get(toy.base_url + "/api/x", timeout=10).json()["stamp"] == "2024-03-31 01:59:59.250"
    control(toy, "POST", "clock", json={"advance_s": 1})
    assert requests.get(toy.base_url + "/api/x", timeout=10).json()["stamp"] == "2024-03-31 02:00:00.250"
    assert control(toy, "GET", "clock").json()["now"] == "2024-03-31T02:00:00.250000+00:00"
    assert control(toy, "POST", "clock", json={"set": "2024-03-31 02:00:00"}).status_code == 400  # no offset
    assert control(toy, "POST", "clock", json={"speed": 2}).status_code == 400
    assert control(toy, "POST", "clock", json={"reset": True}).json()["frozen"] is False
