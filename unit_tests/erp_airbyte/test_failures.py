"""failures: the one mapping from client errors to Airbyte failure types."""
from __future__ import annotations

import pytest
from airbyte_cdk.models import FailureType
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from erp_airbyte.failures import (
    config_error,
    failure_type,
    parsed_config,
    setup_errors,
    stream_failure,
    traced,
    unreachable_check,
)
from erp_http.errors import ApiError, AuthenticationError, ConfigurationError, PagingOrderError, TransientError


@pytest.mark.parametrize(("exc", "kind"), [
    (ConfigurationError("bad url"), FailureType.config_error),
    (AuthenticationError("wrong password"), FailureType.config_error),
    (ApiError(403, "Forbidden", "no access", "GET", "models/x"), FailureType.config_error),
    (ApiError(400, "Bad", "syntax", "GET", "models/x"), FailureType.system_error),
    (TransientError("502 three times"), FailureType.transient_error),
    (PagingOrderError("keys out of order"), FailureType.system_error),
    (RuntimeError("bug"), FailureType.system_error),
])
def test_failure_type(exc, kind):
    assert failure_type(exc) == kind
    assert traced(exc, "msg").failure_type == kind


def test_config_error_from_an_exception_or_a_message():
    exc = ConfigurationError("base_url must start with http")
    err = config_error(exc)
    assert (err.message, err.failure_type, err._exception) == (str(exc), FailureType.config_error, exc)
    assert err.internal_message == repr(exc)
    text = config_error("Stream x: unsupported mode")
    assert (text.message, text.internal_message, text.failure_type) == ("Stream x: unsupported mode",) * 2 + (
        FailureType.config_error,)


def test_stream_failure_names_the_stream_and_passes_airbyte_errors_through():
    err = stream_failure(TransientError("timed out"), "c_order")
    assert err.message == "Stream c_order failed: timed out" and err.failure_type == FailureType.transient_error
    assert err.as_airbyte_message().trace.error.stream_descriptor.name == "c_order"
    original = AirbyteTracedException(message="as is", failure_type=FailureType.config_error)
    assert stream_failure(original, "c_order") is original


def test_an_unreachable_server_is_a_failed_check_naming_the_url_and_the_fix() -> None:
    text = unreachable_check("https://erp.example.com", TransientError("Connection refused."), "Check site_url.")
    assert text == "Could not get a reliable answer from https://erp.example.com: Connection refused. Check site_url."


def test_parsed_config_returns_the_options_or_raises_a_config_error_with_the_parsers_sentence():
    def parse(config):
        if "port" not in config:
            raise ConfigurationError("port is required.")
        return config["port"]

    assert parsed_config(parse, {"port": 8}) == 8
    with pytest.raises(AirbyteTracedException) as err:
        parsed_config(parse, {})
    assert err.value.failure_type == FailureType.config_error and err.value.message == "port is required."
    with pytest.raises(KeyError):  # anything else is a bug: not turned into a config error
        parsed_config(lambda config: config["missing"], {})


@pytest.mark.parametrize(("exc", "kind", "message"), [
    (ConfigurationError("bad url"), FailureType.config_error, "bad url"),
    (ApiError(403, "Forbidden", "no access", "GET", "models/x"), FailureType.config_error, None),
    (ApiError(400, "Bad", "syntax", "GET", "models/x"), FailureType.config_error, None),
    (TransientError("502 three times"), FailureType.transient_error, "Discovery failed (502 three times)"),
])
def test_setup_errors_map_config_and_api_errors_to_config_errors_and_name_unreliable_servers(exc, kind, message):
    with pytest.raises(AirbyteTracedException) as err, setup_errors("Discovery failed"):
        raise exc
    assert err.value.failure_type == kind and err.value.internal_message == repr(exc)
    assert err.value.message == (message or str(exc))


def test_setup_errors_let_other_errors_and_results_through():
    with setup_errors("x"):
        value = 5
    assert value == 5
    with pytest.raises(RuntimeError), setup_errors("x"):
        raise RuntimeError("bug")
