"""destination-idempiere against the emulator over HTTP, both server generations: modes, FK forms, names."""
from __future__ import annotations

import re

import pytest

from integration_tests.destination.helpers import (
    GENERATION_IDS,
    GENERATIONS,
    catalog,
    counts,
    record,
    sql,
    state,
    write,
)

BP = "c_bpartner"


@pytest.fixture(params=GENERATIONS, ids=GENERATION_IDS)
def emu(request, emulator_factory):
    return emulator_factory(rows=3, legacy=request.param)


def bp_rows(emu, prefix: str) -> list[tuple]:
    return sql(emu, "SELECT Value, Name, C_BP_Group_ID, SalesRep_ID, C_PaymentTerm_ID, IsActive FROM C_BPartner "
                    "WHERE Value LIKE ? ORDER BY Value", (prefix + "%",))


def test_insert_resolves_every_identifier_form_and_rejects_unresolvable_ones(emu, tmp_path) -> None:
    messages = [
        record(BP, {"Value": "IT-1", "Name": "Insert One", "C_BP_Group_ID": "Vendors",
                    "SalesRep_ID": {"identifier": "GardenAdmin"},
                    "C_PaymentTerm_ID": {"lookupColumn": "Value", "lookupValue": "30 Net"},
                    "SO_CreditLimit": "123.45", "FirstSale": "2024-05-01", "IsCustomer": "Y", "SOCreditStatus": "O"}),
        record(BP, {"Value": "IT-2", "Name": "Insert Two", "C_BP_Group_ID": {"identifier": "Staff"},
                    "SalesRep_ID": 101}),
        record(BP, {"Value": "IT-3", "Name": "Insert Three", "C_BP_Group_ID": "Standard"}),  # Value of group 103
        record(BP, {"Value": "IT-4", "Name": "No such group", "C_BP_Group_ID": "Nope"}),
        state(BP, 1),
    ]
    out, dest = write(emu, catalog((BP, "append", None)), messages,
                      rejected_records_path=str(tmp_path / "rejects.jsonl"))
    assert [m.state.stream.stream_state.n for m in out] == [1]
    assert bp_rows(emu, "IT-") == [
        ("IT-1", "Insert One", 104, 101, 107, "Y"),
        ("IT-2", "Insert Two", 105, 101, None, "Y"),
        ("IT-3", "Insert Three", 103, None, None, "Y"),
    ]
    (limit, first_sale, uu), = sql(emu, "SELECT SO_CreditLimit, FirstSale, C_BPartner_UU FROM C_BPartner "
                                        "WHERE Value='IT-1'")
    assert float(limit) == 123.45 and str(first_sale).startswith("2024-05-01") and len(uu) == 36
    assert counts(dest, BP)["inserted"] == 3 and counts(dest, BP)["rejected"] == 1
    reasons = (tmp_path / "rejects.jsonl").read_text()
    assert "column C_BP_Group_ID: identifier 'Nope' not found in c_bp_group" in reasons


def test_append_with_a_catalog_key_inserts_rows_whose_key_is_empty(emu) -> None:
    """PyAirbyte's cache gives every row an ``id`` key; new rows staged for append have none."""
    messages = [record(BP, {"id": None, "Value": "AK-1", "Name": "Append keyless", "C_BP_Group_ID": "Vendors"}),
                record(BP, {"id": "", "Value": "AK-2", "Name": "Append blank key", "C_BP_Group_ID": "Staff"}),
                state(BP, 1)]
    out, dest = write(emu, catalog((BP, "append", ["id"])), messages)
    assert [m.state.stream.stream_state.n for m in out] == [1]
    assert [r[:3] for r in bp_rows(emu, "AK-")] == [("AK-1", "Append keyless", 104), ("AK-2", "Append blank key", 105)]
    assert counts(dest, BP)["inserted"] == 2 and counts(dest, BP)["rejected"] == 0


def test_ambiguous_identifier_is_rejected_with_the_column_and_value(emu) -> None:
    messages = [record("ad_user", {"Name": "Pat", "C_BPartner_ID": "Patio Fun, Inc."}),
                record("ad_user", {"Name": "Joe 2", "C_BPartner_ID": "Joe Block"})]
    out, dest = write(emu, catalog(("ad_user", "append", None)), messages)
    first = dest.last_rejects.first
    assert first.reason.startswith("column C_BPartner_ID: ambiguous") and "'Patio Fun, Inc.'" in first.reason
    assert sql(emu, "SELECT C_BPartner_ID FROM AD_User WHERE Name='Joe 2'") == [(118,)]


