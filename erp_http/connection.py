"""Connection settings every ERP config has: the server root URL, TLS verification and the request timeout.

One parser for each, so the two ERPs word a bad value the same way and accept the same forms; the ERP names
its URL field and the API suffixes a user may paste after the root.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from erp_http.errors import ConfigurationError


def server_root(value: Any, field: str, api_suffixes: tuple[str, ...]) -> str:
    """The server root for a URL given with or without one of ``api_suffixes`` (no trailing slash).

    Raises:
        ConfigurationError: the value is not an http(s) URL with a host, or carries a query, fragment or user.
    """
    if not isinstance(value, str) or not value.strip():
        raise ConfigurationError(f"{field} is required, e.g. https://erp.example.com")
    url = value.strip()
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ConfigurationError(
            f"{field} must be an http:// or https:// URL with a host name, e.g. https://erp.example.com (got {url!r}).")
    if parts.query or parts.fragment:
        raise ConfigurationError(f"{field} must not contain a query string or fragment.")
    if parts.username or parts.password:
        raise ConfigurationError(f"{field} must not contain a user name or password; use the credentials fields.")
    path = parts.path.rstrip("/")
    for suffix in api_suffixes:
        if path.lower().endswith(suffix):
            path = path[: -len(suffix)]
            break
    return f"{parts.scheme.lower()}://{parts.netloc}{path.rstrip('/')}"


def transport_settings(config: Mapping[str, Any], default_timeout: float, *,
                       null_verify_means_default: bool = False) -> tuple[bool, float]:
    """``(verify_tls, request_timeout_seconds)`` from a config; verification is on unless set to false.

    Raises:
        ConfigurationError: verify_tls is not a boolean, or the timeout is not a positive finite number.
    """
    verify_tls = config.get("verify_tls", True)
    if verify_tls is None and null_verify_means_default:
        verify_tls = True
    if not isinstance(verify_tls, bool):
        raise ConfigurationError("verify_tls must be true or false.")
    timeout = config.get("request_timeout_seconds", default_timeout)
    if (isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not math.isfinite(timeout)
            or timeout <= 0):
        raise ConfigurationError("request_timeout_seconds must be a positive number.")
    return verify_tls, float(timeout)
