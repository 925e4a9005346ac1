"""config_options: one parser per kind of option, one wording per error; 5.0 is a whole number."""
from __future__ import annotations

import jsonschema
import pytest

from erp_airbyte.config_options import (
    choice,
    connection_specification,
    flag,
    instant,
    time_zone_name,
    time_zone_property,
    whole_number,
)
from erp_http.errors import ConfigurationError


@pytest.mark.parametrize(("value", "expected"), [(5, 5), (5.0, 5), (None, 4), (1, 1), (32, 32)])
def test_whole_number_accepts_integers_and_integral_floats(value, expected):
    assert whole_number({"n": value}, "n", 4, 1, 32) == expected
    assert whole_number({}, "n", 4, 1, 32) == 4


@pytest.mark.parametrize(("value", "needle"), [
    (5.5, "n must be a whole number (got 5.5)."), ("5", "n must be a whole number (got '5')."),
    (True, "n must be a whole number (got True)."), (float("inf"), "whole number"),
    (0, "n must be between 1 and 32 (got 0)."), (33, "n must be between 1 and 32 (got 33)."),
])
def test_whole_number_refuses_with_the_key_and_the_bounds(value, needle):
    with pytest.raises(ConfigurationError) as err:
        whole_number({"n": value}, "n", 4, 1, 32)
    assert needle in str(err.value)


def test_whole_number_without_upper_bound():
    assert whole_number({"n": 10**9}, "n", 0, 0) == 10**9
    with pytest.raises(ConfigurationError, match="n must be at least 0"):
        whole_number({"n": -1}, "n", 0, 0)


def test_the_parser_agrees_with_the_spec_schema_on_integral_floats():
    """What the CDK's draft-07 validation lets through, the parser must accept (and the reverse)."""
    schema = {"type": "object", "properties": {"n": {"type": "integer", "minimum": 1, "maximum": 32}}}
    for value in (5, 5.0, 5.5, 0, 33):
        valid = jsonschema.Draft7Validator(schema).is_valid({"n": value})
        try:
            whole_number({"n": value}, "n", 4, 1, 32)
            parsed = True
        except ConfigurationError:
            parsed = False
        assert parsed == valid, value


def test_flag():
    assert flag({}, "f") is False and flag({"f": True}, "f") is True and flag({}, "f", True) is True
    for bad in ("yes", 1, None):
        with pytest.raises(ConfigurationError, match="f must be true or false"):
            flag({"f": bad}, "f")


def test_choice():
    assert choice({}, "mode", ("a", "b"), "a") == "a"
    assert choice({"mode": ""}, "mode", ("a", "b"), "a") == "a"
    assert choice({"mode": "b"}, "mode", ("a", "b"), "a") == "b"
    with pytest.raises(ConfigurationError, match=r"mode must be one of a, b \(got 'c'\)"):
        choice({"mode": "c"}, "mode", ("a", "b"), "a")


def test_time_zone_name():
    assert time_zone_name({}) == "UTC" and time_zone_name({"server_timezone": ""}) == "UTC"
    assert time_zone_name({"server_timezone": " Europe/Berlin "}) == "Europe/Berlin"
    with pytest.raises(ConfigurationError, match="server_timezone"):
        time_zone_name({"server_timezone": "Mars/Olympus"})
    with pytest.raises(ConfigurationError, match="tz must be an IANA time zone name"):
        time_zone_name({"tz": 3}, "tz")


def test_time_zone_property_defaults_to_what_the_parser_defaults_to():
    prop = time_zone_property("where the server runs", order=3)
    assert prop["default"] == time_zone_name({}) and prop["order"] == 3 and prop["type"] == "string"
    assert all(time_zone_name({"server_timezone": z}) == z for z in prop["examples"])


def test_every_connector_spec_has_one_shape_and_validates_as_draft_07() -> None:
    props = {"site_url": {"type": "string"}}
    spec = connection_specification("X Spec", props, ("site_url",))
    assert spec["title"] == "X Spec" and spec["required"] == ["site_url"] and spec["additionalProperties"] is True
    assert spec["properties"] == props and spec["properties"] is not props  # a copy: callers may not mutate ours
    jsonschema.Draft7Validator.check_schema(spec)
    jsonschema.validate({"site_url": "https://erp.example.com", "newer_option": 1}, spec)


def test_instant_parses_iso_8601_to_utc_and_treats_empty_as_none() -> None:
    from datetime import datetime, timezone

    assert instant({"d": "2024-01-01T01:00:00+01:00"}, "d") == datetime(2024, 1, 1, tzinfo=timezone.utc)
    assert instant({"d": "2024-01-01"}, "d") == datetime(2024, 1, 1, tzinfo=timezone.utc)
    assert instant({"d": "  "}, "d") is None and instant({}, "d") is None and instant({"d": None}, "d") is None
    with pytest.raises(ConfigurationError, match="d must be an ISO 8601 string"):
        instant({"d": 20240101}, "d")
    with pytest.raises(ConfigurationError, match="'yesterday' is not an ISO 8601"):
        instant({"d": "yesterday"}, "d")


def test_connection_specification_moves_a_shared_fragment_without_changing_it_or_the_key_order() -> None:
    shared = {"a": {"type": "string", "order": 0}, "tls": {"type": "boolean", "order": 2}}
    spec = connection_specification("T", {**shared, "b": {"type": "integer", "order": 1}}, ["a"], orders={"tls": 3})
    assert list(spec["properties"]) == ["a", "tls", "b"]
    assert spec["properties"]["tls"] == {"type": "boolean", "order": 3}
    assert shared["tls"]["order"] == 2  # the shared fragment itself is untouched