def test_upsert_rerun_creates_no_duplicates_and_updates_changed_values(emu) -> None:
    cat = catalog((BP, "append_dedup", ["Value"]))
    data = [{"Value": "JoeBlock", "Name": "Joe Block", "Name2": "upserted"},
            {"Value": "UP-1", "Name": "Upsert One", "C_BP_Group_ID": "Vendors"},
            {"Value": "UP-2", "Name": "Upsert Two", "C_BP_Group_ID": 103}]
    before = sql(emu, "SELECT COUNT(*) FROM C_BPartner")[0][0]
    _, first = write(emu, cat, [record(BP, d) for d in data])
    assert (counts(first, BP)["inserted"], counts(first, BP)["updated"]) == (2, 1)
    _, second = write(emu, cat, [record(BP, d) for d in data])
    assert counts(second, BP)["unchanged"] == 3 and counts(second, BP)["inserted"] == 0
    data[1]["Name"] = "Upsert One (renamed)"
    _, third = write(emu, cat, [record(BP, d) for d in data])
    assert (counts(third, BP)["updated"], counts(third, BP)["unchanged"]) == (1, 2)
    assert sql(emu, "SELECT COUNT(*) FROM C_BPartner")[0][0] == before + 2
    assert sql(emu, "SELECT Value, COUNT(*), MAX(Name) FROM C_BPartner WHERE Value IN ('UP-1','UP-2','JoeBlock') "
                    "GROUP BY Value ORDER BY Value") == [("JoeBlock", 1, "Joe Block"), ("UP-1", 1, "Upsert One (renamed)"),
                                                         ("UP-2", 1, "Upsert Two")]
    assert sql(emu, "SELECT Name2 FROM C_BPartner WHERE Value='JoeBlock'") == [("upserted",)]


def test_update_mode_updates_matches_and_rejects_missing_rows(emu) -> None:
    cat = catalog((BP, "update", ["Value"]))
    messages = [record(BP, {"Value": "C&W", "Name2": "updated only"}),
                record(BP, {"Value": "MISSING-1", "Name": "Ghost"})]
    out, dest = write(emu, cat, messages)
    assert counts(dest, BP)["updated"] == 1 and counts(dest, BP)["rejected"] == 1
    assert "no row of C_BPartner matches the key ['MISSING-1']" in dest.last_rejects.first.reason
    assert sql(emu, "SELECT COUNT(*) FROM C_BPartner WHERE Value='MISSING-1'") == [(0,)]
    assert sql(emu, "SELECT Name2 FROM C_BPartner WHERE Value='C&W'") == [("updated only",)]


def test_soft_delete_deactivates_matching_rows_only(emu) -> None:
    cat = catalog((BP, "soft_delete", ["Value"]))
    messages = [record(BP, {"Value": "SeedFarm"}), record(BP, {"Value": "NOT-THERE"}),
                record(BP, {"Value": "OldGarden"})]  # already inactive
    _, dest = write(emu, cat, messages)
    assert counts(dest, BP)["deactivated"] == 1 and counts(dest, BP)["unchanged"] == 2
    assert sql(emu, "SELECT Value, IsActive FROM C_BPartner WHERE Value IN ('SeedFarm','OldGarden') ORDER BY Value") == [
        ("OldGarden", "N"), ("SeedFarm", "N")]


def test_lower_cased_fields_from_a_duckdb_cache_are_written(emu) -> None:
    row = {"value": "LC-1", "name": "Lower Case", "isactive": True, "iscustomer": "N", "isvendor": "Y",
           "c_bp_group_id": 104, "c_bp_group_id_identifier": "Vendors", "so_creditlimit": 10,
           "salesrep_id": None, "id": None, "uid": None, "created": "2024-01-01T00:00:00Z",
           "_airbyte_raw_id": "01J", "_airbyte_extracted_at": "2024-01-01T00:00:00Z", "_airbyte_meta": {"changes": []}}
    _, dest = write(emu, catalog((BP, "append_dedup", ["value"])), [record(BP, row)])
    assert counts(dest, BP)["inserted"] == 1, dest.last_rejects.first
    assert sql(emu, "SELECT Name, IsVendor, IsCustomer, C_BP_Group_ID, SalesRep_ID FROM C_BPartner "
                    "WHERE Value='LC-1'") == [("Lower Case", "Y", "N", 104, None)]


