"""Driving destination-frappe in-process against a frappe_emulator over HTTP."""
from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from typing import Any

from airbyte_cdk.models import AirbyteMessage, ConfiguredAirbyteCatalog, DestinationSyncMode, Type

from destination_frappe.destination import DestinationFrappe
from erp_airbyte.messages import configured_catalog, configured_stream, record_message, state_message


def config(emu, **extra: Any) -> dict[str, Any]:
    base = {"site_url": emu.base_url, "reject_policy": "continue",
            "credentials": {"auth_type": "api_key", "api_key": emu.api_key, "api_secret": emu.api_secret}}
    return {**base, **extra}


def user_config(emu, user: str, **extra: Any) -> dict[str, Any]:
    creds = emu.users[user]
    return config(emu, credentials={"auth_type": "api_key", "api_key": creds["api_key"],
                                    "api_secret": creds["api_secret"]}, **extra)


def catalog(*streams: tuple) -> ConfiguredAirbyteCatalog:
    """``(name, mode)`` or ``(name, mode, primary_key)`` per stream; mode is a DestinationSyncMode value."""
    return configured_catalog(
        configured_stream(spec[0], destination_sync_mode=DestinationSyncMode(spec[1]),
                          primary_key=spec[2] if len(spec) > 2 else None, json_schema={"type": "object"})
        for spec in streams)


rec = record_message


def state(stream: str, value: Any) -> AirbyteMessage:
    """A STATE for ``stream`` carrying ``{"cursor": value}``."""
    return state_message(stream, {"cursor": value})


class Run:
    """One write: the messages it yielded, the report and the rejects."""

    def __init__(self, dest: DestinationFrappe, out: list[AirbyteMessage], error: BaseException | None):
        self.dest = dest
        self.out = out
        self.error = error

    def counts(self, stream: str) -> Counter:
        data = self.dest.last_report.counts(stream).as_dict()
        return Counter({k: v for k, v in data.items() if v and k != "received"})

    @property
    def states(self) -> list[Any]:
        return [_cursor(m.state.stream.stream_state) for m in self.out if m.type == Type.STATE]


def write(cfg: dict[str, Any], cat: ConfiguredAirbyteCatalog, messages: Iterable[AirbyteMessage],
          expect_error: bool = False) -> Run:
    dest = DestinationFrappe()
    out: list[AirbyteMessage] = []
    error = None
    try:
        for message in dest.write(cfg, cat, messages):
            out.append(message)
    except Exception as exc:  # noqa: BLE001 - returned to the test, which asserts on it
        if not expect_error:
            raise
        error = exc
    if expect_error and error is None:
        raise AssertionError("the write was expected to fail")
    return Run(dest, out, error)


def rejects_of(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def count(emu, doctype: str, where: str = "1=1", params: tuple = ()) -> int:
    return emu.backend.sql(f"SELECT COUNT(*) FROM `tab{doctype}` WHERE {where}", params)[0][0]



def _cursor(stream_state: Any) -> Any:
    return stream_state["cursor"] if isinstance(stream_state, dict) else stream_state.cursor
