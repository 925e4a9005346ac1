"""Backend write semantics: POST/PUT/DELETE, field names, FK forms, validation, doc-action (spec §7, §13)."""
from __future__ import annotations

import pytest

from idempiere_emulator import fixtures as fx
from idempiere_emulator.emulator_options import EmulatorOptions
from idempiere_emulator.errors import EmulatorError
from idempiere_emulator.model.backend import Backend
from idempiere_emulator.session import Session

ADMIN = Session(fx.CLIENT_ID, fx.USER_ADMIN, fx.ROLE_ADMIN, fx.ORG_HQ, fx.WAREHOUSE_HQ)
USER = Session(fx.CLIENT_ID, fx.USER_RESTRICTED, fx.ROLE_USER, fx.ORG_HQ, fx.WAREHOUSE_HQ)


@pytest.fixture
def backend():
    b = Backend(EmulatorOptions(rows=20))
    yield b
    b.close()


@pytest.fixture
def legacy():
    b = Backend(EmulatorOptions(rows=20, legacy=True))
    yield b
    b.close()


def err(fn, *a, **kw) -> EmulatorError:
    with pytest.raises(EmulatorError) as info:
        fn(*a, **kw)
    return info.value


def test_post_creates_with_defaults_audit_columns_and_milliseconds(backend):
    rec = backend.create(ADMIN, "c_bpartner", {"Name": "Garden Gnome Ltd", "Value": "GNOME"})
    assert rec["id"] >= 1_000_000 and rec["Name"] == "Garden Gnome Ltd"
    assert rec["C_BP_Group_ID"]["identifier"] == "Standard Customers"  # default group
    assert rec["AD_Org_ID"]["id"] == fx.ORG_HQ and rec["CreatedBy"]["id"] == fx.USER_ADMIN
    assert rec["IsActive"] is True and rec["IsCustomer"] is True
    created, updated = backend.sql("SELECT Created, Updated FROM C_BPartner WHERE C_BPartner_ID=?", (rec["id"],))[0]
    assert len(created) == 23 and created[19] == "." and created == updated
    assert rec["Created"] == created[:10] + "T" + created[11:19] + "Z"


def test_field_name_casing_and_unknown_fields(backend):
    assert err(backend.create, ADMIN, "c_bpartner", {"NAME": "x"}).body() == {
        "title": "Validation Error", "status": 400, "detail": "Wrong name for column NAME, you must use name or Name"}
    assert err(backend.create, ADMIN, "c_bpartner", {"Name": "x", "Foo": 1}).detail == "Column Foo does not exist"
    rec = backend.create(ADMIN, "c_bpartner", {"name": "lower", "id": 5, "model-name": "x", "tableName": "y"})
    assert rec["Name"] == "lower" and rec["id"] != 5


def test_mandatory_fields_current_and_legacy(backend, legacy):
    assert err(backend.create, ADMIN, "c_bpartner", {"Value": "V"}).body() == {
        "title": "Validation Error", "status": 400, "detail": "Fill mandatory fields: name"}
    assert err(legacy.create, ADMIN, "c_bpartner", {"Value": "V"}).body() == {
        "title": "Save error", "status": 500, "detail": "Mandatory fields missing: name"}


@pytest.mark.parametrize("value", [117, "117", {"id": 117}, {"id": 117, "identifier": "ignored", "model-name": "x"},
                                   {"identifier": "C&W Construction"}, {"lookupColumn": "Value", "lookupValue": "C&W"}])
def test_fk_forms(backend, value):
    rec = backend.create(ADMIN, "c_order", {"C_BPartner_ID": value, "C_DocTypeTarget_ID": 132})
    assert rec["C_BPartner_ID"]["id"] == 117 and rec["C_BPartner_ID"]["identifier"] == "C&W Construction"


