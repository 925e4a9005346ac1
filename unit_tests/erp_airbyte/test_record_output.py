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


def test_a_page_is_the_lines_message_line_writes_for_its_rows():
    from erp_airbyte.messages import record_message
    from erp_airbyte.record_output import record_page

    rows = [{"id": i, "Name": f"Ünï \"{i}\" ✓\n", "Amt": i / 3, "Nested": {"a": [i, None]}, "Nothing": None}
            for i in range(5)]
    page = record_page("c_order", rows, 1_700_000_000_123)
    assert page.stream == "c_order" and page.count == 5
    assert page.text == "".join(message_line(record_message("c_order", r, 1_700_000_000_123)) + "\n" for r in rows)
    assert page.text.count("\n") == 5  # a newline inside a value is escaped, never a line break


def test_a_page_row_orjson_cannot_encode_is_written_by_the_cdk_serializer_the_rest_stay_fast():
    import json

    from erp_airbyte.record_output import record_page

    page = record_page("s", [{"a": 1}, {"a": 2**70}, {"a": 3}], 7)  # orjson stops at 64-bit integers, json does not
    lines = [json.loads(line) for line in page.text.splitlines()]
    assert page.count == 3 and [line["record"]["data"]["a"] for line in lines] == [1, 2**70, 3]
    assert all(line["type"] == "RECORD" and line["record"]["stream"] == "s" and line["record"]["emitted_at"] == 7
               for line in lines)
