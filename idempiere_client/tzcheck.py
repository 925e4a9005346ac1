"""Verify ``server_timezone`` against the live server, on both generations (spec §4.7, §6.2, §13).

A value with a numeric offset is checked directly (``ServerClock.check_offset``). A value ending in
``Z`` is ambiguous: an old server's fake Z (server wall clock) or a current server running in UTC. If
the configured zone is not UTC, one cheap request tells them apart, because old servers truncate an
ISO filter literal to its date while current servers read it exactly (§4.7):

``<key> eq <id> and <column> ge '<D>T23:59:59Z'`` (D = the sample's date) matches the sample row on an
old server (``ge D 00:00`` local) and not on a current one (the row was updated before 23:59:59Z).
"""
from __future__ import annotations

from typing import Any

from idempiere_client.errors import ConfigurationError
from idempiere_client.filters import F, include_inactive, orderby
from idempiere_client.literals import literal
from idempiere_client.timeutil import ServerClock


def check_server_timezone(client: Any, clock: ServerClock, table: str, key_column: str,
                          column: str = "Updated") -> str:
    """Check ``clock`` against one row of ``table``; returns what was established.

    Returns:
        ``"offset"`` (a real offset agreed), ``"utc"`` (UTC configured and Z seen: nothing to check),
        ``"legacy"`` (fake Z confirmed: the configured zone is needed and used), or ``"empty"`` (no row).

    Raises:
        ConfigurationError: the configured zone contradicts the server.
    """
    page = client.get_page(table, filter=include_inactive(), orderby=orderby(f"{column} desc", key_column), top=1)
    row = next((r for r in page.records if isinstance(r.get(column), str)), None)
    if row is None:
        return "empty"
    sample = row[column]
    if clock.check_offset(sample):
        return "offset"
    if clock.is_utc or not sample.rstrip().endswith(("Z", "z")):
        return "utc"
    key_value = row.get("id") if row.get("id") is not None else row.get(key_column)
    if key_value is None or sample[11:19] >= "23:59:59":
        return "legacy"  # cannot probe cleanly; keep the configured interpretation
    probe = F.and_(include_inactive(), F.eq(key_column, literal(key_value, "integer")),
                   F.ge(column, f"'{sample[:10]}T23:59:59Z'"))
    if client.get_page(table, filter=probe, orderby=key_column, top=1).records:
        return "legacy"
    raise ConfigurationError(
        f"server_timezone is {clock.tz_name!r}, but the server writes real UTC times (it reads ISO filter "
        f"values exactly, so it is a current server running in UTC). Leave server_timezone empty (UTC)."
    )