def test_fk_by_uid_and_clearing_with_minus_one(backend):
    uu = backend.sql("SELECT C_BPartner_UU FROM C_BPartner WHERE C_BPartner_ID=118")[0][0]
    rec = backend.create(ADMIN, "c_order", {"C_BPartner_ID": {"uid": uu}, "C_DocTypeTarget_ID": 132,
                                            "AD_User_ID": 103})
    assert rec["C_BPartner_ID"]["id"] == 118 and rec["AD_User_ID"]["id"] == 103
    again = backend.update(ADMIN, "c_order", str(rec["id"]), {"AD_User_ID": -1})
    assert "AD_User_ID" not in again


def test_fk_errors(backend, legacy):
    assert err(backend.create, ADMIN, "c_order", {"C_BPartner_ID": None, "C_DocTypeTarget_ID": 132}).body() == {
        "title": "Server error", "status": 500, "detail": "Could not convert value null for C_BPartner"}
    ambiguous = err(backend.create, ADMIN, "c_order", {"C_BPartner_ID": {"identifier": "Patio Fun, Inc."},
                                                       "C_DocTypeTarget_ID": 132})
    assert ambiguous.status == 500 and ambiguous.detail.startswith("More than one ID found for C_BPartner.Name")
    missing = err(backend.create, ADMIN, "c_order", {"C_BPartner_ID": 999, "C_DocTypeTarget_ID": 132})
    assert missing.body() == {"title": "Validation Error", "status": 400,
                              "detail": "Foreign ID 999 not found in C_BPartner_ID"}
    assert err(legacy.create, ADMIN, "c_order", {"C_BPartner_ID": 999, "C_DocTypeTarget_ID": 132}).status == 500


def test_put_semantics(backend, legacy):
    before = backend.sql("SELECT Updated FROM C_BPartner WHERE C_BPartner_ID=118")[0][0]
    rec = backend.update(ADMIN, "c_bpartner", "118", {"Name2": "JB", "id": 1, "Name": "Joe Block"})
    assert rec["id"] == 118 and rec["Name2"] == "JB"
    assert backend.sql("SELECT Updated FROM C_BPartner WHERE C_BPartner_ID=118")[0][0] > before
    assert rec["UpdatedBy"]["id"] == fx.USER_ADMIN
    assert err(backend.update, ADMIN, "c_bpartner", "999999", {"Name2": "x"}).status == 404
    created = backend.get_record(ADMIN, "c_bpartner", "118")["Created"]
    backend.update(ADMIN, "c_bpartner", "118", {"Name": "Joe Block"})  # echoing an unchanged value is fine
    assert err(backend.update, ADMIN, "c_bpartner", "118", {"Created": created}).body() == {
        "title": "Validation Error", "status": 400, "detail": "Cannot update column Created"}  # ms differ
    assert err(legacy.update, ADMIN, "c_bpartner", "118", {"Value": "x", "SO_CreditUsed": 5}).body() == {
        "title": "Save error", "status": 500, "detail": "Cannot update column SO_CreditUsed"}


def test_client_uuid_is_honoured_and_duplicates_fail(backend):
    uu = "0b5a7c3e-1111-4222-8333-944455556666"
    assert backend.create(ADMIN, "c_bpartner", {"Name": "UU", "C_BPartner_UU": uu})["uid"] == uu
    dup = err(backend.create, ADMIN, "c_bpartner", {"Name": "UU2", "C_BPartner_UU": uu})
    assert dup.status == 500 and dup.title == "Save error"
    assert backend.get_record(ADMIN, "c_bpartner", uu)["Name"] == "UU"


