"""iDempiere REST client on the shared erp_http core (no airbyte imports): config, auth, API, filters, metadata.

Curated re-exports; the modules themselves are the documented API (docs/architecture.md "Client API").
"""
from erp_http.errors import (
    ApiError,
    AuthenticationError,
    ConfigurationError,
    ErpError,
    PagingOrderError,
    TransientError,
    UnsafeFilterValue,
)
from idempiere_client.config import (
    CONNECTION_SPEC_PROPERTIES,
    CONNECTION_SPEC_REQUIRED,
    ConnectionConfig,
)
from idempiere_client.filters import F, include_inactive, orderby, time_window
from idempiere_client.http import IdempiereClient
from idempiere_client.literals import is_safe_string, literal
from idempiere_client.metadata import ColumnMeta, MetadataCatalog, TableMeta
from idempiere_client.paging import Page
from idempiere_client.records import RecordConverter
from idempiere_client.timeutil import ServerClock
from idempiere_client.type_map import json_schema

__all__ = [
    "CONNECTION_SPEC_PROPERTIES", "CONNECTION_SPEC_REQUIRED", "ConnectionConfig", "ApiError", "AuthenticationError",
    "ConfigurationError", "ErpError", "PagingOrderError", "TransientError", "UnsafeFilterValue", "F",
    "include_inactive", "orderby", "time_window", "IdempiereClient", "is_safe_string", "literal", "ColumnMeta",
    "MetadataCatalog", "TableMeta", "Page", "RecordConverter", "ServerClock", "json_schema",
]
