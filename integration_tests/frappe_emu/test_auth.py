"""Auth over HTTP (spec §2; Part II §2): token, Basic, login/sid, expiry, CSRF, precedence, OAuth, lock."""
from __future__ import annotations

import base64

import requests

from .conftest import Client, server_messages

WHO = "/api/method/frappe.auth.get_logged_user"


def test_token_and_basic_and_bad_credentials(emu):
    key, secret = emu.api_key, emu.api_secret
    url = emu.base_url + WHO
    assert requests.get(url, headers={"Authorization": f"token {key}:{secret}"}).json() == {"message": "api@example.com"}
    assert requests.get(url, headers={"Authorization": f"TOKEN {key}:{secret}"}).status_code == 200
    basic = base64.b64encode(f"{key}:{secret}".encode()).decode()
    assert requests.get(url, headers={"Authorization": f"Basic {basic}"}).json()["message"] == "api@example.com"
    bad = requests.get(url, headers={"Authorization": f"token {key}:wrong"})
    assert bad.status_code == 401 and bad.json() == {"exc_type": "AuthenticationError"}
    assert requests.get(url, headers={"Authorization": "Foo a:b"}).status_code == 401
    assert requests.get(url, headers={"Authorization": "Bearer nope"}).status_code == 401
    undecodable = requests.get(url, headers={"Authorization": "Basic !!!notbase64"})
    assert undecodable.status_code == 400 and undecodable.json()["exc_type"] == "InvalidAuthorizationToken"


def test_malformed_header_runs_as_guest(emu):
    for header in (f"token  {emu.api_key}:{emu.api_secret}", "token"):
        resp = requests.get(emu.base_url + WHO, headers={"Authorization": header})
        assert resp.status_code == 403 and resp.json()["exc_type"] == "PermissionError"
        assert "is not whitelisted" in server_messages(resp.json())[0]["message"]
    resp = requests.get(emu.base_url + "/api/resource/Customer")
    assert resp.status_code == 403 and "Insufficient Permission" in resp.text


def test_login_session_logout_and_expiry(fresh):
    emu = fresh()
    s = requests.Session()
    resp = s.post(emu.base_url + "/api/method/login", data={"usr": "reader@example.com", "pwd": "reader-password"})
    assert resp.status_code == 200 and resp.json()["message"] == "Logged In" and resp.json()["home_page"] == "/desk"
    assert len(s.cookies["sid"]) == 56
    assert s.get(emu.base_url + WHO).json()["message"] == "reader@example.com"
    assert s.post(emu.base_url + "/api/method/frappe.client.get_count", json={"doctype": "Customer"}).status_code == 200
    # cookie beats token
    assert s.get(emu.base_url + WHO, headers=emu.token_header("Administrator")).json()["message"] == "reader@example.com"
    sid = s.cookies["sid"]
    # inactivity expiry (170 h in 16) through the site clock
    requests.post(emu.base_url + "/__emulator__/clock", json={"advance_s": 171 * 3600})
    expired = s.get(emu.base_url + "/api/resource/Customer")
    assert expired.status_code == 403 and expired.json()["session_expired"] == 1
    # an expired sid plus a valid token: the token applies, session_expired still reported
    both = requests.get(emu.base_url + WHO, headers=emu.token_header(), cookies={"sid": sid})
    assert both.json() == {"session_expired": 1, "message": "api@example.com"}


def test_logout_and_wrong_password(fresh):
    emu = fresh()
    s = requests.Session()
    s.post(emu.base_url + "/api/method/login", json={"usr": "Administrator", "pwd": "admin"})
    assert s.post(emu.base_url + "/api/method/logout").status_code == 200
    assert s.get(emu.base_url + WHO).status_code == 403
    wrong = requests.post(emu.base_url + "/api/method/login", json={"usr": "Administrator", "pwd": "x"})
    assert wrong.status_code == 401
    assert wrong.json() == {"message": "Invalid login credentials", "exc_type": "AuthenticationError"}
    v2 = requests.post(emu.base_url + "/api/v2/method/login", json={"usr": "Administrator", "pwd": "admin"})
    assert v2.status_code == 200 and v2.json() == {} and v2.cookies.get("sid") in (None, "Guest")


def test_csrf_only_for_desk_sessions(fresh):
    emu = fresh()
    made = Client(emu, None).control("POST", "sessions", {"user": "Administrator", "csrf": True})
    url = emu.base_url + "/api/resource/ToDo"
    bad = requests.post(url, json={"description": "x"}, cookies={"sid": made["sid"]})
    assert bad.status_code == 400 and bad.json()["exc_type"] == "CSRFTokenError"
    ok = requests.post(url, json={"description": "x"}, cookies={"sid": made["sid"]},
                       headers={"X-Frappe-CSRF-Token": made["csrf_token"]})
    assert ok.status_code == 200


def test_login_lock_scope_per_version(fresh):
    for version, other_locked in (("16", True), ("15", False)):
        emu = fresh(version=version)
        url = emu.base_url + "/api/method/login"
        codes = [requests.post(url, json={"usr": "reader@example.com", "pwd": "bad"}).status_code for _ in range(12)]
        assert codes[:11] == [401] * 11 and codes[11] == 500
        other = requests.post(url, json={"usr": "Administrator", "pwd": "admin"})
        assert (other.status_code == 500) is other_locked
        assert requests.get(emu.base_url + WHO, headers=emu.token_header()).status_code == 200