def test_value_conversions(backend):
    rec = backend.create(ADMIN, "c_tax", {
        "AD_Org_ID": {"id": 0}, "C_TaxCategory_ID": {"identifier": "Standard"}, "C_Country_ID": {"identifier": "Canada"},
        "SOPOType": {"id": "B"}, "ValidFrom": "2001-01-01", "Rate": "7.0", "Name": "Postman tax", "IsDefault": "true",
        "IsSummary": "no", "tableName": "c_tax"})
    assert rec["AD_Org_ID"]["id"] == 0 and rec["Rate"] == 7.0 and rec["ValidFrom"] == "2001-01-01"
    assert rec["IsDefault"] is True and rec["IsSummary"] is False and rec["SOPOType"]["id"] == "B"
    ts = backend.update(ADMIN, "c_bpartner", "118", {"FirstSale": "2024-02-03", "IsVendor": True})
    assert ts["FirstSale"] == "2024-02-03" and ts["IsVendor"] is True
    bad = err(backend.update, ADMIN, "ad_user", "103", {"LastContact": "2024-01-01 10:00:00"})
    assert bad.status == 400
    user = backend.update(ADMIN, "ad_user", "103", {"LastContact": "2024-01-01T10:00:00.250+02:00"})
    assert user["LastContact"] == "2024-01-01T08:00:00Z"
    assert backend.sql("SELECT LastContact FROM AD_User WHERE AD_User_ID=103")[0][0] == "2024-01-01 08:00:00.250"


def test_legacy_datetime_input_is_server_local():
    b = Backend(EmulatorOptions(rows=0, legacy=True, tz="Europe/Berlin"))
    rec = b.update(ADMIN, "ad_user", "103", {"LastContact": "2024-01-01T10:00:00Z"})
    assert b.sql("SELECT LastContact FROM AD_User WHERE AD_User_ID=103")[0][0] == "2024-01-01 09:00:00.000"
    assert rec["LastContact"] == "2024-01-01T10:00:00Z"  # wall clock with a fake Z


def test_order_with_children_and_doc_action(backend):
    rec = backend.create(ADMIN, "c_order", {
        "C_BPartner_ID": {"identifier": "C&W Construction"}, "C_DocTypeTarget_ID": {"identifier": "Standard Order"},
        "C_OrderLine": [{"M_Product_ID": {"identifier": "Azalea Bush"}, "QtyEntered": 2},
                        {"M_Product_ID": 128, "QtyEntered": 1}], "doc-action": "CO"})
    assert rec["DocStatus"]["id"] == "CO" and rec["Processed"] is True and rec["doc-processmsg"]
    assert rec["C_DocType_ID"]["id"] == 132
    lines = rec["C_OrderLine"]
    assert [ln["Line"] for ln in lines] == [10, 20] and "C_Order_ID" not in lines[0] and "model-name" not in lines[0]
    assert rec["TotalLines"] == round(2 * 23.75 + 61.0, 2)
    assert int(rec["DocumentNo"]) >= 80020
    assert err(backend.delete, ADMIN, "c_order", str(rec["id"])).status == 500  # processed document


def test_put_children_update_delete_insert(backend):
    order = backend.create(ADMIN, "c_order", {"C_BPartner_ID": 118, "C_DocTypeTarget_ID": 132})
    oid = str(order["id"])
    added = backend.update(ADMIN, "c_order", oid, {"C_OrderLine": [{"M_Product_ID": 128, "QtyEntered": 1}]})
    line_id = added["C_OrderLine"][0]["id"]
    after = backend.update(ADMIN, "c_order", oid, {"C_OrderLine": [{"id": line_id, "(delete)": True},
                                                                   {"M_Product_ID": 137, "QtyEntered": 1}]})
    assert [ln["M_Product_ID"]["id"] for ln in after["C_OrderLine"]] == [137]
    assert backend.sql("SELECT COUNT(*) FROM C_OrderLine WHERE C_Order_ID=?", (order["id"],))[0][0] == 1
    missing = err(backend.update, ADMIN, "c_order", oid, {"C_OrderLine": [{"id": 1, "(delete)": True}]})
    assert missing.status == 404


def test_invalid_doc_action_rolls_back(backend):
    before = backend.count("C_Order")
    e = err(backend.create, ADMIN, "c_order", {"C_BPartner_ID": 118, "C_DocTypeTarget_ID": 132, "doc-action": "CL"})
    assert e.status == 500 and e.title == "Failed processing document"
    assert backend.count("C_Order") == before