def test_values_with_quotes_never_reach_a_filter_and_still_match(emu) -> None:
    emu.backend.insert_raw("C_BP_Group", [{"Value": "OB", "Name": "O'Brien's Group"}])
    (group_id,), = sql(emu, "SELECT C_BP_Group_ID FROM C_BP_Group WHERE Value='OB'")
    cat = catalog((BP, "append_dedup", ["Value"]))
    data = {"Value": "O'Neil", "Name": "O'Neil & Sons", "C_BP_Group_ID": "O'Brien's Group"}
    write(emu, cat, [record(BP, data)])
    _, second = write(emu, cat, [record(BP, data)])
    assert counts(second, BP)["unchanged"] == 1
    assert sql(emu, "SELECT COUNT(*), MAX(C_BP_Group_ID) FROM C_BPartner WHERE Value='O''Neil'") == [(1, group_id)]
    filters = [m.group(1) for r in emu.requests() for m in re.finditer(r"\$filter=(.*?)(?=&\$|$)", r.get("query") or "")]
    assert filters and not any("O'Neil" in f or "O'Brien" in f for f in filters)


def test_at_most_one_lookup_per_distinct_identifier(emu) -> None:
    groups = ["Vendors", "Staff", "Standard Customers"]
    messages = [record(BP, {"Value": f"LK-{i}", "Name": f"Lookup {i}", "C_BP_Group_ID": groups[i % 3],
                            "SalesRep_ID": "GardenAdmin"}) for i in range(30)]
    emu.clear_requests()
    _, dest = write(emu, catalog((BP, "append", None)), messages, batch_size=4)
    assert counts(dest, BP)["inserted"] == 30
    queries = [r.get("query") or "" for r in emu.requests() if r["path"].rstrip("/").endswith(("models/c_bp_group",
                                                                                               "models/ad_user"))]
    lookups = {v: [q for q in queries if f"eq '{v}'" in q] for v in [*groups, "GardenAdmin"]}
    assert {v: len(found) for v, found in lookups.items()} == {v: 1 for v in lookups}, queries
    assert sql(emu, "SELECT C_BP_Group_ID, COUNT(*) FROM C_BPartner WHERE Value LIKE 'LK-%' GROUP BY C_BP_Group_ID "
                    "ORDER BY 1") == [(103, 10), (104, 10), (105, 10)]


def test_server_with_lower_cased_property_names_upserts_without_duplicates(emulator_factory) -> None:
    """REST_COLUMNNAME_TOLOWERCASE=Y: rows come back as ``name``/``isActive`` (§2.5); lookups must still match."""
    emu = emulator_factory(rows=2, tolowercase=True)
    cat = catalog((BP, "append_dedup", ["Value"]))
    data = [{"Value": "TL-1", "Name": "Lower", "C_BP_Group_ID": "Vendors"}, {"value": "JoeBlock", "name": "Joe Block"}]
    _, first = write(emu, cat, [record(BP, d) for d in data])
    _, second = write(emu, cat, [record(BP, d) for d in data])
    assert (counts(first, BP)["inserted"], counts(first, BP)["unchanged"]) == (1, 1)
    assert counts(second, BP)["unchanged"] == 2
    _, gone = write(emu, catalog((BP, "soft_delete", ["Value"])), [record(BP, {"Value": "TL-1"})])
    assert counts(gone, BP)["deactivated"] == 1
    assert sql(emu, "SELECT Value, COUNT(*), MAX(IsActive), MAX(C_BP_Group_ID) FROM C_BPartner "
                    "WHERE Value IN ('TL-1','JoeBlock') GROUP BY Value ORDER BY 1") == [("JoeBlock", 1, "Y", 103),
                                                                                     ("TL-1", 1, "N", 104)]


def test_upsert_keyed_by_id_inserts_rows_without_an_id_once_and_updates_rows_with_one(emu) -> None:
    """The source's primary key is ``id``; new warehouse rows have none (e.g. PyAirbyte ``merge``)."""
    cat = catalog((BP, "append_dedup", ["id"]))
    data = [{"id": 118, "Value": "JoeBlock", "Name": "Joe Block", "Name2": "by id"},
            {"id": None, "Value": "ID-NEW", "Name": "New without id", "C_BP_Group_ID": "Staff"}]
    _, first = write(emu, cat, [record(BP, d) for d in data])
    _, second = write(emu, cat, [record(BP, d) for d in data])
    assert (counts(first, BP)["updated"], counts(first, BP)["inserted"]) == (1, 1)
    assert counts(second, BP)["unchanged"] == 2
    assert sql(emu, "SELECT COUNT(*) FROM C_BPartner WHERE Value='ID-NEW'") == [(1,)]
    assert sql(emu, "SELECT Name2 FROM C_BPartner WHERE C_BPartner_ID=118") == [("by id",)]


