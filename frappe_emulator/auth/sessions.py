"""Who a request runs as: the ``sid`` cookie first, then the Authorization header only if that left the
request as Guest (spec §1 step 2, §2; Part II §2). Sessions, the login lock and OAuth tokens live here.

* ``token k:s`` / ``Basic b64(k:s)``: exactly two space-separated parts, else ignored (Guest -> 403);
  a wrong key/secret, an unknown scheme or a bad bearer is 401; undecodable Basic is 400.
* an unknown or expired ``sid`` continues as Guest and marks the response ``session_expired: 1``.
* CSRF applies only to sessions whose data holds a ``csrf_token`` (never the API login's).
* the login lock (``allow_consecutive_login_attempts``, ``allow_login_after_fail``) is per user in 14/15
  and per client address in 16 (Part II: "The lock is not per user").
"""
from __future__ import annotations

import base64
import binascii
import secrets
import threading
from dataclasses import dataclass

from ..errors import FrappeError
from .users import GUEST_USER, User

ACCESS_TTL = 3600  # oauthlib's default access-token lifetime


@dataclass
class Session:
    user: str
    last_updated: float
    csrf_token: str | None = None


@dataclass
class Identity:
    user: User
    session_expired: bool = False
    sid: str | None = None  # the live session this request runs in
    via: str = "guest"  # guest | session | token | basic | bearer


