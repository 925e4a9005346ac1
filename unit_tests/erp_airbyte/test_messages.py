"""messages.py builders produce the protocol shapes the platform sends and reads."""
from __future__ import annotations

from airbyte_cdk.models import (
    AirbyteMessageSerializer,
    ConfiguredAirbyteCatalogSerializer,
    DestinationSyncMode,
    Level,
    StreamDescriptor,
    SyncMode,
)

from erp_airbyte.messages import configured_catalog, configured_stream, log_message, record_message, state_message


def test_record_state_and_log_serialize_as_the_protocol_says():
    assert AirbyteMessageSerializer.dump(record_message("s", {"a": 1}, emitted_at=5)) == {
        "type": "RECORD", "record": {"stream": "s", "data": {"a": 1}, "emitted_at": 5}}
    value = {"cursor": "2026-01-01T00:00:00Z"}
    state = AirbyteMessageSerializer.dump(state_message(StreamDescriptor(name="s", namespace="ns"), value))
    assert state == {"type": "STATE", "state": {"type": "STREAM", "stream": {
        "stream_descriptor": {"name": "s", "namespace": "ns"}, "stream_state": value}}}
    assert AirbyteMessageSerializer.dump(state_message("s", value))["state"]["stream"]["stream_descriptor"] == {"name": "s"}
    assert AirbyteMessageSerializer.dump(log_message("hi", Level.WARN)) == {"type": "LOG", "log": {"level": "WARN", "message": "hi"}}


def test_state_message_copies_its_value():
    value = {"n": 1}
    message = state_message("s", value)
    value["n"] = 2
    assert message.state.stream.stream_state.n == 1


def test_configured_catalog_round_trips_and_names_stand_for_full_refresh_streams():
    cat = configured_catalog([
        configured_stream("c_order", sync_mode=SyncMode.incremental, destination_sync_mode=DestinationSyncMode.append_dedup,
                          primary_key=["id"], cursor_field=["Updated"]),
        "ad_org",
    ])
    dumped = ConfiguredAirbyteCatalogSerializer.dump(cat)
    first, second = dumped["streams"]
    assert first["sync_mode"] == "incremental" and first["primary_key"] == [["id"]] and first["cursor_field"] == ["Updated"]
    assert first["stream"]["supported_sync_modes"] == ["full_refresh", "incremental"]
    assert second["sync_mode"] == "full_refresh" and second["destination_sync_mode"] == "append"
    assert ConfiguredAirbyteCatalogSerializer.load(dumped) == cat
