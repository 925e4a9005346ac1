"""The one HTTP sender: bounded in-flight requests, retries with backoff, 401 generations, safe writes.

Decisions come from ``policy`` (pure, per-ERP data in a ``StatusPolicy``); this module acts on them:

* transient failures are retried with exponential backoff and jitter (``max_attempts`` attempts,
  ``backoff_base`` doubling up to ``backoff_cap``; a server's Retry-After is honoured within the cap),
  then ``TransientError`` — loud, never partial data;
* writes (POST/PUT/DELETE/PATCH) are resent only when the request never left (connect failure) or the
  answer says it was not processed (429); otherwise ``TransientError(maybe_committed=True)`` so the
  caller can prove by its own key whether it was applied;
* a 401 asks the ``Auth`` object for fresh credentials (once per generation) and resends; a 401 that
  survives ``MAX_AUTH_RECOVERIES`` renewals is an ``AuthenticationError``;
* every body is read in one call (``_read_body``) and parsed once.

Secrets: credential headers and the bodies of quiet paths (auth) are never logged or put in exceptions;
messages carry method, path (no query string), status, title and detail only.
"""
from __future__ import annotations

import logging
import os
import random
import threading
import time
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.exceptions import InsecureRequestWarning

from erp_http import json_codec
from erp_http.auth import Auth
from erp_http.errors import (
    ApiError,
    AuthenticationError,
    ConfigurationError,
    TransientError,
)
from erp_http.policy import (
    Action,
    Answer,
    Resolution,
    StatusPolicy,
    api_error,
    classify_exception,
    classify_response,
)

MAX_ATTEMPTS = 6
BACKOFF_BASE = 0.5
BACKOFF_CAP = 10.0
MAX_AUTH_RECOVERIES = 2  # renew (or wait for another thread's renewal), then an escalated renewal, then give up
WRITE_METHODS = frozenset({"POST", "PUT", "DELETE", "PATCH"})


@dataclass(frozen=True)
class RequestOptions:
    """How one request is sent (the defaults are a normal authenticated JSON call).

    Attributes:
        accept: the Accept header.
        as_text: return the 2xx body as text (not parsed as JSON).
        authenticated: take credentials from the ``Auth`` object on every attempt (and handle 401).
        retry: False sends once (e.g. a single-use refresh token, where a resend could be a replay).
        idempotent: a write that is safe to resend (auth calls); it is retried like a read.
        headers: extra headers (e.g. a pre-login bearer for auth calls); never logged.
    """

    accept: str = "application/json"
    as_text: bool = False
    authenticated: bool = True
    retry: bool = True
    idempotent: bool = False
    headers: Mapping[str, str] = field(default_factory=dict)


DEFAULT_OPTIONS = RequestOptions()


@dataclass(frozen=True)
class Reply:
    """A final answer: 2xx or an application error (the caller decides; ``Sender.request`` raises)."""

    status: int
    body: Any  # parsed JSON or None
    text: str  # the body as text for text requests and error answers, else ""
    answer: Answer = field(repr=False)

    @property
    def ok(self) -> bool:
        """2xx."""
        return 200 <= self.status < 300


