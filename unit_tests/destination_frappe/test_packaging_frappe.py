"""destination-frappe's metadata.yaml follows Airbyte's metadata schema (same rules as the other connectors)."""
from __future__ import annotations

import uuid

from unit_tests.packaging_facts import DESTINATION_METADATA, ROOT, load_metadata, setup_kwargs
from unit_tests.test_connector_metadata import ALLOWED, REQUIRED

METADATA = ROOT / "destination_frappe" / "metadata.yaml"


def test_metadata_keys_follow_the_schema_and_name_the_console_script():
    document = load_metadata(METADATA)
    assert document["metadataSpecVersion"] == "1.0"
    data = document["data"]
    assert REQUIRED <= set(data) and set(data) <= ALLOWED
    assert data["connectorType"] == "destination"
    assert data["dockerRepository"] == "airbyte/destination-frappe"
    assert data["dockerImageTag"] == setup_kwargs()["version"]
    assert any(s.startswith("destination-frappe=") for s in setup_kwargs()["entry_points"]["console_scripts"])
    other = load_metadata(DESTINATION_METADATA)["data"]["definitionId"]
    assert uuid.UUID(data["definitionId"]) and data["definitionId"] != other
