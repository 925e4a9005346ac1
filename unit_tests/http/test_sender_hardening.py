"""erp_http.sender against hostile servers (issue 11): redirects never carry credentials, a server that is
down is transient, https to a plain-HTTP port says so, a wrong URL says no API answers there, and an error
answer that echoes the request never carries the credentials back into a message.

Real loopback servers (``local_server.py``) where the behaviour depends on the wire; requests-mock for the
https cases (no certificate needed).
"""
from __future__ import annotations

import socket

import pytest
import requests_mock

from erp_http.auth import StaticHeaderAuth
from erp_http.errors import (
    ApiError,
    ApiNotFound,
    ConfigurationError,
    RedirectRefused,
    TransientError,
)
from erp_http.policy import StatusPolicy
from erp_http.sender import RequestOptions, Sender
from unit_tests.http.local_server import LocalServer, echo, json_answer, redirect_to

PASSWORD = "Pa$$w0rd-\"quoted\"-SECRET"
TOKEN = "tok-SECRET-123456"
LOGIN = RequestOptions(authenticated=False, idempotent=True, auth_request=True)
POLICY = StatusPolicy(api_name="Acme ERP API", api_url_hint="Use the site root.")


def _sender(url: str, auth=None, **kw) -> Sender:
    return Sender(url, POLICY, auth, sleep=lambda s: None, **kw)


def _login(sender: Sender):
    return sender.request("POST", "auth/login", json_body={"usr": "admin", "password": PASSWORD}, options=LOGIN)


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirected_login_is_refused_and_the_password_never_reaches_the_target(status):
    with LocalServer(lambda *a: json_answer(200, '{"token": "x"}')) as target:
        with LocalServer(redirect_to(target.url, status)) as origin:
            with pytest.raises(RedirectRefused) as info:
                _login(_sender(origin.url + "/api"))
    assert target.received == []  # nothing, let alone the password, went to the redirect target
    assert f"{target.url}/api/auth/login" in str(info.value) and "login" in str(info.value)
    assert info.value.target == f"{target.url}/api/auth/login"
    assert isinstance(info.value, ConfigurationError)


def test_a_same_host_307_on_login_is_refused_too():
    def answer(method, path, headers, body):
        if path.startswith("/old/"):
            return 307, {"Location": path.replace("/old/", "/new/")}, b""
        return json_answer(200, '{"token": "x"}')

    with LocalServer(answer) as server:
        with pytest.raises(RedirectRefused, match="never redirected"):
            _login(_sender(server.url + "/old"))
        assert [r.path for r in server.received] == ["/old/auth/login"]


def test_a_login_redirected_from_https_to_http_names_the_downgrade():
    with requests_mock.Mocker() as m:
        m.post("https://erp.test/api/auth/login", status_code=307,
               headers={"Location": "http://erp.test/api/auth/login?sid=SECRET-Q"})
        plain = m.post("http://erp.test/api/auth/login", json={"token": "x"})
        with pytest.raises(RedirectRefused) as info:
            _login(_sender("https://erp.test/api"))
    assert not plain.called
    assert "from https down to plain http" in str(info.value)
    assert "http://erp.test/api/auth/login" in str(info.value) and "SECRET-Q" not in str(info.value)


def test_a_token_carrying_read_is_not_followed_to_another_origin():
    with LocalServer(lambda *a: json_answer(200, "{}")) as target:
        with LocalServer(redirect_to(target.url, 302)) as origin:
            sender = _sender(origin.url, StaticHeaderAuth("Authorization", f"token {TOKEN}"))
            with pytest.raises(RedirectRefused, match="another scheme, host or port"):
                sender.request("GET", "resource/Item")
    assert target.received == []


def test_a_same_origin_read_redirect_is_followed_with_its_query():
    def answer(method, path, headers, body):
        if path.startswith("/v1/"):
            return 301, {"Location": "/v2/" + path[4:]}, b""
        return json_answer(200, '{"path": "%s"}' % path)

    with LocalServer(answer) as server:
        sender = _sender(server.url + "/v1", StaticHeaderAuth("Authorization", f"token {TOKEN}"))
        assert sender.request("GET", "items", params={"limit": 5}) == {"path": "/v2/items?limit=5"}
    assert server.received[-1].headers["Authorization"] == f"token {TOKEN}"  # same origin: still authenticated


def test_a_redirected_write_is_refused_even_on_the_same_origin():
    def answer(method, path, headers, body):
        return (307, {"Location": "/elsewhere"}, b"") if path != "/elsewhere" else json_answer(201, "{}")

    with LocalServer(answer) as server:
        with pytest.raises(RedirectRefused, match="only reads are redirected"):
            _sender(server.url).request("POST", "items", json_body={"a": 1})
        assert len(server.received) == 1


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_server_that_is_down_is_transient_not_a_configuration_error():
    url = f"http://127.0.0.1:{_closed_port()}"
    with pytest.raises(TransientError) as info:
        _sender(url, max_attempts=2).request("GET", "items")
    assert not isinstance(info.value, ConfigurationError)
    assert "Cannot connect to" in str(info.value) and "down or unreachable" in str(info.value)


