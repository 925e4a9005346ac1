"""source-frappe's metadata.yaml and image: Airbyte's metadata schema, and agreement with setup.py and the
Dockerfile (the iDempiere connectors' files are checked in unit_tests/test_metadata.py)."""
from __future__ import annotations

import uuid

from unit_tests.packaging_facts import (
    DESTINATION_METADATA,
    ROOT,
    SOURCE_METADATA,
    console_scripts_in_setup,
    load_metadata,
    parse_dockerfile,
    setup_kwargs,
)
from unit_tests.test_connector_metadata import ALLOWED, REQUIRED

METADATA = ROOT / "source_frappe" / "metadata.yaml"


def test_metadata_follows_the_schema_and_names_the_frappe_source() -> None:
    document = load_metadata(METADATA)
    assert document["metadataSpecVersion"] == "1.0"
    data = document["data"]
    assert REQUIRED <= set(data) and set(data) <= ALLOWED
    assert data["connectorType"] == "source" and data["connectorSubtype"] == "api"
    assert data["dockerRepository"] == "airbyte/source-frappe" and data["githubIssueLabel"] == "source-frappe"
    assert data["dockerImageTag"] == setup_kwargs()["version"]
    assert data["connectorBuildOptions"]["baseImage"] == parse_dockerfile().first("FROM")
    assert {"language:python", "cdk:python"} <= set(data["tags"])
    assert data["documentationUrl"].endswith("docs/source-frappe.md")
    assert (ROOT / "docs" / "source-frappe.md").exists()


def test_definition_id_is_its_own() -> None:
    mine = uuid.UUID(str(load_metadata(METADATA)["data"]["definitionId"]))
    others = {uuid.UUID(str(load_metadata(p)["data"]["definitionId"])) for p in (SOURCE_METADATA, DESTINATION_METADATA)}
    assert mine.version == 4 and mine not in others


def test_console_script_and_image_argument() -> None:
    assert console_scripts_in_setup()["source-frappe"] == "source_frappe.run:run"
    run = next(r for r in parse_dockerfile().all("RUN") if "case" in r)
    assert "source-frappe" in run
