"""Airbyte destination for the iDempiere REST API (reverse ETL: upserts, identifier FKs, rejected-row reports)."""
from erp_airbyte import cdk_startup

cdk_startup.install()  # before the CDK is imported: most of the CDK's import CPU (cdk_startup.py)

from destination_idempiere.destination import DestinationIdempiere  # noqa: E402

__all__ = ["DestinationIdempiere"]
