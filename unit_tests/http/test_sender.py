"""erp_http.sender.Sender with a non-iDempiere policy and auth: the engine obeys the policy it is given.

iDempiere's policy through the same sender is tested in ``unit_tests/client/test_http.py``.
"""
from __future__ import annotations

import pytest
import requests_mock

from erp_http.auth import StaticHeaderAuth
from erp_http.errors import ApiError, AuthenticationError, TransientError
from erp_http.policy import Answer, StatusPolicy, retry_after_from
from erp_http.sender import MAX_AUTH_RECOVERIES, RequestOptions, Sender, backoff_delay

ROOT = "http://erp.test/api"
SECRET = "key123:SECRET-456"


def _deadlock(answer: Answer) -> bool:
    return isinstance(answer.body, dict) and answer.body.get("exc_type") in ("QueryDeadlockError", "QueryTimeoutError")


FRAPPE_LIKE = StatusPolicy(
    transient_error_body=_deadlock,
    parse_error=lambda b: (b.get("exc_type"), b.get("exception")),
    retry_after=retry_after_from("Retry-After", "X-RateLimit-Reset"),
    unauthorized_hint="Check the API key.",
)
DEADLOCK = {"exc_type": "QueryDeadlockError", "exception": "Deadlock found when trying to get lock"}


class CountingAuth:
    """An Auth whose credentials change generation on every renewal; records what the sender asked."""

    def __init__(self):
        self._generation = 1
        self.renewals: list[tuple[int, bool]] = []

    @property
    def generation(self) -> int:
        return self._generation

    def apply(self, headers):
        headers["Authorization"] = f"Bearer gen-{self._generation}"
        return self._generation

    def on_unauthorized(self, generation, escalate=False):
        self.renewals.append((generation, escalate))
        self._generation += 1

    def close(self):
        pass


def _sender(policy=FRAPPE_LIKE, auth=None, delays=None, **kw) -> Sender:
    sleeps = delays if delays is not None else []
    return Sender(ROOT, policy, auth, sleep=sleeps.append, **kw)


def test_a_json_500_the_policy_calls_transient_is_retried():
    delays: list[float] = []
    with requests_mock.Mocker() as m:
        route = m.get(f"{ROOT}/resource/Item", [{"status_code": 500, "json": DEADLOCK}, {"json": {"data": [1]}}])
        sender = _sender(delays=delays)
        assert sender.request("GET", "resource/Item") == {"data": [1]}
    assert route.call_count == 2 and len(delays) == 1 and sender.stats["retries"] == 1


def test_the_same_json_500_is_an_application_error_under_the_default_policy():
    with requests_mock.Mocker() as m:
        route = m.get(f"{ROOT}/resource/Item", status_code=500, json=DEADLOCK)
        with pytest.raises(ApiError) as info:
            _sender(policy=StatusPolicy()).request("GET", "resource/Item")
    assert route.call_count == 1 and info.value.status == 500


def test_a_non_transient_json_500_reads_through_the_policy_parser():
    with requests_mock.Mocker() as m:
        m.get(f"{ROOT}/resource/Item", status_code=500, json={"exc_type": "ValidationError", "exception": "Bad"})
        with pytest.raises(ApiError) as info:
            _sender().request("GET", "resource/Item")
    assert (info.value.title, info.value.detail) == ("ValidationError", "Bad")
    assert str(info.value) == "GET resource/Item: HTTP 500: ValidationError: Bad"


def test_x_ratelimit_reset_sets_the_wait_within_the_cap():
    delays: list[float] = []
    with requests_mock.Mocker() as m:
        m.get(f"{ROOT}/x", [{"status_code": 429, "headers": {"X-RateLimit-Reset": "7"}, "text": ""},
                            {"status_code": 429, "headers": {"X-RateLimit-Reset": "999"}, "text": ""},
                            {"json": {}}])
        _sender(delays=delays, backoff_cap=10.0).request("GET", "x")
    assert delays[0] >= 7 and delays[1] == 10.0


