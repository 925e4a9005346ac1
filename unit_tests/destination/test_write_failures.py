"""A write that fails as a whole reports the failure type of erp_airbyte.failures and iDempiere's wording."""
from __future__ import annotations

import pytest
from airbyte_cdk.models import FailureType
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

import destination_idempiere.destination as dest_module
from erp_airbyte.messages import configured_catalog, configured_stream
from erp_http.errors import ApiError, ConfigurationError, TransientError

CONFIG = {"base_url": "http://127.0.0.1:9", "credentials": {"auth_type": "token", "token": "a-long-opaque-token"}}


class _Client:
    def __init__(self, *args, **kwargs) -> None:
        pass

    def close(self) -> None:
        pass


@pytest.mark.parametrize(("exc", "kind", "message"), [
    (ConfigurationError("Login failed"), FailureType.config_error, "Login failed"),
    (ApiError(403, "Forbidden", "role", "GET", "models/c_bpartner"), FailureType.config_error,
     "GET models/c_bpartner: HTTP 403: Forbidden: role"),
    (TransientError("502 after 5 attempts"), FailureType.transient_error,
     "The iDempiere server did not answer reliably: 502 after 5 attempts"),
    (ApiError(400, "Bad Request", "syntax", "GET", "models/c_bpartner"), FailureType.system_error,
     "Writing to iDempiere failed: GET models/c_bpartner: HTTP 400: Bad Request: syntax"),
])
def test_write_failure_maps_the_client_error(monkeypatch, exc, kind, message):
    def failing_write(self, *args, **kwargs):
        raise exc
        yield  # a generator, like the real one

    monkeypatch.setattr(dest_module, "IdempiereClient", _Client)
    monkeypatch.setattr(dest_module.DestinationIdempiere, "_write", failing_write)
    catalog = configured_catalog([configured_stream("c_bpartner", primary_key=["Value"])])
    with pytest.raises(AirbyteTracedException) as err:
        list(dest_module.DestinationIdempiere().write(CONFIG, catalog, iter([])))
    assert (err.value.failure_type, err.value.message) == (kind, message)


def test_integral_float_options_are_accepted_like_the_source_does():
    from destination_idempiere.write_options import DestinationOptions
    from source_idempiere.options import SourceOptions

    assert DestinationOptions.from_airbyte({"batch_size": 5.0, "num_workers": 2.0}).batch_size == 5
    assert SourceOptions.from_airbyte({**CONFIG, "page_size": 5.0}).page_size == 5
