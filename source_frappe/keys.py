"""Known document names in the state: a compact, deterministic encoding of a set of names.

Key reconciliation (deletions, renames, rows removed from child tables) compares the names the server
lists now with the names known from the last sync. Only set membership on exact server strings is used
(never ordering), so the collation question does not arise. Sorting here only makes the encoding stable.
"""
from __future__ import annotations

import base64
import zlib
from collections.abc import Iterable

PREFIX = "z1:"
SEPARATOR = "\x1f"  # unit separator: cannot occur in a document name


def encode_keys(names: Iterable[str | int]) -> str:
    """Names -> ``z1:<base64 zlib of the names joined by SEPARATOR>`` (integers as text)."""
    text = SEPARATOR.join(sorted({str(n) for n in names}))
    return PREFIX + base64.b64encode(zlib.compress(text.encode("utf-8"), 9)).decode("ascii")


def decode_keys(value: object) -> set[str] | None:
    """The set encoded by ``encode_keys``; None when absent or unreadable (the next sync starts afresh)."""
    if not isinstance(value, str) or not value.startswith(PREFIX):
        return None
    try:
        text = zlib.decompress(base64.b64decode(value[len(PREFIX):])).decode("utf-8")
    except (ValueError, zlib.error, UnicodeDecodeError):
        return None
    return set(text.split(SEPARATOR)) if text else set()
