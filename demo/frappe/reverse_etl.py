"""destination-frappe's step of the Frappe demo: a few warehouse rows written back into the demo site.

Customers are read into their own staging DuckDB file with source-frappe (so the synced cache stays a
faithful mirror), turned into new customers with SQL (a new name and a unique ``custom_external_id``,
no ``name``: the site names them by its naming series), and written with PyAirbyte's ``merge`` through
destination-frappe, whose ``external_id_field`` makes a second write of the same rows a no-op. The
emulator's own counts are the check.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from demo.pyairbyte_io import duckdb_cache, get_destination, get_source
from demo.runner import DemoCheckFailed, say
from frappe_emulator.child import FrappeChild

WRITE_BACK_COUNT = 3
PREFIX = "RETL-"


@dataclass
class WriteBack:
    """What the step did: the staged rows and the site's Customer count before and after each write."""

    staged: list[dict[str, Any]] = field(default_factory=list)
    counts: list[int] = field(default_factory=list)


def connector_config(emu: FrappeChild, **extra: Any) -> dict[str, Any]:
    return {"site_url": emu.base_url, **extra,
            "credentials": {"auth_type": "api_key", "api_key": emu.api_key, "api_secret": emu.api_secret}}


def reverse_etl(emu: FrappeChild, output: Path, count: int = WRITE_BACK_COUNT,
                result: WriteBack | None = None) -> WriteBack:
    """Stage ``count`` new customers from the site's own customers and write them back, twice.

    ``result`` (filled and returned) lets the demo's summary read what the step did.

    Raises:
        DemoCheckFailed: a record was rejected, or the site did not gain exactly ``count`` customers once.
    """
    result = result if result is not None else WriteBack()
    staging_path = output / "frappe_reverse_etl.duckdb"
    staging_path.unlink(missing_ok=True)
    staging = duckdb_cache(staging_path)
    say(f"  staging Customer in {staging_path.name}, then deriving new customers with SQL")
    source = get_source("source-frappe", connector_config(emu, doctypes=["Customer"]), ["Customer"])
    staged_read = source.read(cache=staging, force_full_refresh=True)
    result.staged = stage_new_customers(staging, count, PREFIX)
    for row in result.staged:
        say(f"  staged {row['custom_external_id']}: {row['customer_name']!r}, group {row['customer_group']!r}")
    rejects = output / "frappe_rejected_records.jsonl"
    rejects.unlink(missing_ok=True)
    destination = get_destination("destination-frappe", connector_config(
        emu, reject_policy="continue", rejected_records_path=str(rejects),
        streams=[{"stream": "Customer", "external_id_field": "custom_external_id"}]), progress=say)
    result.counts.append(emu.count("Customer"))
    for _ in range(2):  # the second write of the same rows must add nothing
        destination.write(staged_read, write_strategy="merge")
        result.counts.append(emu.count("Customer"))
    rejected = [json.loads(line) for line in rejects.read_text().splitlines()] if rejects.exists() else []
    for reject in rejected:
        say(f"  REJECTED: {json.dumps(reject)[:300]}")
    before, first, second = result.counts
    say(f"  site Customer documents: {before:,} -> {first:,} -> {second:,} (the same rows written twice)")
    if rejected or first - before != len(result.staged) or second != first:
        raise DemoCheckFailed(f"expected {len(result.staged)} new customers once; the site went {before} -> {first} "
                              f"-> {second} ({len(rejected)} rejected)")
    return result


def stage_new_customers(staging, count: int, prefix: str) -> list[dict[str, Any]]:
    """Replace the staging cache's ``customer`` table with ``count`` new customers (no ``name``)."""
    schema = staging.schema_name
    staging.execute_sql(
        f"CREATE OR REPLACE TABLE {schema}.retl_staged AS SELECT CAST(NULL AS VARCHAR) AS name, naming_series, "
        f"'Reverse ETL copy of ' || customer_name AS customer_name, '{prefix}' || name AS custom_external_id, "
        f"customer_type, customer_group, territory, _airbyte_raw_id, _airbyte_extracted_at, _airbyte_meta "
        f"FROM {schema}.customer WHERE customer_group IS NOT NULL ORDER BY name LIMIT {int(count)}")
    staging.execute_sql(f"DROP TABLE {schema}.customer")
    staging.execute_sql(f"ALTER TABLE {schema}.retl_staged RENAME TO customer")
    rows = staging.run_sql_query(f"SELECT customer_name, custom_external_id, customer_group FROM {schema}.customer "
                                 f"ORDER BY custom_external_id")
    return [dict(row) for row in rows]
