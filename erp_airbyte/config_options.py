"""Options every ERP connector has: their parsers (one wording for every error) and spec fragments.

Each parser reads one key of the Airbyte config, applies the default when the key is absent (or
null, except for a flag), and raises ``ConfigurationError`` naming the key. Whole numbers accept an
integral float (``5.0``): JSON Schema's ``integer`` does (draft 6 and later, which the CDK validates
with), and some UIs send numbers that way, so refusing what the spec accepts would only confuse the user.
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from erp_http.errors import ConfigurationError
from erp_http.timeutil import parse_iso, zone

DEFAULT_TIME_ZONE = "UTC"


def whole_number(config: Mapping[str, Any], key: str, default: int, low: int, high: int | None = None) -> int:
    """An integer option within ``[low, high]`` (``high`` None: no upper bound)."""
    value = config.get(key, default)
    if value is None:
        return default
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigurationError(f"{key} must be a whole number (got {value!r}).")
    if value < low or (high is not None and value > high):
        bound = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise ConfigurationError(f"{key} must be {bound} (got {value}).")
    return value


def flag(config: Mapping[str, Any], key: str, default: bool = False) -> bool:
    """A true/false option: a JSON boolean (not a string, not null); absent means ``default``."""
    value = config.get(key, default)
    if not isinstance(value, bool):
        raise ConfigurationError(f"{key} must be true or false.")
    return value


def choice(config: Mapping[str, Any], key: str, choices: Sequence[str], default: str) -> str:
    """One of ``choices``; empty or null means ``default``."""
    value = config.get(key) or default
    if value not in choices:
        raise ConfigurationError(f"{key} must be one of {', '.join(choices)} (got {value!r}).")
    return value


def time_zone_name(config: Mapping[str, Any], key: str = "server_timezone") -> str:
    """An IANA time zone name (validated; empty or null means UTC), stripped."""
    value = config.get(key) or DEFAULT_TIME_ZONE
    if not isinstance(value, str):
        raise ConfigurationError(f"{key} must be an IANA time zone name, e.g. Europe/Berlin.")
    zone(value, key)  # raises ConfigurationError naming the key for an unknown name
    return value.strip() or DEFAULT_TIME_ZONE


def instant(config: Mapping[str, Any], key: str) -> datetime | None:
    """An ISO 8601 instant option (e.g. ``start_date``) as aware UTC (naive means UTC); empty or null means none."""
    value = config.get(key)
    if value is not None and not isinstance(value, str):
        raise ConfigurationError(f"{key} must be an ISO 8601 string, e.g. 2024-01-01T00:00:00Z.")
    return parse_iso(value) if isinstance(value, str) and value.strip() else None


def time_zone_property(description: str, *, order: int, title: str = "Server time zone") -> dict[str, Any]:
    """The spec fragment of a ``server_timezone``-style option (parsed by ``time_zone_name``)."""
    return {
        "type": "string",
        "title": title,
        "description": description,
        "default": DEFAULT_TIME_ZONE,
        "examples": ["UTC", "Europe/Berlin", "America/New_York"],
        "order": order,
    }


def connection_specification(title: str, properties: Mapping[str, Any], required: Sequence[str], *,
                             orders: Mapping[str, int] | None = None) -> dict[str, Any]:
    """A connector's ``connectionSpecification``: one shape for every ERP connector (draft-07, extra keys kept).

    ``additionalProperties`` stays true so a config written for a newer version still validates here.
    ``orders`` moves shared fragments in the form (a source shows ``verify_tls`` after its own options)
    without copying them.
    """
    merged = dict(properties)
    for key, order in (orders or {}).items():
        merged[key] = {**merged[key], "order": order}
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": title,
        "type": "object",
        "required": list(required),
        "additionalProperties": True,
        "properties": merged,
    }
