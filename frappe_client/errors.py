"""The error taxonomy frappe_client raises: the shared one from ``erp_http`` once it lands.

Until ``erp_http/errors.py`` is on this branch, these stand-ins carry the same names and meaning, so
callers import ``frappe_client.errors`` and never change when the shared module replaces them.
"""
from __future__ import annotations


class ErpError(Exception):
    """Base class for every error an ERP client raises on purpose."""


class ConfigurationError(ErpError):
    """A problem the user fixes in the connector configuration; the message says how."""


class AuthenticationError(ConfigurationError):
    """Credentials rejected for good."""


class UnsafeFilterValue(ErpError, ValueError):
    """A value that cannot be put into a filter without changing its meaning."""
