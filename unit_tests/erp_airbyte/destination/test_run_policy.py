"""The pipeline's own options: one spec fragment and one parser for every ERP destination."""
from __future__ import annotations

import pytest

from erp_airbyte.destination.run_policy import RunPolicy, run_policy_spec
from erp_http.errors import ConfigurationError


def test_defaults_and_parsed_values() -> None:
    assert RunPolicy.from_airbyte({}) == RunPolicy("fail", None, False)
    parsed = RunPolicy.from_airbyte({"reject_policy": "continue", "rejected_records_path": "/tmp/r.jsonl",
                                    "dry_run": True})
    assert parsed == RunPolicy("continue", "/tmp/r.jsonl", True)
    assert RunPolicy.from_airbyte({"rejected_records_path": ""}).rejected_records_path is None


@pytest.mark.parametrize(("config", "message"), [
    ({"reject_policy": "skip"}, "reject_policy must be one of fail, continue \\(got 'skip'\\)"),
    ({"rejected_records_path": 3}, "rejected_records_path must be a file path string"),
    ({"dry_run": "yes"}, "dry_run must be true or false"),
])
def test_bad_values_are_configuration_errors_naming_the_option(config: dict, message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        RunPolicy.from_airbyte(config)


def test_spec_fragment_is_placed_at_the_given_order_and_matches_the_parser() -> None:
    spec = run_policy_spec(first_order=7)
    assert [(name, prop["order"]) for name, prop in spec.items()] == [
        ("reject_policy", 7), ("rejected_records_path", 8), ("dry_run", 9)]
    assert spec["reject_policy"]["enum"] == ["fail", "continue"] and spec["dry_run"]["default"] is False
