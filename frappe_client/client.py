"""FrappeClient: Frappe's REST API on the shared sender (``erp_http.sender``), used by source and destination.

Every request goes through ``Sender`` (retries, backoff, bounded in-flight, 401 generations, writes never
resent blindly) with ``FRAPPE_POLICY``; this module adds what is Frappe's: paths and percent-encoding of
DocType names and document names (a name may hold ``/``), the list parameters (never an offset, always an
explicit ``order_by``), the ``session_expired`` 403 that means "log in again", and the answer shapes
(``data`` / ``message`` / ``docs``).
"""
from __future__ import annotations

import http.cookiejar
import json
import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import quote

from erp_http.sender import RequestOptions, Sender
from frappe_client.auth import OAuth2Auth, SessionAuth, api_key_auth
from frappe_client.config import (
    ApiKeyCredentials,
    ConnectionConfig,
    OAuth2Credentials,
    PasswordCredentials,
)
from frappe_client.errors import ApiError, ErpError
from frappe_client.filters import name_keyset
from frappe_client.meta import (
    DOCTYPE_LIST_FIELDS,
    DocTypeMeta,
    MetaFormatError,
    parse_getdoctype,
    parse_v2_meta,
)
from frappe_client.policy import FRAPPE_POLICY, is_session_expired

API_PREFIX = "/api"
# The site rate limiter's window can be minutes long and its 429 says how long to wait: waits up to this
# are obeyed (the sender's default cap is shorter). Exponential backoff itself never gets near it.
BACKOFF_CAP_SECONDS = 120.0
SESSION_RECOVERIES = 2
_AUTH_CALL = RequestOptions(authenticated=False, idempotent=True, auth_request=True)
_PING = RequestOptions(authenticated=False)


class _NoCookies(http.cookiejar.DefaultCookiePolicy):
    """Every answer sets Guest cookies; a token client must never send them back (spec §2.1 precedence)."""

    def set_ok(self, cookie: Any, request: Any) -> bool:
        return False


def doc_path(doctype: str, name: str | int | None = None, *, v2: bool = False) -> str:
    """``resource/<DocType>[/<name>]`` (or ``v2/document/...``), each part percent-encoded (``/`` too)."""
    base = ("v2/document/" if v2 else "resource/") + quote(doctype, safe="")
    return base if name is None else f"{base}/{quote(str(name), safe='')}"


