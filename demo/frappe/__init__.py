"""The Frappe / ERPNext demo: frappe_emulator -> source-frappe (PyAirbyte) -> DuckDB, edits, incremental sync."""
