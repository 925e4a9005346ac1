"""erp_http.connection: the connection keys every ERP config has, one parser and one spec fragment."""
from __future__ import annotations

import jsonschema
import pytest

from erp_http.connection import connection_properties, connection_settings, verify_tls_property
from erp_http.errors import ConfigurationError


def _creds(value):
    if not isinstance(value, dict):
        raise ConfigurationError("credentials is required.")
    return value["token"]


def test_connection_settings_reads_url_credentials_and_transport_in_that_order() -> None:
    config = {"url": "https://erp.example.com/api/", "credentials": {"token": "t"}, "verify_tls": False,
              "request_timeout_seconds": 5}
    assert connection_settings(config, "url", ("/api",), _creds, 60.0) == ("https://erp.example.com", "t", False, 5.0)
    assert connection_settings({"url": "http://h", "credentials": {"token": "t"}}, "url", (), _creds, 60.0) == (
        "http://h", "t", True, 60.0)
    with pytest.raises(ConfigurationError, match="JSON object"):
        connection_settings(["not", "a", "mapping"], "url", (), _creds, 60.0)
    # the first bad field is the one reported: URL before credentials before verify_tls
    with pytest.raises(ConfigurationError, match="url is required"):
        connection_settings({"credentials": None, "verify_tls": "no"}, "url", (), _creds, 60.0)
    with pytest.raises(ConfigurationError, match="credentials is required"):
        connection_settings({"url": "http://h", "verify_tls": "no"}, "url", (), _creds, 60.0)
    with pytest.raises(ConfigurationError, match="verify_tls must be true or false"):
        connection_settings({"url": "http://h", "credentials": {"token": "t"}, "verify_tls": None}, "url", (),
                            _creds, 60.0)
    assert connection_settings({"url": "http://h", "credentials": {"token": "t"}, "verify_tls": None}, "url", (),
                               _creds, 60.0, null_verify_means_default=True)[2] is True


def test_verify_tls_property_defaults_to_on_and_carries_a_description_only_when_given() -> None:
    assert verify_tls_property(order=2) == {"type": "boolean", "title": "Verify TLS certificates", "default": True,
                                            "order": 2}
    described = verify_tls_property(order=12, description="why")
    assert list(described) == ["type", "title", "description", "default", "order"] and described["description"] == "why"


def test_connection_properties_validate_what_connection_settings_accepts() -> None:
    options = [{"title": "Token", "type": "object", "required": ["token"],
                "properties": {"token": {"type": "string", "airbyte_secret": True}}}]
    props = connection_properties("server", title="Server", description="d", examples=["https://e"],
                                  credential_options=options)
    assert list(props) == ["server", "credentials", "verify_tls"]
    assert [props[k]["order"] for k in props] == [0, 1, 2]
    schema = {"type": "object", "required": ["server", "credentials"], "properties": props}
    config = {"server": "https://erp.example.com", "credentials": {"token": "t"}}
    jsonschema.validate(config, schema)
    assert connection_settings(config, "server", (), _creds, 60.0)[0] == "https://erp.example.com"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**config, "server": "ftp://erp"}, schema)
