"""The error taxonomy frappe_client raises: the shared one (``erp_http.errors``), re-exported so callers
(source and destination) import one module of this package."""
from __future__ import annotations

from erp_http.errors import (  # noqa: F401 - re-exported
    ApiError,
    AuthenticationError,
    ConfigurationError,
    ErpError,
    PagingOrderError,
    TransientError,
    UnsafeFilterValue,
)
