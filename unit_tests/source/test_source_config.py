"""Config validation: bad values become config errors with actionable text, never tracebacks."""
from __future__ import annotations

import logging

import pytest
from airbyte_cdk.models import FailureType
from airbyte_cdk.test.entrypoint_wrapper import discover
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from source_idempiere.options import SourceOptions
from source_idempiere.source import SourceIdempiere

GOOD = {"base_url": "http://127.0.0.1:1", "credentials": {"auth_type": "token", "token": "abc.def.ghi"}}


@pytest.mark.parametrize(
    "patch, needle",
    [
        ({"page_size": 0}, "page_size"),
        ({"page_size": "big"}, "page_size"),
        ({"num_workers": 99}, "num_workers"),
        ({"lookback_window_seconds": -1}, "lookback_window_seconds"),
        ({"server_timezone": "Mars/Olympus"}, "server_timezone"),
        ({"foreign_keys": "nested"}, "foreign_keys"),
        ({"start_date": "yesterday"}, "ISO 8601"),
        ({"tables": [1, 2]}, "tables"),
        ({"detect_deletes": "yes"}, "detect_deletes"),
        ({"base_url": "erp.example.com"}, "base_url"),
    ],
    ids=lambda v: str(v)[:30],
)
def test_given_bad_option_check_fails_with_config_error_naming_it(patch, needle):
    source = SourceIdempiere()
    with pytest.raises(AirbyteTracedException) as err:
        source.check_connection(logging.getLogger("test"), {**GOOD, **patch})
    assert err.value.failure_type == FailureType.config_error
    assert needle in err.value.message


def test_defaults_and_patterns():
    opts = SourceOptions.from_airbyte({**GOOD, "tables": ["C_*", "ad_user"], "exclude_tables": ["c_orderline"]})
    assert (opts.page_size, opts.lookback_window_seconds, opts.num_workers) == (100, 300, 4)
    assert (opts.foreign_keys, opts.detect_deletes, opts.server_timezone) == ("flatten", False, "UTC")
    assert opts.selects("c_order") and opts.selects("AD_User")
    assert not opts.selects("c_orderline") and not opts.selects("m_product")
    assert opts.explicit_tables() == ["ad_user"]


def test_spec_has_issue_keys_and_masks_secrets():
    spec = SourceIdempiere().spec(logging.getLogger("test")).connectionSpecification
    for key in ("base_url", "credentials", "start_date", "tables", "exclude_tables", "page_size",
                "lookback_window_seconds", "num_workers", "server_timezone", "foreign_keys",
                "detect_deletes", "verify_tls"):
        assert key in spec["properties"], key
    assert spec["properties"]["page_size"]["default"] == 100
    assert spec["properties"]["lookback_window_seconds"]["default"] == 300


@pytest.mark.parametrize("patch, needle", [({"page_size": 0}, "minimum"), ({"server_timezone": "Mars/Olympus"}, "server_timezone")])
def test_discover_with_bad_config_is_a_config_error_trace(patch, needle):
    out = discover(SourceIdempiere(), {**GOOD, **patch}, expecting_exception=True)
    assert out.errors
    trace = out.errors[-1].trace.error
    assert trace.failure_type == FailureType.config_error and needle in trace.message
