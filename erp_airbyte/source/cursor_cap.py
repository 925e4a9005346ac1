"""A saved cursor in the future is capped at the sync's frozen upper bound, with a warning.

A state whose cursor lies after "now" (a hand-edited state, a server clock that jumped ahead, a test
value like 2099) would otherwise be accepted silently: every later sync reads ``[cursor, now)``, an
empty window, and the stream never reads again. Capping it at the frozen upper bound reads nothing
now (nothing can be newer than now) but saves the bound as the new cursor, so the next sync reads on.
"""
from __future__ import annotations

from datetime import datetime
from typing import TypeVar

T = TypeVar("T", bound=datetime)


def capped_cursor(cursor: T, upper: T, stream: str) -> tuple[T, str | None]:
    """``(cursor, None)``, or ``(upper, warning)`` when ``cursor`` is later than the frozen ``upper``."""
    if cursor <= upper:
        return cursor, None
    return upper, (f"Stream {stream}: the saved cursor {cursor.isoformat()} is in the future (after this sync's "
                   f"upper bound {upper.isoformat()}); reading from the upper bound instead. Check the server's "
                   f"clock, or reset the stream if the state was edited.")
