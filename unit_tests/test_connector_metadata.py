"""Both connectors' metadata.yaml follow Airbyte's metadata schema and agree with setup.py and the CHANGELOG.

The registry rejects a metadata file with an unknown key or a missing required one, and a version
that differs between setup.py, the image tag and the CHANGELOG ships a confusing release.
"""
from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest

from unit_tests.packaging_facts import (
    DESTINATION_METADATA,
    SOURCE_METADATA,
    changelog_versions,
    load_metadata,
    parse_dockerfile,
    setup_kwargs,
)

# ConnectorMetadataDefinitionV0: required keys of `data`, and every key the schema allows there.
REQUIRED = {
    "name", "definitionId", "connectorType", "dockerRepository", "dockerImageTag", "license",
    "documentationUrl", "githubIssueLabel", "connectorSubtype", "releaseStage",
}
ALLOWED = REQUIRED | {
    "icon", "connectorBuildOptions", "supportsDbt", "supportsNormalization", "maxSecondsBetweenMessages",
    "releaseDate", "protocolVersion", "supportLevel", "tags", "registryOverrides", "registries",
    "allowedHosts", "releases", "normalizationConfig", "suggestedStreams", "resourceRequirements",
    "ab_internal", "remoteRegistries", "connectorTestSuitesOptions", "supportsRefreshes",
    "supportsFileTransfer", "supportsDataActivation", "generated", "externalDocumentationUrls",
    "connectorIPCOptions", "erdUrl",
}
CONNECTORS = {
    "source": SOURCE_METADATA,
    "destination": DESTINATION_METADATA,
}


def _data(kind: str) -> dict[str, Any]:
    path: Path = CONNECTORS[kind]
    if not path.exists():
        pytest.fail(f"{path.relative_to(path.parents[1])} is missing")
    document = load_metadata(path)
    assert document["metadataSpecVersion"] == "1.0"
    return document["data"]


@pytest.mark.parametrize("kind", sorted(CONNECTORS))
def test_metadata_has_every_required_key_and_no_unknown_key(kind: str) -> None:
    data = _data(kind)
    assert REQUIRED <= set(data), REQUIRED - set(data)
    assert set(data) <= ALLOWED, set(data) - ALLOWED


@pytest.mark.parametrize("kind", sorted(CONNECTORS))
def test_metadata_describes_a_community_alpha_python_api_connector(kind: str) -> None:
    data = _data(kind)
    assert data["connectorType"] == kind
    assert data["connectorSubtype"] == "api"
    assert data["dockerRepository"] == f"airbyte/{kind}-idempiere"
    assert data["githubIssueLabel"] == f"{kind}-idempiere"
    assert data["license"] == "MIT"
    assert data["releaseStage"] == "alpha"
    assert data["supportLevel"] == "community"
    assert {"language:python", "cdk:python"} <= set(data["tags"])
    assert data["documentationUrl"].startswith("https://")
    assert data["connectorBuildOptions"]["baseImage"] == parse_dockerfile().first("FROM")


def test_definition_ids_are_distinct_uuids() -> None:
    ids = [uuid.UUID(str(_data(kind)["definitionId"])) for kind in sorted(CONNECTORS)]
    assert all(i.version == 4 for i in ids)
    assert ids[0] != ids[1]


@pytest.mark.parametrize("kind", sorted(CONNECTORS))
def test_image_tag_matches_setup_version_and_latest_changelog_entry(kind: str) -> None:
    version = setup_kwargs()["version"]
    assert str(_data(kind)["dockerImageTag"]) == version
    assert changelog_versions()[:1] == [version]
