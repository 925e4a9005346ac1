"""erp_http.policy: the engine's generic table (transport exceptions, 2xx, 401) and a pluggable status policy."""
from __future__ import annotations

import pytest
import requests
from urllib3.exceptions import ConnectTimeoutError, MaxRetryError, NewConnectionError

from erp_http.policy import (
    Action,
    Answer,
    StatusPolicy,
    api_error,
    classify_exception,
    classify_response,
    retry_after_from,
)


def _wrapped(reason):
    return requests.exceptions.ConnectionError(MaxRetryError(None, "/", reason))


@pytest.mark.parametrize(
    ("exc", "action", "sent"),
    [
        (_wrapped(NewConnectionError(None, "refused")), Action.RETRY, False),
        (_wrapped(ConnectTimeoutError(None, "connect timeout")), Action.RETRY, False),
        (requests.exceptions.ConnectTimeout("connect timeout"), Action.RETRY, False),
        (requests.exceptions.ConnectionError("('Connection aborted.', RemoteDisconnected())"), Action.RETRY, True),
        (requests.exceptions.ReadTimeout("read timeout"), Action.RETRY, True),
        (requests.exceptions.ChunkedEncodingError("truncated"), Action.RETRY, True),
        (requests.exceptions.SSLError("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed"), Action.FAIL, False),
        (requests.exceptions.SSLError("hostname 'x' doesn't match 'y'"), Action.FAIL, False),
        (requests.exceptions.SSLError("EOF occurred in violation of protocol (_ssl.c:2427)"), Action.RETRY, True),
    ],
    ids=["refused-never-sent", "connect-timeout-wrapped", "connect-timeout", "dropped-maybe-sent", "read-timeout",
         "truncated", "tls-certificate", "tls-hostname", "tls-eof-transient"],
)
def test_exception_policy(exc, action, sent):
    resolution = classify_exception(exc)
    assert resolution is not None and resolution.action is action and resolution.sent is sent


def test_non_transport_exceptions_are_not_classified():
    assert classify_exception(ValueError("x")) is None


def _answer(status, body=None, content=b"", headers=None, **kw) -> Answer:
    return Answer("GET", "x", status, body, content, headers or {}, **kw)


# A Frappe-like policy: JSON 500s for deadlocks/lock timeouts are transient; the wait comes from
# Retry-After, else X-RateLimit-Reset; errors read as (exc_type, exception).
def _deadlock(answer: Answer) -> bool:
    return isinstance(answer.body, dict) and answer.body.get("exc_type") in ("QueryDeadlockError", "QueryTimeoutError")


def _exc_parse(body):
    return (body.get("exc_type"), body.get("exception")) if isinstance(body, dict) else (None, None)


FAKE = StatusPolicy(transient_error_body=_deadlock, parse_error=_exc_parse,
                    retry_after=retry_after_from("Retry-After", "X-RateLimit-Reset"), quiet_path_prefixes=("api/method/login",))
DEFAULT = StatusPolicy()


def test_json_500_is_an_application_error_by_default_but_retryable_when_the_policy_says_so():
    deadlock = {"exc_type": "QueryDeadlockError", "exception": "Deadlock found"}
    validation = {"exc_type": "ValidationError", "exception": "Mandatory field"}
    assert classify_response(DEFAULT, _answer(500, deadlock, b"{}")).action is Action.FAIL
    resolution = classify_response(FAKE, _answer(500, deadlock, b"{}"))
    assert resolution.action is Action.RETRY and "QueryDeadlockError" in resolution.reason
    assert classify_response(FAKE, _answer(500, validation, b"{}")).action is Action.FAIL


@pytest.mark.parametrize(("headers", "wait"), [
    ({"Retry-After": "7"}, 7.0),
    ({"X-RateLimit-Reset": "12"}, 12.0),
    ({"Retry-After": "3", "X-RateLimit-Reset": "12"}, 3.0),
    ({"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT", "X-RateLimit-Reset": "5"}, 5.0),
    ({}, None),
], ids=["retry-after", "ratelimit-reset", "retry-after-first", "unparsable-falls-through", "none"])
def test_retry_after_comes_from_the_policy_headers(headers, wait):
    resolution = classify_response(FAKE, _answer(429, None, b"", headers))
    assert resolution.action is Action.RETRY and resolution.sent is False and resolution.retry_after == wait


def test_default_policy_reads_only_retry_after():
    assert classify_response(DEFAULT, _answer(429, headers={"X-RateLimit-Reset": "12"})).retry_after is None
    assert classify_response(DEFAULT, _answer(503, headers={"Retry-After": "4"})).retry_after == 4.0


def test_final_answer_hook_stops_a_retry():
    policy = StatusPolicy(final_answer=lambda a: a.status == 503 and a.path == "x")
    assert classify_response(policy, _answer(503)).action is Action.FAIL
    assert classify_response(DEFAULT, _answer(503)).action is Action.RETRY


@pytest.mark.parametrize(("status", "body", "content", "kw", "action"), [
    (200, None, b"<html>proxy</html>", {}, Action.RETRY),
    (200, None, b"<html>proxy</html>", {"is_write": True}, Action.SUCCESS),
    (200, None, b"a: yaml", {"as_text": True}, Action.SUCCESS),
    (204, None, b"", {}, Action.SUCCESS),
    (401, None, b"", {}, Action.REAUTH),
    (502, {"exc_type": "X"}, b"{}", {}, Action.RETRY),
    (500, None, b"", {}, Action.RETRY),
    (400, None, b"bad", {}, Action.FAIL),
], ids=["2xx-non-json-read", "2xx-non-json-write", "2xx-text", "204-empty", "401", "502-json", "500-empty", "400"])
def test_engine_rules_hold_for_any_policy(status, body, content, kw, action):
    for policy in (DEFAULT, FAKE):
        assert classify_response(policy, _answer(status, body, content, **kw)).action is action


def test_api_error_uses_the_policy_parser_and_hides_quiet_paths():
    err = api_error(FAKE, _answer(417, {"exc_type": "ValidationError", "exception": "Mandatory"}, b"{}"))
    assert (err.status, err.title, err.detail) == (417, "ValidationError", "Mandatory")
    assert err.reason == "HTTP 417 ValidationError: Mandatory"
    secret = Answer("POST", "api/method/login", 401, None, b"pwd=S3cret", {}, text="pwd=S3cret")
    assert "S3cret" not in str(api_error(FAKE, secret))
    page = Answer("GET", "x", 404, None, b"", {}, text="  not here  " + "y" * 400)
    assert api_error(FAKE, page).detail == ("not here  " + "y" * 400)[:200]
