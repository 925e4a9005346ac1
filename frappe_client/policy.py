"""What Frappe's answers mean, as data for the shared sender (``erp_http.policy.StatusPolicy``).

* JSON 500s whose ``exc_type`` is ``QueryDeadlockError``/``QueryTimeoutError`` (or whose exception text
  is MariaDB's 1213 deadlock / 1205 lock wait timeout, for F14 bodies without ``exc_type``) are retried:
  the transaction was rolled back (spec §3.1, §8.5). Other JSON 500s are application errors.
* 429 (site rate limiter) waits ``Retry-After``, else ``X-RateLimit-Reset`` (spec §9).
* HTML 502/503/504 pages and dropped connections are transient (the engine's defaults); a JSON 503
  ``SessionStopped`` (maintenance) is transient too.
* Error bodies: v1 ``exc_type`` + ``_server_messages`` (a JSON string of JSON strings, decoded twice,
  HTML tags stripped) / ``exception`` / ``message`` / ``_error_message``; v2 ``errors[]``.
"""
from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from erp_http.policy import Answer, StatusPolicy, retry_after_from

RETRYABLE_EXC_TYPES = frozenset({"QueryDeadlockError", "QueryTimeoutError", "SessionStopped"})
_RETRYABLE_TEXT = re.compile(r"\b(1213|1205)\b|Deadlock found|Lock wait timeout", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")
_MAX_DETAIL = 500


def strip_html(text: str) -> str:
    return re.sub(r"\s+", " ", _TAG.sub("", text)).strip()


def server_messages(body: Mapping[str, Any]) -> list[str]:
    """The user-facing messages of a v1 body: ``_server_messages`` decoded twice, tags stripped."""
    raw = body.get("_server_messages")
    out: list[str] = []
    if not isinstance(raw, str) or not raw:
        return out
    try:
        items = json.loads(raw)
    except ValueError:
        return [strip_html(raw)[:_MAX_DETAIL]]
    for item in items if isinstance(items, list) else [items]:
        message: Any = item
        if isinstance(item, str):
            try:
                message = json.loads(item)
            except ValueError:
                message = item
        if isinstance(message, Mapping):
            message = message.get("message")
        if message not in (None, ""):
            out.append(strip_html(str(message)))
    return out


def parse_error(body: Any) -> tuple[str | None, str | None]:
    """Frappe error body (v1 or v2) -> (title = exception type, detail = what the server said)."""
    if not isinstance(body, Mapping):
        return None, None
    errors = body.get("errors")
    if isinstance(errors, list) and errors and isinstance(errors[0], Mapping):  # v2
        first = errors[0]
        message = first.get("message")
        return (str(first.get("type")) if first.get("type") else None,
                strip_html(str(message))[:_MAX_DETAIL] if message else None)
    title = body.get("exc_type")
    messages = server_messages(body)
    detail: str | None = "; ".join(messages) if messages else None
    if detail is None:
        for key in ("_error_message", "message", "exception"):
            value = body.get(key)
            if isinstance(value, str) and value.strip():
                detail = strip_html(value)
                break
    if title is None and isinstance(body.get("exception"), str):
        head = body["exception"].split(":", 1)[0].rsplit(".", 1)[-1].strip()
        title = head or None
    return (str(title) if title else None), (detail[:_MAX_DETAIL] if detail else None)


def _retryable_body(answer: Answer) -> bool:
    body = answer.body
    if not isinstance(body, Mapping):
        return False
    if body.get("exc_type") in RETRYABLE_EXC_TYPES:
        return True
    errors = body.get("errors")
    if isinstance(errors, list) and errors and isinstance(errors[0], Mapping) \
            and errors[0].get("type") in RETRYABLE_EXC_TYPES:
        return True
    exception = body.get("exception")
    return isinstance(exception, str) and bool(_RETRYABLE_TEXT.search(exception))


def is_session_expired(status: int, body: Any) -> bool:
    """403 with ``session_expired`` (an unknown or expired sid runs as Guest; spec §2.4)."""
    return status == 403 and isinstance(body, Mapping) and bool(body.get("session_expired"))


_RETRY_AFTER = retry_after_from("Retry-After")
_RESET = retry_after_from("X-RateLimit-Reset")


def retry_after(headers: Mapping[str, str]) -> float | None:
    """Seconds to wait: ``Retry-After``, else ``X-RateLimit-Reset`` when the budget is spent.

    The site rate limiter puts ``X-RateLimit-*`` on *every* answer (spec §9), so the reset time only means
    "wait" when ``X-RateLimit-Remaining`` is 0; a deadlock retry must not wait for the window to end.
    """
    seconds = _RETRY_AFTER(headers)
    if seconds is not None:
        return seconds
    remaining = headers.get("X-RateLimit-Remaining")
    try:
        spent = remaining is not None and float(remaining) <= 0
    except ValueError:
        spent = False
    return _RESET(headers) if spent else None


FRAPPE_POLICY = StatusPolicy(
    transient_error_body=_retryable_body,
    parse_error=parse_error,
    retry_after=retry_after,
    quiet_path_prefixes=("method/login", "method/frappe.integrations.oauth2"),
    unauthorized_hint="Check the API key and secret (or the password / OAuth tokens) and that the user is enabled.",
    api_name="Frappe REST API",
    api_url_hint="site_url must be the site's root, e.g. https://erp.example.com (without /api or /app).",
)
