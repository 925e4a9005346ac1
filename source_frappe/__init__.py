"""Airbyte source for Frappe Framework / ERPNext sites (console script ``source-frappe``)."""
