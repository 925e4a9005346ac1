"""FrappeClient on the shared sender: Frappe's policy, its three auth kinds, paths and answer shapes
(requests-mock; no server)."""
from __future__ import annotations

import json

import pytest
import requests_mock

from frappe_client.client import FrappeClient, doc_path
from frappe_client.config import ConnectionConfig
from frappe_client.errors import ApiError, AuthenticationError, ConfigurationError, TransientError
from frappe_client.policy import parse_error
from frappe_client.site_zone import resolve_site_clock

SITE = "http://erp.test"
API = SITE + "/api"
KEY = {"auth_type": "api_key", "api_key": "k1", "api_secret": "SECRET-1"}
PW = {"auth_type": "password", "username": "api@x", "password": "PASS-1"}
OAUTH = {"auth_type": "oauth2", "client_id": "cid", "refresh_token": "RT-1", "client_secret": "CS-1"}
SERVER_MSGS = json.dumps([json.dumps({"message": "Could not find <strong>Customer</strong>: NOPE", "title": "Message"})])


def client(creds=KEY, **kw) -> FrappeClient:
    cfg = ConnectionConfig.from_airbyte({"site_url": SITE + "/app", "credentials": creds})
    return FrappeClient(cfg, sleep=lambda s: None, **kw)


def test_paths_encode_doctype_and_names_with_slashes() -> None:
    assert doc_path("Sales Order") == "resource/Sales%20Order"
    assert doc_path("Conn Party", "Slash/Party") == "resource/Conn%20Party/Slash%2FParty"
    assert doc_path("Counter", 25, v2=True) == "v2/document/Counter/25"


def test_parse_error_reads_double_encoded_server_messages_and_v2() -> None:
    assert parse_error({"exc_type": "LinkValidationError", "_server_messages": SERVER_MSGS}) == (
        "LinkValidationError", "Could not find Customer: NOPE")
    assert parse_error({"errors": [{"type": "DuplicateEntryError", "message": "<b>X</b> exists"}]}) == (
        "DuplicateEntryError", "X exists")
    assert parse_error({"exception": "frappe.exceptions.DataError: Field not permitted in query: x"}) == (
        "DataError", "frappe.exceptions.DataError: Field not permitted in query: x")


def test_token_header_list_params_and_no_cookies_sent() -> None:
    c = client()
    with requests_mock.Mocker() as m:
        m.get(API + "/resource/Sales%20Order", [
            {"json": {"data": [{"name": "SO-1"}]}, "headers": {"Set-Cookie": "sid=Guest; Path=/"}},
            {"json": {"data": []}},
        ])
        assert c.get_list("Sales Order", fields=["*"], order_by="modified asc, name asc", limit=2,
                          filters='[["modified",">=","x"]]', parent=None) == [{"name": "SO-1"}]
        c.get_list("Sales Order", fields=["name"], order_by="name asc", limit=2)
        first, second = m.request_history
        assert first.headers["Authorization"] == "token k1:SECRET-1"
        assert first.qs["limit_page_length"] == ["2"] and "limit_start" not in first.qs
        assert first.qs["order_by"] == ["modified asc, name asc"]
        assert "Cookie" not in second.headers  # the Guest sid of the first answer is never sent back
    with pytest.raises(ValueError):
        c.get_list("X", fields=["name"], order_by="name asc", limit=0)


def test_deadlock_500_rate_limit_and_html_502_are_retried() -> None:
    c = client()
    with requests_mock.Mocker() as m:
        m.get(API + "/resource/ToDo", [
            {"status_code": 500, "json": {"exc_type": "QueryDeadlockError"}},
            {"status_code": 500, "json": {"exception": "pymysql.err.OperationalError: (1205, 'Lock wait timeout')"}},
            {"status_code": 429, "json": {"exc_type": "TooManyRequestsError"}, "headers": {"Retry-After": "2"}},
            {"status_code": 502, "text": "<html>Bad Gateway</html>"},
            {"json": {"data": [{"name": "t1"}]}},
        ])
        assert c.get_list("ToDo", fields=["name"], order_by="name asc", limit=5) == [{"name": "t1"}]
    assert c.stats["retries"] == 4