class FrappeClient:
    """Thread-safe Frappe API client.

    Args:
        cfg: connection settings.
        max_in_flight: hard bound on concurrent requests.
        logger: retries and auth events (never secrets).
        on_new_refresh_token: OAuth2 only: called with a rotated refresh token (the source persists it).
        **sender_options: passed to ``Sender`` (``max_attempts``, ``backoff_base``, ``sleep``, ``session``...).
    """

    def __init__(self, cfg: ConnectionConfig, *, max_in_flight: int = 4, logger: logging.Logger | None = None,
                 on_new_refresh_token: Callable[[str], None] | None = None, **sender_options: Any):
        self.cfg = cfg
        self.logger = logger or logging.getLogger("frappe_client")
        sender_options.setdefault("backoff_cap", BACKOFF_CAP_SECONDS)
        self.sender = Sender(cfg.site_url + API_PREFIX, FRAPPE_POLICY, None, max_in_flight=max_in_flight,
                             verify_tls=cfg.verify_tls, timeout_seconds=cfg.request_timeout_seconds,
                             server_label=cfg.site_url, logger=self.logger, **sender_options)
        self.sender.session.cookies.set_policy(_NoCookies())
        creds = cfg.credentials
        if isinstance(creds, ApiKeyCredentials):
            self.auth: Any = api_key_auth(creds)
        elif isinstance(creds, PasswordCredentials):
            self.auth = SessionAuth(creds, self._login_post, self.logger)
        elif isinstance(creds, OAuth2Credentials):
            self.auth = OAuth2Auth(creds, self._token_post, self.logger, on_new_refresh_token=on_new_refresh_token)
        self.sender.auth = self.auth

    @property
    def stats(self) -> dict[str, int]:
        stats = self.sender.stats
        stats["renewals"] = getattr(self.auth, "renewals", 0)
        return stats

    def close(self) -> None:
        self.auth.close()
        self.sender.close()

    # ---- transport ----------------------------------------------------------------------------
    def request(self, method: str, path: str, *, params: Mapping[str, Any] | None = None,
                json_body: Any = None) -> Any:
        """Send an authenticated request; return the parsed 2xx body.

        Raises:
            ApiError, TransientError, AuthenticationError, ConfigurationError (see ``erp_http.errors``).
        """
        for attempt in range(SESSION_RECOVERIES + 1):
            generation = self.auth.generation
            reply = self.sender.send(method, path, params=dict(params) if params else None, json_body=json_body)
            if reply.ok:
                return reply.body
            if is_session_expired(reply.status, reply.body) and isinstance(self.auth, SessionAuth) \
                    and attempt < SESSION_RECOVERIES:
                self.auth.on_unauthorized(generation)
                continue
            raise self.sender.api_error(reply)
        raise AssertionError("unreachable")

    def _login_post(self, path: str, form: dict[str, str]) -> tuple[int, Any, str]:
        """Login through the sender (JSON body; resending a login is harmless)."""
        reply = self.sender.send("POST", path, json_body=form, options=_AUTH_CALL)
        return reply.status, reply.body, reply.answer.headers.get("Set-Cookie", "")

    def _token_post(self, path: str, form: dict[str, str]) -> tuple[int, Any, str]:
        """The OAuth2 token call, form-encoded (oauthlib reads only form bodies), through the sender.

        Transient failures are retried (``idempotent``): if the server never processed the refresh, the
        retry succeeds; if it did and the refresh token was single-use, the retry is refused (an
        AuthenticationError) -- no worse than giving up, and Frappe revokes nothing on replay. As an auth
        request it is never redirected (the client secret and refresh token would go along).
        """
        reply = self.sender.send("POST", path, form_body=form, options=_AUTH_CALL)
        return reply.status, reply.body, ""

    # ---- reading ------------------------------------------------------------------------------
    def get_list(self, doctype: str, *, fields: Sequence[Any], order_by: str, limit: int,
                 filters: str | None = None, or_filters: str | None = None, parent: str | None = None) -> list[dict]:
        """One page of ``GET /api/resource/{doctype}``; ``filters``/``or_filters`` are JSON text (``filters.py``).

        ``limit`` must be positive: 0 means "all rows" to the server (and a 500 with an offset, Part II §4).
        """
        if limit < 1:
            raise ValueError("limit must be >= 1 (0 would ask for every row)")
        params: dict[str, Any] = {"fields": json.dumps(list(fields), separators=(",", ":")), "order_by": order_by,
                                  "limit_page_length": limit}
        if filters:
            params["filters"] = filters
        if or_filters:
            params["or_filters"] = or_filters
        if parent:
            params["parent"] = parent
        body = self.request("GET", doc_path(doctype), params=params)
        rows = body.get("data") if isinstance(body, Mapping) else None
        if not isinstance(rows, list):
            raise ApiError(200, "Unexpected answer", "a list answer without a 'data' array", "GET", doc_path(doctype))
        return rows

    def get_doc(self, doctype: str, name: str | int) -> dict:
        body = self.request("GET", doc_path(doctype, name))
        data = body.get("data") if isinstance(body, Mapping) else None
        if not isinstance(data, dict):
            raise ApiError(200, "Unexpected answer", "a document answer without a 'data' object", "GET",
                           doc_path(doctype))
        return data

    def call(self, method: str, params: Mapping[str, Any] | None = None, *, http_method: str = "GET",
             json_body: Any = None) -> Any:
        """A whitelisted method (``/api/method/<dotted.path>``); returns the ``message`` of the answer."""
        body = self.request(http_method, f"method/{method}", params=params, json_body=json_body)
        return body.get("message") if isinstance(body, Mapping) else body

    def server_now(self) -> datetime | None:
        """The site's clock from the ``Date`` header of ``ping`` (whole seconds, rounded down), or None.

        ``modified`` is written from the app server's clock; a sync's upper bound taken from this connector's
        clock alone would be late (and skip rows) if this machine's clock ran ahead of the site's.
        """
        try:
            reply = self.sender.send("GET", "method/ping", options=_PING)
        except ErpError:
            return None
        value = reply.answer.headers.get("Date")
        try:
            parsed = parsedate_to_datetime(value) if value else None
        except (TypeError, ValueError):
            return None
        return parsed.astimezone(timezone.utc) if parsed is not None and parsed.tzinfo else None

    def logged_user(self) -> str:
        return str(self.call("frappe.auth.get_logged_user"))

    def versions(self) -> dict[str, Any]:
        """``get_versions``: ``{"frappe": {"version": "16.4.1", ...}, "erpnext": {...}}`` (empty on failure)."""
        try:
            message = self.call("frappe.utils.change_log.get_versions")
        except ApiError:
            return {}
        return message if isinstance(message, dict) else {}

    def list_doctypes(self, page_size: int = 500) -> list[DocTypeMeta]:
        """Every DocType with its flags (System Manager only: others get ApiError 403), by name keyset."""
        out: list[DocTypeMeta] = []
        after: str | None = None
        while True:
            params = name_keyset(after)
            rows = self.get_list("DocType", fields=DOCTYPE_LIST_FIELDS, limit=page_size, **params)
            out.extend(DocTypeMeta.from_json(r) for r in rows if isinstance(r, Mapping) and r.get("name"))
            if len(rows) < page_size:
                return out
            after = str(rows[-1]["name"])

    def get_meta(self, doctype: str) -> dict[str, DocTypeMeta]:
        """Merged metas of ``doctype`` and its child tables: ``getdoctype`` (every version), else v2 meta."""
        try:
            body = self.request("GET", "method/frappe.desk.form.load.getdoctype", params={"doctype": doctype})
            return parse_getdoctype(body, doctype)
        except ApiError as exc:
            if exc.status in (401, 403, 404):
                raise
            first: Exception = exc
        except MetaFormatError as exc:
            first = exc
        try:
            meta = parse_v2_meta(self.request("GET", f"v2/doctype/{quote(doctype, safe='')}/meta"), doctype)
        except (ApiError, MetaFormatError):
            raise first from None
        metas = {meta.name: meta}
        for child in meta.child_doctypes:
            metas[child] = parse_v2_meta(self.request("GET", f"v2/doctype/{quote(child, safe='')}/meta"), child)
        return metas

    def system_time_zone(self) -> str | None:
        """System Settings ``time_zone`` (the zone ``modified`` is written in), or None if not readable (403).

        ``frappe.client.get_time_zone`` is not used: it answers the calling user's zone (Part II §2).
        An empty setting means Frappe's own fallback, Asia/Kolkata (spec §7.1).
        """
        try:
            doc = self.get_doc("System Settings", "System Settings")
        except ApiError as exc:
            if exc.status == 403:
                return None
            raise
        value = doc.get("time_zone")
        return str(value).strip() if isinstance(value, str) and value.strip() else "Asia/Kolkata"

    # ---- writing (destination) -----------------------------------------------------------------
    def insert(self, doctype: str, doc: Mapping[str, Any]) -> dict:
        """``POST /api/resource/{doctype}``; never resent blindly (``TransientError.maybe_committed``)."""
        body = self.request("POST", doc_path(doctype), json_body=dict(doc))
        return body.get("data") if isinstance(body, Mapping) else body

    def update(self, doctype: str, name: str | int, changes: Mapping[str, Any]) -> dict:
        """``PUT /api/resource/{doctype}/{name}`` (a partial update; a table key replaces the whole table)."""
        body = self.request("PUT", doc_path(doctype, name), json_body=dict(changes))
        return body.get("data") if isinstance(body, Mapping) else body

    def delete(self, doctype: str, name: str | int) -> None:
        self.request("DELETE", doc_path(doctype, name))
