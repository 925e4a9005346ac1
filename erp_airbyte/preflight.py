"""Input checks that run before the CDK reads a connector's files: every bad input is a sentence.

The CDK reads ``--config``, ``--catalog`` and ``--state`` before any connector code runs, and what it
cannot read ends in a system error with a traceback (a JSON array as config, a catalog stream without a
sync mode, a legacy or global state, a junk state list) or in jsonschema text that quotes config values.
``preflight`` reads the same files first and raises ``AirbyteTracedException(config_error)`` with a
sentence naming the file, the entry and the fix; a config is explained by ``config_messages`` (never a
value). Only when every file passes does the CDK read them again, unchanged.
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from airbyte_cdk.models import (
    AirbyteStateMessageSerializer,
    ConfiguredAirbyteCatalogSerializer,
    DestinationSyncMode,
    FailureType,
    SyncMode,
)
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from erp_airbyte.config_messages import config_problems, kind_of

SOURCE = "source"
DESTINATION = "destination"
SYNC_MODES = tuple(m.value for m in SyncMode)
DESTINATION_SYNC_MODES = tuple(m.value for m in DestinationSyncMode)


class InputError(AirbyteTracedException):
    """A bad input file: a ``config_error`` whose message is the sentence (no traceback, no values)."""

    def __init__(self, message: str):
        super().__init__(message=message, internal_message=message, failure_type=FailureType.config_error)


def read_json(path: str, what: str) -> Any:
    """The parsed JSON of ``path``; ``InputError`` naming the file and the position, never its content."""
    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    except OSError as exc:
        raise InputError(f"The {what} file {path} cannot be read: {exc.strerror or type(exc).__name__}.") from None
    except UnicodeDecodeError:
        raise InputError(f"The {what} file {path} is not UTF-8 text.") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"The {what} file {path} is not valid JSON ({exc.msg} at line {exc.lineno} column "
                         f"{exc.colno}).") from None


def check_config(path: str, schema: Mapping[str, Any]) -> dict[str, Any]:
    """The config, or ``InputError`` listing every problem by field (values never quoted)."""
    config = read_json(path, "config")
    problems = config_problems(config, schema)
    if problems:
        raise InputError("Invalid configuration: " + " ".join(problems))
    return config


def check_catalog(path: str, side: str) -> None:
    """A configured catalog with a stream name and a known sync mode for every stream."""
    catalog = read_json(path, "catalog")
    if not isinstance(catalog, dict):
        raise InputError(f"The catalog file {path} must hold a JSON object with a \"streams\" list, not "
                         f"{kind_of(catalog)}.")
    streams = catalog.get("streams")
    if not isinstance(streams, list):
        raise InputError(f"The catalog in {path} needs a \"streams\" list (it has {kind_of(streams)}).")
    key, modes = (("sync_mode", SYNC_MODES) if side == SOURCE else ("destination_sync_mode", DESTINATION_SYNC_MODES))
    for index, entry in enumerate(streams):
        where = f"catalog stream #{index + 1}"
        if not isinstance(entry, dict) or not isinstance(entry.get("stream"), dict):
            raise InputError(f"The {where} in {path} must be an object with a \"stream\" object.")
        name = entry["stream"].get("name")
        if not isinstance(name, str) or not name:
            raise InputError(f"The {where} in {path} has no stream name (stream.name).")
        where = f"catalog stream {name!r}"
        mode = entry.get(key)
        if mode is None:
            raise InputError(f"The {where} has no {key}: set one of {', '.join(modes)}.")
        if mode not in modes:
            raise InputError(f"The {where} has an unknown {key}: use one of {', '.join(modes)}.")
        if side == DESTINATION and entry.get("sync_mode") not in (None, *SYNC_MODES):
            raise InputError(f"The {where} has an unknown sync_mode: use one of {', '.join(SYNC_MODES)}.")
        if not isinstance(entry["stream"].get("json_schema"), dict):
            raise InputError(f"The {where} has no json_schema object (stream.json_schema).")
    try:
        ConfiguredAirbyteCatalogSerializer.load(catalog)
    except Exception as exc:  # noqa: BLE001 - any serializer complaint becomes a sentence
        raise InputError(f"The catalog in {path} is not a valid configured catalog: "
                         f"{str(exc).splitlines()[0][:300] or type(exc).__name__}.") from None


def check_state(path: str) -> None:
    """Per-stream state messages (a JSON list), or nothing; legacy, global and junk shapes are refused."""
    reset = "Reset the connection's state (or remove --state) to read from scratch."
    try:
        state = read_json(path, "state")
    except InputError as exc:
        raise InputError(f"{exc.message} {reset}") from None
    if state in (None, [], {}):
        return
    if isinstance(state, dict):
        raise InputError(f"The state in {path} has the legacy shape (one object of stream states); this "
                         f"connector reads per-stream state messages (a JSON list of {{\"type\": \"STREAM\", ...}}). "
                         f"{reset}")
    if not isinstance(state, list):
        raise InputError(f"The state file {path} must hold a JSON list of state messages, not {kind_of(state)}. "
                         f"{reset}")
    for index, entry in enumerate(state):
        where = f"State entry #{index + 1} in {path}"
        if not isinstance(entry, dict):
            raise InputError(f"{where} is {kind_of(entry)}, not a state message object. {reset}")
        kind = entry.get("type")
        if kind == "GLOBAL" or "global" in entry:
            raise InputError(f"{where} is a GLOBAL state; this connector keeps per-stream state only. {reset}")
        if kind == "LEGACY" or (kind is None and "data" in entry):
            raise InputError(f"{where} is a LEGACY state; this connector keeps per-stream state only. {reset}")
        stream = entry.get("stream")
        if kind != "STREAM" or not isinstance(stream, dict):
            raise InputError(f"{where} is not a per-stream state message ({{\"type\": \"STREAM\", \"stream\": "
                             f"{{\"stream_descriptor\": ..., \"stream_state\": ...}}}}). {reset}")
        descriptor = stream.get("stream_descriptor")
        if not isinstance(descriptor, dict) or not isinstance(descriptor.get("name"), str):
            raise InputError(f"{where} has no stream_descriptor with a stream name. {reset}")
        if stream.get("stream_state") is not None and not isinstance(stream.get("stream_state"), dict):
            raise InputError(f"{where} (stream {descriptor['name']!r}) has a stream_state that is "
                             f"{kind_of(stream['stream_state'])}, not an object. {reset}")
        try:
            AirbyteStateMessageSerializer.load(entry)
        except Exception as exc:  # noqa: BLE001 - any serializer complaint becomes a sentence
            raise InputError(f"{where} is not a valid state message "
                             f"({str(exc).splitlines()[0][:200] or type(exc).__name__}). {reset}") from None


def preflight(command: str, schema: Mapping[str, Any], side: str, *, config: str | None = None,
              catalog: str | None = None, state: str | None = None) -> None:
    """Check the files ``command`` will read (``spec`` reads none); ``InputError`` on the first bad one."""
    if command == "spec":
        return
    if config is not None:
        check_config(config, schema)
    if catalog is not None and command in ("read", "write"):
        check_catalog(catalog, side)
    if state is not None and command == "read":
        check_state(state)