def test_application_500_and_417_are_not_retried_and_read_clearly() -> None:
    c = client()
    with requests_mock.Mocker() as m:
        m.get(API + "/resource/ToDo", status_code=417, json={"exc_type": "LinkValidationError",
                                                             "_server_messages": SERVER_MSGS})
        with pytest.raises(ApiError) as err:
            c.get_list("ToDo", fields=["name"], order_by="name asc", limit=5)
    assert err.value.status == 417 and "Could not find Customer: NOPE" in str(err.value)
    assert m.call_count == 1


def test_bad_api_key_is_an_authentication_error_without_the_secret() -> None:
    c = client()
    with requests_mock.Mocker() as m:
        m.get(API + "/method/frappe.auth.get_logged_user", status_code=401, json={"exc_type": "AuthenticationError"})
        with pytest.raises(AuthenticationError) as err:
            c.logged_user()
    assert "SECRET-1" not in str(err.value) and "API key" in str(err.value)


def test_session_login_then_relogin_on_403_session_expired() -> None:
    c = client(PW)
    with requests_mock.Mocker() as m:
        logins = m.post(API + "/method/login", [
            {"json": {"message": "Logged In"}, "headers": {"Set-Cookie": "sid=aaa111; Path=/; HttpOnly"}},
            {"json": {"message": "Logged In"}, "headers": {"Set-Cookie": "sid=bbb222; Path=/; HttpOnly"}},
        ])
        m.get(API + "/method/frappe.auth.get_logged_user", [
            {"json": {"message": "api@x"}},
            {"status_code": 403, "json": {"session_expired": 1, "exc_type": "PermissionError"}},
            {"json": {"message": "api@x"}},
        ])
        assert c.logged_user() == "api@x"
        assert c.logged_user() == "api@x"
        sent = [r.headers.get("Cookie") for r in m.request_history if r.path.endswith("get_logged_user")]
        assert sent == ["sid=aaa111", "sid=aaa111", "sid=bbb222"]
        assert logins.call_count == 2 and json.loads(logins.request_history[0].body) == {"usr": "api@x",
                                                                                          "pwd": "PASS-1"}


def test_wrong_password_is_a_clear_config_error() -> None:
    c = client(PW)
    with requests_mock.Mocker() as m:
        m.post(API + "/method/login", status_code=401, json={"message": "Invalid login credentials"})
        with pytest.raises(AuthenticationError, match="Login as 'api@x' failed .*Invalid login credentials") as err:
            c.logged_user()
    assert "PASS-1" not in str(err.value)


def test_oauth2_refreshes_before_expiry_and_keeps_a_rotated_refresh_token() -> None:
    rotated = []
    now = [1000.0]
    c = client(OAUTH, on_new_refresh_token=rotated.append)
    c.auth._clock = lambda: now[0]
    with requests_mock.Mocker() as m:
        tokens = m.post(API + "/method/frappe.integrations.oauth2.get_token", [
            {"json": {"access_token": "AT-1", "expires_in": 3600, "refresh_token": "RT-2"}},
            {"json": {"access_token": "AT-2", "expires_in": 3600, "refresh_token": "RT-2"}},
        ])
        m.get(API + "/method/frappe.auth.get_logged_user", json={"message": "api@x"})
        c.logged_user()
        now[0] += 3000  # still valid
        c.logged_user()
        now[0] += 560  # within a minute of expiry: refreshed first
        c.logged_user()
        auths = [r.headers["Authorization"] for r in m.request_history if r.path.endswith("get_logged_user")]
        assert auths == ["Bearer AT-1", "Bearer AT-1", "Bearer AT-2"]
        assert tokens.call_count == 2
        assert "refresh_token=RT-1" in tokens.request_history[0].text
        assert "refresh_token=RT-2" in tokens.request_history[1].text
    assert rotated == ["RT-2"]


def test_oauth2_refresh_rejected_is_actionable() -> None:
    c = client(OAUTH)
    with requests_mock.Mocker() as m:
        m.post(API + "/method/frappe.integrations.oauth2.get_token", status_code=400, json={"error": "invalid_grant"})
        with pytest.raises(AuthenticationError, match="invalid_grant.*Authorize the connector again"):
            c.logged_user()


