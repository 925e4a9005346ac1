"""error_policy: the status/exception -> action table (contract "Cross-cutting rules", spec §1.7, §8)."""
from __future__ import annotations

import pytest
import requests
from urllib3.exceptions import ConnectTimeoutError, MaxRetryError, NewConnectionError

from idempiere_client.error_policy import Action, classify_exception, classify_response


@pytest.mark.parametrize(
    ("status", "json_error", "action", "sent"),
    [
        (200, True, Action.SUCCESS, True),
        (201, True, Action.SUCCESS, True),
        (401, False, Action.REAUTH, True),
        (401, True, Action.REAUTH, True),
        (408, False, Action.RETRY, True),
        (429, False, Action.RETRY, False),
        (502, False, Action.RETRY, True),
        (503, False, Action.RETRY, True),
        (504, False, Action.RETRY, True),
        (503, True, Action.RETRY, True),
        (500, False, Action.RETRY, True),
        (500, True, Action.FAIL, True),
        (400, True, Action.FAIL, True),
        (400, False, Action.FAIL, True),
        (403, True, Action.FAIL, True),
        (404, False, Action.FAIL, True),
        (409, True, Action.FAIL, True),
        (415, False, Action.FAIL, True),
        (501, True, Action.FAIL, True),
    ],
    ids=["200", "201", "401-empty", "401-json", "408", "429-not-processed", "502", "503", "504", "503-json-health",
         "500-html", "500-json-app-error", "400-json", "400-text", "403", "404-jersey", "409", "415", "501-json"],
)
def test_response_policy(status, json_error, action, sent):
    resolution = classify_response(status, json_error)
    assert resolution.action is action
    assert resolution.sent is sent


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
