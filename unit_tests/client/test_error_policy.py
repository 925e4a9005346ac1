"""IDEMPIERE_POLICY: the status -> action table of the REST plugin (contract "Cross-cutting rules", spec §1.7, §8).

The transport-exception table is generic and tested in ``unit_tests/http/test_policy.py``."""
from __future__ import annotations

import pytest

from erp_http.policy import Action, Answer, classify_response
from idempiere_client.error_policy import IDEMPIERE_POLICY


def _answer(status: int, json_error: bool, *, as_text: bool = False, content: bytes | None = None) -> Answer:
    body = {"title": "t", "status": status, "detail": "d"} if json_error else None
    raw = (b'{"title":"t"}' if json_error else b"<html>x</html>") if content is None else content
    return Answer("GET", "models/x", status, body, raw, {}, as_text=as_text)


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
    resolution = classify_response(IDEMPIERE_POLICY, _answer(status, json_error))
    assert resolution.action is action
    assert resolution.sent is sent


def test_empty_500_of_a_text_request_is_final_not_retried():
    """GET /models/{t}/yaml of an unknown or denied table answers an empty 500 (spec §2.4)."""
    assert classify_response(IDEMPIERE_POLICY, _answer(500, False, as_text=True, content=b"")).action is Action.FAIL
    assert classify_response(IDEMPIERE_POLICY, _answer(500, False, as_text=False, content=b"")).action is Action.RETRY
    assert classify_response(IDEMPIERE_POLICY, _answer(500, False, as_text=True)).action is Action.RETRY
