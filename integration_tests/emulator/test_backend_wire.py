"""HTTP bodies are built from ``wire`` records (numbers and lookup objects pre-encoded as orjson Fragments,
record_plans.py); they must encode to exactly the bytes of the Python records the backend API returns."""
from __future__ import annotations

import pytest

from idempiere_emulator import fixtures as fx
from idempiere_emulator.emulator_options import EmulatorOptions
from idempiere_emulator.errors import EmulatorError
from idempiere_emulator.http.handlers import dumps
from idempiere_emulator.model.backend import Backend
from idempiere_emulator.model.serialize import ScaledNumber
from idempiere_emulator.session import Session

ADMIN = Session(fx.CLIENT_ID, fx.USER_ADMIN, fx.ROLE_ADMIN, fx.ORG_HQ, fx.WAREHOUSE_HQ)


@pytest.fixture(scope="module", params=[{}, {"legacy": True, "tz": "America/New_York"}, {"tz": "Europe/Berlin"},
                                        {"tolowercase": True}], ids=["current", "legacy-ny", "berlin", "lowercase"])
def backend(request):
    b = Backend(EmulatorOptions(rows=40, **request.param))
    yield b
    b.close()


def both(fn, *args, **kwargs) -> tuple[bytes, bytes]:
    return dumps(fn(*args, wire=True, **kwargs)), dumps(fn(*args, wire=False, **kwargs))


def test_every_table_pages_the_same_bytes_either_way(backend):
    compared = 0
    for table in backend.catalog.tables():
        try:
            wire, python = both(lambda name=table.name, **kw: backend.query(ADMIN, name, top=100, **kw).records)
        except EmulatorError:
            continue  # System-only tables
        assert wire == python, table.name
        compared += wire != b"[]"
    assert compared > 25


@pytest.mark.parametrize("kwargs", [
    {"select": "DocumentNo,GrandTotal,TotalLines,DateOrdered,C_BPartner_ID,DocStatus,IsActive,Updated,"
               "Bill_Location_ID"},
    {"expand": "C_OrderLine($select=Line,LineNetAmt,QtyOrdered,M_Product_ID),C_BPartner_ID"},
    {"filter": "GrandTotal gt 100", "orderby": "GrandTotal desc"},
])
def test_selected_expanded_and_filtered_pages_too(backend, kwargs):
    wire, python = both(lambda **kw: backend.query(ADMIN, "c_order", top=20, **kw).records, **kwargs)
    assert wire == python


def test_single_records_and_columns(backend):
    for table, rid in (("c_order", "100"), ("c_bpartner_location", "118"), ("c_location", "118"),
                       ("ad_user", "101"), ("c_invoice", "101")):
        wire, python = both(backend.get_record, ADMIN, table, rid)
        assert wire == python
        assert both(backend.get_record_column, ADMIN, table, rid, "Created")[0] == dumps(
            backend.get_record_column(ADMIN, table, rid, "Created"))


def test_python_records_keep_scaled_numbers_and_fresh_lookup_objects(backend):
    records = backend.query(ADMIN, "c_order", top=5, orderby="C_Order_ID").records
    assert any(isinstance(v, ScaledNumber) for r in records for v in r.values())
    assert records[0]["AD_Client_ID"] is not records[1]["AD_Client_ID"]  # callers may change one record
