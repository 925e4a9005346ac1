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
* every body is read in one call (``wire.read_body``) and parsed once;
* redirects are never followed with credentials (``redirects``: a ``RedirectRefused`` naming the target);
* a server that cannot be reached is a ``TransientError`` (it may come back), ``https://`` to a plain-HTTP
  port says so, and an answer that shows no API of the ERP at the URL (404/405 or an HTML 2xx to the
  first call or a login) is ``ApiNotFound`` naming the URL tried.

Secrets: credential headers and the bodies of quiet paths (auth) are never logged or put in exceptions;
messages carry method, path (no query string), status, title and detail only, and an error answer is
masked of every credential the request carried (headers, password-like fields of an auth body) before
anyone reads it, so a server that echoes the request cannot put a password into a message.
"""
from __future__ import annotations

import logging
import random
import threading
import time
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import requests
from urllib3.exceptions import InsecureRequestWarning

from erp_http import json_codec
from erp_http.auth import Auth
from erp_http.errors import (
    ApiError,
    ApiNotFound,
    AuthenticationError,
    ConfigurationError,
    TransientError,
)
from erp_http.policy import (
    NOT_TLS,
    Action,
    Answer,
    Resolution,
    StatusPolicy,
    api_error,
    classify_exception,
    classify_response,
)
from erp_http.redirects import redirect_target
from erp_http.secrets import SecretMasker, credential_values, shown_url
from erp_http.wire import pooled_session, read_body, tls_verify

MAX_ATTEMPTS = 6
BACKOFF_BASE = 0.5
BACKOFF_CAP = 10.0
MAX_AUTH_RECOVERIES = 2  # renew (or wait for another thread's renewal), then an escalated renewal, then give up
WRITE_METHODS = frozenset({"POST", "PUT", "DELETE", "PATCH"})
_PLAIN_HEADERS = frozenset({"Accept", "Content-Type"})


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
        auth_request: a login, refresh or logout call: never redirected, and a 404/405 or an HTML answer
            means no API answers at the configured URL (``ApiNotFound``).
        timeout_seconds: this request's read timeout instead of the sender's (e.g. a call that runs a long
            server-side job before it answers); None keeps the sender's.
    """

    accept: str = "application/json"
    as_text: bool = False
    authenticated: bool = True
    retry: bool = True
    idempotent: bool = False
    headers: Mapping[str, str] = field(default_factory=dict)
    auth_request: bool = False
    timeout_seconds: float | None = None


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
        self.session = session if session is not None else pooled_session(self.api_url, self.max_in_flight)
        self._verify = tls_verify(verify_tls, self.session)
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
        self._api_seen = False  # some answer had a JSON body: an API of some kind lives at this URL
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
                options: RequestOptions = DEFAULT_OPTIONS, form_body: Mapping[str, str] | None = None) -> Any:
        """Send and return the parsed JSON (or the text, with ``options.as_text``) of a 2xx answer.

        Raises:
            ApiError, TransientError, AuthenticationError, ConfigurationError.
        """
        reply = self.send(method, path, params=params, json_body=json_body, options=options, form_body=form_body)
        if reply.ok:
            return reply.text if options.as_text else reply.body
        raise self.api_error(reply)

    def api_error(self, reply: Reply) -> ApiError:
        """The ``ApiError`` for a non-2xx reply (title/detail as the policy reads them)."""
        return api_error(self.policy, reply.answer)

    def send(self, method: str, path: str, *, params: dict[str, Any] | None = None, json_body: Any = None,
             options: RequestOptions = DEFAULT_OPTIONS, form_body: Mapping[str, str] | None = None) -> Reply:
        """Send with retries and 401 handling; return the final answer (2xx or application error).

        ``form_body`` sends a form-encoded body instead of JSON (e.g. an OAuth2 token endpoint).
        """
        method = method.upper()
        path = path.lstrip("/")
        recoveries = 0
        while True:
            reply, generation = self._send_with_retries(method, path, params, json_body, options, form_body)
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
                           options: RequestOptions, form_body: Mapping[str, str] | None = None) -> tuple[Reply, int]:
        """Return ``(final reply, credential generation)``; credentials are applied afresh for every attempt,
        so a retry after a long backoff does not resend a token that expired meanwhile."""
        is_write = method in WRITE_METHODS and not options.idempotent
        url = f"{self.api_url}/{path}"
        headers = {"Accept": options.accept, **options.headers}
        data = None
        if json_body is not None:
            data = json_codec.dumps(json_body)
            headers["Content-Type"] = "application/json"
        elif form_body is not None:
            data = urlencode(form_body).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            json_body = dict(form_body)  # what _mask_sent looks through
        attempt = 0
        redirects = 0
        generation = -1
        while True:
            attempt += 1
            if options.authenticated and self.auth is not None:
                generation = self.auth.apply(headers)
            try:
                response = self._send_once(method, url, params, data, headers, options.timeout_seconds)
            except requests.RequestException as exc:
                resolution = classify_exception(exc)
                if resolution is None:
                    raise TransientError(f"{method} {path}: {type(exc).__name__}", attempts=attempt) from None
                if resolution.action is Action.FAIL:
                    raise self._tls_error(resolution) from None
                self._retry_or_raise(method, path, attempt, resolution, is_write, options.retry, None)
                continue
            self._ever_answered = True
            if response.is_redirect:
                url = redirect_target(method, path, url, response.headers["location"], auth_request=options.auth_request,
                                      redirects=redirects, server_label=self.server_label)
                self.logger.info("%s %s: redirected to %s", method, path, shown_url(url))
                params = None  # the Location carries the query string the server wants
                redirects += 1
                attempt -= 1  # a followed redirect is not a failed attempt
                continue
            status = response.status_code
            ok = 200 <= status < 300
            body = None if (options.as_text and ok) else json_codec.loads_or_none(response.content)
            text = response.text if (options.as_text or not ok) else ""
            if not ok:
                body, text = self._mask_sent(body, text, headers, json_body, options)
            answer = Answer(method, path, status, body=body, content=response.content, headers=response.headers,
                            text=text, as_text=options.as_text, is_write=is_write)
            self._check_api_present(answer, url, options)
            resolution = classify_response(self.policy, answer)
            if resolution.action is Action.RETRY:
                self._retry_or_raise(method, path, attempt, resolution, is_write, options.retry, status)
                continue
            return Reply(status, answer.body, answer.text, answer), generation

    def _check_api_present(self, answer: Answer, url: str, options: RequestOptions) -> None:
        """``ApiNotFound`` when the answer shows that no API of this ERP lives at the URL tried.

        A login (``auth_request``) always reaches an existing endpoint on a right URL, so a 404/405 or a
        2xx that is not JSON there means a wrong URL. For other calls only a GET answered 404/405 without a
        JSON body before any JSON answer came back says so (a web server's page, not the API's own "not
        found"; a POST to an optional endpoint, e.g. a batch endpoint an older server lacks, proves nothing).
        """
        is_json = isinstance(answer.body, (dict, list))
        if is_json or (answer.as_text and 200 <= answer.status < 300):  # JSON, or the text a request asked for
            self._api_seen = True
        missing_status = answer.status in (404, 405)
        non_json_2xx = 200 <= answer.status < 300 and not is_json and not answer.as_text and bool(answer.content)
        if options.auth_request and (missing_status or non_json_2xx):
            pass
        elif not (answer.method == "GET" and missing_status and not is_json and not self._api_seen):
            return
        kind = "an HTML page" if b"<html" in answer.content[:512].lower() else "no JSON"
        what = f"HTTP {answer.status}" if missing_status else f"HTTP {answer.status} with {kind}"
        raise ApiNotFound(self.policy.api_name, shown_url(url), what, self.policy.api_url_hint)

    @staticmethod
    def _mask_sent(body: Any, text: str, headers: Mapping[str, str], json_body: Any,
                   options: RequestOptions) -> tuple[Any, str]:
        """An error answer without the credentials this request carried (a server may echo the request)."""
        sent = [value for name, value in headers.items() if name not in _PLAIN_HEADERS]
        sent += [value.split(" ", 1)[1] for value in list(sent) if " " in value]  # "Bearer <token>" -> the token
        if options.auth_request:
            sent += credential_values(json_body)
        masker = SecretMasker(sent)
        if not masker:
            return body, text
        return masker.mask_value(body), masker.mask(text)

    def _tls_error(self, resolution: Resolution) -> ConfigurationError:
        if resolution.reason == NOT_TLS:
            return ConfigurationError(
                f"TLS error talking to {self.server_label}: the server does not speak TLS on that port (it answers "
                f"plain HTTP). Use an http:// URL, or the port where the server serves https.")
        return ConfigurationError(
            f"TLS error talking to {self.server_label}: {resolution.reason}. Check the certificate (or point "
            f"REQUESTS_CA_BUNDLE at your CA bundle), or set verify_tls to false.")

    def _retry_or_raise(self, method: str, path: str, attempt: int, resolution: Resolution, is_write: bool,
                        retry: bool, status: int | None) -> None:
        reason, sent = resolution.reason, resolution.sent
        if is_write and sent:
            raise TransientError(
                f"{method} {path}: {reason}; the write may have been applied, not retrying blindly",
                maybe_committed=True, status=status, attempts=attempt)
        if not retry or attempt >= self.max_attempts:
            if status is None and not sent and not self._ever_answered:
                # Down or unreachable is transient (the server may come back), but say what to check.
                raise TransientError(
                    f"Cannot connect to {self.server_label} ({reason} after {attempt} attempts): the server is "
                    f"down or unreachable. Check {self.policy.url_field or 'the URL'} and that the server is running.",
                    maybe_committed=False, status=None, attempts=attempt)
            raise TransientError(f"{method} {path}: {reason}; giving up after {attempt} attempts",
                                 maybe_committed=False, status=status, attempts=attempt)
        delay = backoff_delay(attempt, self.backoff_base, self.backoff_cap, resolution.retry_after)
        self._count("retries")
        self.logger.warning("%s %s: %s; retry %d/%d in %.1fs", method, path, reason, attempt,
                            self.max_attempts - 1, delay)
        self._sleep(delay)

    def _send_once(self, method: str, url: str, params: dict[str, Any] | None, data: bytes | None,
                   headers: dict[str, str], read_timeout: float | None = None) -> requests.Response:
        timeout = self.timeout if read_timeout is None else (self.timeout[0], read_timeout)
        with self._slots:
            with self._stats_lock:
                self._in_flight += 1
                self.peak_in_flight = max(self.peak_in_flight, self._in_flight)
                self._stats["requests"] += 1
            try:
                response = self.session.request(method, url, params=params, data=data, headers=headers,
                                                timeout=timeout, verify=self._verify, stream=True,
                                                allow_redirects=False)  # followed (or refused) by the caller
                read_body(response)
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
