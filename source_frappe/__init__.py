"""Airbyte source for Frappe Framework / ERPNext sites (console script ``source-frappe``)."""
from erp_airbyte import cdk_startup

cdk_startup.install()  # before the CDK is imported: most of the CDK's import CPU (cdk_startup.py; bench F1/F3)
