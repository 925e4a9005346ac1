"""What to do with a response or a transport failure: policy as data, acted on only by ``http.py``.

Contract (docs/architecture.md "Cross-cutting rules"): transient = connection error, timeout, dropped
connection, 408, 502, 503, 504, and 500 with a non-JSON body. A JSON error body ``{"title","status",
"detail"}`` is an application error and is never retried (spec §8). Any 401 means "re-authenticate"
(spec §1.7). Writes that may have reached the server are never retried blindly (spec §12).
"""
from __future__ import annotations

import enum
from dataclasses import dataclass

import requests
from urllib3.exceptions import ConnectTimeoutError, MaxRetryError, NewConnectionError


class Action(enum.Enum):
    SUCCESS = "success"
    RETRY = "retry"  # transient: back off and try again (reads; writes only if never sent)
    REAUTH = "reauth"  # 401: refresh/login, then resend
    FAIL = "fail"  # application error -> ApiError


@dataclass(frozen=True)
class Resolution:
    action: Action
    reason: str
    sent: bool = True  # False when the request certainly never reached the server


# Status -> transient reason. 429 is not produced by the plugin (§12) but a reverse proxy may add it;
# like 503 it means "not processed", so it is safe to retry even for writes.
TRANSIENT_STATUS: dict[int, str] = {
    408: "request timeout",
    429: "rate limited",
    502: "bad gateway",
    503: "service unavailable",
    504: "gateway timeout",
}
NOT_PROCESSED_STATUS = frozenset({429})


def classify_response(status: int, json_error: bool) -> Resolution:
    """Decide from the status and whether the body is a JSON error object.

    Args:
        status: HTTP status.
        json_error: the body parsed as a JSON object (the plugin's error shape, §8).
    """
    if 200 <= status < 300:
        return Resolution(Action.SUCCESS, "ok")
    if status == 401:
        return Resolution(Action.REAUTH, "unauthorized")
    if status in TRANSIENT_STATUS:
        return Resolution(Action.RETRY, f"HTTP {status} {TRANSIENT_STATUS[status]}", sent=status not in NOT_PROCESSED_STATUS)
    if status >= 500 and not json_error:
        # Jetty/proxy HTML page or empty body: the container failed, not the application (§8).
        return Resolution(Action.RETRY, f"HTTP {status} with a non-JSON body")
    return Resolution(Action.FAIL, f"HTTP {status}")


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
    timeout): only then may a write be retried safely.
    """
    if isinstance(exc, requests.exceptions.SSLError):
        text = str(exc).lower()
        if "certificate" in text or "hostname" in text or "wrong version number" in text:
            return Resolution(Action.FAIL, "TLS certificate or protocol error", sent=False)
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
