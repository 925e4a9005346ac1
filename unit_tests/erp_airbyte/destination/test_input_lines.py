"""erp_airbyte.destination.input_lines: no input line vanishes; each bad one has its reason (issue 11)."""
from __future__ import annotations

import json

import pytest
from airbyte_cdk.models import Type

from erp_airbyte.destination.input_lines import BadLine, parse_lines


def _record(data_text: str, stream: str = "Item") -> str:
    return '{"type":"RECORD","record":{"stream":"%s","data":%s,"emitted_at":0}}' % (stream, data_text)


GOOD = _record('{"Value":"a","Qty":1}')


@pytest.mark.parametrize("line, needle, stream", [
    (_record('{"Value":"x","Qty":NaN}'), "field Qty holds NaN", "Item"),
    (_record('{"Value":"x","Qty":Infinity}'), "field Qty holds Infinity", "Item"),
    (_record('{"Value":"x","Qty":-Infinity}'), "field Qty holds -Infinity", "Item"),
    (_record('{"Value":"x","Qty":1e400}'), "field Qty holds a number too large", "Item"),
    (_record('{"Value":"\\ud800"}'), "field Value holds a lone surrogate", "Item"),
    (_record('{"Value":"x","Nested":{"deep":"\\udfff"}}'), "field Nested.deep holds a lone surrogate", "Item"),
    ('{"type":"RECORD","record":{"stream":"Item","data":', "not valid JSON", None),
    ("[1, 2, 3]", "not an Airbyte message", None),
    ('{"record":{"stream":"Item","data":{}}}', "not an Airbyte message", "Item"),
    ('{"type":"RECORD","record":{"stream":"Item","data":"text","emitted_at":0}}', "not a valid Airbyte RECORD", "Item"),
    ('{"type":"NOPE"}', "not a valid Airbyte NOPE message", None),
], ids=["nan", "infinity", "minus-infinity", "overflow", "surrogate", "nested-surrogate", "truncated", "array",
        "no-type", "data-not-object", "unknown-type"])
def test_each_bad_line_is_reported_in_its_place_with_its_reason(line, needle, stream):
    out = list(parse_lines([GOOD, line, GOOD]))
    assert [type(m).__name__ for m in out] == ["AirbyteMessage", "BadLine", "AirbyteMessage"]
    bad = out[1]
    assert isinstance(bad, BadLine) and needle in bad.reason and bad.line_no == 2 and bad.stream == stream
    json.dumps(bad.data)  # the rejects file can always write what was read


def test_an_integer_beyond_64_bits_is_kept_exact_not_turned_into_a_float():
    (message,) = parse_lines([_record('{"Value":"X","NumberEmployees":18446744073709551616}')])
    assert message.type == Type.RECORD
    assert message.record.data["NumberEmployees"] == 18446744073709551616
    assert isinstance(message.record.data["NumberEmployees"], int)


def test_bytes_input_blank_lines_and_state_messages():
    state = '{"type":"STATE","state":{"type":"STREAM","stream":{"stream_descriptor":{"name":"Item"},"stream_state":{}}}}'
    out = list(parse_lines([GOOD.encode(), b"\n", state.encode()]))
    assert [m.type for m in out] == [Type.RECORD, Type.STATE]
