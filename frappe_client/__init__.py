"""Frappe Framework / ERPNext REST client shared by source-frappe and destination-frappe.

No airbyte imports: config, auth, the status policy, filters, DocType meta, JSON schemas and record
conversion, each in its own module (see docs/architecture.md).
"""
