"""JSON bodies in and out: orjson (a dependency of airbyte-cdk, several times faster on large pages).

``Decimal`` is written as a string: exact, and accepted as a number by the ERPs' JSON readers.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any

import orjson


def _default(obj: Any) -> Any:
    if isinstance(obj, Decimal):
        return str(obj)
    raise TypeError(f"cannot serialise {type(obj).__name__} to JSON")


def loads(data: bytes | str) -> Any:
    """Parse JSON; raises ``ValueError`` (orjson's error is one) on malformed input."""
    return orjson.loads(data)


def dumps(obj: Any) -> bytes:
    """Compact UTF-8 JSON; ``Decimal`` as a string."""
    return orjson.dumps(obj, default=_default)


def loads_or_none(content: bytes) -> Any:
    """The parsed body, or None when it is empty or not JSON (a proxy page, a truncated body)."""
    if not content:
        return None
    try:
        return orjson.loads(content)
    except ValueError:
        return None
