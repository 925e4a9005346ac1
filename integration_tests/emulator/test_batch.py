"""POST /api/v1/batch (spec §9): transactional and independent modes, item results, auth."""
from __future__ import annotations

import requests

from .conftest import api, bearer


def batch(emu, items, transaction=None, token=None) -> requests.Response:
    params = {} if transaction is None else {"transaction": str(transaction).lower()}
    headers = bearer(token or emu.s2s_token)
    return requests.post(api(emu) + "/batch", params=params, json=items, headers=headers, timeout=30)


def bp_item(value: str, **extra) -> dict:
    return {"method": "POST", "path": "v1/models/C_BPartner", "body": {"Value": value, "Name": value, **extra}}


def count(emu, table: str = "C_BPartner") -> int:
    return requests.get(f"{emu.base_url}/__emulator__/count", params={"table": table}, timeout=10).json()["count"]


def test_transactional_batch_commits_all_items(emulator):
    before = count(emulator)
    resp = batch(emulator, [bp_item("batch-a"), bp_item("batch-b")])
    assert resp.status_code == 200, resp.text
    results = resp.json()
    assert [(r["status"], r["statusCode"]) for r in results] == [("Created", 201), ("Created", 201)]
    assert list(results[0]) == ["status", "statusCode", "body"]
    assert results[0]["body"]["Name"] == "batch-a"
    assert count(emulator) == before + 2


def test_item_bodies_are_reparsed_as_gson_maps_so_numbers_become_doubles(emulator):
    resp = batch(emulator, [bp_item("batch-num")])
    assert '"id":' in resp.text
    record = resp.json()[0]["body"]
    assert isinstance(record["id"], float) and record["id"] == int(record["id"])


def test_transactional_batch_stops_and_rolls_back_at_the_first_failure(emulator):
    before = count(emulator)
    items = [bp_item("tx-ok"), bp_item("tx-bad", NoSuchColumn=1), bp_item("tx-never")]
    resp = batch(emulator, items, transaction=True)
    assert resp.status_code == 400
    results = resp.json()
    assert [r["statusCode"] for r in results] == [201, 400]
    assert results[1]["body"]["status"] == 400
    assert count(emulator) == before  # the first insert was rolled back too
    created = int(results[0]["body"]["id"])
    gone = requests.get(api(emulator) + f"/models/c_bpartner/{created}", headers=bearer(emulator.s2s_token),
                        timeout=10)
    assert gone.status_code == 404


def test_independent_batch_keeps_going_and_commits_the_good_items(emulator):
    before = count(emulator)
    items = [bp_item("ind-1"), bp_item("ind-bad", NoSuchColumn=1), bp_item("ind-3")]
    resp = batch(emulator, items, transaction=False)
    assert resp.status_code == 200
    assert [r["statusCode"] for r in resp.json()] == [201, 400, 201]
    assert count(emulator) == before + 2


def test_get_items_are_unsupported(emulator):
    resp = batch(emulator, [{"method": "GET", "path": "v1/models/C_Order"}], transaction=False)
    assert resp.status_code == 200
    assert resp.json() == [{"status": "Bad Request", "statusCode": 400, "body": "Unsupported Method: GET"}]
    assert batch(emulator, [{"method": "GET", "path": "v1/models/C_Order"}]).status_code == 400


def test_put_and_delete_items(emulator):
    created = batch(emulator, [bp_item("pd")]).json()[0]["body"]
    rid = int(created["id"])
    items = [{"method": "PUT", "path": f"v1/models/C_BPartner/{rid}", "body": {"Description": "via batch"}},
             {"method": "DELETE", "path": f"v1/models/C_BPartner/{rid}"}]
    resp = batch(emulator, items)
    assert resp.status_code == 200, resp.text
    put, delete = resp.json()
    assert put["statusCode"] == 200 and put["body"]["Description"] == "via batch"
    assert delete == {"status": "OK", "statusCode": 200, "body": {"msg": "Deleted"}}


def test_items_run_with_the_callers_auth(emulator):
    resp = requests.post(api(emulator) + "/batch", json=[bp_item("noauth")], timeout=10)
    assert resp.status_code == 401 and resp.content == b""
    # a role without access to the table gets the table's 403 inside the item
    login = requests.post(api(emulator) + "/auth/tokens", timeout=10,
                          json={"userName": "GardenUser", "password": "GardenUser"}).json()
    item = {"method": "POST", "path": "v1/models/C_Payment", "body": {"Description": "x"}}
    resp = batch(emulator, [item], token=login["token"])
    assert resp.status_code == 400 and resp.json()[0]["statusCode"] == 403


def test_unknown_item_path_is_an_item_404(emulator):
    resp = batch(emulator, [{"method": "POST", "path": "v1/nope", "body": {}}], transaction=False)
    assert resp.json() == [{"status": "Not Found", "statusCode": 404, "body": None}]


def test_a_failed_item_leaves_nothing_behind_not_even_the_location_it_saved_first(emulator):
    """A Location object is saved before the rest of its record is validated (§7.1); when the record then fails
    (unknown partner), the batch undoes the location too, in both modes."""
    def location_item(bp):
        return {"method": "POST", "path": "v1/models/C_BPartner_Location",
                "body": {"C_BPartner_ID": bp, "Name": "Depot",
                         "C_Location_ID": {"Address1": "1 Batch Road", "City": "Rollback", "C_Country_ID": 100}}}

    locations, sites = count(emulator, "C_Location"), count(emulator, "C_BPartner_Location")
    resp = batch(emulator, [location_item(118), location_item(999999), location_item(118)], transaction=False)
    assert resp.status_code == 200
    assert [r["statusCode"] for r in resp.json()] == [201, 400, 201]
    assert count(emulator, "C_Location") == locations + 2 and count(emulator, "C_BPartner_Location") == sites + 2
    resp = batch(emulator, [location_item(118), location_item(999999)], transaction=True)
    assert resp.status_code == 400
    assert count(emulator, "C_Location") == locations + 2 and count(emulator, "C_BPartner_Location") == sites + 2


def _doubles(value):
    """Gson's Map view of a JSON value: every number a Double (the reference for batch item bodies)."""
    if isinstance(value, dict):
        return {k: _doubles(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_doubles(v) for v in value]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return value


def test_independent_item_bodies_are_the_records_as_read_back_with_every_number_a_double(emulator):
    items = [bp_item("dbl-1", SO_CreditLimit=12.5, C_PaymentTerm_ID=105, IsVendor=True),
             bp_item("dbl-bad", NoSuchColumn=1),
             bp_item("dbl-2", Description="second")]
    resp = batch(emulator, items, transaction=False)
    assert resp.status_code == 200
    results = resp.json()
    assert [r["statusCode"] for r in results] == [201, 400, 201]
    for result in (results[0], results[2]):
        rid = int(result["body"]["id"])
        read = requests.get(api(emulator) + f"/models/c_bpartner/{rid}", headers=bearer(emulator.s2s_token),
                            timeout=10)
        assert result["body"] == _doubles(read.json())
        assert list(result["body"]) == list(read.json())  # the plugin's property order
    assert results[0]["body"]["C_PaymentTerm_ID"]["id"] == 105.0
    assert '"id":105.0' in resp.text and '"SO_CreditLimit":12.5' in resp.text