@pytest.mark.parametrize("verify", [True, False], ids=["verify-on", "verify-off"])
def test_https_to_a_plain_http_port_says_the_server_does_not_speak_tls(verify):
    with LocalServer(lambda *a: json_answer(200, "{}")) as server:
        url = server.url.replace("http://", "https://")
        with pytest.raises(ConfigurationError) as info:
            _sender(url, verify_tls=verify).request("GET", "items")
    text = str(info.value)
    assert "does not speak TLS on that port" in text and "http://" in text
    assert "verify_tls" not in text and "certificate" not in text


def test_a_login_answered_404_says_no_api_answers_at_the_url_tried():
    with LocalServer(lambda *a: (404, {"Content-Type": "text/html"}, b"<html>Not Found</html>")) as server:
        with pytest.raises(ApiNotFound) as info:
            _login(_sender(server.url + "/wrong/api"))
    assert str(info.value).startswith(f"No Acme ERP API answers at {server.url}/wrong/api/auth/login (HTTP 404)")
    assert "Use the site root." in str(info.value)


def test_a_login_answered_by_an_html_page_is_not_retried_but_says_no_api():
    with requests_mock.Mocker() as m:
        route = m.post("http://erp.test/x/auth/login", text="<html><body>Welcome</body></html>")
        with pytest.raises(ApiNotFound, match="HTTP 200 with an HTML page"):
            _login(_sender("http://erp.test/x"))
    assert route.call_count == 1


def test_a_first_read_answered_by_a_web_server_404_page_says_no_api():
    with requests_mock.Mocker() as m:
        m.get("http://erp.test/x/items", status_code=404, text="<html>Not Found</html>")
        with pytest.raises(ApiNotFound, match=r"http://erp.test/x/items \(HTTP 404\)"):
            _sender("http://erp.test/x").request("GET", "items")


def test_the_apis_own_json_404_stays_an_api_error():
    with requests_mock.Mocker() as m:
        m.get("http://erp.test/x/items/9", status_code=404, json={"title": "Not found", "detail": "no item 9"})
        with pytest.raises(ApiError) as info:
            _sender("http://erp.test/x").request("GET", "items/9")
    assert not isinstance(info.value, ApiNotFound) and info.value.status == 404


def test_an_echoed_login_body_never_brings_the_password_into_the_error():
    with LocalServer(echo(401)) as server:
        with pytest.raises(ApiError) as info:
            _login(_sender(server.url))
    text = str(info.value) + repr(info.value) + str(info.value.detail)
    assert "could not process" in text and "admin" in text  # the answer is still shown ...
    assert "SECRET" not in text and "Pa$$" not in text  # ... without the password in any spelling


def test_an_echoed_credential_header_is_masked_in_the_error():
    with LocalServer(echo(400)) as server:
        sender = _sender(server.url, StaticHeaderAuth("Authorization", f"token {TOKEN}"))
        with pytest.raises(ApiError) as info:
            sender.request("GET", "items")
    assert "SECRET" not in str(info.value) and "****" in str(info.value)


def test_a_404_page_after_the_api_answered_a_text_request_stays_an_api_error():
    with requests_mock.Mocker() as m:
        m.get("http://erp.test/x/items/yaml", text="columns: []")
        m.get("http://erp.test/x/items/9", status_code=404, text="")
        sender = _sender("http://erp.test/x")
        sender.request("GET", "items/yaml", options=RequestOptions(accept="application/yaml", as_text=True))
        with pytest.raises(ApiError) as info:
            sender.request("GET", "items/9")
    assert not isinstance(info.value, ApiNotFound) and info.value.status == 404


def test_a_form_encoded_token_request_is_sent_through_the_sender_and_never_redirected():
    """An OAuth2 token call (form body with the client secret and refresh token) goes through the one sender,
    so it is never redirected and an echoing error never carries its secrets."""
    form = {"grant_type": "refresh_token", "refresh_token": "rt-SECRET-1", "client_secret": "cs-SECRET-2"}
    with LocalServer(lambda *a: json_answer(200, '{"access_token": "x"}')) as target:
        with LocalServer(redirect_to(target.url, 307)) as origin:
            with pytest.raises(RedirectRefused):
                _sender(origin.url).send("POST", "oauth/token", form_body=form, options=LOGIN)
    assert target.received == []
    with LocalServer(echo(401)) as server:
        reply = _sender(server.url).send("POST", "oauth/token", form_body=form, options=LOGIN)
        assert server.received[0].headers["Content-Type"] == "application/x-www-form-urlencoded"
        assert b"refresh_token=rt-SECRET-1" in server.received[0].body
    assert "SECRET" not in reply.text and "SECRET" not in str(reply.body)
