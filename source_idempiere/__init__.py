"""Airbyte source for the iDempiere REST API."""
from erp_airbyte import cdk_startup

cdk_startup.install()  # before the CDK is imported: most of the CDK's import CPU (cdk_startup.py)

from source_idempiere.source import SourceIdempiere  # noqa: E402

__all__ = ["SourceIdempiere"]