class Sender:
    """Sends requests to ``api_url``; thread-safe; at most ``max_in_flight`` requests at once.

    Args:
        api_url: root the request paths are relative to.
        policy: what the ERP's answers mean.
        auth: credentials (None: every request is unauthenticated).
        max_in_flight: hard bound on concurrent requests (also sizes the connection pool).
        verify_tls: verify certificates (default on; off is logged once as a warning).
        timeout_seconds: read timeout; the connect timeout is ``min(10, timeout_seconds)``.
        server_label: how messages name the server (e.g. the configured base URL).
        logger: retry/auth events go here (never secrets).
        session: a ``requests.Session`` to use (tests); one is created otherwise.
        max_attempts, backoff_base, backoff_cap: retry policy.
        sleep: sleep function (tests pass one that records the delays).
    """

    def __init__(self, api_url: str, policy: StatusPolicy, auth: Auth | None = None, *, max_in_flight: int = 4,
                 verify_tls: bool = True, timeout_seconds: float = 60.0, server_label: str | None = None,
                 logger: logging.Logger | None = None, session: requests.Session | None = None,
                 max_attempts: int = MAX_ATTEMPTS, backoff_base: float = BACKOFF_BASE,
                 backoff_cap: float = BACKOFF_CAP, sleep: Callable[[float], None] = time.sleep):
        self.api_url = api_url.rstrip("/")
        self.policy = policy
        self.auth = auth
        self.server_label = server_label or self.api_url
        self.max_in_flight = max(1, int(max_in_flight))
        self.logger = logger or logging.getLogger("erp_http")
        if session is None:
            # Pool sized to the in-flight bound so no request waits for (or discards) a connection;
            # urllib3's own retries are off: this module owns the retry policy.
            session = requests.Session()
            adapter = HTTPAdapter(pool_connections=1, pool_maxsize=self.max_in_flight, max_retries=0)
            session.mount("http://", adapter)
            session.mount("https://", adapter)
            # Read proxy/CA settings from the environment once instead of per request (that lookup cost
            # ~3 ms per request), and keep ~/.netrc from replacing our credential header.
            session.proxies.update(requests.utils.get_environ_proxies(self.api_url))
            session.trust_env = False
        self.session = session
        self._verify: bool | str = verify_tls
        if verify_tls and not session.trust_env:
            self._verify = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or True
        if not verify_tls:
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
        self.timeout = (min(10.0, timeout_seconds), timeout_seconds)

    @property
    def stats(self) -> dict[str, int]:
        """Counters: requests (attempts sent), retries, reauths."""
        with self._stats_lock:
            return dict(self._stats)

    def close(self) -> None:
        """Close the connection pool (the auth object's session is ended by its owner)."""
        self.session.close()

    # ---- sending -------------------------------------------------------------------------------
    def request(self, method: str, path: str, *, params: dict[str, Any] | None = None, json_body: Any = None,
                options: RequestOptions = DEFAULT_OPTIONS) -> Any:
        """Send and return the parsed JSON (or the text, with ``options.as_text``) of a 2xx answer.

        Raises:
            ApiError, TransientError, AuthenticationError, ConfigurationError.
        """
        reply = self.send(method, path, params=params, json_body=json_body, options=options)
        if reply.ok:
            return reply.text if options.as_text else reply.body
        raise self.api_error(reply)

    def api_error(self, reply: Reply) -> ApiError:
        """The ``ApiError`` for a non-2xx reply (title/detail as the policy reads them)."""
        return api_error(self.policy, reply.answer)

    def send(self, method: str, path: str, *, params: dict[str, Any] | None = None, json_body: Any = None,
             options: RequestOptions = DEFAULT_OPTIONS) -> Reply:
        """Send with retries and 401 handling; return the final answer (2xx or application error)."""
        method = method.upper()
        path = path.lstrip("/")
        recoveries = 0
        while True:
            reply, generation = self._send_with_retries(method, path, params, json_body, options)
            if reply.status != 401 or not options.authenticated or self.auth is None:
                return reply
            if generation == self.auth.generation:
                recoveries += 1  # a 401 on credentials already replaced (slow retry, other thread) is not counted
            if recoveries > MAX_AUTH_RECOVERIES:
                raise AuthenticationError(
                    f"{method} {path}: HTTP 401 even after a fresh login. {self.policy.unauthorized_hint}")
            self._count("reauths")
            self.logger.info("%s %s: HTTP 401, renewing the token", method, path)
            self.auth.on_unauthorized(generation, recoveries > 1)

    def _send_with_retries(self, method: str, path: str, params: dict[str, Any] | None, json_body: Any,
                           options: RequestOptions) -> tuple[Reply, int]:
        """Return ``(final reply, credential generation)``; credentials are applied afresh for every attempt,
        so a retry after a long backoff does not resend a token that expired meanwhile."""
        is_write = method in WRITE_METHODS and not options.idempotent
        url = f"{self.api_url}/{path}"
        headers = {"Accept": options.accept, **options.headers}
        data = None
        if json_body is not None:
            data = json_codec.dumps(json_body)
            headers["Content-Type"] = "application/json"
        attempt = 0
        generation = -1
        while True:
            attempt += 1
            if options.authenticated and self.auth is not None:
                generation = self.auth.apply(headers)
            try:
                response = self._send_once(method, url, params, data, headers)
            except requests.RequestException as exc:
                resolution = classify_exception(exc)
                if resolution is None:
                    raise TransientError(f"{method} {path}: {type(exc).__name__}", attempts=attempt) from None
                if resolution.action is Action.FAIL:
                    raise ConfigurationError(
                        f"TLS error talking to {self.server_label}: check the certificate or set verify_tls to false."
                    ) from None
                self._retry_or_raise(method, path, attempt, resolution, is_write, options.retry, None)
                continue
            self._ever_answered = True
            status = response.status_code
            ok = 200 <= status < 300
            answer = Answer(method, path, status,
                            body=None if (options.as_text and ok) else json_codec.loads_or_none(response.content),
                            content=response.content, headers=response.headers,
                            text=response.text if (options.as_text or not ok) else "",
                            as_text=options.as_text, is_write=is_write)
            resolution = classify_response(self.policy, answer)
            if resolution.action is Action.RETRY:
                self._retry_or_raise(method, path, attempt, resolution, is_write, options.retry, status)
                continue
            return Reply(status, answer.body, answer.text, answer), generation

    def _retry_or_raise(self, method: str, path: str, attempt: int, resolution: Resolution, is_write: bool,
                        retry: bool, status: int | None) -> None:
        reason, sent = resolution.reason, resolution.sent
        if is_write and sent:
            raise TransientError(
                f"{method} {path}: {reason}; the write may have been applied, not retrying blindly",
                maybe_committed=True, status=status, attempts=attempt)
        if not retry or attempt >= self.max_attempts:
            if status is None and not sent and not self._ever_answered:
                raise ConfigurationError(
                    f"Cannot connect to {self.server_label} ({reason} after {attempt} attempts): check base_url "
                    f"and that the server is reachable.")
            raise TransientError(f"{method} {path}: {reason}; giving up after {attempt} attempts",
                                 maybe_committed=False, status=status, attempts=attempt)
        delay = backoff_delay(attempt, self.backoff_base, self.backoff_cap, resolution.retry_after)
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


def backoff_delay(attempt: int, base: float, cap: float, retry_after: float | None = None) -> float:
    """Delay before retry number ``attempt``: ``base * 2**(attempt-1)`` capped, half of it jittered;
    at least the server's ``retry_after`` (itself capped, so a huge value cannot stall a sync)."""
    delay: float = min(cap, base * (2 ** (attempt - 1)))
    delay = delay / 2 + random.uniform(0, delay / 2)
    if retry_after is not None:
        delay = max(delay, min(retry_after, cap))
    return delay


def _read_body(response: requests.Response) -> None:
    """Read the whole body in one call and hand it to ``response.content``.

    ``requests`` reads a body in 10 KB chunks through a generator: for a 311 KB page that costs ~0.7 ms
    more CPU than one ``read()`` (~7 µs per record, about a tenth of the source's CPU per record; issue 6).
    Errors become the exceptions ``Response.content`` raises, so ``policy`` sees the same types; a body
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
