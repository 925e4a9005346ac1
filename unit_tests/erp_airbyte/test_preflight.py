"""erp_airbyte.preflight and config_messages: every bad input file is a config_error sentence (issue 11).

A toy spec with the shape every ERP connector has (a URL, a ``credentials`` oneOf keyed by ``auth_type``
with secret fields), so the mechanism is tested without any ERP.
"""
from __future__ import annotations

import json

import pytest
from airbyte_cdk.models import FailureType

from erp_airbyte.config_messages import config_problems, discriminator
from erp_airbyte.preflight import (
    DESTINATION,
    SOURCE,
    InputError,
    check_catalog,
    check_state,
    preflight,
)

SECRET = "user:Sup3r-SECRET"
SPEC = {
    "type": "object",
    "required": ["url", "credentials"],
    "properties": {
        "url": {"type": "string", "pattern": "^https?://", "title": "Server URL"},
        "page_size": {"type": "integer", "minimum": 1},
        "mode": {"type": "string", "enum": ["fast", "safe"]},
        "credentials": {
            "type": "object",
            "oneOf": [
                {"type": "object", "required": ["auth_type", "username", "password"],
                 "properties": {"auth_type": {"type": "string", "const": "password"},
                                "username": {"type": "string"},
                                "password": {"type": "string", "airbyte_secret": True}}},
                {"type": "object", "required": ["auth_type", "api_key", "api_secret"],
                 "properties": {"auth_type": {"type": "string", "const": "api_key"},
                                "api_key": {"type": "string"},
                                "api_secret": {"type": "string", "airbyte_secret": True}}},
            ],
        },
    },
}
GOOD = {"url": "https://erp.test", "credentials": {"auth_type": "password", "username": "u", "password": SECRET}}


@pytest.mark.parametrize("config, needles", [
    ({**GOOD, "credentials": SECRET}, ["credentials must be an object", "auth_type", '"password", "api_key"']),
    ({**GOOD, "credentials": {"auth_type": "password", "username": "u"}},
     ["credentials.password is required for auth_type password"]),
    ({**GOOD, "credentials": {"auth_type": "password", "username": "u", "password": None}},
     ["credentials.password is required for auth_type password", "null"]),
    ({**GOOD, "credentials": {"auth_type": "api_key", "api_key": "k"}},
     ["credentials.api_secret is required for auth_type api_key"]),
    ({**GOOD, "credentials": {"username": "u", "password": SECRET}},
     ['credentials.auth_type is required: one of "password", "api_key"']),
    ({**GOOD, "credentials": {"auth_type": "oauth", "password": SECRET}},
     ['credentials.auth_type must be one of "password", "api_key"']),
    ({**GOOD, "credentials": {"auth_type": "password", "username": "u", "password": 12345678}},
     ["credentials.password must be a string for auth_type password, not a number"]),
    ({**GOOD, "url": SECRET}, ["url does not have the expected form", "^https?://"]),
    ({"credentials": GOOD["credentials"]}, ["url is required (Server URL)"]),
    ({**GOOD, "page_size": 0}, ["page_size must be at least 1"]),
    ({**GOOD, "page_size": "ten"}, ["page_size must be a whole number, not a string"]),
    ({**GOOD, "mode": SECRET}, ['mode must be one of "fast", "safe"']),
    ([GOOD], ["must be a JSON object, not a list"]),
], ids=["credentials-string", "missing-password", "null-password", "missing-api-secret", "missing-auth-type",
        "unknown-auth-type", "number-password", "bad-url", "missing-url", "page-size-0", "page-size-string",
        "enum", "array"])
def test_config_problems_name_the_field_and_never_quote_a_value(config, needles):
    problems = " ".join(config_problems(config, SPEC))
    for needle in needles:
        assert needle in problems
    assert "SECRET" not in problems and "12345678" not in problems and "ten" not in problems.replace("often", "")


def test_a_valid_config_has_no_problems_and_the_discriminator_is_found():
    assert config_problems(GOOD, SPEC) == []
    assert discriminator(SPEC["properties"]["credentials"]["oneOf"]) == "auth_type"


def _file(tmp_path, name, content) -> str:
    path = tmp_path / name
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    return str(path)


