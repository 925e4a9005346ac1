"""Token lifecycle (spec §1): two-step password login with name resolution, refresh, s2s tokens.

States (one ``Token`` at a time, replaced atomically, ``generation`` bumped on every change):

* no token -> log in (two-step: POST /auth/tokens -> resolve client -> GET roles -> resolve role ->
  GET organizations -> resolve org -> [GET warehouses] -> PUT /auth/tokens);
* token near expiry (``REFRESH_MARGIN``) or any 401 -> POST /auth/refresh; refresh failed -> log in;
* token mode -> the token is used as is; a 401 is final (``AuthenticationError``).

Refresh tokens are single-use and a replayed one revokes the whole chain (§1.8, §12), so refreshes
are serialised by a lock and keyed by generation: N threads that saw a 401 on generation g cause
exactly one refresh; the others find a newer generation and simply resend. A refresh request is never
retried (a retry could be a replay); on any failure the manager logs in again instead.
"""
from __future__ import annotations

import base64
import json
import logging
import threading
import time
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass
from typing import Any

from erp_http.errors import ApiError, AuthenticationError, ConfigurationError, ErpError
from idempiere_client.config import (
    ConnectionConfig,
    PasswordCredentials,
    TokenCredentials,
)

# (method, path, json_body, params, bearer token or None, retry allowed) -> parsed JSON body.
# Raises ApiError for error answers and TransientError when retries are exhausted.
AuthTransport = Callable[[str, str, Any, "dict[str, Any] | None", "str | None", bool], Any]

REFRESH_MARGIN_SECONDS = 60.0  # refresh this long before exp ...
REFRESH_MARGIN_FRACTION = 0.1  # ... or 10% of the lifetime, whichever is smaller (short test TTLs)
MIN_USABLE_LIFETIME = 5.0  # a token "expiring" sooner than this on arrival means clock skew: rely on 401s


def jwt_claims(token: str) -> dict[str, Any]:
    """Decode a JWT payload without verifying it (we only need ``exp`` and ids, §1.5)."""
    try:
        payload = token.split(".")[1]
        payload += "=" * (-len(payload) % 4)
        claims = json.loads(base64.urlsafe_b64decode(payload.encode("ascii")))
        return claims if isinstance(claims, dict) else {}
    except (IndexError, ValueError, UnicodeError):
        return {}


@dataclass(frozen=True)
class Token:
    """An access token and what is needed to renew it. ``repr`` never shows the secrets."""

    access: str
    refresh: str | None
    expires_at: float | None  # local epoch seconds; None = no exp (or unusable because of clock skew)
    refresh_at: float | None  # when to refresh proactively
    user_id: int | None = None
    client_id: int | None = None

    def __repr__(self) -> str:
        return f"Token(expires_at={self.expires_at}, user_id={self.user_id}, client_id={self.client_id})"

    @classmethod
    def from_response(cls, access: str, refresh: str | None, now: float, user_id: Any = None, client_id: Any = None) -> Token:
        claims = jwt_claims(access)
        exp = claims.get("exp")
        expires_at = refresh_at = None
        if isinstance(exp, (int, float)) and exp - now >= MIN_USABLE_LIFETIME:
            lifetime = exp - now
            expires_at = float(exp)
            refresh_at = expires_at - min(REFRESH_MARGIN_SECONDS, REFRESH_MARGIN_FRACTION * lifetime)
        user = _as_int(user_id) if user_id is not None else _as_int(claims.get("AD_User_ID"))
        client = _as_int(client_id) if client_id is not None else _as_int(claims.get("AD_Client_ID"))
        return cls(access, refresh, expires_at, refresh_at, user, client)

    def needs_refresh(self, now: float) -> bool:
        return self.refresh_at is not None and now >= self.refresh_at


def _as_int(value: Any) -> int | None:
    try:
        return int(value) if value is not None and not isinstance(value, bool) else None
    except (TypeError, ValueError):
        return None


class NameNotFound(ConfigurationError):
    """A configured name is not in the server's list; the server may still know it by another key."""


