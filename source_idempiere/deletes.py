"""Hard-delete detection support: a compact encoding of the keys a stream has seen, kept in state.

iDempiere has no tombstones: a hard-deleted row simply stops being listed. With ``detect_deletes``
the source lists every key once per sync (key-only pages) and emits a row carrying
``_ab_cdc_deleted_at`` for each key that was *known* but is no longer listed.

"Known" = the key set saved in the previous final state, plus every key emitted during this sync
(so rows created and deleted between two syncs are reported too). The set lives in the stream state
because nothing else persists between syncs; its cost is documented in ``docs/source.md``:

* integer keys are stored as ranges ``[[first, last], ...]``: dense iDempiere ids (sequences) compress
  to a handful of pairs; every gap (a deleted id) adds one pair;
* UUID keys cannot be compressed that way; they are stored sorted, zlib-compressed and base64-encoded
  (about 20 bytes per key), so a table with a million UUID-keyed rows adds ~20 MB of state. Enable the
  option only for the tables where deletions matter (run a second connection with ``tables``).
"""
from __future__ import annotations

import base64
import zlib
from collections.abc import Iterable
from typing import Any

KEYS_STATE_KEY = "known_keys"


def encode_keys(keys: Iterable[Any]) -> dict[str, Any]:
    """Encode a key set for the state (int ranges when every key is an int, else compressed text)."""
    items = set(keys)
    if all(isinstance(k, int) and not isinstance(k, bool) for k in items):
        ranges: list[list[int]] = []
        for k in sorted(items):
            if ranges and k == ranges[-1][1] + 1:
                ranges[-1][1] = k
            else:
                ranges.append([k, k])
        return {"format": "int-ranges", "data": ranges, "count": len(items)}
    text = "\n".join(sorted(str(k) for k in items)).encode()
    return {"format": "zlib-lines", "data": base64.b64encode(zlib.compress(text, 9)).decode(), "count": len(items)}


def decode_keys(blob: Any) -> set[Any] | None:
    """Decode ``encode_keys`` output; None when absent or unreadable (treated as 'nothing known')."""
    if not isinstance(blob, dict):
        return None
    fmt, data = blob.get("format"), blob.get("data")
    try:
        if fmt == "int-ranges":
            out: set[Any] = set()
            for first, last in data:
                out.update(range(int(first), int(last) + 1))
            return out
        if fmt == "zlib-lines":
            text = zlib.decompress(base64.b64decode(data)).decode()
            return set(text.split("\n")) if text else set()
    except (TypeError, ValueError, zlib.error):
        return None
    return None


def vanished(known: Iterable[Any], current: set[Any]) -> list[Any]:
    """Keys that were known and are no longer listed, sorted for stable output."""
    gone = [k for k in known if k not in current]
    try:
        return sorted(gone)
    except TypeError:
        return gone