class Auth:
    def __init__(self, site):
        self.site = site
        self.sessions: dict[str, Session] = {}
        self.failures: dict[str, list] = {}  # lock key -> [count, locked_until]
        self.access_tokens: dict[str, tuple[str, float, str]] = {}  # token -> (user, expires, scope)
        self.refresh_tokens: dict[str, tuple[str, str]] = {}  # token -> (user, client_id)
        self._lock = threading.Lock()

    # ---- settings ------------------------------------------------------------------------------
    def _setting(self, key: str, default: str) -> str:
        return self.site.store.single("System Settings").get(key) or default

    def expiry_seconds(self) -> int:
        text = self._setting("session_expiry", "60:00" if self.site.options.major == 14 else "170:00")
        parts = [int(p) for p in text.split(":")] + [0, 0]
        return parts[0] * 3600 + parts[1] * 60 + parts[2]

    # ---- resolving -------------------------------------------------------------------------------
    def identify(self, method: str, headers: dict, cookies: dict, form: dict) -> Identity:
        site = self.site
        now = site.clock.epoch()
        ident = Identity(GUEST_USER)
        sid = cookies.get("sid") or form.get("sid")
        if sid and sid != "Guest":
            with self._lock:
                sess = self.sessions.get(sid)
                if sess is not None and now - sess.last_updated > self.expiry_seconds():
                    del self.sessions[sid]
                    sess = None
                if sess is not None:
                    sess.last_updated = now
            user = site.users.get(sess.user) if sess is not None else None
            if user is None:
                ident.session_expired = True
            else:
                ident = Identity(user, sid=sid, via="session")
                self._check_csrf(method, headers, form, sess)
        header = headers.get("authorization")
        if header and ident.user.is_guest:
            found = self._from_header(header)
            if found is not None:
                found.session_expired = ident.session_expired
                ident = found
        return ident

    def _check_csrf(self, method: str, headers: dict, form: dict, sess: Session) -> None:
        methods = ("POST", "PUT", "DELETE") if self.site.options.major == 14 else ("POST", "PUT", "DELETE", "PATCH")
        if method not in methods or not sess.csrf_token:
            return
        sent = headers.get("x-frappe-csrf-token") or form.get("csrf_token")
        if sent != sess.csrf_token:
            raise FrappeError("CSRFTokenError", "Invalid Request", traceback=False)

    def _from_header(self, header: str) -> Identity | None:
        parts = header.split(" ")
        if len(parts) != 2:
            return None  # silently ignored: the request runs as Guest (spec §2.1)
        scheme, token = parts[0].lower(), parts[1]
        if scheme == "bearer":
            return self._bearer(token)
        if scheme == "basic":
            try:
                token = base64.b64decode(token, validate=True).decode("utf-8")
            except (binascii.Error, ValueError, UnicodeDecodeError):
                raise FrappeError("InvalidAuthorizationToken", "Failed to decode token, please provide a valid "
                                  "base64-encoded token.", traceback=False) from None
        elif scheme != "token":
            raise unauthorized()
        key, sep, secret = token.partition(":")
        users = self.site.users
        user = users.by_api_key(key) if key else None
        if not sep or user is None or not secret or users.api_secret(user.name) != secret:
            raise unauthorized()
        if self.site.options.major >= 16 and not user.enabled:
            raise unauthorized()
        return Identity(user, via=scheme)

    def _bearer(self, token: str) -> Identity:
        entry = self.access_tokens.get(token)
        if entry is None or entry[1] < self.site.clock.epoch():
            raise unauthorized()
        user = self.site.users.get(entry[0])
        if user is None:
            raise unauthorized()
        return Identity(user, via="bearer")

    # ---- login / logout ------------------------------------------------------------------------
    def login(self, usr: str | None, pwd: str | None, client: str) -> tuple[User, str]:
        site = self.site
        now = site.clock.epoch()
        key = client if site.options.major >= 16 else (usr or "")
        allowed = int(self._setting("allow_consecutive_login_attempts", "10") or 10)
        wait = int(self._setting("allow_login_after_fail", "60") or 60)
        with self._lock:
            entry = self.failures.get(key)
            if entry and entry[1] > now:
                raise FrappeError("SecurityException", f"Your account has been locked and will resume after {wait} "
                                  "seconds", status=500)
        if self._setting("disable_user_pass_login", "0") not in ("0", ""):
            raise FrappeError("AuthenticationError", None, messages=[], traceback=False,
                              extra={"message": "Login with username and password is not allowed."})
        if not usr or not pwd:
            raise self._fail(key, now, allowed, wait, "Incomplete login details")
        user = site.users.get(usr)
        if user is None or not user.enabled or not site.users.check_password(usr, pwd):
            raise self._fail(key, now, allowed, wait, "Invalid login credentials")
        with self._lock:
            self.failures.pop(key, None)
        if self._setting("deny_multiple_sessions", "0") not in ("0", ""):
            self.expire_sessions(user.name)  # each login ends the user's other sessions
        return user, self.new_session(user.name)

    def _fail(self, key: str, now: float, allowed: int, wait: int, message: str) -> FrappeError:
        with self._lock:
            entry = self.failures.setdefault(key, [0, 0.0])
            if entry[1] and entry[1] <= now:
                entry[:] = [0, 0.0]
            entry[0] += 1
            if entry[0] > allowed:
                entry[1] = now + wait
        return FrappeError("AuthenticationError", None, messages=[], traceback=False, extra={"message": message})

    def new_session(self, user: str, csrf: bool = False) -> str:
        sid = secrets.token_hex(28)  # 56 hex characters
        with self._lock:
            self.sessions[sid] = Session(user, self.site.clock.epoch(), secrets.token_hex(16) if csrf else None)
        return sid

    def logout(self, sid: str | None) -> None:
        with self._lock:
            self.sessions.pop(sid or "", None)

    def expire_sessions(self, user: str | None = None) -> int:
        with self._lock:
            gone = [s for s, v in self.sessions.items() if user is None or v.user == user]
            for s in gone:
                del self.sessions[s]
        return len(gone)

    # ---- OAuth ------------------------------------------------------------------------------------
    def issue_tokens(self, user: str, client_id: str, scope: str = "all openid", ttl: int = ACCESS_TTL) -> dict:
        access, refresh = secrets.token_urlsafe(22), secrets.token_urlsafe(22)
        with self._lock:
            self.access_tokens[access] = (user, self.site.clock.epoch() + ttl, scope)
            self.refresh_tokens[refresh] = (user, client_id)
        return {"access_token": access, "token_type": "Bearer", "expires_in": ttl, "refresh_token": refresh,
                "scope": scope}

    def refresh(self, refresh_token: str | None, client_id: str | None) -> dict | None:
        with self._lock:
            entry = self.refresh_tokens.pop(refresh_token or "", None)
        if entry is None or (client_id and client_id != entry[1]):
            return None
        return self.issue_tokens(entry[0], entry[1])


def unauthorized() -> FrappeError:
    return FrappeError("AuthenticationError", None, messages=[], traceback=False)
