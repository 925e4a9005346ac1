"""tzcheck with a fake client (the emulator versions are in integration_tests/client)."""
from __future__ import annotations

import pytest

from erp_http.errors import ConfigurationError
from idempiere_client.metadata import ColumnMeta, TableMeta
from idempiere_client.paging import Page
from idempiere_client.timeutil import ServerClock
from idempiere_client.tzcheck import check_server_timezone, verify_server_timezone

UUID = "6f1d7a4e-0c1b-4e53-9c38-3c1f5d1b2a02"


def table(name: str = "C_Order", *, key: bool = True, uu: bool = True, updated: bool = True,
          active: bool = True) -> TableMeta:
    columns = {"Name": ColumnMeta("Name", "string")}
    if updated:
        columns["Updated"] = ColumnMeta("Updated", "datetime", read_only=True)
    if active:
        columns["IsActive"] = ColumnMeta("IsActive", "boolean")
    return TableMeta(name=name, model_name=name.lower(), columns=columns,
                     key_column=f"{name}_ID" if key else None, uu_column=f"{name}_UU" if uu else None)


ORDER = table()
TEST_UU = table("TestUU", key=False)


class FakeClient:
    """Answers the sample query with ``rows`` and the probe with ``probe_rows`` rows; records every request."""

    def __init__(self, rows: list[dict] | None, probe_rows: int = 0):
        self.rows, self.probe_rows, self.requests = rows or [], probe_rows, []

    def get_page(self, table, *, filter, orderby, select=None, top=100, skip=0):
        self.requests.append({"table": table, "filter": filter, "orderby": orderby, "select": select})
        records = self.rows if len(self.requests) == 1 else [{"id": 7}] * self.probe_rows
        return Page(records, len(records), 100, 0)

    @property
    def filters(self) -> list[str | None]:
        return [r["filter"] for r in self.requests]


def sample(updated: str | None, key: str = "Updated") -> list[dict]:
    return [] if updated is None else [{"id": 7, "uid": UUID, key: updated, "model-name": "c_order"}]


# ---- outcomes --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("tz", "updated", "probe_rows", "expected", "requests"),
    [("Europe/Berlin", "2024-07-01T12:00:00+02:00", 0, "offset", 1), ("UTC", "2024-07-01T12:00:00Z", 0, "utc", 1),
     ("Europe/Berlin", "2024-07-01T12:00:00Z", 1, "legacy", 2), ("Europe/Berlin", None, 0, "empty", 1)],
    ids=["real-offset-agrees", "utc-configured", "old-server-fake-z", "empty-table"],
)
@pytest.mark.parametrize("column", ["Updated", "updated"], ids=["exact-names", "tolowercase"])
def test_accepted_configurations(tz, updated, probe_rows, expected, requests, column):
    client = FakeClient(sample(updated, column), probe_rows)
    assert check_server_timezone(client, ServerClock(tz), ORDER) == expected
    assert len(client.requests) == requests


@pytest.mark.parametrize(
    ("tz", "updated", "probe_rows"),
    [("Europe/Berlin", "2024-07-01T12:00:00Z", 0), ("UTC", "2024-07-01T12:00:00+02:00", 0),
     ("Europe/Berlin", "2024-07-01T23:59:59Z", 0)],
    ids=["current-utc-server-configured-berlin", "current-berlin-server-configured-utc", "sample-at-23-59-59"],
)
@pytest.mark.parametrize("column", ["Updated", "updated"], ids=["exact-names", "tolowercase"])
def test_wrong_configurations_are_refused(tz, updated, probe_rows, column):
    with pytest.raises(ConfigurationError, match="server_timezone"):
        check_server_timezone(FakeClient(sample(updated, column), probe_rows), ServerClock(tz), ORDER)


def test_the_refusal_says_what_to_do():
    with pytest.raises(ConfigurationError) as caught:
        check_server_timezone(FakeClient(sample("2024-07-01T12:00:00Z")), ServerClock("Europe/Berlin"), ORDER)
    assert "real UTC" in str(caught.value) and "Leave server_timezone empty" in str(caught.value)
    assert "c_order.Updated" in str(caught.value)


# ---- the requests ----------------------------------------------------------------------------------
def test_probe_uses_an_iso_literal_that_old_servers_truncate_to_the_date():
    client = FakeClient(sample("2024-07-01T12:00:00Z"), 1)
    check_server_timezone(client, ServerClock("Europe/Berlin"), ORDER)
    first, probe = client.requests
    assert first == {"table": "c_order", "filter": "IsActive neq null", "orderby": "Updated desc,C_Order_ID",
                     "select": "Updated"}
    # D+1 11:59:59 UTC for a current server (after every instant of day D), D 00:00 local for an old one
    assert probe["filter"] == "IsActive neq null and C_Order_ID eq 7 and Updated ge '2024-07-01T23:59:59-12:00'"


def test_lower_case_property_names_keep_exact_column_names_in_the_filter():
    """REST_COLUMNNAME_TOLOWERCASE=Y: records say ``updated``; filters and $orderby are case-insensitive (§2.5)."""
    client = FakeClient([{"id": 7, "updated": "2024-07-01T12:00:00Z", "isActive": True}], 1)
    assert check_server_timezone(client, ServerClock("Europe/Berlin"), ORDER) == "legacy"
    assert client.requests[0]["orderby"] == "Updated desc,C_Order_ID"
    assert client.filters[1] == "IsActive neq null and C_Order_ID eq 7 and Updated ge '2024-07-01T23:59:59-12:00'"


