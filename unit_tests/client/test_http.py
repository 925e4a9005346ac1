"""http.IdempiereClient: retry policy, write safety, 401 handling, in-flight bound, no secrets (spec §8, §12)."""
from __future__ import annotations

import logging
import threading
import time

import pytest
import requests
import requests_mock
from urllib3.exceptions import MaxRetryError, NewConnectionError

from erp_http.errors import ApiError, AuthenticationError, ConfigurationError, TransientError
from idempiere_client.http import IdempiereClient
from unit_tests.client.conftest import (
    API,
    CLIENTS,
    ORGS,
    PASSWORD,
    PRE_TOKEN,
    ROLES,
    LoginMocks,
    final_token,
    function_session,
    password_config,
    token_config,
)

JETTY_500 = "<html><body><h2>HTTP ERROR 500</h2></body></html>"


def _client(cfg=None, delays=None, **kw) -> IdempiereClient:
    sleeps = delays if delays is not None else []
    return IdempiereClient(cfg or token_config(), sleep=sleeps.append, **kw)


def _refused() -> requests.exceptions.ConnectionError:
    return requests.exceptions.ConnectionError(MaxRetryError(None, "/", NewConnectionError(None, "Connection refused")))


TRANSIENT_READS = [
    {"status_code": 502, "text": "<html>Bad Gateway</html>"},
    {"status_code": 503, "text": "<html>Service Unavailable</html>"},
    {"status_code": 504, "text": ""},
    {"status_code": 408, "text": ""},
    {"status_code": 500, "text": JETTY_500},
    {"exc": requests.exceptions.ConnectionError("('Connection aborted.', RemoteDisconnected())")},
    {"exc": requests.exceptions.ReadTimeout("read timed out")},
    {"exc": requests.exceptions.ConnectTimeout("connect timed out")},
]
TRANSIENT_IDS = ["502", "503", "504", "408", "500-html", "dropped", "read-timeout", "connect-timeout"]


@pytest.mark.parametrize("failure", TRANSIENT_READS, ids=TRANSIENT_IDS)
def test_reads_retry_transient_failures_then_succeed(failure):
    delays: list[float] = []
    with requests_mock.Mocker() as m:
        route = m.get(f"{API}/models", [failure, failure, {"json": {"models": [{"model-name": "c_order"}]}}])
        client = _client(delays=delays)
        assert client.list_models() == [{"model-name": "c_order"}]
    assert route.call_count == 3
    assert len(delays) == 2 and client.stats["retries"] == 2


def test_backoff_grows_exponentially_with_jitter_and_a_cap():
    delays: list[float] = []
    with requests_mock.Mocker() as m:
        m.get(f"{API}/models", status_code=503, text="down")
        client = _client(delays=delays, max_attempts=8, backoff_base=0.5, backoff_cap=10.0)
        with pytest.raises(TransientError) as info:
            client.list_models()
    assert info.value.attempts == 8 and info.value.maybe_committed is False and info.value.status == 503
    nominal = [0.5, 1, 2, 4, 8, 10, 10]
    assert len(delays) == 7
    for got, cap in zip(delays, nominal):
        assert cap / 2 <= got <= cap


def test_default_policy_gives_up_after_six_attempts():
    with requests_mock.Mocker() as m:
        route = m.get(f"{API}/models", status_code=502, text="")
        with pytest.raises(TransientError, match="giving up after 6 attempts"):
            _client().list_models()
    assert route.call_count == 6


def test_retry_after_header_is_honoured_within_the_cap():
    delays: list[float] = []
    with requests_mock.Mocker() as m:
        m.get(f"{API}/models", [{"status_code": 429, "headers": {"Retry-After": "7"}, "text": ""}, {"json": {"models": []}}])
        _client(delays=delays).list_models()
    assert delays[0] >= 7


def test_json_500_is_an_application_error_and_not_retried():
    with requests_mock.Mocker() as m:
        route = m.post(f"{API}/models/c_order", status_code=500,
                       json={"title": "Save error", "status": 500, "detail": "Mandatory fields missing: C_BPartner_ID"})
        with pytest.raises(ApiError) as info:
            _client().post("models/c_order", {"DocumentNo": "1"})
    assert route.call_count == 1
    assert info.value.status == 500 and info.value.title == "Save error"
    assert "Mandatory fields missing" in str(info.value) and "POST models/c_order" in str(info.value)