def test_tombstones_from_the_source_deactivate_rows_in_upsert_mode(emu) -> None:
    """The source marks rows deleted in it with ``_ab_cdc_deleted_at``: the target row is deactivated, never
    deleted or inserted; a tombstone for a row the target does not have changes nothing."""
    cat = catalog((BP, "append_dedup", ["id"]))
    messages = [record(BP, {"id": 119, "_ab_cdc_deleted_at": "2024-05-01T00:00:00Z"}),
                record(BP, {"id": 99999, "_ab_cdc_deleted_at": "2024-05-01T00:00:00Z"}),
                record(BP, {"id": 118, "Name2": "alive", "_ab_cdc_deleted_at": None})]
    before = sql(emu, "SELECT COUNT(*) FROM C_BPartner")
    _, dest = write(emu, cat, messages)
    c = counts(dest, BP)
    assert (c["deactivated"], c["unchanged"], c["updated"], c["inserted"], c["rejected"]) == (1, 1, 1, 0, 0)
    assert sql(emu, "SELECT C_BPartner_ID, IsActive FROM C_BPartner WHERE C_BPartner_ID IN (118, 119) "
                    "ORDER BY 1") == [(118, "Y"), (119, "N")]
    assert sql(emu, "SELECT COUNT(*) FROM C_BPartner") == before


def test_uuid_key_table_is_upserted_by_uid_and_by_value(emu) -> None:
    """TestUU has no integer key; older servers still send an ``id`` for it, which the path does not accept."""
    known = "6f1d7a4e-0c1b-4e53-9c38-3c1f5d1b2a01"
    new = "11111111-2222-4333-8444-555555555555"
    by_uid = [record("testuu", {"uid": known, "Name": "renamed"}), record("testuu", {"uid": new, "Value": "T9", "Name": "new"})]
    _, first = write(emu, catalog(("testuu", "append_dedup", ["uid"])), by_uid)
    _, again = write(emu, catalog(("testuu", "append_dedup", ["uid"])), by_uid)
    _, gone = write(emu, catalog(("testuu", "soft_delete", ["Value"])), [record("testuu", {"Value": "T9"})])
    assert (counts(first, "testuu")["inserted"], counts(first, "testuu")["updated"]) == (1, 1)
    assert counts(again, "testuu")["unchanged"] == 2 and counts(gone, "testuu")["deactivated"] == 1
    assert sql(emu, "SELECT TestUU_UU, Name, IsActive FROM TestUU WHERE Value IN ('T1','T9') ORDER BY Value") == [
        (known, "renamed", "Y"), (new, "new", "N")]


def test_address_objects_create_one_location_and_later_edit_it_in_place(emu) -> None:
    """A Location object without id creates a C_Location (§7.1); rerunning must not add one per run."""
    cat = catalog(("c_bpartner_location", "append_dedup", ["C_BPartner_ID", "Name"]))
    data = {"C_BPartner_ID": "Joe Block", "Name": "Dock",
            "C_Location_ID": {"Address1": "1 Dock Rd", "City": "Portland", "C_Country_ID": 100}}
    locations = sql(emu, "SELECT COUNT(*) FROM C_Location")[0][0]
    _, first = write(emu, cat, [record("c_bpartner_location", data)])
    _, again = write(emu, cat, [record("c_bpartner_location", data)])
    data["C_Location_ID"] = {**data["C_Location_ID"], "City": "Salem"}
    _, edited = write(emu, cat, [record("c_bpartner_location", data)])
    assert [counts(d, "c_bpartner_location")[k] for d, k in ((first, "inserted"), (again, "unchanged"),
                                                                (edited, "updated"))] == [1, 1, 1]
    assert sql(emu, "SELECT COUNT(*) FROM C_Location")[0][0] == locations + 1
    assert sql(emu, "SELECT l.City, l.Address1 FROM C_BPartner_Location b JOIN C_Location l "
                    "ON l.C_Location_ID = b.C_Location_ID WHERE b.Name = 'Dock'") == [("Salem", "1 Dock Rd")]
