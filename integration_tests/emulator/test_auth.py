"""Authentication over real HTTP: login shapes, JWT format, the request filter's 401s, refresh, logout (spec §1)."""
from __future__ import annotations

import base64
import time

import pytest
import requests

from .conftest import ADMIN_PARAMS, api, bearer, claims, login

FINAL_CLAIMS = {"sub", "AD_Client_ID", "AD_User_ID", "AD_Role_ID", "AD_Org_ID", "M_Warehouse_ID", "AD_Language",
                "AD_Session_ID", "iss", "exp"}


def orders(emu, token: str) -> requests.Response:
    return requests.get(api(emu) + "/models/c_order", params={"$top": 1}, headers=bearer(token), timeout=10)


def refresh(emu, refresh_token: str, client_id=11, user_id=101) -> requests.Response:
    body = {"refresh_token": refresh_token, "clientId": client_id, "userId": user_id}
    return requests.post(api(emu) + "/auth/refresh", json=body, timeout=10)


# ------------------------------------------------------------------ login shapes (§1.2, §1.3)
def test_one_step_with_numeric_ids_echoes_nothing_it_was_given(emulator):
    body = login(emulator)
    assert list(body) == ["userId", "language", "menuTreeId", "token", "refresh_token"]
    assert body["userId"] == 101 and body["language"] == "en_US" and body["menuTreeId"] == 10
    assert orders(emulator, body["token"]).status_code == 200


def test_one_step_by_names_echoes_the_resolved_ids(emulator):
    params = {"clientId": "GardenWorld", "roleId": "GardenWorld Admin", "organizationId": "HQ",
              "warehouseId": "HQ Warehouse"}
    body = login(emulator, params=params)
    assert list(body) == ["clientId", "userId", "roleId", "organizationId", "warehouseId", "language",
                          "menuTreeId", "token", "refresh_token"]
    assert (body["clientId"], body["roleId"], body["organizationId"], body["warehouseId"]) == (11, 102, 11, 103)


def test_one_step_accepts_org_and_warehouse_by_value(emulator):
    body = login(emulator, params={"clientId": "11", "roleId": 102, "organizationId": "Store", "warehouseId": "Store"})
    assert (body["organizationId"], body["warehouseId"]) == (12, 104) and "clientId" not in body


def test_one_step_defaults_client_and_warehouse_and_echoes_them(emulator):
    body = login(emulator, params={"roleId": "102", "organizationId": "12"})
    assert body["clientId"] == 11 and body["warehouseId"] == 104
    assert "roleId" not in body and "organizationId" not in body
    _head, payload = claims(body["token"])
    assert payload["AD_Org_ID"] == 12 and payload["M_Warehouse_ID"] == 104


def test_two_step_returns_clients_and_a_pre_login_token(emulator):
    body = login(emulator, params={})
    assert list(body) == ["clients", "token"]
    assert body["clients"] == [{"id": 11, "name": "GardenWorld"}]
    head, payload = claims(body["token"])
    assert head == {"kid": "idempiere", "typ": "JWT", "alg": "HS512"}
    assert set(payload) == {"sub", "Clients", "iss", "exp"} and payload["Clients"] == "11"
    # the pre-login token only works under v1/auth/ (§1.7 step 9): elsewhere 401 with an empty body
    resp = orders(emulator, body["token"])
    assert resp.status_code == 401 and resp.content == b""


def test_two_step_helpers_then_put_gives_a_final_token(emulator):
    pre = login(emulator, params={})["token"]
    get = lambda path, **q: requests.get(api(emulator) + path, params=q, headers=bearer(pre), timeout=10)  # noqa: E731
    assert get("/auth/roles", client=11).json() == {
        "roles": [{"id": 102, "name": "GardenWorld Admin"}, {"id": 103, "name": "GardenWorld User"}]}
    assert get("/auth/organizations", client=11, role=102).json() == {
        "organizations": [{"id": 11, "name": "HQ"}, {"id": 12, "name": "Store"}]}
    assert get("/auth/warehouses", client=11, role=102, organization=11).json() == {
        "warehouses": [{"id": 103, "name": "HQ Warehouse"}]}
    assert get("/auth/language", client=11).json() == {"AD_Language": "en_US"}
    bad = get("/auth/roles", client=12)
    assert bad.status_code == 401
    assert bad.json() == {"title": "Authenticate error", "status": 401, "detail": "Invalid client"}
    assert get("/auth/roles", client="abc").status_code == 404  # JAX-RS int param (§0)
    assert get("/auth/language", client=99).status_code == 400 and get("/auth/language", client=99).content == b""
    resp = requests.put(api(emulator) + "/auth/tokens", json=ADMIN_PARAMS, headers=bearer(pre), timeout=10)
    assert resp.status_code == 200, resp.text
    final = resp.json()
    assert list(final) == ["userId", "language", "menuTreeId", "token", "refresh_token"]
    assert set(claims(final["token"])[1]) == FINAL_CLAIMS
    assert claims(final["token"])[1]["sub"] == "GardenAdmin"
    assert orders(emulator, final["token"]).status_code == 200


