"""Shared helpers for the source's end-to-end tests against the emulator over HTTP."""
from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timezone
from typing import Any

from airbyte_cdk.models import (
    AirbyteStateMessage,
    AirbyteStateMessageSerializer,
    ConfiguredAirbyteCatalog,
    ConfiguredAirbyteCatalogSerializer,
    Type,
)
from airbyte_cdk.test.entrypoint_wrapper import EntrypointOutput, read

from source_idempiere import SourceIdempiere

PASSWORD_CREDENTIALS = {
    "auth_type": "password", "username": "GardenAdmin", "password": "GardenAdmin",
    "client": "GardenWorld", "role": "GardenWorld Admin", "organization": "HQ",
}


def config(emu, *, password: bool = False, **options: Any) -> dict[str, Any]:
    creds = dict(PASSWORD_CREDENTIALS) if password else {"auth_type": "token", "token": emu.s2s_token}
    return {"base_url": emu.base_url, "credentials": creds, **options}


def catalog(*streams: str, incremental: bool = True) -> ConfiguredAirbyteCatalog:
    return ConfiguredAirbyteCatalogSerializer.load({"streams": [
        {
            "stream": {"name": s, "json_schema": {}, "supported_sync_modes": ["full_refresh", "incremental"],
                       "source_defined_cursor": True, "default_cursor_field": ["Updated"]},
            "sync_mode": "incremental" if incremental else "full_refresh",
            "destination_sync_mode": "append_dedup" if incremental else "overwrite",
            "cursor_field": ["Updated"] if incremental else [],
            "primary_key": [["id"]],
        }
        for s in streams
    ]})


def run_read(cfg: dict, streams: Iterable[str], *, incremental: bool = True,
             state: list[AirbyteStateMessage] | None = None, expect_failure: bool = False) -> EntrypointOutput:
    out = read(SourceIdempiere(), cfg, catalog(*streams, incremental=incremental), state,
               expecting_exception=expect_failure)
    if not expect_failure:
        assert not out.errors, out.get_formatted_error_message()
    return out


def final_states(out: EntrypointOutput) -> list[AirbyteStateMessage]:
    """The last STATE message of every stream (what the platform would pass to the next sync)."""
    last: dict[str, AirbyteStateMessage] = {}
    for msg in out.state_messages:
        last[msg.state.stream.stream_descriptor.name] = msg.state
    return list(last.values())


def state_for(messages: list[AirbyteStateMessage]) -> list[AirbyteStateMessage]:
    """Round-trip through JSON like the platform does."""
    return [AirbyteStateMessageSerializer.load(AirbyteStateMessageSerializer.dump(m)) for m in messages]


def records(out: EntrypointOutput, stream: str) -> list[dict]:
    return [m.record.data for m in out.records if m.record.stream == stream]


def db_utc_second(text: str) -> str:
    """Emulator DB datetime (UTC text with ms) -> RFC 3339 second, as the source emits it."""
    dt = datetime.fromisoformat(text.replace(" ", "T")).replace(tzinfo=timezone.utc)
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def db_rows(emu, table: str, key: str, *cols: str) -> dict[int, tuple]:
    select = ", ".join([f'"{key}"', *[f'"{c}"' for c in cols]])
    return {row[0]: tuple(row[1:]) for row in emu.backend.sql(f'SELECT {select} FROM "{table}"')}


def raw_read(cfg: dict, streams: Iterable[str], state: list[AirbyteStateMessage] | None = None,
             *, incremental: bool = True):
    """Iterate the source's messages directly (so a test can stop consuming, like a killed sync)."""
    source = SourceIdempiere()
    return source.read(logging.getLogger("airbyte"), cfg, catalog(*streams, incremental=incremental), state)


def next_second() -> None:
    """Let the wall clock enter a new second: a sync's frozen upper bound is the start second, so rows
    written in that same second belong to the next sync (by design, not a loss)."""
    import time

    time.sleep(1.05 - (time.time() % 1.0))


def message_types(messages: Iterable[Any]) -> list[Type]:
    return [m.type for m in messages]
