"""Verify ``server_timezone`` against the live server, on both generations (spec §4.7, §6.2, §13).

The one home of this check: the source's check and read, and the destination's check and write, call
``verify_server_timezone`` (or ``check_server_timezone`` for one table) and nothing else.

A value with a numeric offset is checked directly (``ServerClock.check_offset``). A value ending in
``Z`` is ambiguous: an old server's fake Z (server wall clock) or a current server running in UTC. If
the configured zone is not UTC, one cheap request tells them apart, because old servers truncate an
ISO filter literal to its date while current servers read it exactly (§4.7):

``<key> eq <value> and Updated ge '<D>T23:59:59-12:00'`` (D = the sample's date) matches the sample row
on an old server (``ge D 00:00`` server-local, and the row's wall clock is on day D) and never on a
current one (the literal is ``D+1 11:59:59`` UTC, after every instant of day D UTC).

The key is ``TableMeta.row_key``: the integer key (``eq 118``), else ``<T>_UU`` (``eq '<uuid>'``;
``uid`` in the filter is unknown to old servers, §13). Its value comes from the record's ``id``/``uid``
(the key columns are not repeated in records, §6.1; old servers send ``"id": 0`` for UUID-key tables).
Servers with ``REST_COLUMNNAME_TOLOWERCASE=Y`` send ``updated`` for ``Updated`` (§2.5); filters and
``$orderby`` read column names case-insensitively (§2.5), so they keep the exact ColumnName.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from erp_http.errors import ConfigurationError, UnsafeFilterValue
from idempiere_client.column_names import value_of
from idempiere_client.filters import F, include_inactive, orderby
from idempiere_client.literals import literal
from idempiere_client.metadata import TableMeta
from idempiere_client.timeutil import ServerClock


def check_server_timezone(client: Any, clock: ServerClock, meta: TableMeta, column: str = "Updated") -> str:
    """Check ``clock`` against the newest row of one table (one request, two on an old server).

    Args:
        client: an ``IdempiereClient`` (only ``get_page`` is used).
        clock: the configured ``server_timezone``.
        meta: the table; it needs ``column`` and a ``row_key`` to be probed.
        column: a DateTime column the server fills (``Updated``).

    Returns:
        ``"offset"``: a current server that sends real offsets, and they agree with the configured zone;
        ``"utc"``: UTC configured and ``Z`` seen. Old and current servers then read and write the same
        times (the wall clock of a server in UTC is UTC), so the generation does not matter and is not
        probed; an old server in another zone configured as UTC cannot be told apart;
        ``"legacy"``: a zone other than UTC configured, and the probe confirmed an old server's fake ``Z``
        (datetimes it sends, and those it reads, are its wall clock: the configured zone is used);
        ``"empty"``: nothing established from this table (no ``column``, no row key, no row, or a key
        value that cannot be put in a filter); try another table.

    Raises:
        ConfigurationError: the configured zone contradicts the server.
        ApiError, TransientError: from the client.
    """
    col = meta.column_ci(column)
    key = meta.row_key
    if col is None or key is None:
        return "empty"
    active = include_inactive() if meta.column_ci("IsActive") is not None else None
    page = client.get_page(meta.model_name, filter=active, orderby=orderby(f"{col.name} desc", key),
                           select=col.name, top=1)
    row = next((r for r in page.records if isinstance(r, Mapping) and isinstance(value_of(r, col.name), str)), None)
    if row is None:
        return "empty"
    sample = value_of(row, col.name)
    if clock.check_offset(sample):
        return "offset"
    if clock.is_utc or not sample.rstrip().endswith(("Z", "z")):
        return "utc"
    key_literal = _key_literal(meta, row)
    if key_literal is None:
        return "empty"
    probe_at = f"'{sample[:10]}T23:59:59-12:00'"  # old servers: D 00:00 local; current: D+1 11:59:59 UTC
    probe = F.and_(*([active] if active else []), F.eq(key, key_literal), F.ge(col.name, probe_at))
    if client.get_page(meta.model_name, filter=probe, orderby=key, select=col.name, top=1).records:
        return "legacy"
    raise ConfigurationError(
        f"server_timezone is {clock.tz_name!r}, but the server writes real UTC times (it reads ISO filter "
        f"values exactly, so it is a current server running in UTC; checked with {meta.model_name}.{col.name}). "
        f"Leave server_timezone empty (UTC)."
    )


def verify_server_timezone(client: Any, clock: ServerClock, metas: Iterable[TableMeta],
                           column: str = "Updated") -> tuple[str, TableMeta | None]:
    """``check_server_timezone`` on each table in turn until one is not ``"empty"``.

    ``metas`` may be a generator (tables are then loaded only as far as needed).

    Returns:
        (outcome, the table that established it) or ``("empty", None)`` when no table could.

    Raises:
        ConfigurationError: the configured zone contradicts the server.
        ApiError, TransientError: from the client.
    """
    for meta in metas:
        outcome = check_server_timezone(client, clock, meta, column)
        if outcome != "empty":
            return outcome, meta
    return "empty", None


def _key_literal(meta: TableMeta, row: Mapping[str, Any]) -> str | None:
    """The filter literal of the row's key (``TableMeta.row_key``), or None when it cannot be given."""
    try:
        if meta.key_column:
            value = row.get("id")
            value = value if value is not None else value_of(row, meta.key_column)
            return None if value is None else literal(value, "integer")
        value = row.get("uid") or value_of(row, meta.uu_column or "")  # never "id": old servers send 0 here
        return literal(value, "string") if isinstance(value, str) and value else None
    except UnsafeFilterValue:
        return None
