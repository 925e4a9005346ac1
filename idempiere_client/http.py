"""The only code that sends HTTP: bounded in-flight requests, retries with backoff, 401 handling.

Decisions come from ``error_policy`` (pure); this module acts on them:

* transient failures are retried with exponential backoff and jitter (``MAX_ATTEMPTS`` attempts,
  ``BACKOFF_BASE`` doubling up to ``BACKOFF_CAP``), then ``TransientError`` — loud, never partial data;
* writes (POST/PUT/DELETE) are retried only when the request never left (connect failure) or the
  answer says it was not processed (429); otherwise ``TransientError(maybe_committed=True)`` so the
  destination can check by ``<Table>_UU`` first (spec §12);
* a 401 renews the token (refresh, else login; once per token generation) and resends; a 401 that
  survives a fresh login is an ``AuthenticationError``;
* JSON error bodies become ``ApiError`` (never retried); 403 stays an ``ApiError`` with status 403.

Secrets: the Authorization header and the bodies of ``auth/*`` calls are never logged or put in
exceptions; messages carry method, path (no query string), status, title and detail only.
"""
from __future__ import annotations

import json
import logging
import os
import random
import threading
import time
import warnings
from collections.abc import Callable
from typing import Any

import requests
from requests.adapters import HTTPAdapter
import urllib3
from urllib3.exceptions import InsecureRequestWarning

from idempiere_client.auth import TokenManager
from idempiere_client.config import ConnectionConfig
from idempiere_client.error_policy import Action, Resolution, classify_exception, classify_response
from idempiere_client.errors import ApiError, AuthenticationError, ConfigurationError, TransientError
from idempiere_client.paging import Page

try:  # a dependency of airbyte-cdk; several times faster than json on large pages
    import orjson

    def _loads(data: bytes) -> Any:
        return orjson.loads(data)

    def _dumps(obj: Any) -> bytes:
        return orjson.dumps(obj, default=_default)
except ImportError:  # pragma: no cover - exercised only without orjson
    orjson = None

    def _loads(data: bytes) -> Any:
        return json.loads(data)

    def _dumps(obj: Any) -> bytes:
        return json.dumps(obj, default=_default, separators=(",", ":")).encode("utf-8")


def _default(obj: Any) -> Any:
    from decimal import Decimal

    if isinstance(obj, Decimal):
        return str(obj)  # BigDecimal-friendly and exact (spec §7.1 accepts numeric strings)
    raise TypeError(f"cannot serialise {type(obj).__name__} to JSON")


