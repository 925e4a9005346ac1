"""What to do with an answer or a transport failure: pure decisions, acted on only by ``sender.py``.

The engine knows what holds for every HTTP API: 2xx is success (unless a read's body is not JSON), 401
means "re-authenticate", a transport failure is transient, and ``sent=False`` only when the request
certainly never reached the server. What differs per ERP is data in a ``StatusPolicy``: which statuses
and bodies are transient, which answers are final although they look transient, how an error body reads
as (title, detail), and where the server says how long to wait (Retry-After, X-RateLimit-Reset, ...).
"""
from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import requests
from urllib3.exceptions import ConnectTimeoutError, MaxRetryError, NewConnectionError

from erp_http.errors import ApiError


class Action(enum.Enum):
    """What the sender does next."""

    SUCCESS = "success"
    RETRY = "retry"  # transient: back off and try again (reads; writes only if never sent)
    REAUTH = "reauth"  # 401: ask the auth object for fresh credentials, then resend
    FAIL = "fail"  # application error -> ApiError (or, for transport, a configuration error)


@dataclass(frozen=True)
class Resolution:
    """A decision: ``sent=False`` when the request certainly never reached the server (safe to resend a write)."""

    action: Action
    reason: str
    sent: bool = True
    retry_after: float | None = None  # seconds the server asked us to wait (None: our own backoff)


@dataclass(frozen=True)
class Answer:
    """One HTTP answer as the policy sees it (the body already read once and parsed if JSON)."""

    method: str
    path: str
    status: int
    body: Any  # parsed JSON, or None (empty, not JSON, or a text request's 2xx)
    content: bytes
    headers: Mapping[str, str]
    text: str = ""  # decoded body, filled for text requests and error answers
    as_text: bool = False  # the caller asked for text (e.g. YAML), not JSON
    is_write: bool = False  # a non-idempotent write (its 2xx is final whatever the body)


def title_detail(body: Any) -> tuple[str | None, str | None]:
    """Read ``{"title", "detail"}`` (RFC 7807 style); fall back to ``message``/``error`` as the detail."""
    if not isinstance(body, dict):
        return None, None
    title, detail = body.get("title"), body.get("detail")
    if title is None and detail is None:
        detail = body.get("message") or body.get("error")
    return (None if title is None else str(title)), (None if detail is None else str(detail))


def retry_after_from(*header_names: str) -> Callable[[Mapping[str, str]], float | None]:
    """A reader of "seconds to wait" from the first of ``header_names`` that holds a number."""
    def read(headers: Mapping[str, str]) -> float | None:
        for name in header_names:
            value = headers.get(name)
            if value:
                try:
                    return max(0.0, float(value))
                except ValueError:
                    continue
        return None
    return read


def _never(answer: Answer) -> bool:
    return False


# 429 means "not processed" (like 503 it is safe to resend, even a write); 408/502/503/504 may come from
# a proxy after the application already acted.
DEFAULT_TRANSIENT_STATUS: Mapping[int, str] = {
    408: "request timeout",
    429: "rate limited",
    502: "bad gateway",
    503: "service unavailable",
    504: "gateway timeout",
}


@dataclass(frozen=True)
class StatusPolicy:
    """What one ERP's answers mean. Every field has a default that is right for a plain REST server.

    Attributes:
        transient_status: status -> reason; always retried (with ``retry_after`` honoured).
        not_processed_status: statuses that prove the request was not processed (writes may be resent).
        transient_error_body: for a 5xx with a JSON body: True if it is transient (e.g. a deadlock) rather
            than an application error. A 5xx without a JSON body is always transient (container/proxy page).
        final_answer: answers that are final although they look transient (an ERP quirk), -> FAIL.
        parse_error: error body -> (title, detail).
        retry_after: response headers -> seconds the server asked us to wait, or None.
        quiet_path_prefixes: paths whose non-JSON error bodies are never echoed (auth endpoints).
        unauthorized_hint: appended to the AuthenticationError raised when fresh credentials still get 401.
        api_name: what answers at the configured URL, in the ERP's words ("iDempiere REST API"), for the
            error that says none does (``ApiNotFound``).
        api_url_hint: how to fix that URL, in the ERP's words.
    """

    transient_status: Mapping[int, str] = field(default_factory=lambda: dict(DEFAULT_TRANSIENT_STATUS))
    not_processed_status: frozenset[int] = frozenset({429})
    transient_error_body: Callable[[Answer], bool] = _never
    final_answer: Callable[[Answer], bool] = _never
    parse_error: Callable[[Any], tuple[str | None, str | None]] = title_detail
    retry_after: Callable[[Mapping[str, str]], float | None] = retry_after_from("Retry-After")
    quiet_path_prefixes: tuple[str, ...] = ()
    unauthorized_hint: str = "The credentials may lack access to this resource."
    api_name: str = "REST API"
    api_url_hint: str = "Check the server URL."


