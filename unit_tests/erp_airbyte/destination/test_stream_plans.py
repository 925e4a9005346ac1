"""The catalog check every ERP destination shares: modes, keys, table names."""
from __future__ import annotations

import pytest
from airbyte_cdk.models import (
    AirbyteStream,
    ConfiguredAirbyteCatalog,
    ConfiguredAirbyteStream,
    DestinationSyncMode,
    SyncMode,
)
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from erp_airbyte.destination.stream_plans import StreamPlan, stream_plans


def catalog(mode: DestinationSyncMode, key: list[list[str]] | None,
            name: str = "Sales Order") -> ConfiguredAirbyteCatalog:
    stream = AirbyteStream(name=name, json_schema={}, supported_sync_modes=[SyncMode.full_refresh])
    return ConfiguredAirbyteCatalog(streams=[ConfiguredAirbyteStream(
        stream=stream, sync_mode=SyncMode.full_refresh, destination_sync_mode=mode, primary_key=key)])


def test_plans_carry_the_erps_table_name_mode_and_key() -> None:
    plans = stream_plans(catalog(DestinationSyncMode.append_dedup, [["code"]]), key_examples="code",
                         table_name=str.upper)
    assert plans == [StreamPlan("Sales Order", "SALES ORDER", "append_dedup", ["code"])]
    assert stream_plans(catalog(DestinationSyncMode.append, None), key_examples="code")[0].table == "Sales Order"


@pytest.mark.parametrize(("mode", "key", "message"), [
    (DestinationSyncMode.overwrite, [["code"]], "'overwrite' sync mode, which this destination refuses"),
    (DestinationSyncMode.update, None, "sync mode update needs a primary key \\(e.g. code or name\\)"),
    (DestinationSyncMode.soft_delete, [["a", "b"]], "nested primary key \\['a', 'b'\\] is not supported"),
])
def test_what_cannot_be_written_safely_is_refused_as_a_config_error(mode, key, message) -> None:
    with pytest.raises(AirbyteTracedException, match=message) as info:
        stream_plans(catalog(mode, key), key_examples="code or name")
    assert info.value.failure_type.value == "config_error" and "'Sales Order'" in info.value.message