def test_put_with_a_final_token_is_invalid_client(emulator):
    final = login(emulator)["token"]
    resp = requests.put(api(emulator) + "/auth/tokens", json=ADMIN_PARAMS, headers=bearer(final), timeout=10)
    assert resp.status_code == 401
    assert resp.json() == {"title": "Authenticate error", "status": 401, "detail": "Invalid clientId"}
    roles = requests.get(api(emulator) + "/auth/roles?client=11", headers=bearer(final), timeout=10)
    assert roles.json()["detail"] == "Invalid client"


def test_single_role_single_org_user_is_logged_in_automatically(emulator):
    body = login(emulator, "GardenUser", params={})
    assert list(body) == ["clients", "clientId", "userId", "roleId", "organizationId", "warehouseId", "language",
                          "menuTreeId", "token", "refresh_token"]
    assert (body["clientId"], body["userId"], body["roleId"], body["organizationId"], body["warehouseId"]) == \
        (11, 102, 103, 11, 103)
    assert claims(body["token"])[1]["AD_Role_ID"] == 103


@pytest.mark.parametrize("user,password,params,detail", [
    ("GardenAdmin", "wrong", ADMIN_PARAMS, "Invalid User ID or Password"),
    ("Nobody", "x", None, "Invalid User ID or Password"),
    ("SuperUser", "System", {"clientId": 0, "roleId": 0, "organizationId": 0}, "Invalid User ID or Password"),
    ("GardenAdmin", "GardenAdmin", {"clientId": "NoSuchClient"}, "Client value not found"),
    ("GardenAdmin", "GardenAdmin", {"clientId": 0, "roleId": 102}, "Invalid clientId"),
    ("GardenAdmin", "GardenAdmin", {"roleId": "No Such Role"}, "Role name not found"),
    ("GardenAdmin", "GardenAdmin", {"organizationId": 11}, "Missing roleId parameter"),
    ("GardenAdmin", "GardenAdmin", {"roleId": 102, "organizationId": "Nowhere"}, "Organization name not found"),
    ("GardenAdmin", "GardenAdmin", {"roleId": 102}, "Invalid organizationId"),
    ("GardenAdmin", "GardenAdmin", {"roleId": 102, "organizationId": 11, "warehouseId": "Nope"},
     "Warehouse name not found"),
    ("GardenAdmin", "GardenAdmin", {"roleId": 102, "organizationId": 11, "warehouseId": 104}, "Invalid warehouseId"),
    ("GardenUser", "GardenUser", {"roleId": 102}, "Invalid roleId"),
], ids=["bad-password", "unknown-user", "no-ws-role", "client-value", "client-not-allowed", "role-name",
        "missing-role", "org-name", "several-orgs", "warehouse-name", "warehouse-of-other-org", "role-not-allowed"])
def test_login_errors_have_the_exact_401_body(emulator, user, password, params, detail):
    body = {"userName": user, "password": password}
    if params is not None:
        body["parameters"] = params
    resp = requests.post(api(emulator) + "/auth/tokens", json=body, timeout=10)
    assert resp.status_code == 401
    assert resp.text == f'{{"title":"Authenticate error","status":401,"detail":"{detail}"}}'


def test_unknown_login_field_is_a_jackson_400(emulator):
    resp = requests.post(api(emulator) + "/auth/tokens", json={"userName": "GardenAdmin", "pwd": "x"}, timeout=10)
    assert resp.status_code == 400 and resp.headers["Content-Type"].startswith("text/plain")