@pytest.mark.parametrize(
    ("status", "body", "title"),
    [(400, {"title": None, "status": 400, "detail": "Invalid column for filter: Foo"}, None),
     (403, {"title": "Access denied", "status": 403, "detail": "Access denied for table: fact_acct"}, "Access denied"),
     (404, {"title": "Invalid table name", "status": 404, "detail": "No match found for table name: xyz"}, "Invalid table name")],
    ids=["400-null-title", "403-access-denied", "404-unknown-table"],
)
def test_json_4xx_are_api_errors_with_status_title_detail(status, body, title):
    with requests_mock.Mocker() as m:
        route = m.get(f"{API}/models/x", status_code=status, json=body)
        with pytest.raises(ApiError) as info:
            _client().get("models/x")
    assert route.call_count == 1
    assert info.value.status == status and info.value.title == title and info.value.detail == body["detail"]
    assert info.value.is_access_denied is (status == 403)


def test_non_json_4xx_keeps_a_short_excerpt():
    with requests_mock.Mocker() as m:
        m.get(f"{API}/models", json={"models": []})  # the API answered before: a later 404 page is the API's
        m.get(f"{API}/models/x", status_code=404, text="<html>Not Found</html>" + "x" * 1000)
        client = _client()
        client.list_models()
        with pytest.raises(ApiError) as info:
            client.get("models/x")
    assert info.value.status == 404 and len(info.value.detail) <= 200


@pytest.mark.parametrize(
    "failure",
    [{"exc": requests.exceptions.ReadTimeout("read timed out")},
     {"exc": requests.exceptions.ConnectionError("('Connection aborted.', RemoteDisconnected())")},
     {"status_code": 502, "text": ""}, {"status_code": 503, "text": ""}, {"status_code": 500, "text": JETTY_500}],
    ids=["timeout", "dropped", "502", "503", "500-html"],
)
@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE"])
def test_writes_that_may_have_reached_the_server_are_not_retried(method, failure):
    with requests_mock.Mocker() as m:
        route = m.register_uri(method, f"{API}/models/c_order/1", [failure])
        client = _client()
        call = {"POST": lambda: client.post("models/c_order/1", {"a": 1}),
                "PUT": lambda: client.put("models/c_order/1", {"a": 1}),
                "DELETE": lambda: client.delete("models/c_order/1")}[method]
        with pytest.raises(TransientError) as info:
            call()
    assert route.call_count == 1
    assert info.value.maybe_committed is True


@pytest.mark.parametrize(
    "failure", [{"exc": requests.exceptions.ConnectTimeout("connect timed out")}, {"status_code": 429, "text": ""}],
    ids=["connect-timeout-never-sent", "429-not-processed"],
)
def test_writes_are_retried_when_the_request_certainly_was_not_processed(failure):
    with requests_mock.Mocker() as m:
        route = m.post(f"{API}/models/c_order", [failure, {"status_code": 201, "json": {"id": 7}}])
        assert _client().post("models/c_order", {"a": 1}) == {"id": 7}
    assert route.call_count == 2


def test_connection_refused_is_retried_for_writes():
    with requests_mock.Mocker() as m:
        m.get(f"{API}/models", json={"models": []})
        route = m.post(f"{API}/models/c_order", [{"exc": _refused()}, {"status_code": 201, "json": {"id": 7}}])
        client = _client()
        client.list_models()
        assert client.post("models/c_order", {"a": 1}) == {"id": 7}
    assert route.call_count == 2


def test_unreachable_host_at_start_is_transient_and_says_what_to_check():
    with requests_mock.Mocker() as m:
        m.get(f"{API}/models", exc=_refused())
        with pytest.raises(TransientError, match="Cannot connect to http://erp.test.*down or unreachable"):
            _client().list_models()


def test_unreachable_host_later_is_transient():
    with requests_mock.Mocker() as m:
        m.get(f"{API}/models", [{"json": {"models": []}}] + [{"exc": _refused()}] * 6)
        client = _client()
        client.list_models()
        with pytest.raises(TransientError):
            client.list_models()


def test_tls_failure_is_a_configuration_error():
    with requests_mock.Mocker() as m:
        m.get(f"{API}/models", exc=requests.exceptions.SSLError("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed"))
        with pytest.raises(ConfigurationError, match="verify_tls"):
            _client().list_models()


def test_401_refreshes_and_resends_once():
    with requests_mock.Mocker() as m:
        login = LoginMocks(m)
        route = m.get(f"{API}/models", [{"status_code": 401, "json": {"title": "Token has expired", "status": 401}},
                                        {"json": {"models": []}}])
        client = _client(password_config())
        assert client.list_models() == []
    assert route.call_count == 2 and login.refresh.call_count == 1
    assert route.request_history[1].headers["Authorization"] == f"Bearer {login.issued[1]}"


def test_401_after_a_fresh_login_is_an_authentication_error():
    with requests_mock.Mocker() as m:
        login = LoginMocks(m)
        route = m.get(f"{API}/models", status_code=401, text="")
        with pytest.raises(AuthenticationError, match="even after a fresh login"):
            _client(password_config()).list_models()
    assert route.call_count == 3 and login.refresh.call_count == 1 and login.put.call_count == 2