def test_child_errors_on_post_are_flattened_to_save_error(backend):
    before = backend.count("C_Order")
    e = err(backend.create, ADMIN, "c_order", {"C_BPartner_ID": 118, "C_DocTypeTarget_ID": 132,
                                               "C_OrderLine": [{"M_Product_ID": 128, "Foo": 1}]})
    assert e.body() == {"title": "Save error", "status": 500, "detail": "Save error with exception: Column Foo does not exist"}
    assert backend.count("C_Order") == before


def test_delete_and_access(backend):
    rec = backend.create(ADMIN, "c_bpartner", {"Name": "Short lived"})
    assert backend.delete(ADMIN, "c_bpartner", str(rec["id"])) == {"msg": "Deleted"}
    assert err(backend.get_record, ADMIN, "c_bpartner", str(rec["id"])).status == 404
    assert err(backend.update, USER, "c_bpartner", "118", {"Name2": "x"}).status == 403  # read-only for role 103
    assert err(backend.create, USER, "fact_acct", {}).status == 403


def test_transaction_rolls_back_everything(backend):
    before = backend.count("C_BPartner")
    with pytest.raises(RuntimeError):
        with backend.transaction():
            backend.create(ADMIN, "c_bpartner", {"Name": "in tx"})
            raise RuntimeError("boom")
    assert backend.count("C_BPartner") == before


def test_control_plane(backend):
    ids = backend.insert_raw("C_Order", [{"C_BPartner_ID": 118, "C_DocTypeTarget_ID": 132, "DocumentNo": "RAW1",
                                          "IsSOTrx": True, "Updated": "2024-05-01T10:00:00.5Z"}])
    row = backend.sql("SELECT IsSOTrx, Updated, IsActive, AD_Client_ID FROM C_Order WHERE C_Order_ID=?", (ids[0],))[0]
    assert row == ("Y", "2024-05-01 10:00:00.500", "Y", 11)
    assert backend.touch("C_Order", ids=ids) == 1
    assert backend.sql("SELECT Updated FROM C_Order WHERE C_Order_ID=?", (ids[0],))[0][0] > "2025"
    assert backend.touch("C_Order", count=5) == 5
    assert backend.hard_delete("C_Order", ids) == 1 and backend.count("C_Order") == 20


def test_control_plane_datetimes_on_a_legacy_server_leave_the_api_converter_alone(legacy):
    """Raw inserts read ISO text as UTC whatever the generation, chosen by argument: the converter that API
    writes on other threads use is never touched (it used to be flipped to current and back, racing them)."""
    converter = legacy.writer.values
    changed = []

    class Watched(type(converter)):
        def __setattr__(self, name, value):
            changed.append((name, value))
            super().__setattr__(name, value)

    converter.__class__ = Watched
    ids = legacy.insert_raw("C_Order", [{"C_BPartner_ID": 118, "DocumentNo": "RAWL",
                                         "Updated": "2024-05-01T10:00:00.5Z", "Created": "2024-05-01T12:00:00+02:00"}])
    row = legacy.sql("SELECT Updated, Created FROM C_Order WHERE C_Order_ID=?", (ids[0],))[0]
    assert row == ("2024-05-01 10:00:00.500", "2024-05-01 10:00:00.000")
    assert changed == [] and converter.legacy is True


def test_updated_strictly_increases_even_for_back_to_back_writes(backend):
    stamps = []
    for k in range(5):
        backend.update(ADMIN, "c_bpartner", "117", {"Name2": f"rev {k}"})
        stamps.append(backend.sql("SELECT Updated FROM C_BPartner WHERE C_BPartner_ID=117")[0][0])
    assert stamps == sorted(set(stamps))


