"""The configured catalog -> one ``StreamPlan`` per stream, refusing what an ERP destination cannot do safely.

``overwrite`` is refused for every ERP: it would have to delete ERP rows that are not in the input. Every
other mode but ``append`` finds existing rows by the stream's primary key, so it needs one (top-level fields).
Checked before anything is written.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from airbyte_cdk.models import ConfiguredAirbyteCatalog, DestinationSyncMode

from erp_airbyte.failures import config_error

SUPPORTED_MODES = (
    DestinationSyncMode.append, DestinationSyncMode.append_dedup, DestinationSyncMode.update,
    DestinationSyncMode.soft_delete,
)


@dataclass(frozen=True)
class StreamPlan:
    """One configured stream: target ``table`` (the ERP's name for it), sync ``mode`` and ``key`` field names."""

    stream: str
    table: str
    mode: str
    key: list[str]


def stream_plans(catalog: ConfiguredAirbyteCatalog, *, key_examples: str,
                 table_name: Callable[[str], str] = lambda name: name) -> list[StreamPlan]:
    """Validate the configured catalog: supported modes, a primary key where one is needed.

    Args:
        catalog: the configured catalog.
        key_examples: typical key fields of the ERP, named in the missing-key message (e.g. ``"code or id"``).
        table_name: the ERP's table name for a stream's ``destination_object_name`` (else its name).

    Raises:
        AirbyteTracedException (config_error): ``overwrite`` or another unsupported mode, a missing key.
    """
    plans = []
    for configured in catalog.streams:
        stream = configured.stream
        mode = configured.destination_sync_mode
        mode_name = mode.value if isinstance(mode, DestinationSyncMode) else str(mode)
        if mode_name == "overwrite":
            raise config_error(
                f"Stream {stream.name!r} uses the 'overwrite' sync mode, which this destination refuses: it would "
                f"have to delete ERP rows that are not in the input. Use append, append_dedup (upsert), update or "
                f"soft_delete.")
        if mode_name not in {m.value for m in SUPPORTED_MODES}:
            raise config_error(f"Stream {stream.name!r}: unsupported destination sync mode {mode_name!r}.")
        key_paths = configured.primary_key or stream.source_defined_primary_key or []
        key: list[str] = []
        for path in key_paths:
            if len(path) != 1:
                raise config_error(f"Stream {stream.name!r}: nested primary key {path!r} is not supported.")
            key.append(path[0])
        if mode_name != "append" and not key:
            raise config_error(f"Stream {stream.name!r}: sync mode {mode_name} needs a primary key (e.g. "
                                f"{key_examples}) to find existing rows.")
        table = getattr(configured, "destination_object_name", None) or stream.name
        plans.append(StreamPlan(stream.name, table_name(table), mode_name, key))
    return plans