def test_oauth_bearer_expiry_and_refresh(fresh):
    emu = fresh()
    c = Client(emu, None)
    pre = emu.oauth
    assert requests.get(emu.base_url + WHO, headers={"Authorization": "Bearer " + pre["access_token"]}).status_code == 200
    tokens = c.control("POST", "oauth", {"user": "api@example.com", "client_id": "cli"})
    url = emu.base_url + WHO
    assert requests.get(url, headers={"Authorization": "Bearer " + tokens["access_token"]}).json()["message"] == "api@example.com"
    c.control("POST", "clock", {"advance_s": 3601})
    assert requests.get(url, headers={"Authorization": "Bearer " + tokens["access_token"]}).status_code == 401
    new = requests.post(emu.base_url + "/api/method/frappe.integrations.oauth2.get_token",
                        data={"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"], "client_id": "cli"})
    assert new.status_code == 200 and new.json()["token_type"] == "Bearer" and "message" not in new.json()
    assert requests.get(url, headers={"Authorization": "Bearer " + new.json()["access_token"]}).status_code == 200


def test_time_zone_is_the_users_not_the_sites(fresh):
    emu = fresh(tz="America/New_York")
    tz = "/api/method/frappe.client.get_time_zone"
    assert requests.get(emu.base_url + tz).json() == {"message": {"time_zone": "Asia/Kolkata"}}  # Guest
    assert Client(emu, "Administrator").get(tz).json()["message"]["time_zone"] == "Asia/Kolkata"
    assert Client(emu).get(tz).json()["message"]["time_zone"] == "America/New_York"
    settings = Client(emu).get("/api/resource/System Settings/System Settings").json()["data"]
    assert settings["time_zone"] == "America/New_York" and settings["idx"] == "0"


def test_user_creation_roles_and_generate_keys(fresh):
    emu = fresh()
    admin = Client(emu)
    resp = admin.post("/api/resource/User", json={"email": "new@example.com", "first_name": "New",
                                                  "new_password": "pw-123", "roles": [{"role": "Sales User"}]})
    assert resp.status_code == 200, resp.text
    keys = admin.post("/api/method/frappe.core.doctype.user.user.generate_keys", data={"user": "new@example.com"})
    key, secret = keys.json()["message"]["api_key"], keys.json()["message"]["api_secret"]
    hdr = {"Authorization": f"token {key}:{secret}"}
    assert requests.get(emu.base_url + WHO, headers=hdr).json()["message"] == "new@example.com"
    assert requests.get(emu.base_url + "/api/resource/Payment Entry", headers=hdr).status_code == 403
    again = admin.post("/api/method/frappe.core.doctype.user.user.generate_keys", data={"user": "new@example.com"})
    assert again.json()["message"]["api_key"] == key and again.json()["message"]["api_secret"] != secret
    s = requests.Session()
    assert s.post(emu.base_url + "/api/method/login", json={"usr": "new@example.com", "pwd": "pw-123"}).status_code == 200


def test_single_doc_values_are_typed_but_idx_is_text(emu):
    settings = Client(emu).get("/api/resource/System Settings/System Settings").json()["data"]
    assert settings["allow_consecutive_login_attempts"] == 10 and settings["docstatus"] == "0"


def test_user_permissions_restrict_rows_and_links(fresh):
    emu = fresh()
    admin, reader = Client(emu), Client(emu, "reader@example.com")
    made = admin.post("/api/resource/User Permission", json={"user": "reader@example.com", "allow": "Customer",
                                                             "for_value": "Customer 0002"})
    assert made.status_code == 200, made.text
    customers = reader.get("/api/resource/Customer", params={"limit_page_length": 0}).json()["data"]
    assert customers == [{"name": "Customer 0002"}]
    orders = reader.get("/api/resource/Sales Order", params={"fields": '["customer"]', "limit_page_length": 0}).json()
    assert {r["customer"] for r in orders["data"]} == {"Customer 0002"}
    count = reader.get("/api/method/frappe.client.get_count", params={"doctype": "Sales Order"}).json()["message"]
    assert count == len(orders["data"])  # 16: counts agree with the list
    assert reader.get("/api/resource/Customer/Customer 0003").status_code == 403
    assert reader.get("/api/resource/User Permission").status_code == 403
    assert len(admin.get("/api/resource/Customer", params={"limit_page_length": 0}).json()["data"]) > 1


def test_todo_rows_of_others_are_forbidden(fresh):
    emu = fresh()
    admin, reader = Client(emu, "Administrator"), Client(emu, "reader@example.com")
    other = admin.post("/api/resource/ToDo", json={"description": "admin's", "allocated_to": "Administrator"}).json()
    name = other["data"]["name"]
    assert reader.get("/api/resource/ToDo/" + name).status_code == 403
    assert reader.put("/api/resource/ToDo/" + name, json={"status": "Closed"}).status_code == 403
    assert reader.delete("/api/resource/ToDo/" + name).status_code == 403
    mine = reader.post("/api/resource/ToDo", json={"description": "mine"}).json()["data"]["name"]
    assert reader.put("/api/resource/ToDo/" + mine, json={"status": "Closed"}).status_code == 200


def test_v14_bare_raises_carry_no_exc_type(fresh):
    emu14, emu16 = fresh(version="14"), fresh(version="16")
    for emu, expected in ((emu14, {}), (emu16, {"exc_type": "AuthenticationError"})):
        bad = requests.get(emu.base_url + WHO, headers={"Authorization": "token nope:nope"})
        assert bad.status_code == 401 and bad.json() == expected
    thrown = Client(emu14).get("/api/resource/ToDo/missing")
    assert thrown.status_code == 404 and thrown.json()["exc_type"] == "DoesNotExistError"
    bare = Client(emu14).delete("/api/resource/ToDo/missing")
    assert bare.status_code == 404 and "exc_type" not in bare.json()