def test_delete_is_restricted_by_referencing_rows(backend):
    e = err(backend.delete, ADMIN, "c_bpartner", "118")  # orders reference Joe Block
    assert e.status == 500 and e.title == "Delete error" and "violates foreign key constraint" in e.detail
    assert backend.get_record(ADMIN, "c_bpartner", "118")["Name"] == "Joe Block"
    order = backend.create(ADMIN, "c_order", {"C_BPartner_ID": 118, "C_DocTypeTarget_ID": 132,
                                              "C_OrderLine": [{"M_Product_ID": 122, "QtyEntered": 1}]})
    assert backend.delete(ADMIN, "c_order", str(order["id"])) == {"msg": "Deleted"}  # lines cascade
    assert backend.sql("SELECT COUNT(*) FROM C_OrderLine WHERE C_Order_ID=?", (order["id"],))[0][0] == 0


def test_system_records_are_readable_but_not_writable(backend):
    assert backend.get_record(ADMIN, "c_currency", "100")["ISO_Code"] == "USD"  # client 0 is readable
    e = err(backend.update, ADMIN, "c_currency", "100", {"Description": "changed"})
    assert e.body() == {"title": "Access denied", "status": 403, "detail": "Access denied for record with id: 100"}


def test_multi_key_duplicates_and_org_access_on_create(backend):
    made = backend.create(ADMIN, "ad_role_orgaccess", {"AD_Role_ID": 103, "AD_Org_ID": 12})
    assert "id" not in made and made["uid"]
    dup = err(backend.create, ADMIN, "ad_role_orgaccess", {"AD_Role_ID": 103, "AD_Org_ID": 12})
    assert dup.status == 500 and dup.title == "Save error"
    assert backend.delete(ADMIN, "ad_role_orgaccess", made["uid"]) == {"msg": "Deleted"}
    e = err(backend.create, USER, "c_order", {"C_BPartner_ID": 118, "C_DocTypeTarget_ID": 132, "AD_Org_ID": 12})
    assert e.body() == {"title": "Update error", "status": 403, "detail": "Role does not have access"}


def test_lookup_identifiers_follow_every_kind_of_write(backend):
    """Identifier texts are cached per referenced table: writes to it (or to tables its identifier is built
    from, like M_Product inside a C_OrderLine identifier), raw SQL and rollbacks must all show through."""
    def ident(table, rid, column):
        return backend.get_record(ADMIN, table, rid)[column]["identifier"]

    assert ident("c_order", "100", "C_BPartner_ID") == "Agri-Tech"
    backend.create(ADMIN, "c_bp_group", {"Name": "Unrelated", "Value": "U"})  # another table: entry survives
    backend.update(ADMIN, "c_bpartner", "114", {"Name": "Agri-Tech Renamed"})
    assert ident("c_order", "100", "C_BPartner_ID") == "Agri-Tech Renamed"
    backend.sql("UPDATE C_BPartner SET Name='Raw Name' WHERE C_BPartner_ID=114")
    assert ident("c_order", "100", "C_BPartner_ID") == "Raw Name"
    line = ident("c_invoiceline", "100", "C_OrderLine_ID")
    backend.update(ADMIN, "m_product", "122", {"Name": "Azalea Deluxe"})
    assert ident("c_invoiceline", "100", "C_OrderLine_ID") == line.replace("Azalea Bush", "Azalea Deluxe")
    with pytest.raises(RuntimeError):
        with backend.transaction():
            backend.update(ADMIN, "c_bpartner", "114", {"Name": "Rolled Back"})
            assert ident("c_order", "100", "C_BPartner_ID") == "Rolled Back"
            raise RuntimeError("undo")
    assert ident("c_order", "100", "C_BPartner_ID") == "Raw Name"
    group = backend.create(ADMIN, "c_bp_group", {"Name": "Short lived", "Value": "SL"})["id"]
    bp = backend.create(ADMIN, "c_bpartner", {"Name": "Grouped", "C_BP_Group_ID": group})["id"]
    assert ident("c_bpartner", str(bp), "C_BP_Group_ID") == "Short lived"
    backend.hard_delete("C_BP_Group", [group])
    assert ident("c_bpartner", str(bp), "C_BP_Group_ID") == f"<{group}>"