def _resolve(kind: str, wanted: str | None, options: list[dict], *, param: str, skip_star: bool = False) -> dict:
    """Pick one ``{"id","name"}`` entry by numeric id or case-insensitive name; explain failures."""
    names = ", ".join(f"{o.get('name')} ({o.get('id')})" for o in options) or "none"
    if wanted is None:
        candidates = [o for o in options if not (skip_star and o.get("id") == 0)]
        if len(candidates) == 1:
            return candidates[0]
        if not candidates and options:
            return options[0]
        if not options:
            raise ConfigurationError(f"The user has no {kind} available through REST (Web Service roles only).")
        raise ConfigurationError(f"Several {kind}s are available: {names}. Set credentials.{param}.")
    text = wanted.strip()
    if text.lstrip("-").isdigit():
        match = [o for o in options if str(o.get("id")) == str(int(text))]
    else:
        match = [o for o in options if str(o.get("name", "")).strip().lower() == text.lower()]
    if len(match) == 1:
        return match[0]
    if len(match) > 1:
        raise ConfigurationError(f"{kind.capitalize()} {text!r} is ambiguous; use its numeric id. Available: {names}.")
    message = f"Unknown {kind} {text!r} in credentials.{param}. Available: {names}."
    raise ConfigurationError(message) if text.lstrip("-").isdigit() else NameNotFound(message)


