"""frappe_client.config: one parser for site_url, the three credential kinds and verify_tls."""
from __future__ import annotations

import pytest

from frappe_client.config import (
    CONNECTION_SPEC_PROPERTIES,
    ApiKeyCredentials,
    ConnectionConfig,
    OAuth2Credentials,
    PasswordCredentials,
    normalize_site_url,
)
from frappe_client.errors import ConfigurationError

KEY = {"auth_type": "api_key", "api_key": "k1", "api_secret": "s3cr3t"}


@pytest.mark.parametrize("given", [
    "https://erp.example.com", "https://erp.example.com/", "https://erp.example.com/api",
    "https://erp.example.com/api/", "https://erp.example.com/app", "https://erp.example.com/api/v1",
    "https://erp.example.com/api/v2", "HTTPS://erp.example.com/desk", " https://erp.example.com/App ",
])
def test_site_url_accepts_api_and_app_suffixes(given: str) -> None:
    assert normalize_site_url(given) == "https://erp.example.com"


def test_site_url_keeps_a_path_prefix_and_port() -> None:
    assert normalize_site_url("http://host:8000/erp/app") == "http://host:8000/erp"


@pytest.mark.parametrize("bad", [None, "", "erp.example.com", "ftp://x", "https://", "https://h/?a=1",
                                 "https://u:p@h"])
def test_site_url_refuses_non_urls(bad) -> None:
    with pytest.raises(ConfigurationError, match="site_url"):
        normalize_site_url(bad)


def test_api_key_credentials_parse_and_mask() -> None:
    cfg = ConnectionConfig.from_airbyte({"site_url": "https://e.x/api", "credentials": KEY})
    assert cfg.credentials == ApiKeyCredentials("k1", "s3cr3t")
    assert cfg.auth_type == "api_key" and cfg.verify_tls is True
    assert "s3cr3t" not in repr(cfg)


@pytest.mark.parametrize("creds, missing", [
    ({"auth_type": "api_key", "api_key": "k"}, "credentials.api_secret is required for auth_type api_key."),
    ({"auth_type": "api_key", "api_secret": "s"}, "credentials.api_key is required for auth_type api_key."),
    ({"auth_type": "password", "username": "u"}, "credentials.password is required for auth_type password."),
    ({"auth_type": "password", "password": "p"}, "credentials.username is required for auth_type password."),
    ({"auth_type": "oauth2", "client_id": "c"}, "credentials.refresh_token is required for auth_type oauth2."),
    ({"auth_type": "oauth2", "refresh_token": "r"}, "credentials.client_id is required for auth_type oauth2."),
])
def test_missing_fields_are_named_with_the_auth_type(creds, missing) -> None:
    with pytest.raises(ConfigurationError) as err:
        ConnectionConfig.from_airbyte({"site_url": "https://e.x", "credentials": creds})
    assert str(err.value) == missing


def test_auth_type_inferred_and_other_kinds() -> None:
    pw = ConnectionConfig.from_airbyte({"site_url": "https://e.x", "credentials": {"username": "u", "password": " p "}})
    assert pw.credentials == PasswordCredentials("u", " p ")  # passwords are never stripped
    oa = ConnectionConfig.from_airbyte({"site_url": "https://e.x", "credentials": {
        "auth_type": "oauth2", "client_id": "c", "refresh_token": "r", "client_secret": "cs"}})
    assert isinstance(oa.credentials, OAuth2Credentials) and oa.credentials.client_secret == "cs"
    assert "r'" not in repr(oa.credentials).replace("client_id='c'", "") and "cs" not in repr(oa.credentials)


@pytest.mark.parametrize("bad", [{"auth_type": "token", "token": "x"}, "k:s", None])
def test_unknown_auth_type(bad) -> None:
    with pytest.raises(ConfigurationError, match="auth_type|credentials is required"):
        ConnectionConfig.from_airbyte({"site_url": "https://e.x", "credentials": bad})


def test_api_key_with_spaces_or_colon_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="must not contain spaces"):
        ConnectionConfig.from_airbyte({"site_url": "https://e.x",
                                       "credentials": {**KEY, "api_key": "k:s"}})


def test_verify_tls_must_be_boolean() -> None:
    with pytest.raises(ConfigurationError, match="verify_tls"):
        ConnectionConfig.from_airbyte({"site_url": "https://e.x", "credentials": KEY, "verify_tls": "no"})


def test_every_secret_in_the_spec_is_airbyte_secret() -> None:
    secrets = {name for option in CONNECTION_SPEC_PROPERTIES["credentials"]["oneOf"]
               for name, prop in option["properties"].items() if prop.get("airbyte_secret")}
    assert secrets == {"api_secret", "password", "client_secret", "refresh_token", "access_token"}
