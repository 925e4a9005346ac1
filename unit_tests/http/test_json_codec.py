"""erp_http.json_codec: a body JSON cannot carry is refused before sending, naming the field (issue 11)."""
from __future__ import annotations

from decimal import Decimal

import pytest

from erp_http import json_codec
from erp_http.errors import UnencodableBody


@pytest.mark.parametrize("body, needle", [
    ({"NumberEmployees": 18446744073709551616}, "field NumberEmployees: the integer 18446744073709551616 is beyond"),
    ([{"body": {"Qty": -(2**64)}}], "field 0.body.Qty: the integer"),
    ({"Qty": float("nan")}, "field Qty: nan is not a JSON number"),
    ({"Qty": float("inf")}, "field Qty: inf is not a JSON number"),
    ({"When": object()}, "field When: a object cannot be encoded"),
], ids=["int-65-bits", "nested-negative", "nan", "infinity", "object"])
def test_unencodable_values_are_refused_with_their_field(body, needle):
    with pytest.raises(UnencodableBody) as info:
        json_codec.dumps(body)
    assert needle in str(info.value) and isinstance(info.value, ValueError)


def test_ordinary_values_and_decimals_encode():
    assert json_codec.dumps({"a": 2**63, "b": Decimal("1.10"), "c": [None, True, 1.5]}) == \
        b'{"a":9223372036854775808,"b":"1.10","c":[null,true,1.5]}'
