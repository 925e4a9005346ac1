"""Airbyte source for the iDempiere REST API."""
from source_idempiere.source import SourceIdempiere

__all__ = ["SourceIdempiere"]