class TokenManager:
    """Provides a valid bearer token to ``IdempiereClient`` and renews it safely.

    Args:
        cfg: connection settings.
        transport: sends auth requests (see ``AuthTransport``); supplied by the client so that
            ``erp_http.sender`` stays the only sender.
        logger: where login/refresh events go (never tokens or passwords).
        clock: time source (tests pass a fake).
    """

    def __init__(self, cfg: ConnectionConfig, transport: AuthTransport, logger: logging.Logger | None = None,
                 clock: Callable[[], float] = time.time):
        self.cfg = cfg
        self._send = transport
        self.logger = logger or logging.getLogger("idempiere_client.auth")
        self._clock = clock
        self._lock = threading.Lock()
        # (token, generation) in one attribute so readers never pair a token with another generation.
        self._state: tuple[Token | None, int] = (None, 0)
        self.stats = {"logins": 0, "refreshes": 0, "refresh_failures": 0}
        self.context: dict[str, Any] = {}  # resolved ids, e.g. {"client_id": 11, "role_id": 102, ...}

    @property
    def _token(self) -> Token | None:
        return self._state[0]

    @property
    def generation(self) -> int:
        """Bumped on every token change (login, refresh, logout)."""
        return self._state[1]

    # ---- public --------------------------------------------------------------------------------
    def current(self) -> tuple[str, int]:
        """Return ``(access_token, generation)``, logging in or refreshing first when needed."""
        token, gen = self._state
        if token is not None and not token.needs_refresh(self._clock()):
            return token.access, gen
        with self._lock:
            if self._token is None:
                self._login()
            elif self._token.needs_refresh(self._clock()):
                if self._token.refresh:
                    self._refresh_or_login()
                else:
                    self._login()
            token, gen = self._state
            return token.access, gen

    def apply(self, headers: MutableMapping[str, str]) -> int:
        """``erp_http.auth.Auth``: put the bearer token into ``headers``; return its generation."""
        token, generation = self.current()
        headers["Authorization"] = f"Bearer {token}"
        return generation

    def close(self) -> None:
        """``erp_http.auth.Auth``: end the session (``logout``)."""
        self.logout()

    def on_unauthorized(self, generation: int, escalate: bool = False) -> None:
        """React to a 401 seen with ``generation``; only the first caller per generation renews.

        ``escalate`` (the sender's second recovery for one request) logs in instead of refreshing.

        Raises:
            AuthenticationError: token mode (the token is dead) or login failed.
        """
        with self._lock:
            if generation != self.generation and self._token is not None:
                return  # another thread renewed already; just resend
            if isinstance(self.cfg.credentials, TokenCredentials):
                raise AuthenticationError(
                    "The server-to-server token was rejected (HTTP 401): it is expired, blocked or revoked, "
                    "or its role lacks REST access. Ask an administrator for a new token."
                )
            if escalate or self._token is None or not self._token.refresh:
                self._login()
            else:
                self._refresh_or_login()

    def logout(self) -> None:
        """Best-effort logout of a password session (§1.9); never for s2s tokens (it would end their session)."""
        with self._lock:
            token = self._state[0]
            self._state = (None, self._state[1] + 1)
        if token is None or isinstance(self.cfg.credentials, TokenCredentials):
            return
        try:
            self._send("POST", "auth/logout", {"token": token.access}, None, None, False)
        except Exception as exc:  # noqa: BLE001 - best effort by design
            self.logger.debug("logout failed (ignored): %s", type(exc).__name__)

    # ---- internals (called with the lock held) ---------------------------------------------------
    def _set(self, token: Token) -> None:
        self._state = (token, self._state[1] + 1)

    def _refresh_or_login(self) -> None:
        token = self._token
        assert token is not None and token.refresh
        try:
            body = self._send(
                "POST", "auth/refresh",
                {"refresh_token": token.refresh, "clientId": token.client_id, "userId": token.user_id},
                None, None, False,  # never retried: a resend could be a replay that revokes the chain (§1.8)
            )
            access, refresh = body.get("token"), body.get("refresh_token")
            if not access:
                raise ApiError(200, "refresh response without token", None, "POST", "auth/refresh")
            self._set(Token.from_response(access, refresh or None, self._clock(), token.user_id, token.client_id))
            self.stats["refreshes"] += 1
            self.logger.info("Access token refreshed")
        except ErpError as exc:
            self.stats["refresh_failures"] += 1
            self.logger.warning("Token refresh failed (%s); logging in again", _short(exc))
            self._login()

    def _login(self) -> None:
        creds = self.cfg.credentials
        if isinstance(creds, TokenCredentials):
            token = Token.from_response(creds.token, None, self._clock())
            self._set(Token(token.access, None, token.expires_at, None, token.user_id, token.client_id))
            return
        try:
            self._password_login(creds)
        except ApiError as exc:
            raise AuthenticationError(f"Login failed for user {creds.username!r}: {_short(exc)}") from None
        self.stats["logins"] += 1

    def _password_login(self, creds: PasswordCredentials) -> None:
        first = self._send("POST", "auth/tokens", {"userName": creds.username, "password": creds.password}, None, None, True)
        clients = first.get("clients") or []
        if first.get("refresh_token"):  # auto-login: one client, one role, one org (§1.2)
            try:
                self._accept_auto_login(creds, first, clients)
            except NameNotFound as exc:
                if not self._one_step(creds):
                    raise exc from None
            return
        pre = first.get("token")
        if not pre:
            raise ConfigurationError("The server's login answer has no token; is base_url an iDempiere REST server?")
        try:
            self._two_step(creds, clients, pre)
        except NameNotFound as exc:
            # The lists show names only, but the server also resolves a tenant by its search key and an
            # organization by Value (§1.2): let a one-step login try the configured strings as given.
            if not self._one_step(creds):
                raise exc from None

    def _login_with_names(self, creds: PasswordCredentials) -> dict:
        """One-step login (``POST auth/tokens`` with ``parameters``): the server resolves the configured tenant,
        role, organization and warehouse, given as names or ids, and checks them (§1.2). Raises ``ApiError``."""
        params = {key: value for key, value in (
            ("clientId", creds.client), ("roleId", creds.role), ("organizationId", creds.organization),
            ("warehouseId", creds.warehouse), ("language", creds.language)) if value}
        return self._send("POST", "auth/tokens", {"userName": creds.username, "password": creds.password,
                                                  "parameters": params}, None, None, True)

    def _one_step(self, creds: PasswordCredentials) -> bool:
        try:
            final = self._login_with_names(creds)
        except ApiError as exc:
            self.logger.info("One-step login with the configured names failed too (%s)", _short(exc))
            return False
        if not final.get("token") or "clients" in final:
            return False  # not a final login answer (a server ignoring "parameters" answers two-step)
        self.context = {"client_id": final.get("clientId"), "role_id": final.get("roleId"),
                        "org_id": final.get("organizationId"), "warehouse_id": final.get("warehouseId")}
        self._set(Token.from_response(final["token"], final.get("refresh_token"), self._clock(),
                                      final.get("userId"), final.get("clientId")))
        self.logger.info("Logged in as %s (names resolved by the server)", creds.username)
        return True

    def _two_step(self, creds: PasswordCredentials, clients: list[dict], pre: str) -> None:
        client = _resolve("client", creds.client, clients, param="client")
        cid = client["id"]
        roles = self._send("GET", "auth/roles", None, {"client": cid}, pre, True).get("roles") or []
        role = _resolve("role", creds.role, roles, param="role")
        rid = role["id"]
        orgs = self._send("GET", "auth/organizations", None, {"client": cid, "role": rid}, pre, True).get("organizations") or []
        org = _resolve("organization", creds.organization, orgs, param="organization", skip_star=True)
        oid = org["id"]
        params: dict[str, Any] = {"clientId": cid, "roleId": rid, "organizationId": oid}
        if creds.warehouse:
            whs = self._send("GET", "auth/warehouses", None, {"client": cid, "role": rid, "organization": oid}, pre, True)
            params["warehouseId"] = _resolve("warehouse", creds.warehouse, whs.get("warehouses") or [], param="warehouse")["id"]
        if creds.language:
            params["language"] = creds.language
        final = self._send("PUT", "auth/tokens", params, None, pre, True)
        if not final.get("token"):
            raise ConfigurationError("The server's login answer has no token.")
        self.context = {"client_id": cid, "role_id": rid, "org_id": oid, "warehouse_id": params.get("warehouseId"),
                        "client": client.get("name"), "role": role.get("name"), "organization": org.get("name")}
        self._set(Token.from_response(final["token"], final.get("refresh_token"), self._clock(),
                                      final.get("userId"), final.get("clientId", cid)))
        self.logger.info("Logged in as %s (tenant %s, role %s, organization %s)",
                         creds.username, client.get("name"), role.get("name"), org.get("name"))

    def _accept_auto_login(self, creds: PasswordCredentials, body: dict, clients: list[dict]) -> None:
        """Accept the server's auto-login (one tenant, role, organization) only if it matches the config.

        Role and organization ids are compared with the answer. Names cannot be (the answer carries ids
        only, and the pre-login helpers that list names refuse the final token), nor can another warehouse
        of the organization than its default, so those are verified the way the server resolves them: a
        one-step login with them, whose 401 ("Role name not found") is the answer.
        A name that does not match must never silently run the sync as another role.
        """
        if creds.client:
            _resolve("client", creds.client, clients, param="client")
        named = False
        for key, wanted, param in (("roleId", creds.role, "role"), ("organizationId", creds.organization, "organization"),
                                   ("warehouseId", creds.warehouse, "warehouse")):
            if not wanted:
                continue
            if not wanted.strip().lstrip("-").isdigit() or param == "warehouse":
                named = named or param != "warehouse" or body.get(key) is None or wanted.strip() != str(body[key])
            elif body.get(key) is None or int(wanted) != int(body[key]):
                raise ConfigurationError(
                    f"credentials.{param} is {wanted}, but the user {creds.username!r} can only log in with "
                    f"{param} {body.get(key) if body.get(key) is not None else '(none)'}."
                )
        if named:
            self._verify_names_by_login(creds, body)
            return
        self.context = {"client_id": body.get("clientId"), "role_id": body.get("roleId"),
                        "org_id": body.get("organizationId"), "warehouse_id": body.get("warehouseId")}
        self._set(Token.from_response(body["token"], body.get("refresh_token"), self._clock(),
                                      body.get("userId"), body.get("clientId")))
        self.logger.info("Logged in as %s (single tenant/role/organization)", creds.username)

    def _verify_names_by_login(self, creds: PasswordCredentials, auto: dict) -> None:
        """Log in again with the configured names (the server resolves and checks them); end the auto session."""
        try:
            self._send("POST", "auth/logout", {"token": auto["token"]}, None, None, False)
        except ErpError as exc:
            self.logger.debug("logout of the auto-login session failed (ignored): %s", type(exc).__name__)
        try:
            final = self._login_with_names(creds)
        except ApiError as exc:
            configured = ", ".join(f"credentials.{name} {value!r}" for name, value in (
                ("role", creds.role), ("organization", creds.organization), ("warehouse", creds.warehouse)) if value)
            raise ConfigurationError(
                f"The server refused {configured} for user {creds.username!r} ({_short(exc)}). The user can only "
                f"log in with role {auto.get('roleId')}, organization {auto.get('organizationId')}"
                f"{', warehouse ' + str(auto.get('warehouseId')) if auto.get('warehouseId') else ''}: fix the name "
                f"or use the numeric id.") from None
        if not final.get("token") or "clients" in final:
            raise ConfigurationError("The server's login answer has no token.")
        self.context = {"client_id": final.get("clientId", auto.get("clientId")),
                        "role_id": final.get("roleId", auto.get("roleId")),
                        "org_id": final.get("organizationId", auto.get("organizationId")),
                        "warehouse_id": final.get("warehouseId", auto.get("warehouseId"))}
        self._set(Token.from_response(final["token"], final.get("refresh_token"), self._clock(),
                                      final.get("userId"), final.get("clientId", auto.get("clientId"))))
        self.logger.info("Logged in as %s (configured names verified by the server)", creds.username)


def _short(exc: BaseException) -> str:
    if isinstance(exc, ApiError):
        return exc.reason
    return str(exc) or type(exc).__name__
