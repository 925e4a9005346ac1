"""Login, tokens, refresh chains and the request filter of the REST plugin (spec §1).

Auth facts (users, roles, orgs, warehouses) come from ``fixtures.py``, never from the database. State lives in
memory: sessions (logged out or not) and refresh chains. A chain groups every access/refresh token issued from
one login; revoking it (logout, refresh replay) makes all of them answer ``Token is revoked`` (§1.7 step 3).
"""
from __future__ import annotations

import itertools
import re
import secrets
import threading
import time
import uuid
from dataclasses import dataclass, field

from .. import fixtures as fx
from ..emulator_options import EmulatorOptions
from ..errors import EmulatorError
from ..session import Session
from . import jwt
from .jetty import ContainerError

MENU_TREE_ID = 10
LOGIN_LANGUAGES = (fx.LANGUAGE,)
REFRESH_INACTIVITY_SECONDS = 24 * 3600  # REST_REFRESH_TOKEN_EXPIRE_IN_MINUTES default (§1.6)
REFRESH_ABSOLUTE_SECONDS = 7 * 24 * 3600  # REST_TOKEN_ABSOLUTE_EXPIRE_IN_MINUTES default (§1.6)
KNOWN_ROLES = {0, *fx.ROLES}  # role 0 = System Administrator exists but is not a GardenWorld WS role
KNOWN_CLIENTS = {fx.SYSTEM_CLIENT_ID, fx.CLIENT_ID}
USER_NAMES = {uid: name for name, (uid, *_rest) in fx.USERS.items()}
_DIGITS = re.compile(r"\d+")


def _unauthorized(detail: str) -> EmulatorError:
    return EmulatorError(401, "Authenticate error", detail)


def _filter_error(title: str) -> EmulatorError:
    """Filter bodies carry the message as title and no detail (spec §1.7)."""
    return EmulatorError(401, title)


_EMPTY_401 = EmulatorError(401, empty_body=True)


@dataclass
class AuthContext:
    """What the filter learned from a valid token; ``session`` is None for pre-login tokens."""

    claims: dict
    session: Session | None
    token: str


@dataclass
class _Chain:
    session_id: int
    absolute_expires_at: float
    revoked: bool = False


@dataclass
class _Refresh:
    access_token: str
    chain: _Chain
    client_id: int
    user_id: int
    expires_at: float
    has_child: bool = False
    parent: str | None = field(default=None, repr=False)


