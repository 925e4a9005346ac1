"""record_output.message_line: the orjson fast path writes the same protocol line as the CDK serializer."""
from __future__ import annotations

from decimal import Decimal

import orjson
from airbyte_cdk.entrypoint import AirbyteEntrypoint
from airbyte_cdk.models import AirbyteMessage, AirbyteMessageSerializer, AirbyteRecordMessage, Type

from erp_airbyte.record_output import message_line


def test_record_line_matches_the_cdk_serializer():
    data = {"id": 1, "Name": "Ünïcode ✓ 'q' \"dq\"", "IsActive": True, "Amt": 1.5, "Nested": {"a": [1, None]}, "Nothing": None}
    msg = AirbyteMessage(type=Type.RECORD, record=AirbyteRecordMessage(stream="c_order", data=data, emitted_at=123))
    fast = orjson.loads(message_line(msg))
    slow = orjson.loads(AirbyteEntrypoint.airbyte_message_to_string(msg))
    # the CDK drops top-level nulls from record data; the fast path keeps them (same meaning downstream)
    assert fast["record"]["data"].pop("Nothing") is None
    assert fast == slow
    assert AirbyteMessageSerializer.load(fast).record.data == {k: v for k, v in data.items() if k != "Nothing"}


def test_record_orjson_cannot_encode_uses_the_cdk_serializer(monkeypatch):
    calls = []
    monkeypatch.setattr(AirbyteEntrypoint, "airbyte_message_to_string", staticmethod(lambda m: calls.append(m) or "x"))
    msg = AirbyteMessage(type=Type.RECORD, record=AirbyteRecordMessage(stream="s", data={"a": Decimal("1.0")}, emitted_at=1))
    assert message_line(msg) == "x" and calls == [msg]