def test_fk_existence_and_sql_defaults_are_rechecked_after_writes(backend):
    """FK existence and @SQL defaults are cached per referenced table; writes to it must show through."""
    group = backend.create(ADMIN, "c_bp_group", {"Name": "Soon gone", "Value": "SG"})["id"]
    assert backend.create(ADMIN, "c_bpartner", {"Name": "A", "C_BP_Group_ID": group})["C_BP_Group_ID"]["id"] == group
    backend.hard_delete("C_BP_Group", [group])
    assert err(backend.create, ADMIN, "c_bpartner", {"Name": "B", "C_BP_Group_ID": group}).body() == {
        "title": "Validation Error", "status": 400, "detail": f"Foreign ID {group} not found in C_BP_Group_ID"}
    assert backend.create(ADMIN, "c_bpartner", {"Name": "C"})["C_BP_Group_ID"]["id"] == 103  # the default group
    other = backend.create(ADMIN, "c_bp_group", {"Name": "New default", "Value": "ND", "IsDefault": True})["id"]
    assert backend.create(ADMIN, "c_bpartner", {"Name": "C2"})["C_BP_Group_ID"]["id"] == 103  # lowest id wins
    backend.update(ADMIN, "c_bp_group", "103", {"IsDefault": False})
    assert backend.create(ADMIN, "c_bpartner", {"Name": "D"})["C_BP_Group_ID"]["id"] == other


def test_new_ids_follow_the_highest_key_whoever_wrote_it(backend):
    """AD_Sequence: max(key)+1, never below 1,000,000 and never going back; ``Store.next_id`` only skips its
    MAX(key) query while nothing but API inserts touched the table."""
    first = backend.create(ADMIN, "c_bpartner", {"Name": "Seq 1"})["id"]
    assert backend.create(ADMIN, "c_bpartner", {"Name": "Seq 2"})["id"] == first + 1
    backend.insert_raw("C_BPartner", [{"C_BPartner_ID": first + 500, "Name": "Raw", "Value": "RAW"}])
    assert backend.create(ADMIN, "c_bpartner", {"Name": "Seq 3"})["id"] == first + 501
    backend.sql(f"INSERT INTO C_BPartner (C_BPartner_ID, Name, Value) VALUES ({first + 900}, 'SQL', 'SQL')")
    assert backend.create(ADMIN, "c_bpartner", {"Name": "Seq 4"})["id"] == first + 901
    backend.hard_delete("C_BPartner", [first + 900, first + 901])
    assert backend.create(ADMIN, "c_bpartner", {"Name": "Seq 5"})["id"] == first + 902  # ids are never reused
    with pytest.raises(RuntimeError):
        with backend.transaction():
            assert backend.create(ADMIN, "c_bpartner", {"Name": "Undone"})["id"] == first + 903
            raise RuntimeError("undo")
    assert backend.create(ADMIN, "c_bpartner", {"Name": "Seq 6"})["id"] == first + 904


def test_statistics_follow_a_growing_table_so_value_lookups_use_the_index(backend):
    """After many inserts the planner must not keep the seed's statistics (12 partners: a full scan looks
    cheapest) for the destination's ``Value in (...)`` lookups (Store.ANALYZE_AFTER, like autoanalyze)."""
    backend.store.ANALYZE_AFTER = 200
    backend.insert_raw("C_BPartner", [{"Name": f"Bulk {i}", "Value": f"BULK-{i:05d}"} for i in range(450)])
    plan = backend.sql('EXPLAIN QUERY PLAN SELECT * FROM C_BPartner WHERE ("Value" IN (?,?,?) AND "IsActive" IS NOT '
                       'NULL) AND AD_Client_ID IN (0,11) ORDER BY "C_BPartner_ID"', ["BULK-00001", "BULK-00002", "X"])
    assert "INDEX C_BPartner_value" in " ".join(str(r[-1]) for r in plan)
    found = backend.query(ADMIN, "c_bpartner", filter="Value in ('BULK-00001','BULK-00449','nope')", orderby="Value")
    assert [r["Value"] for r in found.records] == ["BULK-00001", "BULK-00449"] and found.row_count == 2
