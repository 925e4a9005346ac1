"""Airbyte destination for the iDempiere REST API (reverse ETL: upserts, identifier FKs, rejected-row reports)."""
from destination_idempiere.destination import DestinationIdempiere

__all__ = ["DestinationIdempiere"]
