"""Helpers for the destination's end-to-end tests: run ``write`` in-process against an emulator."""
from __future__ import annotations

import logging
from typing import Any

from airbyte_cdk.models import AirbyteMessage, ConfiguredAirbyteCatalog, DestinationSyncMode

from destination_idempiere import DestinationIdempiere
from erp_airbyte.messages import configured_catalog, configured_stream, record_message, state_message

GENERATIONS = [False, True]
GENERATION_IDS = ["current", "legacy"]


def config(emu, **options: Any) -> dict[str, Any]:
    return {"base_url": emu.base_url, "credentials": {"auth_type": "token", "token": emu.s2s_token},
            "reject_policy": "continue", **options}


def catalog(*streams: tuple[str, str, list[str] | None]) -> ConfiguredAirbyteCatalog:
    """``(stream, destination_sync_mode, primary key field names or None)`` per stream."""
    return configured_catalog(configured_stream(name, destination_sync_mode=DestinationSyncMode(mode), primary_key=key)
                              for name, mode, key in streams)


def record(stream: str, data: dict[str, Any]) -> AirbyteMessage:
    return record_message(stream, data)


def state(stream: str, n: int) -> AirbyteMessage:
    return state_message(stream, {"n": n})


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
