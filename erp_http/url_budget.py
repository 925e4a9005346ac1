"""Sizing GET requests by the length of their encoded query string, never by a count of values alone.

A lookup that puts N keys into one filter has a URL that grows with the keys' encoded length: 100 short
ASCII keys fit anywhere, 100 long or non-ASCII keys (each character up to 9 bytes percent-encoded) pass
the 8 KB request line that Jetty, nginx and most proxies accept, and every record of the chunk is
rejected with HTTP 414. ``split_until_fits`` halves a chunk until its rendered query fits a conservative
budget; an item that does not fit even alone is returned separately so the caller can reject it with
that reason instead of sending a request that cannot succeed.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar
from urllib.parse import urlencode

T = TypeVar("T")

# Half of the common 8 KB request-line limit: room for the path, the other parameters and a proxy's own.
MAX_QUERY_BYTES = 4096


def query_length(params: Mapping[str, Any]) -> int:
    """Length of ``params`` as requests encodes them into the URL (``a=b&c=d``, percent-encoded UTF-8)."""
    return len(urlencode({k: v for k, v in params.items() if v is not None}))


def split_until_fits(items: Sequence[T], size: Callable[[Sequence[T]], int], limit: int = MAX_QUERY_BYTES
                     ) -> tuple[list[list[T]], list[T]]:
    """Split ``items`` (in order) into chunks whose ``size`` is at most ``limit``.

    Returns:
        (chunks that fit, items too large even alone).
    """
    fitting: list[list[T]] = []
    too_large: list[T] = []
    pending: list[list[T]] = [list(items)] if items else []
    while pending:
        chunk = pending.pop(0)
        if size(chunk) <= limit:
            fitting.append(chunk)
        elif len(chunk) == 1:
            too_large.append(chunk[0])
        else:
            middle = len(chunk) // 2
            pending[:0] = [chunk[:middle], chunk[middle:]]
    return fitting, too_large
