"""Airbyte glue shared by every ERP connector (names no ERP, imports no ERP package)."""