# ------------------------------------------------------------------ JWT format (§1.5)
def test_final_token_is_hs512_with_the_plugin_claims(emulator_factory):
    emu = emulator_factory(token_ttl=1234)
    before = int(time.time())
    head, payload = claims(login(emu)["token"])
    assert head == {"kid": "idempiere", "typ": "JWT", "alg": "HS512"}
    assert set(payload) == FINAL_CLAIMS
    assert payload["iss"] == "idempiere.org" and payload["sub"] == "GardenAdmin"
    assert (payload["AD_Client_ID"], payload["AD_User_ID"], payload["AD_Role_ID"], payload["AD_Org_ID"],
            payload["M_Warehouse_ID"], payload["AD_Language"]) == (11, 101, 102, 11, 103, "en_US")
    assert before + 1234 <= payload["exp"] <= int(time.time()) + 1234
    assert len(base64.urlsafe_b64decode(login(emu)["token"].split(".")[2] + "==")) == 64  # SHA-512 MAC


def test_each_login_opens_a_new_session(emulator):
    first, second = (claims(login(emulator)["token"])[1]["AD_Session_ID"] for _ in range(2))
    assert first != second


def test_token_ttl_can_change_at_runtime_for_new_tokens(emulator):
    emulator.set_faults(token_ttl=50)
    exp = claims(login(emulator)["token"])[1]["exp"]
    assert exp <= time.time() + 51


def test_jwk_is_an_empty_object_without_auth(emulator):
    resp = requests.get(api(emulator) + "/auth/jwk", timeout=10)
    assert resp.status_code == 200 and resp.text == "{}"


# ------------------------------------------------------------------ request filter (§1.7)
@pytest.mark.parametrize("header", [None, "Basic R2FyZGVuQWRtaW46R2FyZGVuQWRtaW4=", "Bearer", "Bearer ", "bearer x"])
def test_missing_or_non_bearer_header_is_401_with_empty_body(emulator, header):
    headers = {"Authorization": header} if header is not None else {}
    resp = requests.get(api(emulator) + "/models/c_order", headers=headers, timeout=10)
    assert resp.status_code == 401 and resp.content == b""


def test_malformed_token_title_is_the_java_jwt_message(emulator):
    resp = orders(emulator, "abc")
    assert resp.status_code == 401
    assert resp.text == '{"title":"The token was expected to have 3 parts, but got 1.","status":401}'


def test_bad_signature_title(emulator):
    token = login(emulator)["token"]
    head, payload, sig = token.split(".")
    forged = f"{head}.{payload}.{'A' * len(sig)}"
    resp = orders(emulator, forged)
    assert resp.json() == {"title": "The Token's Signature resulted invalid when verified using the Algorithm: "
                                    "HmacSHA512", "status": 401}


def test_token_from_another_server_is_rejected(emulator_factory):
    one, other = emulator_factory(), emulator_factory()
    resp = orders(other, login(one)["token"])
    assert resp.status_code == 401 and "Signature resulted invalid" in resp.json()["title"]


def test_expired_token_gives_token_has_expired(emulator_factory):
    emu = emulator_factory(token_ttl=1)
    token = login(emu)["token"]
    time.sleep(2.1)
    resp = orders(emu, token)
    assert resp.status_code == 401
    assert resp.text == '{"title":"Token has expired","status":401}'
    # logout accepts an expired token; afterwards the revocation check (step 3) wins over expiry (step 4)
    out = requests.post(api(emu) + "/auth/logout", json={"token": token}, timeout=10)
    assert out.status_code == 200
    assert orders(emu, token).json()["title"] == "Token is revoked"


def test_unknown_paths_are_404_before_auth(emulator):
    for path in ("/nope", "/models/c_order/1/DocumentNo/extra", "/auth/whatever"):
        resp = requests.get(api(emulator) + path, timeout=10)
        assert resp.status_code == 404 and resp.content == b"", path


