"""iDempiere's REST API on top of the shared sender (``erp_http.sender``): models, pages, YAML, batch.

Sending, retries, backoff, the in-flight bound, 401 handling and write safety live in ``erp_http``; this
module supplies what is iDempiere's: the ``TokenManager`` as auth object, ``IDEMPIERE_POLICY`` (a JSON
error body is never retried; the empty 500 of ``/yaml``), and the API methods (spec §2, §3, §9, §13).
Errors: JSON error bodies become ``ApiError`` with the plugin's ``{title, detail}``; 403 stays an
``ApiError`` with status 403; a 401 that survives a fresh login is an ``AuthenticationError``.
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

import requests

from erp_http.errors import ApiError
from erp_http.sender import (
    BACKOFF_BASE,
    BACKOFF_CAP,
    MAX_ATTEMPTS,
    RequestOptions,
    Sender,
)
from idempiere_client.auth import TokenManager
from idempiere_client.config import ConnectionConfig
from idempiere_client.error_policy import IDEMPIERE_POLICY
from idempiere_client.paging import Page

_YAML = RequestOptions(accept="application/yaml", as_text=True)


class IdempiereClient:
    """Client for ``<base_url>/api/v1``; thread-safe; at most ``max_in_flight`` requests at once.

    Args:
        cfg: connection settings.
        max_in_flight: hard bound on concurrent requests (also sizes the connection pool).
        logger: retry/auth events go here (never secrets).
        session: a ``requests.Session`` to use (tests); one is created otherwise.
        max_attempts, backoff_base, backoff_cap: retry policy.
        sleep: sleep function (tests patch it to run fast).
    """

    def __init__(self, cfg: ConnectionConfig, max_in_flight: int = 4, logger: logging.Logger | None = None,
                 session: requests.Session | None = None, *, max_attempts: int = MAX_ATTEMPTS,
                 backoff_base: float = BACKOFF_BASE, backoff_cap: float = BACKOFF_CAP,
                 sleep: Callable[[float], None] = time.sleep):
        self.cfg = cfg
        self.logger = logger or logging.getLogger("idempiere_client")
        self.sender = Sender(cfg.api_url, IDEMPIERE_POLICY, None, max_in_flight=max_in_flight,
                             verify_tls=cfg.verify_tls, timeout_seconds=cfg.request_timeout_seconds,
                             server_label=cfg.base_url, logger=self.logger, session=session,
                             max_attempts=max_attempts, backoff_base=backoff_base, backoff_cap=backoff_cap,
                             sleep=sleep)
        self.tokens = TokenManager(cfg, self._auth_transport, self.logger)
        self.sender.auth = self.tokens
        self._batch_supported: bool | None = None
        self._batch_lock = threading.Lock()

    # ---- public helpers ------------------------------------------------------------------------
    @property
    def stats(self) -> dict[str, int]:
        """Counters: requests, retries, refreshes, logins (and reauths, refresh_failures)."""
        out = self.sender.stats
        out.update(self.tokens.stats)
        return out

    @property
    def session(self) -> requests.Session:
        """The connection pool's session (shared with the sender)."""
        return self.sender.session

    @property
    def max_in_flight(self) -> int:
        return self.sender.max_in_flight

    @property
    def peak_in_flight(self) -> int:
        """Most requests seen in flight at once (tests and bench check the bound)."""
        return self.sender.peak_in_flight

    def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        """GET ``/api/v1/<path>`` and return the parsed JSON."""
        return self.request("GET", path, params=params)

    def post(self, path: str, json_body: Any, params: dict[str, Any] | None = None) -> Any:
        """POST (never retried once it may have reached the server)."""
        return self.request("POST", path, params=params, json_body=json_body)

    def put(self, path: str, json_body: Any, params: dict[str, Any] | None = None) -> Any:
        return self.request("PUT", path, params=params, json_body=json_body)

    def delete(self, path: str) -> Any:
        return self.request("DELETE", path)

    def get_page(self, table: str, *, filter: str | None, orderby: str, select: str | None = None,
                 top: int = 100, skip: int = 0) -> Page:
        """One page of ``GET /models/{table}`` (spec §3). ``orderby`` is mandatory: no default order (§3.5)."""
        return self.collection_page(f"models/{table.lower()}", filter=filter, orderby=orderby, select=select,
                                    top=top, skip=skip)

    def collection_page(self, path: str, *, filter: str | None, orderby: str, select: str | None = None,
                        top: int = 100, skip: int = 0) -> Page:
        """One page of any collection (``models/{t}``, ``views/{name}``): the same $-options and envelope."""
        if not orderby:
            raise ValueError("get_page needs an explicit $orderby (the server has no default order, spec §3.5)")
        params: dict[str, Any] = {"$orderby": orderby, "$top": int(top)}
        if filter:
            params["$filter"] = filter
        if select:
            params["$select"] = select
        if skip:
            params["$skip"] = int(skip)
        body = self.get(path, params=params)
        if not isinstance(body, dict) or not isinstance(body.get("records"), list):
            # Never let an odd answer look like an empty page: that would end a stream with partial data.
            raise ApiError(200, "Unexpected collection response", "no 'records' array", "GET", path)
        return Page.from_json(body, skip=skip, top=top)

    def list_models(self) -> list[dict]:
        """``GET /models`` -> the ``models`` list (spec §2.1)."""
        body = self.get("models")
        return list(body.get("models") or []) if isinstance(body, dict) else []

    def get_yaml(self, table: str) -> str:
        """``GET /models/{table}/yaml`` as text (spec §2.4)."""
        return self.sender.request("GET", f"models/{table.lower()}/yaml", options=_YAML)

    def has_batch_endpoint(self) -> bool:
        """Detect ``POST /batch`` once (absent before 2025-08, spec §13): 404 -> False."""
        with self._batch_lock:
            if self._batch_supported is None:
                try:
                    self.request("POST", "batch", params={"transaction": "false"}, json_body=[])
                    self._batch_supported = True
                except ApiError as exc:
                    if exc.status in (404, 405):
                        self._batch_supported = False
                    else:
                        raise
            return self._batch_supported

    def batch(self, items: list[dict], transaction: bool = False) -> list[dict]:
        """``POST /batch?transaction=...`` (spec §9); returns the per-item results.

        Item paths may be given relative to ``/api/v1`` (``models/c_order``); ``v1/`` is added.
        With ``transaction=true`` a failed item makes the server answer 400 with the results so far;
        those results are returned too (inspect ``statusCode``).
        """
        body = [
            {**item, "path": item["path"] if str(item["path"]).startswith("v1/") else "v1/" + str(item["path"]).lstrip("/")}
            for item in items
        ]
        reply = self.sender.send("POST", "batch", params={"transaction": "true" if transaction else "false"},
                                 json_body=body)
        if reply.ok or (reply.status == 400 and isinstance(reply.body, list)):
            return list(reply.body) if isinstance(reply.body, list) else []
        raise self.sender.api_error(reply)

    def close(self) -> None:
        """Log out (best effort) and close the connection pool."""
        try:
            self.tokens.logout()
        finally:
            self.sender.close()

    def __enter__(self) -> IdempiereClient:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # ---- sending -------------------------------------------------------------------------------
    def request(self, method: str, path: str, *, params: dict[str, Any] | None = None,
                json_body: Any = None) -> Any:
        """Send an authenticated JSON request (see ``erp_http.sender``) and return the parsed 2xx body.

        Raises:
            ApiError, TransientError, AuthenticationError, ConfigurationError.
        """
        return self.sender.request(method, path, params=params, json_body=json_body)

    def _auth_transport(self, method: str, path: str, json_body: Any, params: dict[str, Any] | None,
                        bearer: str | None, retry: bool) -> Any:
        """Sender for ``TokenManager``: same pool and in-flight bound; auth calls are safe to resend
        (``idempotent``) unless ``retry`` is False (a single-use refresh token)."""
        options = RequestOptions(authenticated=False, retry=retry, idempotent=True, auth_request=True,
                                 headers={"Authorization": f"Bearer {bearer}"} if bearer else {})
        body = self.sender.request(method, path, params=params, json_body=json_body, options=options)
        return body if isinstance(body, dict) else {}