def test_meta_uses_getdoctype_and_falls_back_to_v2() -> None:
    c = client()
    with requests_mock.Mocker() as m:
        m.get(API + "/method/frappe.desk.form.load.getdoctype", status_code=417, json={"exc_type": "ValidationError"})
        m.get(API + "/v2/doctype/Note/meta", json={"data": {"name": "Note", "fields": [
            {"fieldname": "title", "fieldtype": "Data"}]}})
        metas = c.get_meta("Note")
    assert list(metas["Note"].fields) == ["title"]


def test_site_zone_from_system_settings_and_mismatch() -> None:
    c = client()
    with requests_mock.Mocker() as m:
        m.get(API + "/resource/System%20Settings/System%20Settings", json={"data": {"time_zone": "America/New_York"}})
        clock, how = resolve_site_clock(c, None)
        assert clock.name == "America/New_York" and "System Settings" in how
        assert resolve_site_clock(c, "America/New_York")[0].name == "America/New_York"
        with pytest.raises(ConfigurationError, match="site_timezone is 'Europe/Berlin' but .* 'America/New_York'"):
            resolve_site_clock(c, "Europe/Berlin")


def test_site_zone_unreadable_needs_configuration() -> None:
    c = client()
    with requests_mock.Mocker() as m:
        m.get(API + "/resource/System%20Settings/System%20Settings", status_code=403,
              json={"exc_type": "PermissionError"})
        with pytest.raises(ConfigurationError, match="set site_timezone"):
            resolve_site_clock(c, None)
        assert resolve_site_clock(c, "Asia/Kolkata")[0].name == "Asia/Kolkata"


def test_writes_are_not_resent_blindly() -> None:
    c = client()
    with requests_mock.Mocker() as m:
        m.post(API + "/resource/ToDo", status_code=502, text="<html>bad gateway</html>")
        with pytest.raises(TransientError) as err:
            c.insert("ToDo", {"description": "x"})
    assert err.value.maybe_committed and m.call_count == 1


def test_oauth2_refresh_retries_transient_failures() -> None:
    c = client(OAUTH)
    with requests_mock.Mocker() as m:
        tokens = m.post(API + "/method/frappe.integrations.oauth2.get_token", [
            {"status_code": 500, "json": {"exc_type": "QueryDeadlockError"}},
            {"status_code": 502, "text": "<html>bad gateway</html>"},
            {"json": {"access_token": "AT-9", "expires_in": 3600}},
        ])
        m.get(API + "/method/frappe.auth.get_logged_user", json={"message": "api@x"})
        assert c.logged_user() == "api@x"
    assert tokens.call_count == 3


def test_rate_limit_waits_are_obeyed_but_only_when_the_budget_is_spent() -> None:
    slept: list[float] = []
    cfg = ConnectionConfig.from_airbyte({"site_url": SITE, "credentials": KEY})
    c = FrappeClient(cfg, sleep=slept.append)
    budget = {"X-RateLimit-Limit": "1000000", "X-RateLimit-Reset": "50"}
    with requests_mock.Mocker() as m:
        m.get(API + "/resource/ToDo", [
            {"status_code": 429, "json": {"exc_type": "TooManyRequestsError"},
             "headers": {**budget, "X-RateLimit-Remaining": "0"}},  # no Retry-After: the reset time counts
            {"status_code": 500, "json": {"exc_type": "QueryDeadlockError"},
             "headers": {**budget, "X-RateLimit-Remaining": "900000"}},  # budget left: a short backoff
            {"json": {"data": []}},
        ])
        c.get_list("ToDo", fields=["name"], order_by="name asc", limit=5)
    assert slept[0] >= 50 and slept[1] < 5


def test_server_now_reads_the_date_header_of_ping() -> None:
    c = client()
    with requests_mock.Mocker() as m:
        m.get(API + "/method/ping", json={"message": "pong"}, headers={"Date": "Mon, 07 Dec 2026 16:05:13 GMT"})
        now = c.server_now()
        assert "Authorization" not in m.request_history[0].headers
    assert now is not None and now.isoformat() == "2026-12-07T16:05:13+00:00"
    with requests_mock.Mocker() as m:
        m.get(API + "/method/ping", json={"message": "pong"})
        assert c.server_now() is None
