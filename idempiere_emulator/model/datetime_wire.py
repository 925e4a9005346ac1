"""iDempiere's date-time text on the wire: stored UTC text -> the server-zone form the plugin answers (§6.2, §13)."""
from __future__ import annotations

from datetime import timedelta

from erp_emulator.clock import parse_stored, zone


def format_datetime(text: str, tz_name: str, legacy: bool) -> str:
    """Stored UTC text -> API output, seconds precision (§6.2).

    Current: server-zone wall clock with the real offset (``Z`` in UTC). Legacy: server-zone
    wall clock followed by a literal, misleading ``Z`` (§13).
    """
    dt = parse_stored(text).astimezone(zone(tz_name))
    base = f"{dt:%Y-%m-%dT%H:%M:%S}"
    if legacy:
        return base + "Z"
    off = dt.utcoffset() or timedelta(0)
    if not off:
        return base + "Z"
    total = int(off.total_seconds())
    sign = "+" if total >= 0 else "-"
    total = abs(total)
    return f"{base}{sign}{total // 3600:02d}:{total % 3600 // 60:02d}"