def _stream(**entry):
    return {"stream": {"name": "Item", "json_schema": {}, "supported_sync_modes": ["full_refresh"]}, **entry}


SOURCE_ENTRY = {"sync_mode": "full_refresh", "destination_sync_mode": "append"}


@pytest.mark.parametrize("catalog, side, needle", [
    ("{not json", SOURCE, "is not valid JSON (Expecting property name"),
    ([], SOURCE, "must hold a JSON object"),
    ({"streams": {}}, SOURCE, 'needs a "streams" list'),
    ({"streams": [1]}, SOURCE, 'must be an object with a "stream" object'),
    ({"streams": [_stream(destination_sync_mode="append")]}, SOURCE, "has no sync_mode: set one of full_refresh, incremental"),
    ({"streams": [_stream(sync_mode="sometimes", destination_sync_mode="append")]}, SOURCE, "unknown sync_mode"),
    ({"streams": [_stream(sync_mode="full_refresh")]}, DESTINATION, "has no destination_sync_mode"),
    ({"streams": [_stream(sync_mode="full_refresh", destination_sync_mode="merge")]}, DESTINATION,
     "unknown destination_sync_mode: use one of append, overwrite"),
    ({"streams": [{"stream": {"json_schema": {}}, **SOURCE_ENTRY}]}, SOURCE, "has no stream name"),
], ids=["not-json", "array", "streams-object", "entry-not-object", "no-sync-mode", "unknown-sync-mode",
        "no-destination-mode", "unknown-destination-mode", "no-name"])
def test_bad_catalogs_are_config_errors_with_a_sentence(tmp_path, catalog, side, needle):
    with pytest.raises(InputError) as info:
        check_catalog(_file(tmp_path, "catalog.json", catalog), side)
    assert needle in info.value.message and info.value.failure_type == FailureType.config_error


def test_a_good_catalog_passes(tmp_path):
    check_catalog(_file(tmp_path, "catalog.json", {"streams": [_stream(**SOURCE_ENTRY)]}), SOURCE)


def _state(name="Item", state=None, kind="STREAM"):
    return {"type": kind, "stream": {"stream_descriptor": {"name": name}, "stream_state": state or {"cursor": "x"}}}


@pytest.mark.parametrize("state, needle", [
    ("[{]", "is not valid JSON"),
    ({"Item": {"cursor": "2024-01-01"}}, "legacy shape"),
    ([{"type": "GLOBAL", "global": {"stream_states": []}}], "GLOBAL state"),
    ([{"type": "LEGACY", "data": {"Item": {}}}], "LEGACY state"),
    ([1, 2], "State entry #1 in"),
    (["junk"], "is a string, not a state message object"),
    ([{"foo": 1}], "not a per-stream state message"),
    ([{"type": "STREAM", "stream": {"stream_state": {}}}], "no stream_descriptor"),
    ([_state(state=None) | {"stream": {"stream_descriptor": {"name": "Item"}, "stream_state": [1]}}], "not an object"),
    ("42", "must hold a JSON list of state messages, not a number"),
], ids=["not-json", "legacy-dict", "global", "legacy-entry", "numbers", "string", "unknown-object", "no-descriptor",
        "state-list", "number"])
def test_bad_states_are_config_errors_that_say_reset(tmp_path, state, needle):
    with pytest.raises(InputError) as info:
        check_state(_file(tmp_path, "state.json", state))
    assert needle in info.value.message and "Reset the connection's state" in info.value.message


@pytest.mark.parametrize("state", ["[]", "{}", "null", [_state()]])
def test_empty_and_per_stream_states_pass(tmp_path, state):
    check_state(_file(tmp_path, "state.json", state))


def test_preflight_checks_only_what_the_command_reads(tmp_path):
    config = _file(tmp_path, "config.json", GOOD)
    junk = _file(tmp_path, "junk.json", "[")
    preflight("check", SPEC, SOURCE, config=config, catalog=junk, state=junk)  # check reads neither
    with pytest.raises(InputError, match="catalog file"):
        preflight("read", SPEC, SOURCE, config=config, catalog=junk)
    with pytest.raises(InputError, match="config file .* cannot be read"):
        preflight("check", SPEC, SOURCE, config=str(tmp_path / "missing.json"))