def test_a_write_is_resent_after_429_but_never_blindly_after_a_deadlock_or_502():
    with requests_mock.Mocker() as m:
        ok = m.post(f"{ROOT}/a", [{"status_code": 429, "text": ""}, {"json": {"name": "A-1"}}])
        assert _sender().request("POST", "a", json_body={"x": 1}) == {"name": "A-1"}
        assert ok.call_count == 2
        for failure in ({"status_code": 500, "json": DEADLOCK}, {"status_code": 502, "text": "<html>"}):
            route = m.post(f"{ROOT}/b", [failure, {"json": {}}])
            with pytest.raises(TransientError) as info:
                _sender().request("POST", "b", json_body={"x": 1})
            assert info.value.maybe_committed is True and route.call_count == 1


def test_options_retry_false_sends_once_and_idempotent_writes_are_retried():
    with requests_mock.Mocker() as m:
        once = m.get(f"{ROOT}/once", status_code=503, text="")
        with pytest.raises(TransientError, match="giving up after 1 attempts"):
            _sender().request("GET", "once", options=RequestOptions(retry=False))
        assert once.call_count == 1
        again = m.post(f"{ROOT}/login", [{"status_code": 502, "text": ""}, {"json": {"ok": 1}}])
        assert _sender().request("POST", "login", json_body={}, options=RequestOptions(idempotent=True)) == {"ok": 1}
        assert again.call_count == 2


def test_401_asks_auth_once_per_generation_then_escalates_then_fails_with_the_policy_hint():
    auth = CountingAuth()
    with requests_mock.Mocker() as m:
        m.get(f"{ROOT}/x", [{"status_code": 401, "text": ""}, {"json": {"ok": True}}])
        sender = _sender(auth=auth)
        assert sender.request("GET", "x") == {"ok": True}
        assert auth.renewals == [(1, False)] and m.request_history[-1].headers["Authorization"] == "Bearer gen-2"
        m.get(f"{ROOT}/dead", status_code=401, text="")
        with pytest.raises(AuthenticationError, match="Check the API key"):
            sender.request("GET", "dead")
    assert auth.renewals[1:] == [(2, False), (3, True)]
    assert len(auth.renewals[1:]) == MAX_AUTH_RECOVERIES and sender.stats["reauths"] == 3


def test_unauthenticated_requests_skip_auth_and_carry_their_own_headers():
    auth = CountingAuth()
    with requests_mock.Mocker() as m:
        m.post(f"{ROOT}/login", status_code=401, text="")
        with pytest.raises(ApiError) as info:
            _sender(auth=auth).request("POST", "login", json_body={},
                                       options=RequestOptions(authenticated=False, headers={"X-Pre": "p"}))
        sent = m.request_history[0].headers
    assert info.value.status == 401 and auth.renewals == []
    assert "Authorization" not in sent and sent["X-Pre"] == "p"


def test_static_header_auth_sends_its_header_and_a_401_is_final_without_the_secret():
    auth = StaticHeaderAuth("Authorization", f"token {SECRET}", "The API key was rejected.")
    with requests_mock.Mocker() as m:
        route = m.get(f"{ROOT}/x", status_code=401, text=SECRET)
        with pytest.raises(AuthenticationError, match="API key was rejected") as info:
            _sender(auth=auth).request("GET", "x")
    assert route.call_count == 1 and route.last_request.headers["Authorization"] == f"token {SECRET}"
    assert SECRET not in str(info.value) and SECRET not in repr(auth)


def test_stats_count_attempts_and_peak_in_flight_is_tracked():
    with requests_mock.Mocker() as m:
        m.get(f"{ROOT}/x", [{"status_code": 504, "text": ""}, {"json": {}}])
        sender = _sender()
        sender.request("GET", "x")
    assert sender.stats == {"requests": 2, "retries": 1, "reauths": 0} and sender.peak_in_flight == 1


def test_backoff_delay_doubles_with_half_jitter_up_to_the_cap_and_honours_retry_after_within_it():
    for attempt, nominal in enumerate([0.5, 1, 2, 4, 8, 10, 10], start=1):
        for _ in range(20):
            assert nominal / 2 <= backoff_delay(attempt, 0.5, 10.0) <= nominal
    assert backoff_delay(1, 0.5, 10.0, retry_after=7) == 7
    assert backoff_delay(1, 0.5, 10.0, retry_after=60) == 10.0