# ------------------------------------------------------------------ refresh (§1.8)
def test_refresh_rotates_and_keeps_the_session(emulator):
    first = login(emulator)
    resp = refresh(emulator, first["refresh_token"])
    assert resp.status_code == 200, resp.text
    second = resp.json()
    assert list(second) == ["token", "refresh_token"]
    old_claims, new_claims = claims(first["token"])[1], claims(second["token"])[1]
    assert new_claims["AD_Session_ID"] == old_claims["AD_Session_ID"]
    assert {k: v for k, v in new_claims.items() if k != "exp"} == {k: v for k, v in old_claims.items() if k != "exp"}
    assert orders(emulator, second["token"]).status_code == 200
    assert orders(emulator, first["token"]).status_code == 200  # a refresh does not revoke the old access token
    third = refresh(emulator, second["refresh_token"])
    assert third.status_code == 200


@pytest.mark.parametrize("body,detail", [
    ({"refresh_token": "x", "userId": 101}, "No clientId provided"),
    ({"refresh_token": "x", "clientId": 11}, "No userId provided"),
])
def test_refresh_needs_client_and_user(emulator, body, detail):
    resp = requests.post(api(emulator) + "/auth/refresh", json=body, timeout=10)
    assert resp.status_code == 401 and resp.json()["detail"] == detail


def test_refresh_with_wrong_user_or_unknown_token_is_invalid(emulator):
    rt = login(emulator)["refresh_token"]
    assert refresh(emulator, rt, user_id=102).json() == {
        "title": "Authenticate error", "status": 401, "detail": "Invalid refresh token"}
    assert refresh(emulator, "a.b.c").status_code == 401
    assert refresh(emulator, rt).status_code == 200  # the failed attempts did not consume it


def test_refresh_replay_revokes_the_whole_chain(emulator):
    first = login(emulator)
    second = refresh(emulator, first["refresh_token"]).json()
    replay = refresh(emulator, first["refresh_token"])
    assert replay.status_code == 401 and replay.json()["detail"] == "Invalid refresh token"
    revoked = '{"title":"Token is revoked","status":401}'
    assert orders(emulator, first["token"]).text == revoked
    assert orders(emulator, second["token"]).text == revoked
    assert refresh(emulator, second["refresh_token"]).json()["detail"] == "Invalid refresh token"
    other = login(emulator)  # other logins are not affected
    assert orders(emulator, other["token"]).status_code == 200


def test_refresh_token_outlives_an_expired_access_token(emulator_factory):
    emu = emulator_factory(token_ttl=1)
    first = login(emu)
    time.sleep(2.1)
    assert orders(emu, first["token"]).json()["title"] == "Token has expired"
    emu.set_faults(token_ttl=3600)
    second = refresh(emu, first["refresh_token"]).json()
    assert orders(emu, second["token"]).status_code == 200


# ------------------------------------------------------------------ logout (§1.9) and s2s (§1.10)
def test_logout_revokes_the_token_and_its_chain(emulator):
    first = login(emulator)
    resp = requests.post(api(emulator) + "/auth/logout", json={"token": first["token"]}, timeout=10)
    assert resp.status_code == 200 and resp.text == '{"summary":"OK"}'
    assert orders(emulator, first["token"]).text == '{"title":"Token is revoked","status":401}'
    assert refresh(emulator, first["refresh_token"]).json()["detail"] == "Invalid refresh token"


def test_logout_with_a_pre_login_token_is_404(emulator):
    pre = login(emulator, params={})["token"]
    resp = requests.post(api(emulator) + "/auth/logout", json={"token": pre}, timeout=10)
    assert resp.status_code == 404 and resp.text == '{"title":"AD_Session_ID not found","status":404}'


def test_s2s_token_works_without_login_and_never_expires(emulator):
    head, payload = claims(emulator.s2s_token)
    assert "exp" not in payload
    assert (payload["AD_User_ID"], payload["AD_Role_ID"], payload["AD_Org_ID"]) == (101, 102, 11)
    assert orders(emulator, emulator.s2s_token).status_code == 200


def test_configured_s2s_token_is_accepted(emulator_factory):
    emu = emulator_factory(s2s_token="my-static-token")
    assert emu.s2s_token == "my-static-token"
    assert orders(emu, "my-static-token").status_code == 200


def test_restricted_role_gets_403_on_denied_tables(emulator):
    token = login(emulator, "GardenUser", params={})["token"]
    resp = requests.get(api(emulator) + "/models/fact_acct", headers=bearer(token), timeout=10)
    assert resp.status_code == 403 and resp.json()["title"] == "Access denied"
    assert orders(emulator, token).status_code == 200
