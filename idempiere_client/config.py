"""Connection settings shared by source and destination: one spec fragment, one parser.

Both connectors include ``CONNECTION_SPEC_PROPERTIES`` in their spec and call
``ConnectionConfig.from_airbyte(config)``, so ``base_url``/``credentials``/``verify_tls`` are
validated by exactly one piece of code. ``repr()`` masks secrets.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from erp_http.connection import connection_properties, connection_settings
from erp_http.errors import ConfigurationError
from erp_http.secrets import masked_repr

API_PREFIX = "/api/v1"
DEFAULT_TIMEOUT_SECONDS = 60.0
_URL_SUFFIXES = ("/api/v1", "/api")  # what a user may paste after the server root

# The two ways to log in (spec §1): one "oneOf" option each.
_CREDENTIAL_OPTIONS: list[dict[str, Any]] = [
    {
        "title": "User name and password",
        "type": "object",
        "required": ["auth_type", "username", "password", "client", "role"],
        "properties": {
            "auth_type": {"type": "string", "const": "password", "order": 0},
            "username": {"type": "string", "title": "User name", "order": 1},
            "password": {"type": "string", "title": "Password", "airbyte_secret": True, "order": 2},
            "client": {
                "type": "string",
                "title": "Tenant (client)",
                "description": "Tenant search key or name (e.g. GardenWorld) or numeric AD_Client_ID.",
                "order": 3,
            },
            "role": {
                "type": "string",
                "title": "Role",
                "description": "Role name (e.g. GardenWorld Admin) or numeric AD_Role_ID. "
                "Only Web Service roles can log in through REST.",
                "order": 4,
            },
            "organization": {
                "type": "string",
                "title": "Organization",
                "description": "Organization name/search key or numeric AD_Org_ID. Optional when the "
                "role has a single organization.",
                "order": 5,
            },
            "warehouse": {
                "type": "string",
                "title": "Warehouse",
                "description": "Warehouse name or numeric M_Warehouse_ID. Optional.",
                "order": 6,
            },
            "language": {
                "type": "string",
                "title": "Language",
                "description": "Login language, e.g. en_US. Optional.",
                "order": 7,
            },
        },
    },
    {
        "title": "Server-to-server token",
        "type": "object",
        "required": ["auth_type", "token"],
        "properties": {
            "auth_type": {"type": "string", "const": "token", "order": 0},
            "token": {
                "type": "string",
                "title": "Token",
                "description": "A REST_AuthToken issued by an iDempiere administrator.",
                "airbyte_secret": True,
                "order": 1,
            },
        },
    },
]
CONNECTION_SPEC_PROPERTIES: dict[str, Any] = connection_properties(
    "base_url", title="Server URL", examples=["https://erp.example.com", "http://localhost:8080/api/v1"],
    description="Root URL of the iDempiere server, e.g. https://erp.example.com "
    "(a value ending in /api/v1 is accepted too).", credential_options=_CREDENTIAL_OPTIONS)
CONNECTION_SPEC_REQUIRED: list[str] = ["base_url", "credentials"]


@dataclass(frozen=True)
class PasswordCredentials:
    """Two-step login credentials (spec §1.2-1.4); client/role/org/warehouse hold a name or a numeric id."""

    username: str
    password: str = dataclasses.field(repr=False)
    client: str | None = None
    role: str | None = None
    organization: str | None = None
    warehouse: str | None = None
    language: str | None = None

    def __repr__(self) -> str:
        return masked_repr(self, ["username", "client", "role", "organization", "warehouse", "language"], ["password"])


@dataclass(frozen=True)
class TokenCredentials:
    """A server-to-server token (REST_AuthToken, spec §1.10); used as is, never refreshed."""

    token: str = dataclasses.field(repr=False)

    def __repr__(self) -> str:
        return masked_repr(self, [], ["token"])


@dataclass(frozen=True)
class ConnectionConfig:
    """Parsed connection settings.

    Attributes:
        base_url: server root without trailing slash, e.g. ``https://erp.example.com``.
        credentials: password or token credentials.
        verify_tls: verify server certificates.
        request_timeout_seconds: read timeout per request (the server's own query timeout is 120 s, §3.3).
    """

    base_url: str
    credentials: PasswordCredentials | TokenCredentials
    verify_tls: bool = True
    request_timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS

    @property
    def api_url(self) -> str:
        """``<base_url>/api/v1``: every REST path is relative to it (spec §0)."""
        return self.base_url + API_PREFIX

    @property
    def is_token_mode(self) -> bool:
        return isinstance(self.credentials, TokenCredentials)

    @classmethod
    def from_airbyte(cls, config: Mapping[str, Any]) -> ConnectionConfig:
        """Parse an Airbyte config mapping.

        Raises:
            ConfigurationError: with a message the user can act on.
        """
        return cls(*connection_settings(config, "base_url", _URL_SUFFIXES, _parse_credentials, DEFAULT_TIMEOUT_SECONDS))


def _text(creds: Mapping[str, Any], key: str, *, required: bool, auth_type: str) -> str | None:
    """A credentials string field; messages name the field and the auth type, never the value."""
    value = creds.get(key)
    if isinstance(value, bool):
        value = None
    if isinstance(value, int):
        value = str(value)
    if value is not None and not isinstance(value, str):
        raise ConfigurationError(f"credentials.{key} must be a string (auth_type {auth_type}).")
    value = value.strip() if isinstance(value, str) else None
    if not value:
        if required:
            raise ConfigurationError(f"credentials.{key} is required for auth_type {auth_type}.")
        return None
    return value


def _parse_credentials(creds: Any) -> PasswordCredentials | TokenCredentials:
    if not isinstance(creds, Mapping):
        raise ConfigurationError("credentials is required: an object with auth_type 'password' (username, password, "
                                 "client, role) or 'token' (token).")
    auth_type = creds.get("auth_type")
    if auth_type is None:
        auth_type = "token" if "token" in creds and "username" not in creds else "password"
    if auth_type == "token":
        token = _text(creds, "token", required=True, auth_type="token")
        if token.lower().startswith("bearer "):
            token = token[7:].strip()
        return TokenCredentials(token=token)
    if auth_type == "password":
        password = creds.get("password")
        if not isinstance(password, str) or password == "":
            raise ConfigurationError("credentials.password is required for auth_type password.")
        return PasswordCredentials(
            username=_text(creds, "username", required=True, auth_type="password"),
            password=password,
            client=_text(creds, "client", required=False, auth_type="password"),
            role=_text(creds, "role", required=False, auth_type="password"),
            organization=_text(creds, "organization", required=False, auth_type="password"),
            warehouse=_text(creds, "warehouse", required=False, auth_type="password"),
            language=_text(creds, "language", required=False, auth_type="password"),
        )
    raise ConfigurationError("credentials.auth_type must be one of 'password', 'token'.")
