"""Airbyte source for the iDempiere REST API."""
from erp_airbyte import cdk_startup

cdk_startup.install()  # before the CDK is imported: ~0.7 s less CPU per process

from source_idempiere.source import SourceIdempiere  # noqa: E402

__all__ = ["SourceIdempiere"]
