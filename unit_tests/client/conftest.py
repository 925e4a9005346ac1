"""Shared fixtures for the client tests: fake JWTs, configs, a mocked two-step login."""
from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable

import pytest
import requests
from requests.adapters import BaseAdapter

from idempiere_client.config import ConnectionConfig

BASE = "http://erp.test"
API = f"{BASE}/api/v1"
PASSWORD = "S3cret-Passw0rd"
S2S_TOKEN_SECRET_PART = "s2s-signature-SECRET"


def make_jwt(**claims) -> str:
    """An unsigned-looking JWT with the given claims (the client never verifies signatures)."""
    def enc(obj) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")

    return f"{enc({'alg': 'HS512', 'kid': 'idempiere'})}.{enc(claims)}.sig-{claims.get('n', 'x')}"


def final_token(n: int, ttl: float = 3600, now: float | None = None) -> str:
    return make_jwt(AD_Client_ID=11, AD_User_ID=101, AD_Role_ID=102, exp=int((now or time.time()) + ttl), n=f"final{n}")


def password_config(**creds) -> ConnectionConfig:
    base = {"auth_type": "password", "username": "GardenAdmin", "password": PASSWORD, "client": "GardenWorld",
            "role": "GardenWorld Admin", "organization": "HQ"}
    base.update(creds)
    return ConnectionConfig.from_airbyte({"base_url": BASE, "credentials": {k: v for k, v in base.items() if v is not None}})


def token_config() -> ConnectionConfig:
    token = make_jwt(AD_User_ID=101, AD_Role_ID=102, n=S2S_TOKEN_SECRET_PART)
    return ConnectionConfig.from_airbyte({"base_url": BASE + "/api/v1/", "credentials": {"auth_type": "token", "token": token}})


PRE_TOKEN = make_jwt(sub="GardenAdmin", Clients="11", exp=int(time.time() + 3600), n="pre")
CLIENTS = [{"id": 11, "name": "GardenWorld"}]
ROLES = [{"id": 102, "name": "GardenWorld Admin"}, {"id": 103, "name": "GardenWorld User"}]
ORGS = [{"id": 0, "name": "*"}, {"id": 11, "name": "HQ"}, {"id": 12, "name": "Store"}]
WAREHOUSES = [{"id": 103, "name": "HQ Warehouse"}]


class LoginMocks:
    """Registers the two-step login endpoints; each PUT issues a new final token."""

    def __init__(self, m, ttl: float = 3600, clock=time.time):
        self.m = m
        self.issued: list[str] = []
        self.refresh_tokens: list[str] = []
        self.ttl = ttl
        self.clock = clock
        self.post = m.post(f"{API}/auth/tokens", json={"clients": CLIENTS, "token": PRE_TOKEN})
        self.roles = m.get(f"{API}/auth/roles", json={"roles": ROLES})
        self.orgs = m.get(f"{API}/auth/organizations", json={"organizations": ORGS})
        self.whs = m.get(f"{API}/auth/warehouses", json={"warehouses": WAREHOUSES})
        self.put = m.put(f"{API}/auth/tokens", json=self._final)
        self.refresh = m.post(f"{API}/auth/refresh", json=self._final)
        self.logout = m.post(f"{API}/auth/logout", json={"summary": "OK"})

    def _final(self, request, context):
        token = final_token(len(self.issued), self.ttl, self.clock())
        refresh = f"refresh-SECRET-{len(self.issued)}"
        self.issued.append(token)
        self.refresh_tokens.append(refresh)
        return {"userId": 101, "language": "en_US", "menuTreeId": 10, "token": token, "refresh_token": refresh}


@pytest.fixture
def no_sleep():
    delays: list[float] = []
    return delays


class FunctionAdapter(BaseAdapter):
    """A transport that calls ``handler(request) -> (status, json_body)`` with no global lock.

    requests-mock serialises all sends behind one lock, which hides concurrency; the in-flight and
    concurrent-401 tests need real parallel sends (httpx MockTransport style).
    """

    def __init__(self, handler: Callable[[requests.PreparedRequest], tuple[int, object]]):
        super().__init__()
        self.handler = handler

    def send(self, request, **kwargs):
        status, body = self.handler(request)
        response = requests.Response()
        response.status_code = status
        response._content = b"" if body is None else json.dumps(body).encode()
        response.headers["Content-Type"] = "application/json"
        response.request = request
        response.url = request.url
        return response

    def close(self):
        pass


def function_session(handler) -> requests.Session:
    session = requests.Session()
    session.mount("http://", FunctionAdapter(handler))
    return session
