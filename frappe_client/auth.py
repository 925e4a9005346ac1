"""Frappe's three ways to authenticate, as ``erp_http.auth.Auth`` objects for the shared sender.

* API key: ``Authorization: token key:secret`` on every request; a 401 is final (spec §2.1).
* Session: ``POST /api/method/login`` (usr/pwd) gives a ``sid`` cookie sent by hand (the sender's cookie
  jar is disabled so a token client never sends the Guest cookies every answer sets). An expired session
  answers 401 on some paths and 403 ``session_expired`` on others (spec §2.4); both re-login, once per
  generation, serialised.
* OAuth2: a bearer access token refreshed with ``frappe.integrations.oauth2.get_token`` (grant
  ``refresh_token``) before it expires and on a 401, serialised, never resent (a refresh token may be
  single-use); a rotated refresh token is kept and reported through ``on_new_refresh_token``.

Secrets never appear in ``repr``, logs or exception messages.
"""
from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable, MutableMapping
from typing import Any

from erp_http.auth import StaticHeaderAuth
from frappe_client.config import (
    ApiKeyCredentials,
    OAuth2Credentials,
    PasswordCredentials,
)
from frappe_client.errors import ApiError, AuthenticationError

# (path, form fields) -> (status, parsed JSON body or None, raw Set-Cookie header text)
FormPost = Callable[[str, dict[str, str]], "tuple[int, Any, str]"]

LOGIN_PATH = "method/login"
TOKEN_PATH = "method/frappe.integrations.oauth2.get_token"
REFRESH_MARGIN_SECONDS = 60.0
REFRESH_MARGIN_FRACTION = 0.1  # or a tenth of the lifetime, whichever is smaller (short-lived test tokens)
_SID = re.compile(r"(?:^|[\s,;])sid=([^;,\s]+)")


def api_key_auth(creds: ApiKeyCredentials) -> StaticHeaderAuth:
    return StaticHeaderAuth(
        "Authorization", f"token {creds.api_key}:{creds.api_secret}",
        rejected_message="The API key or secret was rejected (HTTP 401): generate the keys again for the API user "
        "(User > Settings > API Access) and check that the user is enabled.")


class _Renewing:
    """Generation bookkeeping shared by the session and OAuth2 objects: one renewal per generation."""

    def __init__(self, logger: logging.Logger | None) -> None:
        self._lock = threading.Lock()
        self._generation = 0
        self.renewals = 0
        self.logger = logger or logging.getLogger("frappe_client")

    @property
    def generation(self) -> int:
        return self._generation

    def on_unauthorized(self, generation: int, escalate: bool = False) -> None:
        with self._lock:
            if generation != self._generation:
                return  # another thread already renewed: resend with the new credentials
            self._renew_locked(escalate)

    def _renew_locked(self, escalate: bool) -> None:
        raise NotImplementedError

    def _bump(self) -> None:
        self._generation += 1
        self.renewals += 1


class SessionAuth(_Renewing):
    """Cookie session from a username and password."""

    def __init__(self, creds: PasswordCredentials, post: FormPost, logger: logging.Logger | None = None):
        super().__init__(logger)
        self._creds = creds
        self._post = post
        self._sid: str | None = None
        self.logins = 0

    def __repr__(self) -> str:
        return f"SessionAuth(username={self._creds.username!r})"

    def apply(self, headers: MutableMapping[str, str]) -> int:
        with self._lock:
            if self._sid is None:
                self._login_locked()
            headers["Cookie"] = f"sid={self._sid}"
            return self._generation

    def _renew_locked(self, escalate: bool) -> None:
        self.logger.info("Frappe session expired: logging in again")
        self._login_locked()

    def _login_locked(self) -> None:
        status, body, cookies = self._post(LOGIN_PATH, {"usr": self._creds.username, "pwd": self._creds.password})
        if status == 401 or status == 403:
            message = body.get("message") if isinstance(body, dict) else None
            raise AuthenticationError(
                f"Login as {self._creds.username!r} failed (HTTP {status}{': ' + str(message) if message else ''}). "
                "Check the user name and password; a user with two-factor authentication must use API keys.")
        if status >= 400:
            raise ApiError(status, "Login failed", None, "POST", LOGIN_PATH)
        match = _SID.search(cookies or "")
        if not match or match.group(1) == "Guest":
            raise AuthenticationError(
                f"Login as {self._creds.username!r} returned no session cookie (e.g. a password reset is pending); "
                "log in once in the browser or use API keys.")
        self._sid = match.group(1)
        self.logins += 1
        self._bump()

    def close(self) -> None:
        self._sid = None


class OAuth2Auth(_Renewing):
    """Bearer tokens renewed with the refresh-token grant."""

    def __init__(self, creds: OAuth2Credentials, post: FormPost, logger: logging.Logger | None = None,
                 clock: Callable[[], float] = time.monotonic,
                 on_new_refresh_token: Callable[[str], None] | None = None):
        super().__init__(logger)
        self._client_id = creds.client_id
        self._client_secret = creds.client_secret
        self._refresh = creds.refresh_token
        self._access = creds.access_token
        self._refresh_at: float | None = None  # unknown lifetime for a configured access token: rely on 401
        self._post = post
        self._clock = clock
        self.on_new_refresh_token = on_new_refresh_token
        self.refreshes = 0

    def __repr__(self) -> str:
        return f"OAuth2Auth(client_id={self._client_id!r})"

    def apply(self, headers: MutableMapping[str, str]) -> int:
        with self._lock:
            if self._access is None or (self._refresh_at is not None and self._clock() >= self._refresh_at):
                self._refresh_locked()
            headers["Authorization"] = f"Bearer {self._access}"
            return self._generation

    def _renew_locked(self, escalate: bool) -> None:
        self._refresh_locked()

    def _refresh_locked(self) -> None:
        form = {"grant_type": "refresh_token", "refresh_token": self._refresh, "client_id": self._client_id}
        if self._client_secret:
            form["client_secret"] = self._client_secret
        status, body, _ = self._post(TOKEN_PATH, form)
        if status >= 400 or not isinstance(body, dict) or not body.get("access_token"):
            error = body.get("error") if isinstance(body, dict) else None
            raise AuthenticationError(
                f"OAuth2 token refresh failed (HTTP {status}{', ' + str(error) if error else ''}): the refresh token "
                "or client id/secret was rejected. Authorize the connector again and paste the new refresh token.")
        self._access = str(body["access_token"])
        new_refresh = body.get("refresh_token")
        if isinstance(new_refresh, str) and new_refresh and new_refresh != self._refresh:
            self._refresh = new_refresh
            if self.on_new_refresh_token is not None:
                self.on_new_refresh_token(new_refresh)
        try:
            lifetime = float(body.get("expires_in") or 0)
        except (TypeError, ValueError):
            lifetime = 0.0
        self._refresh_at = (self._clock() + lifetime - min(REFRESH_MARGIN_SECONDS, REFRESH_MARGIN_FRACTION * lifetime)
                            if lifetime > 0 else None)
        self.refreshes += 1
        self._bump()

    def close(self) -> None:
        return None
