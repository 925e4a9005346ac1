"""Builders for the Airbyte messages connectors and their tests write by hand.

One home for the nesting the protocol models need (a STATE is four objects deep), used by the read
pipeline and by tests that feed a destination or inspect a source. ``configured_catalog`` exists for
tests: the platform, not a connector, builds catalogs.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from airbyte_cdk.models import (
    AirbyteLogMessage,
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
    Level,
    StreamDescriptor,
    SyncMode,
    Type,
)


def log_message(message: str, level: Level = Level.INFO) -> AirbyteMessage:
    """A LOG message."""
    return AirbyteMessage(type=Type.LOG, log=AirbyteLogMessage(level=level, message=message))


def record_message(stream: str, data: dict[str, Any], emitted_at: int = 0) -> AirbyteMessage:
    """A RECORD message (no namespace)."""
    return AirbyteMessage(type=Type.RECORD, record=AirbyteRecordMessage(stream=stream, data=data, emitted_at=emitted_at))


def state_message(stream: str | StreamDescriptor, value: Mapping[str, Any]) -> AirbyteMessage:
    """A per-stream STATE message carrying ``value`` (a copy) for ``stream`` (a name or a descriptor)."""
    descriptor = stream if isinstance(stream, StreamDescriptor) else StreamDescriptor(name=stream)
    return AirbyteMessage(
        type=Type.STATE,
        state=AirbyteStateMessage(
            type=AirbyteStateType.STREAM,
            stream=AirbyteStreamState(stream_descriptor=descriptor, stream_state=AirbyteStateBlob(dict(value))),
        ),
    )


def configured_stream(
    name: str,
    *,
    sync_mode: SyncMode = SyncMode.full_refresh,
    destination_sync_mode: DestinationSyncMode = DestinationSyncMode.append,
    primary_key: Sequence[str] | None = None,
    cursor_field: Sequence[str] | None = None,
    json_schema: Mapping[str, Any] | None = None,
) -> ConfiguredAirbyteStream:
    """A configured stream as the platform would send it (for tests); ``primary_key`` lists field names."""
    modes = [SyncMode.full_refresh] + ([SyncMode.incremental] if sync_mode == SyncMode.incremental else [])
    return ConfiguredAirbyteStream(
        stream=AirbyteStream(name=name, json_schema=dict(json_schema or {}), supported_sync_modes=modes),
        sync_mode=sync_mode,
        destination_sync_mode=destination_sync_mode,
        primary_key=[[k] for k in primary_key] if primary_key else None,
        cursor_field=list(cursor_field) if cursor_field else None,
    )


def configured_catalog(streams: Iterable[ConfiguredAirbyteStream | str]) -> ConfiguredAirbyteCatalog:
    """A configured catalog (for tests); a plain name stands for a full-refresh append stream."""
    return ConfiguredAirbyteCatalog(
        streams=[s if isinstance(s, ConfiguredAirbyteStream) else configured_stream(s) for s in streams])
