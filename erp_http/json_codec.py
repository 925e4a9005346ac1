"""JSON bodies in and out: orjson (a dependency of airbyte-cdk, several times faster on large pages).

``Decimal`` is written as a string: exact, and accepted as a number by the ERPs' JSON readers. A value JSON
(or orjson) cannot carry -- an integer beyond 64 bits, NaN or Infinity, an unknown type -- is refused with
``UnencodableBody`` naming where it is, never written as ``null`` or rounded.
"""
from __future__ import annotations

import math
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import orjson

from erp_http.errors import UnencodableBody

_INT64 = (-(2**63), 2**64 - 1)  # orjson writes signed and unsigned 64-bit integers


def _default(obj: Any) -> Any:
    if isinstance(obj, Decimal):
        return str(obj)
    raise TypeError(f"cannot serialise {type(obj).__name__} to JSON")


def loads(data: bytes | str) -> Any:
    """Parse JSON; raises ``ValueError`` (orjson's error is one) on malformed input."""
    return orjson.loads(data)


def dumps(obj: Any) -> bytes:
    """Compact UTF-8 JSON; ``Decimal`` as a string.

    Raises:
        UnencodableBody: a value JSON cannot carry; the message names the field (``field Qty: ...``).
    """
    problem = next(_problems(obj, ()), None)  # NaN/Infinity would silently become null in orjson
    if problem is not None:
        raise UnencodableBody(problem)
    try:
        return orjson.dumps(obj, default=_default)
    except orjson.JSONEncodeError as exc:
        raise UnencodableBody(next(_problems(obj, (), deep=True), None) or f"cannot be encoded as JSON: {exc}") from None


def _problems(value: Any, path: tuple[str, ...], deep: bool = False) -> Iterator[str]:
    """Values JSON cannot carry, as ``field <path>: <what>``; cheap checks only unless ``deep``."""
    where = f"field {'.'.join(path)}" if path else "the body"
    if isinstance(value, float):
        if not math.isfinite(value):
            yield f"{where}: {value} is not a JSON number"
    elif isinstance(value, bool) or value is None or isinstance(value, str):
        return
    elif isinstance(value, int):
        if not _INT64[0] <= value <= _INT64[1]:
            yield f"{where}: the integer {value} is beyond the 64-bit range"
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _problems(item, (*path, str(key)), deep)
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            yield from _problems(item, (*path, str(index)), deep)
    elif deep and not isinstance(value, Decimal):
        yield f"{where}: a {type(value).__name__} cannot be encoded as JSON"


def loads_or_none(content: bytes) -> Any:
    """The parsed body, or None when it is empty or not JSON (a proxy page, a truncated body)."""
    if not content:
        return None
    try:
        return orjson.loads(content)
    except ValueError:
        return None