MAX_ATTEMPTS = 6
BACKOFF_BASE = 0.5
BACKOFF_CAP = 10.0
MAX_AUTH_RECOVERIES = 2  # refresh (or wait for another thread's), then a forced login, then give up
WRITE_METHODS = frozenset({"POST", "PUT", "DELETE", "PATCH"})
_EXCERPT = 200


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
        self.max_in_flight = max(1, int(max_in_flight))
        self.logger = logger or logging.getLogger("idempiere_client")
        if session is None:
            # Pool sized to the in-flight bound so no request waits for (or discards) a connection;
            # urllib3's own retries are off: this module owns the retry policy.
            session = requests.Session()
            adapter = HTTPAdapter(pool_connections=1, pool_maxsize=self.max_in_flight, max_retries=0)
            session.mount("http://", adapter)
            session.mount("https://", adapter)
            # Read proxy/CA settings from the environment once instead of per request (that lookup cost
            # ~3 ms per request), and keep ~/.netrc from replacing our bearer header.
            session.proxies.update(requests.utils.get_environ_proxies(cfg.api_url))
            session.trust_env = False
        self.session = session
        self._verify: bool | str = cfg.verify_tls
        if cfg.verify_tls and not session.trust_env:
            self._verify = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or True
        if not cfg.verify_tls:
            # Said once here instead of one urllib3 warning per request.
            warnings.filterwarnings("ignore", category=InsecureRequestWarning)
            self.logger.warning("TLS certificate verification is disabled (verify_tls=false)")
        self.max_attempts = max(1, max_attempts)
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self._sleep = sleep
        self._slots = threading.BoundedSemaphore(self.max_in_flight)
        self._stats_lock = threading.Lock()
        self._stats = {"requests": 0, "retries": 0, "reauths": 0}
        self._in_flight = 0
        self.peak_in_flight = 0
        self._ever_answered = False
        self._batch_supported: bool | None = None
        self._batch_lock = threading.Lock()
        self.tokens = TokenManager(cfg, self._auth_transport, self.logger)
        self.timeout = (min(10.0, cfg.request_timeout_seconds), cfg.request_timeout_seconds)

    # ---- public helpers ------------------------------------------------------------------------
    @property
    def stats(self) -> dict[str, int]:
        """Counters: requests, retries, refreshes, logins (and reauths, refresh_failures)."""
        with self._stats_lock:
            out = dict(self._stats)
        out.update(self.tokens.stats)
        return out

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
        if not orderby:
            raise ValueError("get_page needs an explicit $orderby (the server has no default order, spec §3.5)")
        params: dict[str, Any] = {"$orderby": orderby, "$top": int(top)}
        if filter:
            params["$filter"] = filter
        if select:
            params["$select"] = select
        if skip:
            params["$skip"] = int(skip)
        path = f"models/{table.lower()}"
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
        return self.request("GET", f"models/{table.lower()}/yaml", accept="application/yaml", as_text=True)

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
        result = self.request("POST", "batch", params={"transaction": "true" if transaction else "false"},
                              json_body=body, accept_list_on_400=True)
        return list(result) if isinstance(result, list) else []

    def close(self) -> None:
        """Log out (best effort) and close the connection pool."""
        try:
            self.tokens.logout()
        finally:
            self.session.close()

    def __enter__(self) -> IdempiereClient:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # ---- sending -------------------------------------------------------------------------------
    def request(self, method: str, path: str, *, params: dict[str, Any] | None = None, json_body: Any = None,
                accept: str = "application/json", as_text: bool = False, accept_list_on_400: bool = False) -> Any:
        """Send an authenticated request with the retry/refresh policy of the module docstring.

        Raises:
            ApiError, TransientError, AuthenticationError, ConfigurationError.
        """
        method = method.upper()
        path = path.lstrip("/")
        recoveries = 0
        while True:
            status, body, content, generation = self._send_with_retries(
                method, path, params=params, json_body=json_body, bearer=None, accept=accept, as_text=as_text,
                authenticated=True)
            if status == 401:
                if generation == self.tokens.generation:
                    recoveries += 1  # a 401 on a token already replaced (slow retry, other thread) is not counted
                if recoveries > MAX_AUTH_RECOVERIES:
                    raise AuthenticationError(
                        f"{method} {path}: HTTP 401 even after a fresh login. The role may lack REST access to "
                        f"this resource (REST_Resource_Access), or the session is being revoked."
                    )
                self._count("reauths")
                self.logger.info("%s %s: HTTP 401, renewing the token", method, path)
                self.tokens.on_unauthorized(generation, force_login=recoveries > 1)
                continue
            if accept_list_on_400 and status == 400 and isinstance(body, list):
                return body
            if 200 <= status < 300:
                return content if as_text else body
            raise _api_error(status, body, content, method, path)

    def _auth_transport(self, method: str, path: str, json_body: Any, params: dict[str, Any] | None,
                        bearer: str | None, retry: bool) -> Any:
        """Sender for ``TokenManager``: same pool and in-flight bound; auth bodies are never logged."""
        status, body, content, _ = self._send_with_retries(
            method, path, params=params, json_body=json_body, bearer=bearer, retry=retry, idempotent=True)
        if 200 <= status < 300:
            return body if isinstance(body, dict) else {}
        raise _api_error(status, body, content, method, path)

    def _send_with_retries(self, method: str, path: str, *, params: dict[str, Any] | None, json_body: Any,
                           bearer: str | None, accept: str = "application/json", as_text: bool = False,
                           retry: bool = True, idempotent: bool = False,
                           authenticated: bool = False) -> tuple[int, Any, str, int]:
        """Return ``(status, JSON or None, text, token generation)`` for a final answer (2xx, 401, app error).

        With ``authenticated`` the token is taken afresh for every attempt, so a retry after a long
        backoff does not resend a token that expired meanwhile.
        """
        is_write = method in WRITE_METHODS and not idempotent
        url = f"{self.cfg.api_url}/{path}"
        headers = {"Accept": accept}
        if bearer:
            headers["Authorization"] = f"Bearer {bearer}"
        data = None
        if json_body is not None:
            data = _dumps(json_body)
            headers["Content-Type"] = "application/json"
        attempt = 0
        generation = -1
        while True:
            attempt += 1
            if authenticated:
                token, generation = self.tokens.current()
                headers["Authorization"] = f"Bearer {token}"
            try:
                response = self._send_once(method, url, params, data, headers)
            except requests.RequestException as exc:
                resolution = classify_exception(exc)
                if resolution is None:
                    raise TransientError(f"{method} {path}: {type(exc).__name__}", attempts=attempt) from None
                if resolution.action is Action.FAIL:
                    raise ConfigurationError(
                        f"TLS error talking to {self.cfg.base_url}: check the certificate or set verify_tls to false."
                    ) from None
                self._retry_or_raise(method, path, attempt, resolution.reason, resolution.sent, is_write, retry, None)
                continue
            self._ever_answered = True
            status = response.status_code
            ok = 200 <= status < 300
            content = response.text if (as_text or not ok) else ""
            body = None if (as_text and ok) else _parse_json(response.content)
            resolution = classify_response(status, isinstance(body, (dict, list)))
            if ok and not as_text and body is None and response.content and not is_write:
                # A 2xx that is not JSON (proxy page, truncated body) must never pass for "no records".
                resolution = Resolution(Action.RETRY, f"HTTP {status} with a non-JSON body")
            if resolution.action is Action.RETRY:
                if as_text and status == 500 and not response.content:
                    return status, body, content, generation  # /yaml of an unknown/denied table: empty 500 (§2.4)
                retry_after = _retry_after(response)
                self._retry_or_raise(method, path, attempt, resolution.reason, resolution.sent, is_write, retry,
                                     status, retry_after)
                continue
            return status, body, content, generation

    def _retry_or_raise(self, method: str, path: str, attempt: int, reason: str, sent: bool, is_write: bool,
                        retry: bool, status: int | None, retry_after: float | None = None) -> None:
        if is_write and sent:
            raise TransientError(
                f"{method} {path}: {reason}; the write may have been applied, not retrying blindly",
                maybe_committed=True, status=status, attempts=attempt)
        if not retry or attempt >= self.max_attempts:
            if status is None and not sent and not self._ever_answered:
                raise ConfigurationError(
                    f"Cannot connect to {self.cfg.base_url} ({reason} after {attempt} attempts): check base_url "
                    f"and that the server is reachable.")
            raise TransientError(f"{method} {path}: {reason}; giving up after {attempt} attempts",
                                 maybe_committed=False, status=status, attempts=attempt)
        delay = min(self.backoff_cap, self.backoff_base * (2 ** (attempt - 1)))
        delay = delay / 2 + random.uniform(0, delay / 2)
        if retry_after is not None:
            delay = max(delay, min(retry_after, self.backoff_cap))
        self._count("retries")
        self.logger.warning("%s %s: %s; retry %d/%d in %.1fs", method, path, reason, attempt,
                            self.max_attempts - 1, delay)
        self._sleep(delay)

    def _send_once(self, method: str, url: str, params: dict[str, Any] | None, data: bytes | None,
                   headers: dict[str, str]) -> requests.Response:
        with self._slots:
            with self._stats_lock:
                self._in_flight += 1
                self.peak_in_flight = max(self.peak_in_flight, self._in_flight)
                self._stats["requests"] += 1
            try:
                response = self.session.request(method, url, params=params, data=data, headers=headers,
                                                timeout=self.timeout, verify=self._verify, stream=True)
                _read_body(response)
                return response
            finally:
                with self._stats_lock:
                    self._in_flight -= 1

    def _count(self, key: str) -> None:
        with self._stats_lock:
            self._stats[key] = self._stats.get(key, 0) + 1