class AuthService:
    """Everything behind ``/auth/*`` plus the bearer-token filter every other endpoint runs first."""

    def __init__(self, options: EmulatorOptions):
        self.secret = str(uuid.uuid4()).encode()  # like REST_TOKEN_SECRET: a random UUID string
        self.token_ttl = int(options.token_ttl)
        self._lock = threading.RLock()
        self._session_ids = itertools.count(1_000_001)
        self._sessions: dict[int, bool] = {}  # AD_Session_ID -> logged out
        self._refresh: dict[str, _Refresh] = {}
        self._chains: dict[str, _Chain] = {}  # access token -> chain
        s2s_session = 1_000_000
        self._sessions[s2s_session] = False
        self.s2s_claims = {
            "sub": USER_NAMES[fx.DEFAULT_S2S_TOKEN_USER],  # AD_User.Name, not a login name (§1.10)
            "AD_Client_ID": fx.CLIENT_ID, "AD_User_ID": fx.DEFAULT_S2S_TOKEN_USER,
            "AD_Role_ID": fx.DEFAULT_S2S_TOKEN_ROLE, "AD_Org_ID": fx.DEFAULT_S2S_TOKEN_ORG,
            "M_Warehouse_ID": _default_warehouse(fx.DEFAULT_S2S_TOKEN_ORG), "AD_Language": fx.LANGUAGE,
            "AD_Session_ID": s2s_session, "iss": jwt.ISSUER,
        }
        self.s2s_token = options.s2s_token or jwt.sign(self.s2s_claims, self.secret)
        self._s2s_context = AuthContext(self.s2s_claims, _session_from(self.s2s_claims), self.s2s_token)

    # ---------------------------------------------------------------- request filter (§1.7)
    def authenticate(self, header: str | None, auth_path: bool) -> AuthContext:
        """Validate the Authorization header in the plugin's order; raise the exact 401 otherwise."""
        if not header or not header.startswith("Bearer"):
            raise _EMPTY_401
        parts = header.split(" ")
        while parts and parts[-1] == "":
            parts.pop()  # Java's String.split drops trailing empty strings
        if len(parts) < 2:
            raise _EMPTY_401
        token = parts[1]
        if token == self.s2s_token:
            if self._sessions.get(self.s2s_claims["AD_Session_ID"]):
                raise _EMPTY_401  # s2s session was logged out (§1.9 quirk)
            return self._s2s_context
        chain = self._chains.get(token)
        if chain is not None and (chain.revoked or chain.absolute_expires_at <= time.time()):
            raise _filter_error("Token is revoked")
        try:
            header_claims, payload = jwt.decode(token)
        except jwt.TokenError as exc:
            raise _filter_error(str(exc)) from None
        exp = payload.get("exp")
        if isinstance(exp, (int, float)) and exp <= time.time():
            raise _filter_error("Token has expired")
        try:
            jwt.verify(token, self.secret, header_claims, payload)
        except jwt.TokenError as exc:
            raise _filter_error(str(exc)) from None
        try:
            session = self._check_claims(payload)
        except (TypeError, ValueError):
            raise EmulatorError(500, empty_body=True) from None  # claim of the wrong JSON type -> NPE/500
        if session is None and not auth_path:
            raise _EMPTY_401  # pre-login token outside v1/auth/ (§1.7 step 9)
        return AuthContext(payload, session, token)

    def _check_claims(self, claims: dict) -> Session | None:
        if claims.get("AD_Client_ID") is not None and int(claims["AD_Client_ID"]) not in KNOWN_CLIENTS:
            raise _filter_error("Invalid client claim")
        if claims.get("AD_User_ID") is not None and int(claims["AD_User_ID"]) not in USER_NAMES:
            raise _filter_error("Invalid user claim")
        if claims.get("AD_Role_ID") is not None and int(claims["AD_Role_ID"]) not in KNOWN_ROLES:
            raise _filter_error("Invalid role claim")
        if claims.get("AD_Session_ID") is not None:
            logged_out = self._sessions.get(int(claims["AD_Session_ID"]))
            if logged_out is None:
                raise _filter_error("Invalid session claim")
            if logged_out:
                raise _EMPTY_401
        if claims.get("AD_User_ID") is None or claims.get("AD_Role_ID") is None:
            return None
        return _session_from(claims)

    # ---------------------------------------------------------------- login (§1.2, §1.3)
    def login(self, user_name: str | None, password: str | None, parameters: dict | None) -> dict:
        """POST /auth/tokens: one-step when ``parameters`` is given, else two-step (maybe auto-login)."""
        user = fx.USERS.get(user_name or "")
        if user is None or user[1] != password or not user[2]:
            raise _unauthorized("Invalid User ID or Password")  # also: no WS role (SuperUser)
        clients = str(fx.CLIENT_ID)
        if parameters is not None:
            return self._process_parameters(parameters, user_name, clients)
        response: dict = {"clients": [{"id": fx.CLIENT_ID, "name": fx.CLIENT_NAME}]}
        _uid, _pw, roles, orgs = user
        if len(roles) == 1 and len(orgs) == 1:  # auto-login: one client, one WS role, one org (§1.2)
            org = orgs[0]
            warehouse = _default_warehouse(org) if org >= 0 else 0
            response.update(clientId=fx.CLIENT_ID, userId=user[0], roleId=roles[0], organizationId=org)
            if org > 0 and warehouse > 0:
                response["warehouseId"] = warehouse
            response["language"] = fx.LANGUAGE
            claims = self._final_claims(user_name, user[0], roles[0], org, warehouse, fx.LANGUAGE)
            response["menuTreeId"] = MENU_TREE_ID
            return self._issue(response, claims)
        claims = {"sub": user_name, "Clients": clients, "iss": jwt.ISSUER}
        self._add_exp(claims)
        response["token"] = jwt.sign(claims, self.secret)
        return response

    def change_login(self, ctx: AuthContext, parameters: dict) -> dict:
        """PUT /auth/tokens: only a pre-login token has the ``Clients`` claim this needs (§1.3)."""
        return self._process_parameters(parameters, ctx.claims.get("sub") or "", ctx.claims.get("Clients") or "")

    def _process_parameters(self, params: dict, user_name: str, clients: str) -> dict:
        response: dict = {}
        allowed = [int(c) for c in clients.split(",") if c.strip().isdigit()]
        client_id = _resolve(params.get("clientId"), KNOWN_CLIENTS, {fx.CLIENT_VALUE: fx.CLIENT_ID}, "clientId", response)
        if client_id == -2:
            raise _unauthorized("Client value not found")
        if client_id == -1:
            if len(allowed) != 1 or "," in clients:
                raise _unauthorized("Invalid clientId")
            client_id = allowed[0]
            response["clientId"] = client_id
        elif client_id not in allowed:
            raise _unauthorized("Invalid clientId")
        user = fx.USERS.get(user_name)
        if user is None:
            raise _unauthorized("Invalid User ID or Password")
        user_id, _pw, user_roles, user_orgs = user
        response["userId"] = user_id
        role_names = {name: rid for rid, name in fx.ROLES.items()}
        role_id = _resolve(params.get("roleId"), KNOWN_ROLES, role_names, "roleId", response)
        if role_id == -2:
            raise _unauthorized("Role name not found")
        if role_id == -1:
            if len(user_roles) != 1:
                raise _unauthorized("Missing roleId parameter")
            role_id = response["roleId"] = user_roles[0]
        org_names = {name: oid for oid, name in fx.ORGS.items() if oid != fx.ORG_STAR}
        org_id = _resolve(params.get("organizationId"), set(fx.ORGS), org_names, "organizationId", response)
        if org_id == -2:
            raise _unauthorized("Organization name not found")
        if org_id == -1:
            org_id = user_orgs[0] if len(user_orgs) == 1 else -1
            if org_id == 0:
                raise _unauthorized("Missing organizationId parameter")
            response["organizationId"] = org_id
        wh_names = {name: wid for wid, (name, _org) in fx.WAREHOUSES.items()}
        wh_names.update({value: wid for wid, value in fx.WAREHOUSE_VALUES.items()})
        warehouse_id = _resolve(params.get("warehouseId"), {0, *fx.WAREHOUSES}, wh_names, "warehouseId", response)
        if warehouse_id == -2:
            raise _unauthorized("Warehouse name not found")
        if warehouse_id == -1:
            warehouse_id = 0
            if org_id > 0:
                warehouse_id = _default_warehouse(org_id)
                if warehouse_id > 0:
                    response["warehouseId"] = warehouse_id
        if role_id not in user_roles:
            raise _unauthorized("Invalid roleId")
        if org_id < 0 or org_id not in user_orgs:
            raise _unauthorized("Invalid organizationId")
        if org_id > 0 and warehouse_id > 0 and fx.WAREHOUSES.get(warehouse_id, ("", -1))[1] != org_id:
            raise _unauthorized("Invalid warehouseId")
        language = params.get("language") if params.get("language") in LOGIN_LANGUAGES else fx.LANGUAGE
        response["language"] = language
        claims = self._final_claims(user_name, user_id, role_id, org_id, warehouse_id, language, client_id)
        response["menuTreeId"] = MENU_TREE_ID
        return self._issue(response, claims)

    def _final_claims(self, sub, user_id, role_id, org_id, warehouse_id, language, client_id=fx.CLIENT_ID) -> dict:
        with self._lock:
            session_id = next(self._session_ids)
            self._sessions[session_id] = False  # each final login opens a new AD_Session (§1.2)
        claims = {"sub": sub, "AD_Client_ID": client_id, "AD_User_ID": user_id, "AD_Role_ID": role_id,
                  "AD_Org_ID": org_id}
        if org_id > 0 and warehouse_id > 0:
            claims["M_Warehouse_ID"] = warehouse_id
        claims.update(AD_Language=language, AD_Session_ID=session_id, iss=jwt.ISSUER)
        self._add_exp(claims)
        return claims

    def _add_exp(self, claims: dict) -> None:
        ttl = self.token_ttl
        if ttl > 0:  # 0 = no exp claim, like REST_TOKEN_EXPIRE_IN_MINUTES=0 (§1.6)
            claims["exp"] = int(time.time()) + ttl

    def _issue(self, response: dict, claims: dict, parent: str | None = None, chain: _Chain | None = None) -> dict:
        token = jwt.sign(claims, self.secret)
        now = time.time()
        if chain is None:
            chain = _Chain(claims["AD_Session_ID"], now + REFRESH_ABSOLUTE_SECONDS)
        refresh = jwt.sign({"jti": secrets.token_hex(32), "iss": jwt.ISSUER}, self.secret)
        with self._lock:
            self._chains[token] = chain
            self._refresh[refresh] = _Refresh(token, chain, claims["AD_Client_ID"], claims["AD_User_ID"],
                                              now + REFRESH_INACTIVITY_SECONDS, parent=parent)
        response["token"] = token
        response["refresh_token"] = refresh
        return response

    # ---------------------------------------------------------------- pre-login helpers (§1.4)
    def roles(self, ctx: AuthContext, client: int) -> dict:
        user = self._helper_user(ctx, client)
        return {"roles": [{"id": r, "name": fx.ROLES[r]} for r in user[2]]}

    def organizations(self, ctx: AuthContext, client: int, role: int) -> dict:
        user = self._helper_user(ctx, client, role)
        return {"organizations": [{"id": o, "name": fx.ORGS[o]} for o in user[3]]}

    def warehouses(self, ctx: AuthContext, client: int, role: int, organization: int) -> dict:
        user = self._helper_user(ctx, client, role)
        if organization not in user[3]:
            raise _unauthorized("Invalid organization")
        found = [{"id": w, "name": name} for w, (name, org) in fx.WAREHOUSES.items() if org == organization]
        return {"warehouses": found}

    def language(self, client: int) -> dict:
        if client not in KNOWN_CLIENTS:
            raise EmulatorError(400, empty_body=True)
        return {"AD_Language": fx.LANGUAGE}

    def _helper_user(self, ctx: AuthContext, client: int, role: int | None = None) -> tuple:
        clients = [c for c in str(ctx.claims.get("Clients") or "").split(",") if c.strip().isdigit()]
        if client < 0 or client not in [int(c) for c in clients]:
            raise _unauthorized("Invalid client")
        user = fx.USERS.get(ctx.claims.get("sub") or "", (0, None, [], []))
        if role is not None and role not in user[2]:
            raise _unauthorized("Invalid role")
        return user

    # ---------------------------------------------------------------- refresh and logout (§1.8, §1.9)
    def refresh(self, refresh_token: str | None, client_id: int | None, user_id: int | None) -> dict:
        """Single-use rotation; presenting a used refresh token revokes its whole chain."""
        if client_id is None:
            raise _unauthorized("No clientId provided")
        if user_id is None:
            raise _unauthorized("No userId provided")
        with self._lock:
            record = self._refresh.get(refresh_token or "")
            if record is not None and record.has_child:
                record.chain.revoked = True  # replay = breach: parents and children die (cause B/C)
                raise _unauthorized("Invalid refresh token")
            self._verify_or_401(refresh_token)
            now = time.time()
            if (record is None or record.chain.revoked or record.expires_at <= now
                    or record.chain.absolute_expires_at <= now):
                raise _unauthorized("Invalid refresh token")
            if client_id != record.client_id or user_id != record.user_id:
                raise _unauthorized("Invalid refresh token")
            _header, old = jwt.decode(record.access_token)
            claims = {k: v for k, v in old.items() if k != "exp"}
            self._add_exp(claims)
            record.has_child = True
            return self._issue({}, claims, parent=refresh_token, chain=record.chain)

    def logout(self, token: str | None) -> dict:
        """End the session and revoke the chain; the s2s token has no chain, so the plugin NPEs (500)."""
        if token is not None and token == self.s2s_token:
            self._sessions[self.s2s_claims["AD_Session_ID"]] = True
            raise ContainerError(500)
        payload = self._verify_or_401(token)
        session_id = payload.get("AD_Session_ID")
        if session_id is None:
            raise EmulatorError(404, "AD_Session_ID not found")
        with self._lock:
            if int(session_id) in self._sessions:
                self._sessions[int(session_id)] = True
            chain = self._chains.get(token)
            if chain is None:
                raise ContainerError(500)
            chain.revoked = True
        return {"summary": "OK"}

    def _verify_or_401(self, token: str | None) -> dict:
        """Signature + issuer check without expiry, detail = java-jwt message (§1.8, §1.9)."""
        if token is None:
            raise _unauthorized("The token is null.")
        try:
            header, payload = jwt.decode(token)
            jwt.verify(token, self.secret, header, payload)
        except jwt.TokenError as exc:
            raise _unauthorized(str(exc)) from None
        return payload


def _resolve(value: str | None, ids: set, names: dict, key: str, response: dict) -> int:
    """Numeric strings are ids first, then names; -1 = absent, -2 = not found. Echo when found by name."""
    if value is None or str(value).strip() == "":
        return -1
    text = str(value).strip()
    if _DIGITS.fullmatch(text) and int(text) in ids:
        return int(text)
    found = names.get(text)
    if found is None:
        return -2
    response[key] = found
    return found


def _default_warehouse(org_id: int) -> int:
    """MOrgInfo.M_Warehouse_ID: the first warehouse of the org, 0 if none."""
    return next((wid for wid, (_name, org) in fx.WAREHOUSES.items() if org == org_id), 0)


def _session_from(claims: dict) -> Session:
    return Session(
        client_id=int(claims.get("AD_Client_ID") or 0), user_id=int(claims["AD_User_ID"]),
        role_id=int(claims["AD_Role_ID"]), org_id=int(claims.get("AD_Org_ID") or 0),
        warehouse_id=int(claims.get("M_Warehouse_ID") or 0), language=claims.get("AD_Language") or fx.LANGUAGE,
        session_id=int(claims.get("AD_Session_ID") or 0),
    )