def _run_threads(n: int, target) -> list[BaseException]:
    errors: list[BaseException] = []

    def work():
        try:
            target()
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    return errors


def test_ten_threads_hitting_401_together_cause_exactly_one_refresh():
    n = 10
    barrier = threading.Barrier(n, timeout=5)
    calls = {"refresh": 0, "put": 0, "broken": 0}
    issued: list[str] = []
    lock = threading.Lock()

    def handler(request):
        path = request.path_url.split("?")[0].removeprefix("/api/v1/")
        if path == "auth/tokens" and request.method == "POST":
            return 200, {"clients": CLIENTS, "token": PRE_TOKEN}
        if path == "auth/roles":
            return 200, {"roles": ROLES}
        if path == "auth/organizations":
            return 200, {"organizations": ORGS}
        if path in ("auth/tokens", "auth/refresh"):
            with lock:
                calls["put" if path == "auth/tokens" else "refresh"] += 1
                issued.append(final_token(len(issued)))
                return 200, {"userId": 101, "token": issued[-1], "refresh_token": f"r{len(issued)}"}
        if request.headers["Authorization"] == f"Bearer {issued[0]}":
            try:
                barrier.wait()  # all ten requests are in flight with the old token at the same time
            except threading.BrokenBarrierError:
                calls["broken"] += 1
            return 401, {"title": "Token has expired", "status": 401}
        return 200, {"models": []}

    client = IdempiereClient(password_config(), max_in_flight=n, session=function_session(handler), sleep=lambda s: None)
    client.tokens.current()
    errors = _run_threads(n, client.list_models)
    assert not errors and calls["broken"] == 0
    assert calls["refresh"] == 1 and calls["put"] == 1
    assert client.stats["refreshes"] == 1


def test_in_flight_requests_never_exceed_the_bound():
    bound = 3
    lock = threading.Lock()
    state = {"now": 0, "peak": 0}

    def handler(request):
        with lock:
            state["now"] += 1
            state["peak"] = max(state["peak"], state["now"])
        time.sleep(0.01)
        with lock:
            state["now"] -= 1
        return 200, {"models": []}

    client = IdempiereClient(token_config(), max_in_flight=bound, session=function_session(handler), sleep=lambda s: None)
    assert not _run_threads(20, client.list_models)
    assert state["peak"] == bound and client.peak_in_flight == bound
    assert client.stats["requests"] == 20


def test_secrets_never_appear_in_logs_or_errors(caplog):
    caplog.set_level(logging.DEBUG)
    texts: list[str] = []
    with requests_mock.Mocker() as m:
        login = LoginMocks(m)
        m.get(f"{API}/models", [{"status_code": 401, "text": ""}, {"status_code": 502, "text": ""},
                                {"exc": requests.exceptions.ConnectionError("aborted")}, {"json": {"models": []}}])
        m.post(f"{API}/models/c_order", status_code=400, json={"title": "Validation Error", "status": 400, "detail": "bad"})
        m.post(f"{API}/auth/refresh", status_code=401, json={"title": "Authenticate error", "status": 401})
        client = _client(password_config(), logger=logging.getLogger("test.client"))
        client.list_models()
        with pytest.raises(ApiError) as info:
            client.post("models/c_order", {"DocumentNo": "x"})
        texts += [str(info.value), repr(info.value), repr(client.cfg), repr(client.tokens._token), str(client.stats)]
        client.close()
    secrets = [PASSWORD, *login.issued, *login.refresh_tokens, "pre"]
    blob = caplog.text + "\n".join(texts)
    for secret in secrets[:-1]:
        assert secret not in blob
    assert "Bearer" not in blob


def test_get_page_sends_explicit_order_and_uses_len_of_records():
    with requests_mock.Mocker() as m:
        route = m.get(f"{API}/models/c_order", json={"page-count": 3, "records-size": 100, "skip-records": 200,
                                                     "row-count": 250, "records": [{"id": 1}, {"id": 2}], "array-count": 0})
        page = _client().get_page("C_Order", filter="IsActive neq null", orderby="Updated,C_Order_ID", top=500, skip=200)
    qs = route.last_request.qs
    assert qs["$orderby"] == ["updated,c_order_id"] and qs["$top"] == ["500"] and qs["$skip"] == ["200"]
    assert qs["$filter"] == ["isactive neq null"]
    assert page.count == 2 and page.row_count == 250 and page.records_size == 100 and page.skip == 200
    assert page.next_skip == 202 and page.is_full is False


