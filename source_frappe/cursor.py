"""Sync bounds and the stream state: where an incremental read starts and ends, in site wall time.

State of a stream (JSON)::

    {"cursor": "2026-12-07 10:10:17.615143",   # site wall time: the next read starts here minus the look-back
     "time_zone": "America/New_York",          # the zone of "cursor" (a zone change on the site is converted)
     "synced_at": "2026-12-07T15:15:00Z",      # the real instant of the bound that produced "cursor"
     ...}                                      # plus per-reader keys (known names, parent cursors)

The upper bound is frozen once per sync (``now`` at read start, in the site zone); the lower bound is
inclusive: the saved cursor minus ``lookback_window_seconds`` (rows committed late, clock skew), moved
further back over a repeated wall-clock hour when clocks went back since ``synced_at`` (rows saved in the
second pass carry wall times below a cursor taken in the first pass).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from erp_http.timeutil import parse_utc, rfc3339
from frappe_client.timeutil import SiteClock, literal, parse_site_datetime


@dataclass(frozen=True)
class SyncBounds:
    """What every stream of one sync shares.

    Attributes:
        clock: the site clock.
        upper_instant: the frozen upper bound (aware, UTC).
        lookback: the look-back window.
        start_date: the configured start (aware) or None.
    """

    clock: SiteClock
    upper_instant: datetime
    lookback: timedelta
    start_date: datetime | None = None

    @property
    def upper(self) -> str:
        """The frozen upper bound as a site wall-time literal."""
        return self.clock.literal_of(self.upper_instant)

    def wall_cursor(self, state: Mapping[str, Any], key: str = "cursor") -> datetime | None:
        """The saved cursor as site wall time of the *current* zone (converted if the site zone changed)."""
        value = state.get(key)
        if not isinstance(value, str) or not value.strip():
            return None
        try:
            wall = parse_site_datetime(value)
        except ValueError:
            return None
        zone_name = state.get("time_zone")
        if isinstance(zone_name, str) and zone_name and zone_name != self.clock.name:
            wall = self.clock.wall(SiteClock(zone_name).to_utc(wall))
        return wall

    def lower(self, state: Mapping[str, Any], key: str = "cursor") -> str | None:
        """Inclusive lower bound literal for a stream with ``state`` (None: all history)."""
        cursor = self.wall_cursor(state, key)
        if cursor is None:
            return self.clock.literal_of(self.start_date) if self.start_date is not None else None
        lower = cursor - self.lookback
        since = _instant(state.get("synced_at")) or self.clock.to_utc(cursor)
        lower = self.clock.lower_bound_covering_fold(lower, since - self.lookback, self.upper_instant)
        return literal(lower)

    def state(self, cursor: str | None, previous: Mapping[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
        """A state dict: mid-sync (``previous``'s ``synced_at`` kept) or final (``cursor == upper``)."""
        out: dict[str, Any] = {"cursor": cursor, "time_zone": self.clock.name}
        if cursor == self.upper:
            out["synced_at"] = rfc3339(self.upper_instant)
        elif previous and previous.get("synced_at"):
            out["synced_at"] = previous["synced_at"]
        out.update({k: v for k, v in extra.items() if v is not None})
        return out


def _instant(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return parse_utc(value)
    except ValueError:
        return None


def floor_cursor(checkpoint: str | None, previous: str | None) -> str | None:
    """A mid-sync checkpoint never below the previous cursor (resuming re-applies the look-back anyway).

    Literals have one fixed width, so text order is time order.
    """
    if previous is None:
        return checkpoint
    if checkpoint is None:
        return previous
    return max(checkpoint, literal(parse_site_datetime(previous)))
