"""Pure value formatting: property names, DateTime output per generation, numbers (spec §2.5, §6.2, §13)."""
from __future__ import annotations

import pytest

from erp_emulator.clock import local_to_stored
from idempiere_emulator.catalog import DT, Column, builtin_catalog
from idempiere_emulator.catalog.properties import property_name
from idempiere_emulator.errors import EmulatorError
from idempiere_emulator.model.datetime_wire import format_datetime
from idempiere_emulator.model.serialize import number
from idempiere_emulator.query.orderby_select import order_by, select_columns

ORDER = builtin_catalog().get("C_Order")


@pytest.mark.parametrize("name, lowered", [("Name", "name"), ("IsActive", "isActive"), ("DocumentNo", "documentNo"),
                                           ("C_BPartner_ID", "C_BPartner_ID"), ("Postal_Add", "Postal_Add")])
def test_tolowercase_only_touches_underscore_free_names(name, lowered):
    assert property_name(name, True) == lowered
    assert property_name(name, False) == name


@pytest.mark.parametrize("tz, legacy, out", [
    ("UTC", False, "2024-05-01T10:00:00Z"),
    ("Europe/Berlin", False, "2024-05-01T12:00:00+02:00"),
    ("America/New_York", False, "2024-05-01T06:00:00-04:00"),
    ("Europe/Berlin", True, "2024-05-01T12:00:00Z"),  # legacy: local wall clock with a fake Z
    ("UTC", True, "2024-05-01T10:00:00Z"),
])
def test_datetime_output_is_truncated_to_seconds_in_server_zone(tz, legacy, out):
    assert format_datetime("2024-05-01 10:00:00.987", tz, legacy) == out


def test_server_local_literal_round_trip():
    assert local_to_stored(__import__("datetime").datetime(2024, 1, 15, 9, 30), "Europe/Berlin") == \
        "2024-01-15 08:30:00.000"


def test_numbers_print_like_bigdecimal_with_the_column_scale():
    qty = Column("QtyOrdered", DT.QUANTITY, scale=0)
    amt = Column("GrandTotal", DT.AMOUNT, scale=2)
    rate = Column("CurrencyRate", DT.NUMBER, scale=6)
    assert number(3.0, qty) == 3 and isinstance(number(3.0, qty), int)
    assert number(2.5, qty).text == "2.5"  # more digits than the scale are kept, never rounded away
    assert number(10.0, amt).text == "10.00" and number(10.0, amt) == 10.0
    assert number(108.50000000000001, amt).text == "108.50"  # REAL noise does not leak into the text
    assert number(-5.1, amt).text == "-5.10"
    assert number(7.0, rate).text == "7.000000"
    assert number(1e20, amt).text == "100000000000000000000.00"  # plain notation, as toString() for scale >= 0
    assert number(0.0, amt) == 0 and isinstance(number(0.0, amt), int)  # BigDecimal.ZERO prints "0"


def test_numeric_tokens_are_spliced_raw_into_json_bodies():
    from idempiere_emulator.http.handlers import dumps
    amt = Column("GrandTotal", DT.AMOUNT, scale=2)
    body = {"GrandTotal": number(10.0, amt), "QtyOrdered": 3, "Name": "x \u00e9", "big": 2 ** 70}
    assert dumps(body) == '{"GrandTotal":10.00,"QtyOrdered":3,"Name":"x \u00e9","big":1180591620717411303424}'.encode()
    assert dumps({"GrandTotal": number(10.0, amt)}) == b'{"GrandTotal":10.00}'


def test_orderby_invalid_item_drops_the_whole_clause():
    assert order_by(ORDER, "Updated,C_Order_ID") == '"Updated", "C_Order_ID"'
    assert order_by(ORDER, "updated desc, c_order_id ASC") == '"Updated" DESC, "C_Order_ID" ASC'
    for bad in ("id", "Updated,id", "Updated  desc", "Updated descending", "Foo", ",Updated"):
        assert order_by(ORDER, bad) is None, bad
    assert order_by(ORDER, "Updated,") == '"Updated"'  # String.split drops trailing empties


def test_select_validates_names_case_insensitively():
    cols = select_columns(ORDER, "documentno, GRANDTOTAL")
    assert [c.name for c in cols] == ["DocumentNo", "GrandTotal"]
    with pytest.raises(EmulatorError) as info:
        select_columns(ORDER, "DocumentNo,Foo")
    assert info.value.body() == {"title": None, "status": 400, "detail": "Foo is not a valid column of table C_Order"}
