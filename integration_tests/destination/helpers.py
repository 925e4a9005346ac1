"""Helpers for the destination's end-to-end tests: run ``write`` in-process against an emulator."""
from __future__ import annotations

import logging
from typing import Any

from airbyte_cdk.models import (
    AirbyteMessage,
    AirbyteRecordMessage,
    AirbyteStateBlob,
    AirbyteStateMessage,
    AirbyteStateType,
    AirbyteStream,
    AirbyteStreamState,
    ConfiguredAirbyteCatalog,
    ConfiguredAirbyteStream,
    DestinationSyncMode,
    StreamDescriptor,
    SyncMode,
    Type,
)

from destination_idempiere import DestinationIdempiere

GENERATIONS = [False, True]
GENERATION_IDS = ["current", "legacy"]


def config(emu, **options: Any) -> dict[str, Any]:
    return {"base_url": emu.base_url, "credentials": {"auth_type": "token", "token": emu.s2s_token},
            "reject_policy": "continue", **options}


def catalog(*streams: tuple[str, str, list[str] | None]) -> ConfiguredAirbyteCatalog:
    """``(stream, destination_sync_mode, primary key field names or None)`` per stream."""
    configured = []
    for name, mode, key in streams:
        configured.append(ConfiguredAirbyteStream(
            stream=AirbyteStream(name=name, json_schema={}, supported_sync_modes=[SyncMode.full_refresh]),
            sync_mode=SyncMode.full_refresh, destination_sync_mode=DestinationSyncMode(mode),
            primary_key=[[k] for k in key] if key else None))
    return ConfiguredAirbyteCatalog(streams=configured)


def record(stream: str, data: dict[str, Any]) -> AirbyteMessage:
    return AirbyteMessage(type=Type.RECORD, record=AirbyteRecordMessage(stream=stream, data=data, emitted_at=0))


def state(stream: str, n: int) -> AirbyteMessage:
    return AirbyteMessage(type=Type.STATE, state=AirbyteStateMessage(
        type=AirbyteStateType.STREAM, stream=AirbyteStreamState(
            stream_descriptor=StreamDescriptor(name=stream), stream_state=AirbyteStateBlob(n=n))))


def write(emu, cat: ConfiguredAirbyteCatalog, messages: list[AirbyteMessage], **options: Any
          ) -> tuple[list[AirbyteMessage], DestinationIdempiere]:
    """Run ``write`` to completion; returns the yielded messages and the destination (report, rejects)."""
    dest = DestinationIdempiere()
    out = list(dest.write(config(emu, **options), cat, iter(messages)))
    return out, dest


def counts(dest: DestinationIdempiere, stream: str) -> dict[str, int]:
    return dest.last_report.streams[stream].as_dict()


def sql(emu, query: str, params: tuple = ()) -> list[tuple]:
    return [tuple(r) for r in emu.backend.sql(query, params)]


def logger() -> logging.Logger:
    return logging.getLogger("airbyte")
