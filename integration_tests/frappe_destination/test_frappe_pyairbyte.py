"""PyAirbyte writes from a DuckDB cache into Frappe with destination-frappe (the installed console scripts).

The cache is what a data person has: source-frappe read it (nested child tables stored as DuckDB JSON), its
tables and columns are lower-cased and flattened by PyAirbyte (``Sales Order`` -> ``sales_order``) and it
carries ``_airbyte_*`` columns. A warehouse-side transformation turns rows into new documents (no
``name``), and ``write_strategy="merge"`` (``append_dedup`` on the catalog key ``name``) writes them: rows
without a name are found by ``external_id_field`` / the stream's ``key_field`` on the next run, so
writing the same cache twice creates nothing twice. The emulator's database is the oracle.
"""
from __future__ import annotations

from pathlib import Path

from demo.pyairbyte_io import duckdb_cache, get_destination, get_source
from frappe_emulator import FrappeEmulator, FrappeOptions


def _creds(emu) -> dict:
    return {"auth_type": "api_key", "api_key": emu.api_key, "api_secret": emu.api_secret}


def _count(emu, sql: str) -> int:
    return int(emu.backend.sql(sql)[0][0])


def test_pyairbyte_merge_from_a_duckdb_cache_writes_new_documents_once(tmp_path: Path) -> None:
    with FrappeEmulator(FrappeOptions(rows=5)) as emu:
        source = get_source("source-frappe", {"site_url": emu.base_url, "credentials": _creds(emu),
                                              "doctypes": ["Customer", "Sales Order"], "child_tables": "nested"},
                            ["Customer", "Sales Order"])
        cache = duckdb_cache(tmp_path / "staging.duckdb")
        read = source.read(cache=cache, force_full_refresh=True)
        schema = cache.schema_name
        # warehouse-side transformation: three customers and two orders become new documents (no name)
        cache.execute_sql(
            f"CREATE OR REPLACE TABLE {schema}.staged AS SELECT CAST(NULL AS VARCHAR) AS name, naming_series, "
            f"'PyAB ' || name AS customer_name, 'PYAB-' || name AS custom_external_id, customer_type, customer_group, "
            f"territory, _airbyte_raw_id, _airbyte_extracted_at, _airbyte_meta FROM {schema}.customer "
            f"ORDER BY name LIMIT 3")
        cache.execute_sql(f"DROP TABLE {schema}.customer")
        cache.execute_sql(f"ALTER TABLE {schema}.staged RENAME TO customer")
        cache.execute_sql(
            f"CREATE OR REPLACE TABLE {schema}.staged AS SELECT CAST(NULL AS VARCHAR) AS name, naming_series, "
            f"customer, "
            f"company, transaction_date, currency, conversion_rate, selling_price_list, 'PYAB-' || name AS po_no, "
            f"items, 0 AS docstatus, _airbyte_raw_id, _airbyte_extracted_at, _airbyte_meta FROM {schema}.sales_order "
            f"WHERE docstatus = 1 ORDER BY name LIMIT 2")
        cache.execute_sql(f"DROP TABLE {schema}.sales_order")
        cache.execute_sql(f"ALTER TABLE {schema}.staged RENAME TO sales_order")
        rejects = tmp_path / "rejects.jsonl"
        destination = get_destination("destination-frappe", {
            "site_url": emu.base_url, "credentials": _creds(emu), "reject_policy": "fail",
            "rejected_records_path": str(rejects),
            "streams": [{"stream": "Customer", "external_id_field": "custom_external_id"},
                        {"stream": "Sales Order", "key_field": "po_no"}]})

        customers = "SELECT COUNT(*) FROM `tabCustomer` WHERE custom_external_id LIKE 'PYAB-%'"
        orders = "SELECT COUNT(*) FROM `tabSales Order` WHERE po_no LIKE 'PYAB-%'"
        lines = ("SELECT COUNT(*) FROM `tabSales Order Item` WHERE parent IN "
                 "(SELECT name FROM `tabSales Order` WHERE po_no LIKE 'PYAB-%')")
        destination.write(read, write_strategy="merge")
        assert (_count(emu, customers), _count(emu, orders)) == (3, 2)
        copied_lines = _count(emu, lines)
        assert copied_lines >= 2
        source_lines = _count(emu, "SELECT COUNT(*) FROM `tabSales Order Item` WHERE parent IN "
                                   "(SELECT substr(po_no, 6) FROM `tabSales Order` WHERE po_no LIKE 'PYAB-%')")
        assert copied_lines == source_lines
        destination.write(read, write_strategy="merge")  # the same cache again: nothing new
        assert (_count(emu, customers), _count(emu, orders), _count(emu, lines)) == (3, 2, copied_lines)
        assert not rejects.exists() or not rejects.read_text().strip()
        assert emu.backend.sql("SELECT customer_name FROM `tabCustomer` WHERE custom_external_id LIKE 'PYAB-%' "
                               "ORDER BY customer_name")[0][0].startswith("PyAB ")
