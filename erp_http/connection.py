"""Connection settings every ERP config has: the server root URL, TLS verification and the request timeout.

One parser for each, so the two ERPs word a bad value the same way and accept the same forms; the ERP names
its URL field and the API suffixes a user may paste after the root. ``connection_properties`` is the spec
fragment ``connection_settings`` parses (plain JSON Schema dicts: erp_http still imports nothing of Airbyte).
"""
from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any, TypeVar
from urllib.parse import urlsplit

from erp_http.errors import ConfigurationError

C = TypeVar("C")


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


def connection_settings(config: Any, url_field: str, api_suffixes: tuple[str, ...],
                        parse_credentials: Callable[[Any], C], default_timeout: float, *,
                        null_verify_means_default: bool = False) -> tuple[str, C, bool, float]:
    """``(server root, credentials, verify_tls, request_timeout_seconds)`` of a connection config, checked in that
    order (the first bad field is the one reported); ``parse_credentials`` reads the ERP's ``credentials`` object.

    Raises:
        ConfigurationError: the config is not an object, or a field is bad (the error names it).
    """
    if not isinstance(config, Mapping):
        raise ConfigurationError("The configuration must be a JSON object.")
    root = server_root(config.get(url_field), url_field, api_suffixes)
    credentials = parse_credentials(config.get("credentials"))
    verify_tls, timeout = transport_settings(config, default_timeout,
                                             null_verify_means_default=null_verify_means_default)
    return root, credentials, verify_tls, timeout


def connection_properties(url_field: str, *, title: str, description: str, examples: list[str],
                          credential_options: list[dict[str, Any]],
                          verify_tls_description: str | None = None) -> dict[str, Any]:
    """The spec fragment of the connection keys (parsed by ``connection_settings``): the server URL (order 0),
    ``credentials`` as a choice of the ERP's auth types (order 1) and ``verify_tls`` (order 2)."""
    return {
        url_field: {"type": "string", "title": title, "description": description, "pattern": "^https?://",
                    "examples": examples, "order": 0},
        "credentials": {"title": "Authentication", "type": "object", "order": 1, "oneOf": credential_options},
        "verify_tls": verify_tls_property(order=2, description=verify_tls_description),
    }


def verify_tls_property(*, order: int, description: str | None = None) -> dict[str, Any]:
    """The ``verify_tls`` spec fragment (parsed by ``transport_settings``): on by default, never off silently."""
    prop: dict[str, Any] = {"type": "boolean", "title": "Verify TLS certificates"}
    if description is not None:
        prop["description"] = description
    prop.update(default=True, order=order)
    return prop