def test_get_page_requires_an_orderby():
    with pytest.raises(ValueError, match="orderby"):
        _client().get_page("c_order", filter=None, orderby="")


def test_filter_values_are_url_encoded():
    with requests_mock.Mocker() as m:
        route = m.get(f"{API}/models/c_order", json={"records": []})
        _client().get_page("c_order", filter="Name eq 'a+b & c'", orderby="C_Order_ID")
    assert "%2B" in route.last_request.url and "%26" in route.last_request.url


@pytest.mark.parametrize(("status", "expected"), [(404, False), (200, True)], ids=["old-server", "current-server"])
def test_batch_endpoint_is_detected_once(status, expected):
    with requests_mock.Mocker() as m:
        route = m.post(f"{API}/batch", status_code=status, json=[] if status == 200 else None, text=None if status == 200 else "")
        client = _client()
        assert client.has_batch_endpoint() is expected
        assert client.has_batch_endpoint() is expected
    assert route.call_count == 1


def test_batch_prefixes_paths_and_returns_results_even_on_a_400_rollback():
    results = [{"status": "Created", "statusCode": 201, "body": {"id": 1}},
               {"status": "Bad Request", "statusCode": 400, "body": {"title": "Validation Error", "status": 400}}]
    with requests_mock.Mocker() as m:
        route = m.post(f"{API}/batch", status_code=400, json=results)
        out = _client().batch([{"method": "POST", "path": "models/c_order", "body": {}},
                               {"method": "PUT", "path": "v1/models/c_order/5", "body": {}}], transaction=True)
    assert out == results
    assert route.last_request.qs == {"transaction": ["true"]}
    assert [i["path"] for i in route.last_request.json()] == ["v1/models/c_order", "v1/models/c_order/5"]


def test_yaml_is_returned_as_text_and_empty_500_is_not_retried():
    with requests_mock.Mocker() as m:
        m.get(f"{API}/models/c_order/yaml", text="openapi: 3.0.0\n")
        route = m.get(f"{API}/models/nope/yaml", status_code=500, text="")
        client = _client()
        assert client.get_yaml("C_Order").startswith("openapi")
        with pytest.raises(ApiError):
            client.get_yaml("nope")
    assert route.call_count == 1


def test_a_retry_after_a_long_backoff_sends_a_fresh_token():
    now = [1_800_000_000.0]
    with requests_mock.Mocker() as m:
        login = LoginMocks(m, ttl=30, clock=lambda: now[0])
        route = m.get(f"{API}/models", [{"status_code": 503, "text": ""}, {"json": {"models": []}}])

        def sleep(seconds):
            now[0] += 40  # the token expires while we back off

        client = IdempiereClient(password_config(), sleep=sleep)
        client.tokens._clock = lambda: now[0]
        client.list_models()
    assert route.request_history[1].headers["Authorization"] == f"Bearer {login.issued[1]}"
    assert client.stats["reauths"] == 0 and login.refresh.call_count == 1


def test_a_401_on_an_already_replaced_token_does_not_count_towards_giving_up():
    with requests_mock.Mocker() as m:
        login = LoginMocks(m)
        state = {"n": 0}

        def handler(request, context):
            state["n"] += 1
            if state["n"] <= 3:
                # simulate another thread renewing the token while this request was in flight
                client.tokens.on_unauthorized(client.tokens.generation)
                context.status_code = 401
                return {"title": "Token has expired", "status": 401}
            return {"models": []}

        m.get(f"{API}/models", json=handler)
        client = IdempiereClient(password_config(), sleep=lambda s: None)
        assert client.list_models() == []
    assert login.refresh.call_count == 3


def test_a_200_that_is_not_json_is_retried_not_taken_as_empty():
    with requests_mock.Mocker() as m:
        route = m.get(f"{API}/models/c_order", [{"text": "<html>proxy login</html>"}, {"json": {"records": [{"id": 1}]}}])
        page = _client().get_page("c_order", filter=None, orderby="C_Order_ID")
    assert route.call_count == 2 and page.count == 1


def test_a_collection_answer_without_records_is_an_error_not_an_empty_page():
    with requests_mock.Mocker() as m:
        m.get(f"{API}/models/c_order", json={"row-count": 10})
        with pytest.raises(ApiError, match="Unexpected collection response"):
            _client().get_page("c_order", filter=None, orderby="C_Order_ID")


def test_environment_proxies_are_read_once_and_netrc_is_ignored(monkeypatch):
    monkeypatch.setenv("HTTP_PROXY", "http://proxy.local:3128")
    monkeypatch.setenv("NO_PROXY", "")
    client = _client()
    assert client.session.trust_env is False
    assert client.session.proxies.get("http") == "http://proxy.local:3128"