def test_key_value_falls_back_to_the_key_column_in_any_case():
    client = FakeClient([{"c_order_id": 9, "updated": "2024-07-01T12:00:00Z"}], 1)
    assert check_server_timezone(client, ServerClock("Europe/Berlin"), ORDER) == "legacy"
    assert "C_Order_ID eq 9 and" in client.filters[1]


@pytest.mark.parametrize("old_id", [0, None], ids=["old-server-id-0", "current-server-no-id"])
def test_uuid_key_tables_are_probed_by_their_uu_column(old_id):
    row = {"uid": UUID, "Updated": "2003-01-09T16:06:11Z"}
    if old_id is not None:
        row["id"] = old_id  # old servers send "id": 0 for UUID-key tables (§13): never a key
    client = FakeClient([row], 1)
    assert check_server_timezone(client, ServerClock("Europe/Berlin"), TEST_UU) == "legacy"
    assert client.requests[0]["orderby"] == "Updated desc,TestUU_UU"
    assert client.filters[1] == f"IsActive neq null and TestUU_UU eq '{UUID}' and Updated ge '2003-01-09T23:59:59-12:00'"
    assert client.requests[1]["orderby"] == "TestUU_UU"


def test_uuid_key_tables_refuse_a_wrong_zone_too():
    client = FakeClient([{"uid": UUID, "updated": "2003-01-09T16:06:11Z"}], 0)
    with pytest.raises(ConfigurationError, match="real UTC"):
        check_server_timezone(client, ServerClock("Europe/Berlin"), TEST_UU)


def test_uu_value_from_the_uu_column_when_uid_is_absent():
    client = FakeClient([{"TestUU_UU": UUID, "Updated": "2003-01-09T16:06:11Z"}], 1)
    assert check_server_timezone(client, ServerClock("Europe/Berlin"), TEST_UU) == "legacy"
    assert f"TestUU_UU eq '{UUID}'" in client.filters[1]


@pytest.mark.parametrize("uid", ["it's", "a(b)", None], ids=["quote", "parenthesis", "missing"])
def test_a_key_value_that_cannot_be_filtered_establishes_nothing(uid):
    row = {"Updated": "2003-01-09T16:06:11Z", **({"uid": uid} if uid else {})}
    client = FakeClient([row], 1)
    assert check_server_timezone(client, ServerClock("Europe/Berlin"), TEST_UU) == "empty"
    assert len(client.requests) == 1  # no probe with an unsafe literal


@pytest.mark.parametrize("meta", [table(updated=False), table(key=False, uu=False)], ids=["no-updated", "no-key"])
def test_tables_that_cannot_be_probed_are_empty_without_a_request(meta):
    client = FakeClient(sample("2024-07-01T12:00:00Z"), 1)
    assert check_server_timezone(client, ServerClock("Europe/Berlin"), meta) == "empty"
    assert client.requests == []


def test_tables_without_isactive_are_not_filtered_on_it():
    client = FakeClient(sample("2024-07-01T12:00:00Z"), 1)
    assert check_server_timezone(client, ServerClock("Europe/Berlin"), table(active=False)) == "legacy"
    assert client.filters == [None, "C_Order_ID eq 7 and Updated ge '2024-07-01T23:59:59-12:00'"]


# ---- several tables ----------------------------------------------------------------------------------
class PerTableClient:
    """Sample rows per table; the probe always matches (old server)."""

    def __init__(self, rows: dict[str, list[dict]]):
        self.rows, self.tables = rows, []

    def get_page(self, table, *, filter, orderby, select=None, top=100, skip=0):
        self.tables.append(table)
        records = self.rows.get(table, []) if " ge " not in (filter or "") else [{"id": 1}]
        return Page(records, len(records), 100, 0)


def test_verify_moves_on_until_a_table_establishes_something_and_loads_no_further():
    loaded = []

    def metas():
        for meta in (table("C_Order"), table("AD_Org", updated=False), TEST_UU, table("C_BPartner")):
            loaded.append(meta.model_name)
            yield meta

    client = PerTableClient({"testuu": [{"id": 0, "uid": UUID, "updated": "2003-01-09T16:06:11Z"}]})
    outcome, meta = verify_server_timezone(client, ServerClock("Europe/Berlin"), metas())
    assert (outcome, meta.model_name) == ("legacy", "testuu")
    assert loaded == ["c_order", "ad_org", "testuu"]
    assert client.tables == ["c_order", "testuu", "testuu"]  # ad_org has no Updated: no request


def test_verify_reports_empty_when_no_table_has_a_row():
    assert verify_server_timezone(PerTableClient({}), ServerClock("Europe/Berlin"), [ORDER, TEST_UU]) == ("empty", None)


def test_verify_propagates_a_contradiction():
    client = PerTableClient({"c_order": [{"id": 1, "Updated": "2024-07-01T12:00:00+02:00"}]})
    with pytest.raises(ConfigurationError, match="server_timezone"):
        verify_server_timezone(client, ServerClock("UTC"), [ORDER])