def classify_response(policy: StatusPolicy, answer: Answer) -> Resolution:
    """Decide what to do with ``answer`` under ``policy``."""
    status = answer.status
    if 200 <= status < 300:
        if not answer.as_text and answer.body is None and answer.content and not answer.is_write:
            # A 2xx that is not JSON (proxy page, truncated body) must never pass for "no records".
            return Resolution(Action.RETRY, f"HTTP {status} with a non-JSON body",
                              retry_after=policy.retry_after(answer.headers))
        return Resolution(Action.SUCCESS, "ok")
    if status == 401:
        return Resolution(Action.REAUTH, "unauthorized")
    if policy.final_answer(answer):
        return Resolution(Action.FAIL, f"HTTP {status}")
    if status in policy.transient_status:
        return Resolution(Action.RETRY, f"HTTP {status} {policy.transient_status[status]}",
                          sent=status not in policy.not_processed_status,
                          retry_after=policy.retry_after(answer.headers))
    if status >= 500:
        if not isinstance(answer.body, (dict, list)):
            # Container/proxy HTML page or empty body: the server failed, not the application.
            return Resolution(Action.RETRY, f"HTTP {status} with a non-JSON body",
                              retry_after=policy.retry_after(answer.headers))
        if policy.transient_error_body(answer):
            title, detail = policy.parse_error(answer.body)
            return Resolution(Action.RETRY, f"HTTP {status} {title or detail or 'transient server error'}",
                              retry_after=policy.retry_after(answer.headers))
    return Resolution(Action.FAIL, f"HTTP {status}")


_EXCERPT = 200


def api_error(policy: StatusPolicy, answer: Answer) -> ApiError:
    """The ``ApiError`` for a final error answer: the ERP's (title, detail), or an excerpt of another body."""
    if isinstance(answer.body, dict):
        title, detail = policy.parse_error(answer.body)
        return ApiError(answer.status, title, detail, answer.method, answer.path)
    if policy.quiet_path_prefixes and answer.path.startswith(policy.quiet_path_prefixes):
        return ApiError(answer.status, None, None, answer.method, answer.path)  # never echo auth bodies
    text = (answer.text or "").strip()
    return ApiError(answer.status, None, text[:_EXCERPT] if text else None, answer.method, answer.path)


# What OpenSSL says when the other end answers a TLS hello with plain HTTP (1.1/3.0, 3.2+, LibreSSL).
PLAIN_HTTP_MARKERS = ("wrong version number", "record layer failure", "packet length too long", "unknown protocol",
                      "http request", "wrong_version_number")
NOT_TLS = "the server does not speak TLS on that port"
CERTIFICATE_FAILED = "the TLS certificate could not be verified"


def _connect_failure(exc: BaseException) -> bool:
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return True
    reason = exc.args[0] if exc.args else None
    if isinstance(reason, MaxRetryError):
        reason = reason.reason
    return isinstance(reason, (NewConnectionError, ConnectTimeoutError))


def classify_exception(exc: BaseException) -> Resolution | None:
    """Resolution for a transport exception, or None when it is not a transport failure.

    ``sent=False`` only when the TCP connection was never established (refused, DNS, connect
    timeout): only then may a write be retried safely. A certificate/hostname failure is FAIL (config), and so
    is plain HTTP answering a TLS hello (``https://`` to an http port): reason ``NOT_TLS``, whatever
    certificate verification is set to.
    """
    if isinstance(exc, requests.exceptions.SSLError):
        text = str(exc).lower()
        if any(marker in text for marker in PLAIN_HTTP_MARKERS):
            return Resolution(Action.FAIL, NOT_TLS, sent=False)
        if "certificate" in text or "hostname" in text:
            return Resolution(Action.FAIL, CERTIFICATE_FAILED, sent=False)
        # e.g. SSLEOFError from a flaky proxy: transient, and it may have happened after sending.
        return Resolution(Action.RETRY, "TLS connection dropped")
    if isinstance(exc, (requests.exceptions.ConnectionError, requests.exceptions.Timeout)):
        if _connect_failure(exc):
            return Resolution(Action.RETRY, "connection failed", sent=False)
        if isinstance(exc, requests.exceptions.Timeout):
            return Resolution(Action.RETRY, "read timeout")
        return Resolution(Action.RETRY, "connection dropped")
    if isinstance(exc, requests.exceptions.ChunkedEncodingError):
        return Resolution(Action.RETRY, "response truncated")
    return None
