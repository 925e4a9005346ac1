"""Airbyte destination for the iDempiere REST API (reverse ETL: upserts, identifier FKs, rejected-row reports)."""
from erp_airbyte import cdk_startup

cdk_startup.install()  # before the CDK is imported: ~0.7 s less CPU per process

from destination_idempiere.destination import DestinationIdempiere  # noqa: E402

__all__ = ["DestinationIdempiere"]
