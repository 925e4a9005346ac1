"""Connection settings shared by source-frappe and destination-frappe: one spec fragment, one parser.

Both connectors put ``CONNECTION_SPEC_PROPERTIES`` into their spec and call
``ConnectionConfig.from_airbyte(config)``, so ``site_url``/``credentials``/``verify_tls`` are validated by
exactly one piece of code. ``repr()`` of every credentials object masks its secrets.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from erp_http.connection import connection_properties, connection_settings, server_root
from erp_http.secrets import masked_repr
from frappe_client.errors import ConfigurationError

DEFAULT_TIMEOUT_SECONDS = 120.0  # gunicorn's usual worker timeout (bench http_timeout): a page never takes longer
# Suffixes users paste from the browser or from API docs; the site root is what every path hangs off.
_URL_SUFFIXES = ("/api/v1", "/api/v2", "/api", "/app", "/desk")

# The credential kinds a user picks from (spec §2): one "oneOf" option each.
_CREDENTIAL_OPTIONS: list[dict[str, Any]] = [
    {
        "title": "API key and secret (recommended)",
        "type": "object",
        "required": ["auth_type", "api_key", "api_secret"],
        "properties": {
            "auth_type": {"type": "string", "const": "api_key", "order": 0},
            "api_key": {"type": "string", "title": "API key", "order": 1, "airbyte_secret": False,
                        "description": "User > API Access > Generate Keys (the key part; an identifier, "
                        "useless without the secret)."},
            "api_secret": {"type": "string", "title": "API secret", "airbyte_secret": True, "order": 2,
                           "description": "Shown once when the keys are generated."},
        },
    },
    {
        "title": "User name and password (session login)",
        "type": "object",
        "required": ["auth_type", "username", "password"],
        "properties": {
            "auth_type": {"type": "string", "const": "password", "order": 0},
            "username": {"type": "string", "title": "User name or email", "order": 1},
            "password": {"type": "string", "title": "Password", "airbyte_secret": True, "order": 2},
        },
    },
    {
        "title": "OAuth 2.0",
        "type": "object",
        "required": ["auth_type", "client_id", "refresh_token"],
        "properties": {
            "auth_type": {"type": "string", "const": "oauth2", "order": 0},
            "client_id": {"type": "string", "title": "Client ID", "order": 1,
                          "description": "The OAuth Client's App Client ID."},
            "client_secret": {"type": "string", "title": "Client secret", "airbyte_secret": True,
                              "order": 2, "description": "Optional (public clients have none)."},
            "refresh_token": {"type": "string", "title": "Refresh token", "airbyte_secret": True,
                              "order": 3},
            "access_token": {"type": "string", "title": "Access token", "airbyte_secret": True,
                             "order": 4, "description": "Optional: used until it expires."},
        },
    },
]
CONNECTION_SPEC_PROPERTIES: dict[str, Any] = connection_properties(
    "site_url", title="Site URL", examples=["https://erp.example.com", "https://erp.example.com/app"],
    description="Root URL of the Frappe / ERPNext site, e.g. https://erp.example.com (a value ending "
    "in /api or /app is accepted too).", credential_options=_CREDENTIAL_OPTIONS,
    verify_tls_description="Turn off only for a test site with a self-signed certificate.")
CONNECTION_SPEC_REQUIRED: list[str] = ["site_url", "credentials"]


@dataclass(frozen=True)
class ApiKeyCredentials:
    """``Authorization: token <api_key>:<api_secret>`` (spec §2.1): no session, nothing to refresh."""

    api_key: str
    api_secret: str = dataclasses.field(repr=False)

    def __repr__(self) -> str:
        return masked_repr(self, ["api_key"], ["api_secret"])


@dataclass(frozen=True)
class PasswordCredentials:
    """Session login (``POST /api/method/login``, sid cookie; spec §2.4)."""

    username: str
    password: str = dataclasses.field(repr=False)

    def __repr__(self) -> str:
        return masked_repr(self, ["username"], ["password"])


@dataclass(frozen=True)
class OAuth2Credentials:
    """Bearer tokens refreshed with ``frappe.integrations.oauth2.get_token`` (spec §2.3)."""

    client_id: str
    refresh_token: str = dataclasses.field(repr=False)
    client_secret: str | None = dataclasses.field(default=None, repr=False)
    access_token: str | None = dataclasses.field(default=None, repr=False)

    def __repr__(self) -> str:
        return masked_repr(self, ["client_id"], ["refresh_token"])


Credentials = ApiKeyCredentials | PasswordCredentials | OAuth2Credentials


@dataclass(frozen=True)
class ConnectionConfig:
    """Parsed connection settings.

    Attributes:
        site_url: site root without trailing slash, e.g. ``https://erp.example.com``.
        credentials: one of the three credential kinds.
        verify_tls: verify server certificates.
        request_timeout_seconds: read timeout of one request.
    """

    site_url: str
    credentials: Credentials
    verify_tls: bool = True
    request_timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS

    @property
    def auth_type(self) -> str:
        return {ApiKeyCredentials: "api_key", PasswordCredentials: "password",
                OAuth2Credentials: "oauth2"}[type(self.credentials)]

    @classmethod
    def from_airbyte(cls, config: Mapping[str, Any]) -> ConnectionConfig:
        """Parse an Airbyte config mapping.

        Raises:
            ConfigurationError: with a message naming the key to fix.
        """
        return cls(*connection_settings(config, "site_url", _URL_SUFFIXES, parse_credentials, DEFAULT_TIMEOUT_SECONDS,
                                        null_verify_means_default=True))


def normalize_site_url(value: Any) -> str:
    """The site root for a URL given with or without ``/api``, ``/api/v1``, ``/api/v2``, ``/app`` or ``/desk``.

    Raises:
        ConfigurationError: the value is not an http(s) URL with a host.
    """
    return server_root(value, "site_url", _URL_SUFFIXES)


_AUTH_TYPES = ("api_key", "password", "oauth2")


def _text(creds: Mapping[str, Any], key: str, auth_type: str, *, required: bool, strip: bool = True) -> str | None:
    value = creds.get(key)
    if value is not None and not isinstance(value, str):
        raise ConfigurationError(f"credentials.{key} must be a string (auth_type {auth_type}).")
    if isinstance(value, str) and strip:
        value = value.strip()
    if not value:
        if required:
            raise ConfigurationError(f"credentials.{key} is required for auth_type {auth_type}.")
        return None
    return value


def parse_credentials(creds: Any) -> Credentials:
    """Parse the ``credentials`` object; the auth type is inferred from the keys when ``auth_type`` is absent.

    Raises:
        ConfigurationError: naming the missing field and the auth type.
    """
    if not isinstance(creds, Mapping):
        raise ConfigurationError("credentials is required: choose auth_type api_key (recommended), password or oauth2.")
    auth_type = creds.get("auth_type")
    if auth_type is None:
        auth_type = ("api_key" if "api_key" in creds else "oauth2" if "refresh_token" in creds
                     else "password" if "username" in creds else None)
    if auth_type not in _AUTH_TYPES:
        raise ConfigurationError(
            f"credentials.auth_type must be one of {', '.join(_AUTH_TYPES)} (got {auth_type!r}).")
    if auth_type == "api_key":
        key = _text(creds, "api_key", auth_type, required=True)
        secret = _text(creds, "api_secret", auth_type, required=True)
        if ":" in key or any(ch.isspace() for ch in key + secret):
            # The header is "token key:secret" split on one space: such values could never authenticate.
            raise ConfigurationError("credentials.api_key and api_secret must not contain spaces, and the api_key "
                                     "no ':' (paste the two parts of the generated key pair separately).")
        return ApiKeyCredentials(key, secret)
    if auth_type == "password":
        return PasswordCredentials(_text(creds, "username", auth_type, required=True),
                                   _text(creds, "password", auth_type, required=True, strip=False))
    return OAuth2Credentials(
        client_id=_text(creds, "client_id", auth_type, required=True),
        refresh_token=_text(creds, "refresh_token", auth_type, required=True),
        client_secret=_text(creds, "client_secret", auth_type, required=False),
        access_token=_text(creds, "access_token", auth_type, required=False),
    )