def _read_body(response: requests.Response) -> None:
    """Read the whole body in one call and hand it to ``response.content``.

    ``requests`` reads a body in 10 KB chunks through a generator: for a 311 KB page that costs ~0.7 ms
    more CPU than one ``read()`` (~7 µs per record, about a tenth of the source's CPU per record; issue 6).
    Errors become the exceptions ``Response.content`` raises, so ``error_policy`` sees the same types; a body
    shorter than its Content-Length raises (urllib3 enforces it), it is never passed on truncated.
    """
    raw = response.raw
    if raw is None or response._content_consumed:  # a body already in hand (adapters, test doubles)
        return
    try:
        response._content = raw.read(decode_content=True) or b""  # what Response.content caches
    except urllib3.exceptions.ProtocolError as exc:  # includes IncompleteRead
        raise requests.exceptions.ChunkedEncodingError(exc) from None
    except urllib3.exceptions.DecodeError as exc:
        raise requests.exceptions.ContentDecodingError(exc) from None
    except urllib3.exceptions.ReadTimeoutError as exc:
        raise requests.exceptions.ConnectionError(exc) from None
    except urllib3.exceptions.SSLError as exc:
        raise requests.exceptions.SSLError(exc) from None
    finally:
        response._content_consumed = True
    raw.release_conn()  # keep-alive: the connection goes back to the pool


def _parse_json(content: bytes) -> Any:
    if not content:
        return None
    try:
        return _loads(content)
    except ValueError:
        return None


def _retry_after(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After")
    try:
        return float(value) if value else None
    except ValueError:
        return None


def _api_error(status: int, body: Any, content: str, method: str, path: str) -> ApiError:
    """Build an ApiError from the plugin's error shape (§8) or an excerpt of another body."""
    if isinstance(body, dict):
        title = body.get("title")
        detail = body.get("detail")
        if title is None and detail is None:
            detail = body.get("message") or body.get("error")
        return ApiError(status, None if title is None else str(title), None if detail is None else str(detail), method, path)
    if path.startswith("auth/"):
        return ApiError(status, None, None, method, path)  # never echo auth bodies
    text = (content or "").strip()
    return ApiError(status, None, text[:_EXCERPT] if text else None, method, path)
