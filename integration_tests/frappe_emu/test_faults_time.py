"""Limits, injected faults, the site clock and the control endpoints (spec §7.1, §9; Part II §9; issue 12)."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest
import requests

from erp_emulator.ready_line import parse_ready_line

from .conftest import Client

SO = "/api/resource/Sales Order"


def test_rate_limiter_time_budget(fresh):
    emu = fresh(rate_limit="1:60")
    c = Client(emu)
    first = c.get("/api/method/ping")
    assert first.headers["X-RateLimit-Limit"] == "1000000" and "X-RateLimit-Reset" in first.headers
    assert "X-RateLimit-Used" not in first.headers  # 16
    c.control("POST", "rate_limit", {"used_us": 2_000_000})
    limited = c.get("/api/method/ping")
    assert limited.status_code == 429 and limited.json() == {"exc_type": "TooManyRequestsError"}
    assert int(limited.headers["Retry-After"]) > 0 and limited.headers["X-RateLimit-Remaining"] == "0"
    assert c.get("/api/v2/method/ping").json() == {"errors": [{"type": "TooManyRequestsError"}]}
    c.control("POST", "clock", {"advance_s": 61})
    assert c.get("/api/method/ping").status_code == 200


def test_rate_limit_used_header_in_15(fresh):
    assert "X-RateLimit-Used" in Client(fresh(version="15", rate_limit="5:60")).get("/api/method/ping").headers


def test_bad_rate_limit_option_is_a_clear_error():
    from frappe_emulator import FrappeEmulator, FrappeOptions
    with pytest.raises(ValueError, match="LIMIT_S:WINDOW_S"):
        FrappeEmulator(FrappeOptions(rate_limit="fast"))


def test_fail_rate_gives_retryable_json_500_and_proxy_pages(fresh):
    emu = fresh(fail_rate=1.0)
    c = Client(emu)
    seen = {}
    for _ in range(12):
        resp = c.get(SO)
        seen.setdefault(resp.status_code, resp)
    assert set(seen) == {500, 502, 503}
    assert seen[500].json()["exc_type"] in ("QueryDeadlockError", "QueryTimeoutError")
    assert seen[502].headers["Content-Type"].startswith("text/html") and "nginx" in seen[502].text
    before = emu.backend.sql('SELECT COUNT(*) FROM "tabToDo"')[0][0]
    c.post("/api/resource/ToDo", json={"description": "never"})
    assert emu.backend.sql('SELECT COUNT(*) FROM "tabToDo"')[0][0] == before  # a failure writes nothing


def test_drop_after_commit(fresh):
    emu = fresh()
    c = Client(emu)
    emu.set_faults(drop_rate=1.0)
    with pytest.raises(requests.ConnectionError):
        c.post("/api/resource/ToDo", json={"description": "dropped but kept"})
    emu.set_faults(drop_rate=0.0, latency_ms=5)
    assert Client(emu).control("GET", "faults") == {"fail_rate": 0.0, "drop_rate": 0.0, "latency_ms": 5}
    assert emu.backend.sql('SELECT COUNT(*) FROM "tabToDo" WHERE description = ?', ("dropped but kept",))[0][0] == 1
    assert emu.requests()[-1]["fault"] == "drop"


def test_clock_touch_and_shared_modified(fresh):
    emu = fresh(tz="America/New_York")
    c = Client(emu)
    state = c.control("POST", "clock", {"set": "2026-11-01T01:30:00-04:00", "frozen": True})  # EDT
    assert state["frozen"] and emu.backend.clock.now_text() == "2026-11-01 01:30:00.000000"
    c.control("POST", "clock", {"advance_s": 3600})
    # 05:30 UTC + 1 h = 06:30 UTC = 01:30 EST: the DST hour repeats in site-local time
    made = c.post("/api/resource/ToDo", json={"description": "dst"}).json()["data"]
    assert made["modified"] == "2026-11-01 01:30:00"  # one hour later, the same wall time
    names = [r["name"] for r in c.get(SO, params={"limit_page_length": 3}).json()["data"]]
    touched = c.control("POST", "touch", {"doctype": "Sales Order", "names": names})
    rows = c.get(SO, params={"fields": '["modified"]', "filters": json.dumps([["name", "in", names]])}).json()["data"]
    assert {r["modified"] for r in rows} == {touched["modified"].removesuffix(".000000")}
    doc = c.get(f"{SO}/{names[0]}").json()["data"]
    assert all(i["modified"] == doc["modified"] for i in doc["items"])


def test_late_commit_rename_and_hard_delete(fresh):
    emu = fresh()
    c = Client(emu)
    old = "2025-01-01 00:00:00.000001"
    names = c.control("POST", "insert", {"doctype": "ToDo", "docs": [{"description": "late"}], "modified": old})["names"]
    doc = c.get("/api/resource/ToDo/" + names[0]).json()["data"]
    assert doc["modified"] == old and doc["creation"] == old
    c.control("POST", "rename", {"doctype": "Customer", "old": "Customer 0005", "new": "Customer Five"})
    assert c.get("/api/resource/Customer/Customer Five").status_code == 200
    gone = c.control("POST", "delete", {"doctype": "ToDo", "names": names})
    assert gone == {"deleted": 1}
    assert c.get("/api/resource/Deleted Document", params={"filters": json.dumps([["deleted_name", "=", names[0]]])}
                 ).json()["data"] == []
    assert c.control("GET", "count?doctype=ToDo")["count"] == emu.backend.sql('SELECT COUNT(*) FROM "tabToDo"')[0][0]


def test_modified_filters_compare_wall_time(emu):
    c = Client(emu)
    row = c.get(SO, params={"fields": '["name","modified"]', "order_by": "modified asc", "limit_page_length": 1}).json()["data"][0]
    stamp = row["modified"]
    for value in (stamp, stamp.replace(" ", "T"), stamp + "Z", stamp + "+05:00"):
        got = c.get(SO, params={"filters": json.dumps([["modified", "<=", value]]), "fields": '["name"]'}).json()["data"]
        assert row["name"] in [r["name"] for r in got], value


def test_body_too_large_is_html_413(emu):
    resp = requests.post(emu.base_url + "/api/resource/ToDo", headers=emu.token_header(),
                         data=b"x" * (25 * 1024 * 1024 + 10))
    assert resp.status_code == 413 and resp.headers["Content-Type"].startswith("text/html")


def test_invalid_json_body_per_version(fresh):
    for version, status, exc in (("16", 417, "DataError"), ("15", 500, "JSONDecodeError")):
        emu = fresh(version=version)
        resp = requests.post(emu.base_url + "/api/resource/ToDo", data=b"{nope",
                             headers={**emu.token_header(), "Content-Type": "application/json"})
        assert resp.status_code == status and resp.json()["exc_type"] == exc


def test_cli_prints_ready_line_with_keys():
    proc = subprocess.Popen([sys.executable, "-m", "frappe_emulator", "--port", "0", "--rows", "5", "--version", "15"],
                            stdout=subprocess.PIPE, text=True)
    try:
        ready = parse_ready_line(proc.stdout.readline())
        assert ready is not None and ready.api_path == "/api"
        creds = ready.credentials
        key, secret = creds["api_key"], creds["api_secret"]
        resp = requests.get(ready.base_url + "/api/method/frappe.utils.change_log.get_versions",
                            headers={"Authorization": f"token {key}:{secret}"}, timeout=10)
        assert resp.json()["message"]["frappe"]["version"] == "15.54.1"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_well_known_and_website_404(emu, fresh):
    resource = requests.get(emu.base_url + "/.well-known/oauth-protected-resource")
    assert resource.status_code == 200 and resource.json()["bearer_methods_supported"] == ["header"]
    assert "token_endpoint" in requests.get(emu.base_url + "/.well-known/openid-configuration").json()
    page = requests.get(emu.base_url + "/nothing-here")
    assert page.status_code == 404 and page.headers["Content-Type"].startswith("text/html")
    assert requests.get(fresh(version="15").base_url + "/.well-known/oauth-protected-resource").status_code == 404


def test_python_api_hooks_log_and_users(fresh):
    emu = fresh()
    seen = []
    emu.add_hook(seen.append)
    Client(emu).get(SO, params={"limit_page_length": 1})
    assert seen[-1]["doctype"] == "Sales Order" and seen[-1]["status"] == 200
    assert emu.requests()[-1]["path"] == "/api/resource/Sales%20Order"  # the raw request path
    assert emu.users["reader@example.com"]["password"] == "reader-password"
    assert emu.api_key == emu.users["api@example.com"]["api_key"]
    assert emu.backend.sql("SELECT COUNT(*) FROM `tabSales Order`")[0][0] == 30


def test_maintenance_modes(fresh):
    emu = fresh()
    c = Client(emu)
    c.control("POST", "maintenance", {"mode": "read_only"})
    assert c.get(SO).status_code == 200
    ro = c.post("/api/resource/ToDo", json={"description": "x"})
    assert ro.status_code == 503 and ro.json()["exc_type"] == "InReadOnlyMode"
    c.control("POST", "maintenance", {"mode": "maintenance"})
    assert c.get(SO).json()["exc_type"] == "SessionStopped"
    c.control("POST", "maintenance", {"mode": "off"})
    assert c.get(SO).status_code == 200


def test_login_settings(fresh):
    emu = fresh()
    c = Client(emu)
    c.put("/api/resource/System Settings/System Settings", json={"deny_multiple_sessions": 1})
    url = emu.base_url + "/api/method/login"
    first, second = requests.Session(), requests.Session()
    first.post(url, json={"usr": "reader@example.com", "pwd": "reader-password"})
    second.post(url, json={"usr": "reader@example.com", "pwd": "reader-password"})
    who = "/api/method/frappe.auth.get_logged_user"
    assert first.get(emu.base_url + who).status_code == 403 and second.get(emu.base_url + who).status_code == 200
    c.put("/api/resource/System Settings/System Settings", json={"disable_user_pass_login": 1})
    assert requests.post(url, json={"usr": "reader@example.com", "pwd": "reader-password"}).status_code == 401


def test_expand_links_on_a_document(emu):
    c = Client(emu)
    name = c.get(SO, params={"limit_page_length": 1}).json()["data"][0]["name"]
    doc = c.get(f"{SO}/{name}", params={"expand_links": 1}).json()["data"]
    assert doc["customer"]["doctype"] == "Customer" and doc["items"][0]["item_code"]["doctype"] == "Item"
    assert "amended_from" in doc  # nulls kept


def test_child_process_wrapper(tmp_path):
    from frappe_emulator.child import FrappeChild
    with FrappeChild(tmp_path / "frappe.log", "--rows", "5", "--version", "15") as child:
        hdr = {"Authorization": f"token {child.api_key}:{child.api_secret}"}
        assert requests.get(child.base_url + "/api/method/frappe.auth.get_logged_user", headers=hdr,
                            timeout=10).json() == {"message": "api@example.com"}
        before = child.count("ToDo")
        names = child.insert("ToDo", [{"description": "late"}], modified="2025-01-01 00:00:00")
        assert child.count("ToDo") == before + 1
        stamp = child.touch("Sales Order", count=2)
        assert len(stamp) == 26
        assert child.hard_delete("ToDo", names) == 1
        assert child.rename("Customer", "Customer 0001", "Customer One") == "Customer One"


def test_db_file_persists_between_runs(tmp_path):
    from frappe_emulator import FrappeEmulator, FrappeOptions
    path = str(tmp_path / "site.db")
    with FrappeEmulator(FrappeOptions(rows=5, db=path, tz="Europe/Berlin")) as first:
        made = Client(first).post("/api/resource/ToDo", json={"description": "kept"}).json()["data"]["name"]
        key = first.api_key
    with FrappeEmulator(FrappeOptions(rows=5, db=path)) as second:
        assert second.api_key == key and second.backend.time_zone() == "Europe/Berlin"
        assert Client(second).get("/api/resource/ToDo/" + made).json()["data"]["description"] == "kept"
