"""config.ConnectionConfig.from_airbyte and the shared spec fragment."""
from __future__ import annotations

import pytest

from erp_http.errors import ConfigurationError
from idempiere_client.config import CONNECTION_SPEC_PROPERTIES, ConnectionConfig, PasswordCredentials, TokenCredentials

CREDS = {"auth_type": "password", "username": "GardenAdmin", "password": "pw-SECRET", "client": "GardenWorld", "role": "102"}


@pytest.mark.parametrize(
    ("url", "root"),
    [("https://erp.example.com", "https://erp.example.com"), ("https://erp.example.com/", "https://erp.example.com"),
     ("https://erp.example.com/api", "https://erp.example.com"), ("https://erp.example.com/api/v1/", "https://erp.example.com"),
     ("HTTP://erp:8080/API/V1", "http://erp:8080"), ("https://host/prefix/api/v1", "https://host/prefix"),
     ("  http://127.0.0.1:8080  ", "http://127.0.0.1:8080")],
    ids=["root", "trailing-slash", "api", "api-v1-slash", "upper-case", "path-prefix", "whitespace"],
)
def test_base_url_is_normalised_to_the_server_root(url, root):
    cfg = ConnectionConfig.from_airbyte({"base_url": url, "credentials": CREDS})
    assert cfg.base_url == root
    assert cfg.api_url == root + "/api/v1"


@pytest.mark.parametrize(
    "url", ["erp.example.com", "ftp://erp.example.com", "https://", "", None, "https://u:p@erp.example.com", "https://x?y=1"],
    ids=["no-scheme", "ftp", "no-host", "empty", "missing", "userinfo", "query"],
)
def test_bad_base_url_is_a_configuration_error(url):
    with pytest.raises(ConfigurationError, match="base_url"):
        ConnectionConfig.from_airbyte({"base_url": url, "credentials": CREDS})


def test_password_credentials_and_defaults():
    cfg = ConnectionConfig.from_airbyte({"base_url": "http://x", "credentials": {**CREDS, "organization": " HQ ", "warehouse": ""}})
    assert isinstance(cfg.credentials, PasswordCredentials)
    assert cfg.credentials.organization == "HQ" and cfg.credentials.warehouse is None
    assert cfg.verify_tls is True and cfg.request_timeout_seconds == 60.0


def test_numeric_ids_given_as_numbers_become_strings():
    cfg = ConnectionConfig.from_airbyte({"base_url": "http://x", "credentials": {**CREDS, "client": 11, "role": 102}})
    assert cfg.credentials.client == "11" and cfg.credentials.role == "102"


def test_token_credentials_strip_a_bearer_prefix():
    cfg = ConnectionConfig.from_airbyte({"base_url": "http://x", "credentials": {"auth_type": "token", "token": "Bearer abc"}})
    assert isinstance(cfg.credentials, TokenCredentials) and cfg.credentials.token == "abc"
    assert cfg.is_token_mode


@pytest.mark.parametrize(
    "creds",
    [None, {"auth_type": "oauth"}, {"auth_type": "password", "username": "u"}, {"auth_type": "token", "token": ""},
     {"auth_type": "password", "password": "p"}],
    ids=["missing", "unknown-type", "no-password", "empty-token", "no-username"],
)
def test_bad_credentials_are_configuration_errors(creds):
    with pytest.raises(ConfigurationError, match="credentials"):
        ConnectionConfig.from_airbyte({"base_url": "http://x", "credentials": creds})


@pytest.mark.parametrize("value", [0, -5, "60", True], ids=["zero", "negative", "string", "bool"])
def test_bad_timeout_is_refused(value):
    with pytest.raises(ConfigurationError):
        ConnectionConfig.from_airbyte({"base_url": "http://x", "credentials": CREDS, "request_timeout_seconds": value})


def test_repr_masks_secrets():
    pw = ConnectionConfig.from_airbyte({"base_url": "http://x", "credentials": CREDS})
    tok = ConnectionConfig.from_airbyte({"base_url": "http://x", "credentials": {"auth_type": "token", "token": "tok-SECRET"}})
    assert "pw-SECRET" not in repr(pw) and "****" in repr(pw)
    assert "tok-SECRET" not in repr(tok) and "tok-SECRET" not in str(tok)


def test_spec_fragment_marks_secrets_and_validates_a_config():
    import jsonschema

    one_of = CONNECTION_SPEC_PROPERTIES["credentials"]["oneOf"]
    assert one_of[0]["properties"]["password"]["airbyte_secret"] is True
    assert one_of[1]["properties"]["token"]["airbyte_secret"] is True
    schema = {"type": "object", "required": ["base_url", "credentials"], "properties": CONNECTION_SPEC_PROPERTIES}
    jsonschema.validate({"base_url": "https://erp", "credentials": CREDS, "verify_tls": False}, schema)
    jsonschema.validate({"base_url": "https://erp", "credentials": {"auth_type": "token", "token": "t"}}, schema)


@pytest.mark.parametrize("creds, message", [
    ({"auth_type": "password", "username": "u", "password": None}, "credentials.password is required for auth_type password"),
    ({"auth_type": "password", "password": "p"}, "credentials.username is required for auth_type password"),
    ({"auth_type": "password", "username": None, "password": "p"}, "credentials.username is required for auth_type password"),
    ({"auth_type": "token", "token": None}, "credentials.token is required for auth_type token"),
    ({"auth_type": "token", "token": ["x"]}, "credentials.token must be a string (auth_type token)"),
    ({"auth_type": "oauth", "token": "SECRET-1"}, "credentials.auth_type must be one of 'password', 'token'"),
    ("GardenAdmin:SECRET-2", "credentials is required: an object with auth_type 'password'"),
], ids=["null-password", "missing-username", "null-username", "null-token", "list-token", "unknown-auth-type",
        "string"])
def test_credential_messages_name_the_field_and_auth_type_and_never_the_value(creds, message):
    with pytest.raises(ConfigurationError) as info:
        ConnectionConfig.from_airbyte({"base_url": "https://erp.example.com", "credentials": creds})
    assert message in str(info.value) and "SECRET" not in str(info.value)
