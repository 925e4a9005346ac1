"""tzcheck against the emulator: both generations, server zones, lower-case property names, UUID keys."""
from __future__ import annotations

import pytest

from erp_http.errors import ConfigurationError
from idempiere_client.config import ConnectionConfig
from idempiere_client.http import IdempiereClient
from idempiere_client.metadata import MetadataCatalog
from idempiere_client.timeutil import ServerClock
from idempiere_client.tzcheck import check_server_timezone, verify_server_timezone

TOKEN = {"auth_type": "token"}
TABLES = ["c_order", "testuu"]  # integer key C_Order_ID; UUID key TestUU_UU


def check(emu, configured: str, table: str) -> str:
    cfg = ConnectionConfig.from_airbyte({"base_url": emu.base_url, "credentials": {**TOKEN, "token": emu.s2s_token}})
    with IdempiereClient(cfg) as client:
        meta = MetadataCatalog(client).get(table)
        return check_server_timezone(client, ServerClock(configured), meta)


@pytest.mark.parametrize("table", TABLES)
@pytest.mark.parametrize("tolowercase", [False, True], ids=["exact-names", "tolowercase"])
@pytest.mark.parametrize(
    ("legacy", "server_tz", "configured", "expected"),
    [(False, "UTC", "UTC", "utc"), (False, "Europe/Berlin", "Europe/Berlin", "offset"),
     (True, "Europe/Berlin", "Europe/Berlin", "legacy"), (True, "UTC", "UTC", "utc"),
     (True, "America/New_York", "America/New_York", "legacy")],
    ids=["current-utc", "current-berlin", "legacy-berlin", "legacy-utc", "legacy-new-york"],
)
def test_the_right_zone_is_accepted(emulator_factory, legacy, server_tz, configured, expected, tolowercase, table):
    emu = emulator_factory(rows=20, legacy=legacy, tz=server_tz, tolowercase=tolowercase)
    assert check(emu, configured, table) == expected


@pytest.mark.parametrize("table", TABLES)
@pytest.mark.parametrize("tolowercase", [False, True], ids=["exact-names", "tolowercase"])
@pytest.mark.parametrize(
    ("server_tz", "configured"),
    [("UTC", "Europe/Berlin"), ("Europe/Berlin", "UTC"), ("America/New_York", "Europe/Berlin"),
     ("UTC", "Asia/Tokyo"), ("UTC", "Pacific/Kiritimati")],
    ids=["utc-configured-berlin", "berlin-configured-utc", "new-york-configured-berlin", "utc-configured-tokyo",
         "utc-configured-plus-14"],
)
def test_a_wrong_zone_on_a_current_server_is_refused(emulator_factory, server_tz, configured, tolowercase, table):
    emu = emulator_factory(rows=20, legacy=False, tz=server_tz, tolowercase=tolowercase)
    with pytest.raises(ConfigurationError, match="server_timezone"):
        check(emu, configured, table)


@pytest.mark.parametrize("stored", ["23:59:59.000", "23:59:59.999", "00:00:00.000"])
def test_the_probe_holds_at_the_edges_of_the_day(emulator_factory, stored):
    """The newest row updated at the very end (or start) of a UTC day: a current UTC server is still told apart."""
    emu = emulator_factory(rows=5, legacy=False, tz="UTC")
    emu.backend.sql("UPDATE C_Order SET Updated = ? WHERE C_Order_ID = (SELECT MAX(C_Order_ID) FROM C_Order)",
                    (f"2030-06-30 {stored}",))
    with pytest.raises(ConfigurationError, match="real UTC"):
        check(emu, "Europe/Berlin", "c_order")
    legacy = emulator_factory(rows=5, legacy=True, tz="Europe/Berlin")
    legacy.backend.sql("UPDATE C_Order SET Updated = ? WHERE C_Order_ID = (SELECT MAX(C_Order_ID) FROM C_Order)",
                       (f"2030-06-30 {stored}",))
    assert check(legacy, "Europe/Berlin", "c_order") == "legacy"


def test_verify_moves_past_empty_tables(emulator_factory):
    emu = emulator_factory(rows=5, legacy=True, tz="Europe/Berlin", tolowercase=True)
    emu.backend.sql("DELETE FROM C_OrderLine")
    cfg = ConnectionConfig.from_airbyte({"base_url": emu.base_url, "credentials": {**TOKEN, "token": emu.s2s_token}})
    with IdempiereClient(cfg) as client:
        catalog = MetadataCatalog(client)
        outcome, meta = verify_server_timezone(client, ServerClock("Europe/Berlin"),
                                               (catalog.get(t) for t in ["c_orderline", "testuu", "c_order"]))
    assert (outcome, meta.model_name) == ("legacy", "testuu")
