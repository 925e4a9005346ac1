"""auth.TokenManager through IdempiereClient: two-step login, name resolution, refresh, token mode (spec §1)."""
from __future__ import annotations

import logging

import pytest
import requests_mock

from erp_http.errors import AuthenticationError, ConfigurationError
from idempiere_client.auth import Token, jwt_claims
from idempiere_client.http import IdempiereClient
from unit_tests.client.conftest import API, PASSWORD, PRE_TOKEN, LoginMocks, final_token, password_config, token_config


class FakeClock:
    def __init__(self, now: float = 1_800_000_000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now


def _client(cfg, clock=None) -> IdempiereClient:
    client = IdempiereClient(cfg, sleep=lambda s: None)
    if clock is not None:
        client.tokens._clock = clock
    return client


def test_two_step_login_resolves_names_case_insensitively():
    with requests_mock.Mocker() as m:
        login = LoginMocks(m)
        data = m.get(f"{API}/models/c_order/1", json={"id": 1})
        client = _client(password_config(client="gardenworld", role="GARDENWORLD ADMIN", organization="hq"))
        assert client.get("models/c_order/1") == {"id": 1}
    assert login.post.last_request.json() == {"userName": "GardenAdmin", "password": PASSWORD}
    assert login.roles.last_request.qs == {"client": ["11"]}
    assert login.orgs.last_request.qs == {"client": ["11"], "role": ["102"]}
    assert login.put.last_request.headers["Authorization"] == f"Bearer {PRE_TOKEN}"
    assert login.put.last_request.json() == {"clientId": 11, "roleId": 102, "organizationId": 11}
    assert data.last_request.headers["Authorization"] == f"Bearer {login.issued[0]}"
    assert not login.whs.called
    assert client.tokens.context["role_id"] == 102


def test_numeric_strings_are_ids_and_warehouse_and_language_are_sent():
    with requests_mock.Mocker() as m:
        login = LoginMocks(m)
        m.get(f"{API}/models", json={"models": []})
        client = _client(password_config(client="11", role="103", organization="12", warehouse="hq warehouse", language="de_DE"))
        client.list_models()
    assert login.put.last_request.json() == {"clientId": 11, "roleId": 103, "organizationId": 12, "warehouseId": 103,
                                             "language": "de_DE"}


def test_single_real_organization_is_the_default():
    with requests_mock.Mocker() as m:
        login = LoginMocks(m)
        m.get(f"{API}/auth/organizations", json={"organizations": [{"id": 0, "name": "*"}, {"id": 11, "name": "HQ"}]})
        m.get(f"{API}/models", json={"models": []})
        _client(password_config(organization=None)).list_models()
    assert login.put.last_request.json()["organizationId"] == 11


@pytest.mark.parametrize(
    ("creds", "message"),
    [
        ({"role": "Accountant"}, r"Unknown role 'Accountant'.*GardenWorld Admin \(102\), GardenWorld User \(103\)"),
        ({"client": "Acme"}, r"Unknown client 'Acme'.*GardenWorld \(11\)"),
        ({"client": "99"}, r"Unknown client '99'"),
        ({"organization": None}, r"Several organizations.*HQ \(11\), Store \(12\).*credentials.organization"),
        ({"organization": "Mars"}, r"Unknown organization 'Mars'"),
        ({"warehouse": "Nowhere"}, r"Unknown warehouse 'Nowhere'.*HQ Warehouse \(103\)"),
    ],
    ids=["unknown-role", "unknown-client-name", "unknown-client-id", "ambiguous-org", "unknown-org", "unknown-warehouse"],
)
def test_unresolvable_names_are_configuration_errors_listing_the_choices(creds, message):
    with requests_mock.Mocker() as m:
        LoginMocks(m)
        with pytest.raises(ConfigurationError, match=message):
            _client(password_config(**creds)).get("models")


def test_wrong_password_is_an_authentication_error_without_the_password(caplog):
    caplog.set_level(logging.DEBUG)
    with requests_mock.Mocker() as m:
        m.post(f"{API}/auth/tokens", status_code=401,
               json={"title": "Authenticate error", "status": 401, "detail": "Invalid User ID or Password"})
        with pytest.raises(AuthenticationError) as info:
            _client(password_config()).get("models")
    assert "Invalid User ID or Password" in str(info.value)
    assert isinstance(info.value, ConfigurationError)
    assert PASSWORD not in str(info.value) and PASSWORD not in caplog.text


AUTO = {"clients": [{"id": 11, "name": "GardenWorld"}], "clientId": 11, "userId": 102, "roleId": 103,
        "organizationId": 11, "warehouseId": 103, "refresh_token": "r"}


def test_auto_login_answer_is_used_without_a_second_step():
    with requests_mock.Mocker() as m:
        login = LoginMocks(m)
        token = final_token(99)
        m.post(f"{API}/auth/tokens", json={**AUTO, "token": token})
        data = m.get(f"{API}/models", json={"models": []})
        _client(password_config(role="103", organization=None)).list_models()
    assert not login.put.called and not login.roles.called
    assert data.last_request.headers["Authorization"] == f"Bearer {token}"


def _auto_then_one_step(request, context):
    """The auto-login answer for the plain login; the server's name resolution for a one-step login."""
    body = request.json()
    params = body.get("parameters")
    if params is None:
        return {**AUTO, "token": final_token(98)}
    for key, known in (("roleId", {"103", "gardenworld user"}), ("organizationId", {"11", "hq"}),
                       ("warehouseId", {"103", "hq warehouse"})):
        if key in params and str(params[key]).lower() not in known:
            context.status_code = 401
            return {"title": "Authenticate error", "status": 401,
                    "detail": {"roleId": "Role name not found", "organizationId": "Organization name not found",
                               "warehouseId": "Warehouse name not found"}[key]}
    return {"userId": 102, "roleId": 103, "organizationId": 11, "token": final_token(97), "refresh_token": "r2"}


@pytest.mark.parametrize("field, value, detail", [
    ("role", "GardenWorld Admin", "Role name not found"),
    ("organization", "Store", "Organization name not found"),
    ("warehouse", "Store Warehouse", "Warehouse name not found"),
    ("warehouse", "104", "Warehouse name not found"),
])
def test_auto_login_verifies_configured_names_like_ids(field, value, detail):
    """A single-role user with a wrong role/organization/warehouse NAME must not silently run as another role."""
    with requests_mock.Mocker() as m:
        LoginMocks(m)
        m.post(f"{API}/auth/tokens", json=_auto_then_one_step)
        m.post(f"{API}/auth/logout", json={})
        creds = {"role": None, "organization": None, field: value}
        with pytest.raises(ConfigurationError, match=f"credentials.{field} '{value}'.*{detail}.*role 103") as info:
            _client(password_config(**creds)).list_models()
    assert PASSWORD not in str(info.value)


def test_auto_login_with_right_names_logs_in_with_them():
    with requests_mock.Mocker() as m:
        LoginMocks(m)
        login = m.post(f"{API}/auth/tokens", json=_auto_then_one_step)
        logout = m.post(f"{API}/auth/logout", json={})
        data = m.get(f"{API}/models", json={"models": []})
        client = _client(password_config(role="GardenWorld User", organization="HQ", warehouse="HQ Warehouse"))
        client.list_models()
    assert login.call_count == 2 and login.last_request.json()["parameters"]["roleId"] == "GardenWorld User"
    assert logout.call_count == 1  # the auto-login session is ended, not left open
    assert data.last_request.headers["Authorization"] == f"Bearer {final_token(97)}"
    assert client.tokens.context["role_id"] == 103


def test_auto_login_contradicting_a_numeric_role_is_a_configuration_error():
    with requests_mock.Mocker() as m:
        LoginMocks(m)
        m.post(f"{API}/auth/tokens", json={"clients": [{"id": 11, "name": "GardenWorld"}], "clientId": 11, "userId": 102,
                                           "roleId": 103, "organizationId": 11, "token": final_token(1), "refresh_token": "r"})
        with pytest.raises(ConfigurationError, match="credentials.role is 102"):
            _client(password_config(role="102")).list_models()


def test_token_is_refreshed_before_it_expires():
    clock = FakeClock()
    with requests_mock.Mocker() as m:
        login = LoginMocks(m, ttl=3600, clock=clock)
        data = m.get(f"{API}/models", json={"models": []})
        client = _client(password_config(), clock)
        client.list_models()
        clock.now += 3600 - 50  # inside the 60 s margin
        client.list_models()
    assert login.refresh.call_count == 1
    assert login.refresh.last_request.json() == {"refresh_token": login.refresh_tokens[0], "clientId": 11, "userId": 101}
    assert "Authorization" not in login.refresh.last_request.headers
    assert data.last_request.headers["Authorization"] == f"Bearer {login.issued[1]}"
    assert client.stats["refreshes"] == 1 and client.stats["logins"] == 1


def test_short_lived_token_uses_ten_percent_margin():
    clock = FakeClock()
    with requests_mock.Mocker() as m:
        login = LoginMocks(m, ttl=30, clock=clock)
        m.get(f"{API}/models", json={"models": []})
        client = _client(password_config(), clock)
        client.list_models()
        clock.now += 26  # 4 s left > 3 s margin: no refresh yet
        client.list_models()
        assert login.refresh.call_count == 0
        clock.now += 1.5
        client.list_models()
        assert login.refresh.call_count == 1


def test_replayed_refresh_token_falls_back_to_a_full_login():
    clock = FakeClock()
    with requests_mock.Mocker() as m:
        login = LoginMocks(m, clock=clock)
        m.post(f"{API}/auth/refresh", status_code=401,
               json={"title": "Authenticate error", "status": 401, "detail": "Invalid refresh token"})
        m.get(f"{API}/models", json={"models": []})
        client = _client(password_config(), clock)
        client.list_models()
        clock.now += 3590
        client.list_models()
    assert login.post.call_count == 2 and login.put.call_count == 2
    assert client.stats["refresh_failures"] == 1 and client.stats["logins"] == 2


def test_refresh_is_never_retried_on_a_dropped_connection():
    import requests

    clock = FakeClock()
    with requests_mock.Mocker() as m:
        login = LoginMocks(m, clock=clock)
        m.post(f"{API}/auth/refresh", exc=requests.exceptions.ConnectionError("Connection aborted"))
        m.get(f"{API}/models", json={"models": []})
        client = _client(password_config(), clock)
        client.list_models()
        clock.now += 3590
        client.list_models()
    assert m.request_history.count  # sanity
    refresh_calls = [r for r in m.request_history if r.path.endswith("/auth/refresh")]
    assert len(refresh_calls) == 1 and login.put.call_count == 2


def test_token_mode_sends_the_token_and_never_logs_in():
    cfg = token_config()
    with requests_mock.Mocker() as m:
        data = m.get(f"{API}/models", json={"models": []})
        logins = m.post(f"{API}/auth/tokens", json={})
        _client(cfg).list_models()
    assert data.last_request.headers["Authorization"] == f"Bearer {cfg.credentials.token}"
    assert not logins.called


def test_token_mode_401_is_a_clear_authentication_error():
    cfg = token_config()
    with requests_mock.Mocker() as m:
        m.get(f"{API}/models", status_code=401, json={"title": "Token is blocked", "status": 401})
        with pytest.raises(AuthenticationError, match="server-to-server token was rejected") as info:
            _client(cfg).list_models()
    assert cfg.credentials.token not in str(info.value)


def test_logout_is_best_effort_and_skipped_for_s2s_tokens():
    with requests_mock.Mocker() as m:
        login = LoginMocks(m)
        m.get(f"{API}/models", json={"models": []})
        client = _client(password_config())
        client.list_models()
        client.close()
        assert login.logout.last_request.json() == {"token": login.issued[0]}
    with requests_mock.Mocker() as m:
        m.get(f"{API}/models", json={"models": []})
        out = m.post(f"{API}/auth/logout", status_code=500, text="boom")
        client = _client(token_config())
        client.list_models()
        client.close()
        assert not out.called


def test_logout_failure_is_ignored():
    with requests_mock.Mocker() as m:
        LoginMocks(m)
        m.post(f"{API}/auth/logout", status_code=500, text="NPE")
        m.get(f"{API}/models", json={"models": []})
        client = _client(password_config())
        client.list_models()
        client.close()


def test_jwt_claims_and_token_repr_hide_secrets():
    token = final_token(1, now=1000.0)
    assert jwt_claims(token)["AD_User_ID"] == 101
    assert jwt_claims("garbage") == {}
    t = Token.from_response(token, "refresh-SECRET", now=1000.0)
    assert "refresh-SECRET" not in repr(t) and token not in repr(t)
    assert t.user_id == 101 and t.client_id == 11


def test_clock_skew_disables_proactive_refresh():
    t = Token.from_response(final_token(1, ttl=3600, now=1000.0), "r", now=1000.0 + 7200)
    assert t.expires_at is None and not t.needs_refresh(10**10)


def _one_step_mocks(m, accept: bool):
    def tokens(request, context):
        body = request.json()
        if "parameters" not in body:
            return {"clients": [{"id": 11, "name": "GardenWorld Inc."}], "token": PRE_TOKEN}
        if not accept:
            context.status_code = 401
            return {"title": "Authenticate error", "status": 401, "detail": "Client value not found"}
        return {"userId": 101, "clientId": 11, "token": final_token(5), "refresh_token": "r"}

    return m.post(f"{API}/auth/tokens", json=tokens)


def test_a_name_the_lists_do_not_show_is_tried_by_the_server_in_one_step():
    """The clients list shows AD_Client.Name, but the server also accepts the search key (Value), §1.2."""
    with requests_mock.Mocker() as m:
        LoginMocks(m)
        posts = _one_step_mocks(m, accept=True)
        m.get(f"{API}/models", json={"models": []})
        client = _client(password_config(client="GardenWorld"))
        client.list_models()
    assert posts.call_count == 2
    assert posts.last_request.json()["parameters"] == {"clientId": "GardenWorld", "roleId": "GardenWorld Admin",
                                                       "organizationId": "HQ"}
    assert client.tokens._token.client_id == 11


def test_when_the_server_does_not_know_the_name_either_the_error_lists_the_choices():
    with requests_mock.Mocker() as m:
        LoginMocks(m)
        _one_step_mocks(m, accept=False)
        with pytest.raises(ConfigurationError, match=r"Unknown client 'GardenWorld'.*GardenWorld Inc\. \(11\)"):
            _client(password_config(client="GardenWorld")).list_models()
