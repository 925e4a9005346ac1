"""The repository keeps the promises of issue 2: the README's two commands, CI running exactly one of
them, the connector test data in place and valid, and docs links that resolve.

These break silently otherwise: nobody re-reads the README after the first week.
"""
from __future__ import annotations

import json
import logging
import re

import jsonschema
import pytest
import yaml

from unit_tests.packaging_facts import ROOT

INTEGRATION = ROOT / "integration_tests"


def _first_fenced_block(markdown: str) -> list[str]:
    match = re.search(r"^```[^\n]*\n(.*?)^```", markdown, flags=re.MULTILINE | re.DOTALL)
    assert match, "no fenced block"
    return match.group(1).strip("\n").splitlines()


def test_readme_opens_with_exactly_the_two_commands() -> None:
    text = (ROOT / "README.md").read_text()
    before_block = text.split("```", 1)[0]
    assert [line for line in before_block.splitlines() if line.strip() and not line.startswith("#")] == []
    assert _first_fenced_block(text) == ["make demo", "make test"]


def test_ci_runs_exactly_make_test() -> None:
    commands = [
        line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    assert commands[-1] == "make test"
    assert not any(c.startswith(("pytest", "python", "pip")) for c in commands)


@pytest.mark.parametrize(
    "name",
    ["acceptance-test-config.yml", "configured_catalog.json", "sample_config.json", "invalid_config.json",
     "sample_state.json", "abnormal_state.json"],
)
def test_connector_test_data_exists_and_parses(name: str) -> None:
    path = INTEGRATION / name
    assert path.exists(), f"integration_tests/{name} is missing"
    parsed = yaml.safe_load(path.read_text()) if name.endswith(".yml") else json.loads(path.read_text())
    assert parsed


def _spec(connector: str) -> dict:
    logger = logging.getLogger("test")
    if connector == "source":
        from source_idempiere.source import SourceIdempiere

        return SourceIdempiere().spec(logger).connectionSpecification
    from destination_idempiere.destination import DestinationIdempiere

    return DestinationIdempiere().spec(logger).connectionSpecification


@pytest.mark.parametrize("connector", ["source", "destination"])
@pytest.mark.parametrize("name", ["sample_config.json", "invalid_config.json"])
def test_sample_configs_validate_against_both_specs(connector: str, name: str) -> None:
    """invalid_config.json is wrong only in a way the server detects (the password), so `check` fails
    on the login rather than on schema validation, which is what the standard tests exercise."""
    jsonschema.validate(json.loads((INTEGRATION / name).read_text()), _spec(connector))


def test_sample_config_holds_the_emulator_demo_credentials() -> None:
    config = json.loads((INTEGRATION / "sample_config.json").read_text())
    assert config["base_url"] == "http://127.0.0.1:8080"
    assert config["credentials"] == {
        "auth_type": "password", "username": "GardenAdmin", "password": "GardenAdmin", "client": "GardenWorld",
        "role": "GardenWorld Admin", "organization": "HQ", "warehouse": "HQ Warehouse", "language": "en_US",
    }
    invalid = json.loads((INTEGRATION / "invalid_config.json").read_text())
    assert invalid["credentials"]["password"] != "GardenAdmin"


@pytest.mark.parametrize("doc", ["README.md", "docs/source.md", "docs/destination.md", "docs/emulator.md"])
def test_relative_links_in_docs_point_at_existing_files(doc: str) -> None:
    path = ROOT / doc
    targets = re.findall(r"\]\((?!https?://|#)([^)#\s]+)", path.read_text())
    missing = [t for t in targets if not (path.parent / t).exists()]
    assert not missing, missing


def test_changelog_and_docs_exist() -> None:
    for name in ("CHANGELOG.md", "docs/source.md", "docs/destination.md", "docs/emulator.md", "docs/architecture.md"):
        assert (ROOT / name).stat().st_size > 200, name


def test_every_emulator_flag_is_documented() -> None:
    from idempiere_emulator.__main__ import build_parser

    flags = {opt for action in build_parser()._actions for opt in action.option_strings if opt.startswith("--")}
    flags.discard("--help")
    documented = (ROOT / "docs" / "emulator.md").read_text()
    assert flags and not [f for f in sorted(flags) if f"`{f}" not in documented]


@pytest.mark.parametrize(("connector", "doc"), [("source", "docs/source.md"), ("destination", "docs/destination.md")])
def test_every_spec_property_is_in_the_config_reference(connector: str, doc: str) -> None:
    spec = _spec(connector)
    keys = set(spec["properties"])
    for option in spec["properties"]["credentials"]["oneOf"]:
        keys |= set(option["properties"])
    text = (ROOT / doc).read_text()
    if connector == "destination":  # the destination page refers to the source page for credentials
        text += (ROOT / "docs" / "source.md").read_text()
    assert not [k for k in sorted(keys) if f"`{k}`" not in text and f"`credentials.{k}`" not in text]
