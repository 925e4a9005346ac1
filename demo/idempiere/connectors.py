"""source-idempiere and destination-idempiere under PyAirbyte, and the demo's warehouse-side transformation."""
from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from demo.pyairbyte_io import ROOT, DuckDBCache, ab, get_destination, get_source

SAMPLE_CONFIG = ROOT / "integration_tests" / "sample_config.json"


def connector_config(base_url: str, **overrides: Any) -> dict[str, Any]:
    """The emulator's demo credentials (integration_tests/sample_config.json) pointed at ``base_url``."""
    config = json.loads(SAMPLE_CONFIG.read_text())
    config["base_url"] = base_url
    config.update(overrides)
    return config


def get_idempiere_source(
    config: dict[str, Any], streams: list[str], progress: Callable[[str], None] | None = None
) -> ab.Source:
    """source-idempiere as a PyAirbyte source (see ``get_source``)."""
    return get_source("source-idempiere", config, streams, progress)


def get_idempiere_destination(
    config: dict[str, Any], progress: Callable[[str], None] | None = None
) -> ab.Destination:
    """destination-idempiere as a PyAirbyte destination (see ``get_destination``)."""
    return get_destination("destination-idempiere", config, progress)


def stage_new_partners(staging: DuckDBCache, count: int, prefix: str) -> list[dict[str, Any]]:
    """Turn the staging cache's ``c_bpartner`` table into ``count`` new business partners.

    This is the warehouse-side transformation of a reverse-ETL job: keep a few customers that have a
    business-partner group, give them a fresh search key and name, and keep only the columns to
    write. The group goes back as its identifier text (``C_BP_Group_ID: "Standard"``), one of the
    FK forms destination-idempiere resolves. ``uid``/``c_bpartner_uu`` are dropped and ``id`` is null:
    written with PyAirbyte's ``merge`` strategy (``append_dedup`` on the catalog key ``id``), a record
    without an id is a new row, and the destination derives its ``C_BPartner_UU`` from the content, so
    running the same write again does not create duplicates.

    Returns:
        the staged rows (value, name, c_bp_group_id) in the order they will be written.
    """
    schema = staging.schema_name
    # One statement per call: DuckDB refuses to alter a table that the same transaction changed.
    staging.execute_sql(
        f"CREATE OR REPLACE TABLE {schema}.retl_staged AS SELECT "
        f"CAST(NULL AS BIGINT) AS id, '{prefix}' || CAST(src.id AS VARCHAR) AS value, "
        f"'Reverse ETL copy of ' || src.name AS name, src.c_bp_group_id_identifier AS c_bp_group_id, "
        f"src.iscustomer, src.isvendor, src._airbyte_raw_id, src._airbyte_extracted_at, src._airbyte_meta "
        f"FROM {schema}.c_bpartner AS src WHERE src.c_bp_group_id_identifier IS NOT NULL "
        f"ORDER BY src.id LIMIT {int(count)}"
    )
    staging.execute_sql(f"DROP TABLE {schema}.c_bpartner")
    staging.execute_sql(f"ALTER TABLE {schema}.retl_staged RENAME TO c_bpartner")
    return staging.run_sql_query(f"SELECT value, name, c_bp_group_id FROM {schema}.c_bpartner ORDER BY value")
