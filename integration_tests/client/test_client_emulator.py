"""idempiere_client against the emulator over real HTTP, on both server generations (spec §1, §2.4, §13)."""
from __future__ import annotations

import threading
import time

import pytest

from erp_http.errors import AuthenticationError, ConfigurationError, TransientError
from idempiere_client.config import ConnectionConfig
from idempiere_client.filters import F, include_inactive, orderby
from idempiere_client.http import IdempiereClient
from idempiere_client.metadata import MetadataCatalog
from idempiere_client.records import RecordConverter
from idempiere_client.timeutil import ServerClock

ADMIN = {"auth_type": "password", "username": "GardenAdmin", "password": "GardenAdmin", "client": "GardenWorld",
         "role": "GardenWorld Admin", "organization": "HQ"}


def _client(emu, creds=None, **kw) -> IdempiereClient:
    cfg = ConnectionConfig.from_airbyte({"base_url": emu.base_url + "/api/v1", "credentials": creds or ADMIN})
    return IdempiereClient(cfg, **kw)


@pytest.fixture(params=[False, True], ids=["current", "legacy"])
def emu(request, emulator_factory):
    return emulator_factory(rows=120, legacy=request.param, tz="Europe/Berlin")


@pytest.mark.parametrize(
    "creds",
    [ADMIN, {**ADMIN, "client": "11", "role": "102", "organization": "11", "warehouse": "HQ Warehouse"},
     {"auth_type": "password", "username": "GardenUser", "password": "GardenUser", "client": "GardenWorld",
      "role": "GardenWorld User"}],
    ids=["names", "ids-and-warehouse", "auto-login"],
)
def test_login_modes_reach_the_data(emu, creds):
    with _client(emu, creds) as client:
        page = client.get_page("c_order", filter=include_inactive(), orderby="C_Order_ID", top=5)
        assert page.count == 5 and page.row_count > 5


def test_s2s_token_mode(emu):
    with _client(emu, {"auth_type": "token", "token": emu.s2s_token}) as client:
        assert client.list_models()
        assert client.stats["logins"] == 0


@pytest.mark.parametrize(
    ("creds", "error", "text"),
    [({**ADMIN, "password": "wrong"}, AuthenticationError, "Login failed"),
     ({**ADMIN, "role": "Nope"}, ConfigurationError, "GardenWorld Admin"),
     ({**ADMIN, "organization": None}, ConfigurationError, "Several organizations"),
     ({"auth_type": "token", "token": "not.a.token"}, AuthenticationError, "server-to-server token")],
    ids=["wrong-password", "unknown-role", "ambiguous-org", "bad-token"],
)
def test_configuration_problems_are_actionable(emu, creds, error, text):
    with pytest.raises(error, match=text) as info:
        _client(emu, creds).list_models()
    if creds.get("password") == "wrong":
        assert "wrong" not in str(info.value)  # the password never appears in messages


def test_unreachable_server_is_transient_and_says_what_to_check():
    cfg = ConnectionConfig.from_airbyte({"base_url": "http://127.0.0.1:9", "credentials": ADMIN})
    with pytest.raises(TransientError, match="Cannot connect.*down or unreachable"):
        IdempiereClient(cfg, sleep=lambda s: None).list_models()


def test_metadata_of_every_table_parses_and_rows_convert(emu):
    with _client(emu) as client:
        catalog = MetadataCatalog(client)
        tables = [t["model-name"] for t in catalog.list_tables()]
        metas, errors = catalog.get_many(tables)
        assert not errors and len(metas) == len(tables)
        order = metas["c_order"]
        assert order.key_column == "C_Order_ID" and order.has_updated
        assert order.columns["C_BPartner_ID"].kind == "fk" and order.columns["DocStatus"].kind == "list"
        clock = ServerClock("Europe/Berlin")
        page = client.get_page("c_order", filter=include_inactive(), orderby=orderby("Updated", "C_Order_ID"), top=3)
        clock.check_offset(page.records[0]["Updated"])
        row = RecordConverter(order, "flatten", clock).convert(page.records[0])
        assert row["Updated"].endswith("Z") and isinstance(row["C_BPartner_ID"], int)


def test_time_window_literal_selects_the_same_rows_on_both_generations(emu):
    clock = ServerClock("Europe/Berlin")
    with _client(emu) as client:
        page = client.get_page("c_order", filter=include_inactive(), orderby=orderby("Updated", "C_Order_ID"), top=100)
        instants = sorted(clock.to_utc(r["Updated"]) for r in page.records)
        lower, upper = instants[10], instants[50]
        window = F.and_(include_inactive(), F.ge("Updated", clock.literal(lower)), F.lt("Updated", clock.literal(upper)))
        got = client.get_page("c_order", filter=window, orderby=orderby("Updated", "C_Order_ID"), top=100)
        expected = [i for i in (clock.to_utc(r["Updated"]) for r in page.records) if lower <= i < upper]
        assert got.count == len(expected)


def test_short_token_lifetime_and_faults_lose_nothing(emulator_factory):
    emu = emulator_factory(rows=150, token_ttl=6, fail_rate=0.05, drop_rate=0.01)
    with _client(emu, max_in_flight=4) as client:
        errors: list[BaseException] = []
        done = threading.Event()

        def reader():
            while not done.is_set():
                try:
                    page = client.get_page("c_order", filter=include_inactive(), orderby="C_Order_ID", top=100)
                    assert page.count == 100
                except TransientError:
                    pass  # six failed attempts in a row are possible at 5 %, but must be rare
                except BaseException as exc:  # noqa: BLE001
                    errors.append(exc)

        threads = [threading.Thread(target=reader) for _ in range(6)]
        for t in threads:
            t.start()
        time.sleep(14)
        done.set()
        for t in threads:
            t.join(30)
        assert not errors
        assert client.stats["refreshes"] >= 1 and client.peak_in_flight <= 4


@pytest.mark.parametrize("field, value", [("role", "GardenWorld Admin"), ("organization", "Store"),
                                          ("warehouse", "Store Warehouse")])
def test_a_wrong_name_is_refused_for_a_single_role_user(emulator, field, value):
    """GardenUser auto-logs in (one role, one org): a wrong NAME must not be ignored (issue 11)."""
    creds = {"auth_type": "password", "username": "GardenUser", "password": "GardenUser", field: value}
    with pytest.raises(ConfigurationError, match=f"credentials.{field} '{value}'"):
        _client(emulator, creds).list_models()


@pytest.mark.parametrize("creds", [ADMIN, None], ids=["password", "token"])
def test_a_base_url_with_a_wrong_path_says_no_idempiere_api_answers_there(emulator, creds):
    creds = creds or {"auth_type": "token", "token": emulator.s2s_token}
    cfg = ConnectionConfig.from_airbyte({"base_url": emulator.base_url + "/idempiere", "credentials": creds})
    with pytest.raises(ConfigurationError) as info:
        IdempiereClient(cfg, sleep=lambda s: None).list_models()
    assert str(info.value).startswith(f"No iDempiere REST API answers at {emulator.base_url}/idempiere/api/v1/")
    assert "base_url" in str(info.value)


def test_a_wrong_password_is_an_authentication_error_for_table_metadata_too(emulator):
    """get_many reports per-table problems only: a failed login is raised, never "table not found"."""
    client = _client(emulator, {**ADMIN, "password": "wrong"})
    with pytest.raises(AuthenticationError):
        MetadataCatalog(client).get_many(["c_order", "c_bpartner"])
