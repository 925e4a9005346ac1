"""REST views as streams (include_views), end to end over HTTP against the emulator's built-in views."""
from __future__ import annotations

import logging

import pytest
import requests
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from erp_http.errors import ApiError, ConfigurationError
from idempiere_emulator.errors import EmulatorError
from idempiere_emulator.http.handlers import Api
from source_idempiere import SourceIdempiere
from source_idempiere.view_streams import load_views

from .helpers import config, final_states, next_second, records, run_read, state_for

CUSTOMERS, PRODUCTS = "view__customers", "view__productNames"


def table_rows(emu, table: str, filt: str) -> dict[int, dict]:
    """The oracle: the same rows through /models (every row, inactive ones too)."""
    resp = requests.get(f"{emu.base_url}/api/v1/models/{table}", timeout=30,
                        params={"$filter": f"({filt}) and IsActive neq null", "$top": 1000},
                        headers={"Authorization": "Bearer " + emu.s2s_token})
    return {r["id"]: r for r in resp.json()["records"]}


def test_views_are_offered_only_when_asked_with_their_properties_and_cursor(emulator):
    plain = {s.name for s in SourceIdempiere().streams(config(emulator))}
    assert not {n for n in plain if n.startswith("view__")}
    streams = {s.name: s for s in SourceIdempiere().streams(config(emulator, include_views=True))}
    assert {CUSTOMERS, PRODUCTS} <= set(streams) and "c_bpartner" in streams
    customers, products = streams[CUSTOMERS], streams[PRODUCTS]
    props = customers.get_json_schema()["properties"]
    assert {"id", "uid", "searchKey", "name", "isActive", "creditLimit", "Updated"} <= set(props)
    assert "Value" not in props and props["isActive"]["type"] == ["null", "boolean"]
    assert customers.supports_incremental and customers.cursor_field == "Updated"
    assert customers.primary_key == "id"
    assert not products.supports_incremental and "productId" not in products.get_json_schema()["properties"]


@pytest.mark.parametrize("incremental", [False, True], ids=["full_refresh", "incremental"])
def test_view_read_equals_the_table_rows_the_view_selects_inactive_too(emulator_factory, incremental):
    emu = emulator_factory(rows=60)
    emu.backend.sql("UPDATE C_BPartner SET IsActive='N' WHERE C_BPartner_ID = "
                    "(SELECT MIN(C_BPartner_ID) FROM C_BPartner WHERE IsCustomer='Y')")
    out = run_read(config(emu, include_views=True, page_size=2), [CUSTOMERS], incremental=incremental)
    got = {r["id"]: r for r in records(out, CUSTOMERS)}
    want = table_rows(emu, "c_bpartner", "IsCustomer eq true")
    assert set(got) == set(want) and len(got) > 3
    assert any(r["isActive"] is False for r in got.values())
    for key, rec in got.items():
        assert rec["searchKey"] == want[key]["Value"] and rec["name"] == want[key]["Name"]
        assert rec["Updated"].endswith("Z")


def test_incremental_view_sync_returns_only_changed_rows(emulator_factory):
    emu = emulator_factory(rows=60)
    cfg = config(emu, include_views=True, page_size=3)
    first = run_read(cfg, [CUSTOMERS])
    assert len(records(first, CUSTOMERS)) > 3
    target = records(first, CUSTOMERS)[0]["id"]
    resp = requests.put(f"{emu.base_url}/api/v1/models/c_bpartner/{target}", json={"Name": "Renamed In View"},
                        headers={"Authorization": "Bearer " + emu.s2s_token}, timeout=30)
    assert resp.status_code == 200, resp.text
    next_second()
    second = run_read(cfg, [CUSTOMERS], state=state_for(final_states(first)))
    changed = {r["id"]: r for r in records(second, CUSTOMERS)}
    assert changed[target]["name"] == "Renamed In View"
    assert len(changed) < len(records(first, CUSTOMERS))


@pytest.mark.parametrize("legacy", [False, True], ids=["current", "legacy"])
def test_full_refresh_view_pages_by_key_on_both_generations(emulator_factory, legacy):
    """productNames shows its key column as a property: old servers (no id filter alias) can page it."""
    emu = emulator_factory(rows=60, legacy=legacy)
    out = run_read(config(emu, include_views=True, page_size=4), [PRODUCTS], incremental=False)
    got = {r["id"]: r for r in records(out, PRODUCTS)}
    want = table_rows(emu, "m_product", "IsActive eq true")  # the view hides IsActive: active rows only
    assert set(got) == set(want) and len(got) > 8
    assert {r["sku"] for r in got.values()} == {r["Value"] for r in want.values()}


def test_view_needing_the_id_alias_fails_loudly_on_an_old_server(emulator_factory):
    emu = emulator_factory(rows=60, legacy=True)
    out = run_read(config(emu, include_views=True, page_size=2), [CUSTOMERS], incremental=False,
                   expect_failure=True)
    assert "Invalid column for filter: id" in out.get_formatted_error_message() or any(
        "Invalid column for filter: id" in str(m) for m in out.logs)


def test_unknown_view_stream_is_reported_and_the_others_still_read(emulator):
    out = run_read(config(emulator, include_views=True), [PRODUCTS, "view__gone"], incremental=False,
                   expect_failure=True)
    assert records(out, PRODUCTS)
    assert "view__gone" in out.get_formatted_error_message()


def test_server_without_views_endpoint_is_a_configuration_error():
    class NoViews:  # a plugin before 2024-12: GET /views is Jersey's 404
        def get(self, path, params=None):
            raise ApiError(404, None, None, "GET", path)

    with pytest.raises(ConfigurationError, match="Turn off include_views"):
        load_views(NoViews(), None, logging.getLogger("test"))


def test_check_reports_a_server_without_views(emulator, monkeypatch):
    def no_views(self, req, ctx):
        raise EmulatorError(404, empty_body=True)

    assert SourceIdempiere().check_connection(logging.getLogger("test"), config(emulator, include_views=True))[0]
    monkeypatch.setattr(Api, "list_views", no_views)
    with pytest.raises(AirbyteTracedException, match="Turn off include_views"):
        SourceIdempiere().check_connection(logging.getLogger("test"), config(emulator, include_views=True))
    assert SourceIdempiere().check_connection(logging.getLogger("test"), config(emulator))[0]


def test_empty_view_listing_gives_no_view_streams(emulator):
    emulator.backend.views.views.clear()
    names = {s.name for s in SourceIdempiere().streams(config(emulator, include_views=True))}
    assert "c_bpartner" in names and not {n for n in names if n.startswith("view__")}
