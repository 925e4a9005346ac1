"""Backend read path against the seeded data set: filters, default IsActive, paging, order, access (§2-§6)."""
from __future__ import annotations

import pytest
import yaml

from idempiere_emulator import fixtures as fx
from idempiere_emulator.emulator_options import EmulatorOptions
from idempiere_emulator.errors import EmulatorError
from idempiere_emulator.model.backend import Backend
from idempiere_emulator.session import Session

ADMIN = Session(fx.CLIENT_ID, fx.USER_ADMIN, fx.ROLE_ADMIN, fx.ORG_HQ, fx.WAREHOUSE_HQ)
USER = Session(fx.CLIENT_ID, fx.USER_RESTRICTED, fx.ROLE_USER, fx.ORG_HQ, fx.WAREHOUSE_HQ)


@pytest.fixture(scope="module")
def backend():
    b = Backend(EmulatorOptions(rows=300))
    yield b
    b.close()


def all_records(b, table, **kw):
    return b.query(ADMIN, table, top=0, **kw) if b.options.max_records == 0 else b.query(ADMIN, table, **kw)


def err(fn, *a, **kw) -> EmulatorError:
    with pytest.raises(EmulatorError) as info:
        fn(*a, **kw)
    return info.value


def test_default_filter_hides_inactive_rows_unless_isactive_is_mentioned(backend):
    total = backend.sql("SELECT COUNT(*) FROM C_Order")[0][0]
    inactive = backend.sql("SELECT COUNT(*) FROM C_Order WHERE IsActive='N'")[0][0]
    assert inactive > 0
    assert backend.query(ADMIN, "c_order").row_count == total - inactive
    assert backend.query(ADMIN, "c_order", filter="IsActive neq null").row_count == total
    assert backend.query(ADMIN, "c_order", filter="IsActive eq false").row_count == inactive
    # the word test is on the generated SQL, so a quoted value 'isactive' does not switch it off
    assert backend.query(ADMIN, "c_order", filter="DocumentNo neq 'isactive'").row_count == total - inactive


def test_filter_results_match_sql_oracle(backend):
    got = backend.query(ADMIN, "c_order", filter="C_BPartner_ID in (117,118) and DocStatus eq 'CO'",
                        orderby="C_Order_ID").records
    want = backend.sql("SELECT C_Order_ID FROM C_Order WHERE C_BPartner_ID IN (117,118) AND DocStatus='CO' "
                       "AND IsActive='Y' ORDER BY C_Order_ID LIMIT 100")
    assert [r["id"] for r in got] == [w[0] for w in want]
    assert all(r["C_BPartner_ID"]["id"] in (117, 118) for r in got)


def test_timestamp_window_uses_milliseconds_as_stored(backend):
    second = backend.sql("SELECT substr(Updated,1,19), COUNT(*) FROM C_Order GROUP BY 1 ORDER BY 2 DESC LIMIT 1")[0]
    assert second[1] > 100  # a burst larger than one page shares one Updated second
    lit = second[0]
    res = backend.query(ADMIN, "c_order", filter=f"Updated ge '{lit}' and Updated lt '{lit[:17]}{int(lit[17:]) + 1:02d}'"
                                                  f" and IsActive neq null", top=0)
    assert res.row_count == second[1]
    eq = backend.query(ADMIN, "c_order", filter=f"Updated eq '{lit}'")  # eq on a truncated value rarely matches
    assert eq.row_count < second[1]


def test_top_is_clamped_and_skip_pages(backend):
    res = backend.query(ADMIN, "c_order", top=500, orderby="C_Order_ID")
    assert res.records_size == 100 and len(res.records) == 100
    page2 = backend.query(ADMIN, "c_order", top=10, skip=10, orderby="C_Order_ID")
    ids = [r["id"] for r in backend.query(ADMIN, "c_order", top=20, orderby="C_Order_ID").records]
    assert [r["id"] for r in page2.records] == ids[10:20]
    assert backend.query(ADMIN, "c_order", top=-5).records_size == 100


def test_unlimited_max_records_returns_everything():
    b = Backend(EmulatorOptions(rows=150, max_records=0))
    res = b.query(ADMIN, "c_order")
    assert res.records_size == 0 and len(res.records) == res.row_count > 100
    assert b.query(ADMIN, "c_order", top=7).records_size == 7


def test_no_orderby_is_scrambled_deterministic_and_not_sorted(backend):
    a = [r["id"] for r in backend.query(ADMIN, "c_order", filter="IsActive eq true").records]
    b = [r["id"] for r in backend.query(ADMIN, "c_order", filter="IsActive eq true").records]
    assert a == b
    assert a != sorted(a) and a != sorted(a, reverse=True)
    updated = [r["Updated"] for r in backend.query(ADMIN, "c_order", filter="IsActive eq true").records]
    assert updated != sorted(updated)
    other = [r["id"] for r in backend.query(ADMIN, "c_order", filter="IsActive eq  true").records]
    assert other != a  # the order depends on the request


def test_invalid_orderby_is_ignored_silently(backend):
    sorted_ids = [r["id"] for r in backend.query(ADMIN, "c_order", orderby="C_Order_ID desc").records]
    assert sorted_ids == sorted(sorted_ids, reverse=True)
    ignored = [r["id"] for r in backend.query(ADMIN, "c_order", orderby="C_Order_ID desc,id").records]
    assert ignored != sorted_ids and ignored == [r["id"] for r in backend.query(ADMIN, "c_order").records]


def test_select_restricts_columns_but_keeps_id_uid_model_name(backend):
    rec = backend.query(ADMIN, "c_order", select="DocumentNo,GrandTotal", top=1).records[0]
    assert list(rec) == ["id", "uid", "DocumentNo", "GrandTotal", "model-name"]
    e = err(backend.query, ADMIN, "c_order", select="DocumentNo,Foo")
    assert e.body() == {"title": None, "status": 400, "detail": "Foo is not a valid column of table C_Order"}


def test_record_shape_lookup_list_dates_and_omitted_buttons(backend):
    rec = backend.get_record(ADMIN, "C_ORDER", "100")
    keys = list(rec)
    assert keys[:2] == ["id", "uid"] and keys[-1] == "model-name" and rec["model-name"] == "c_order"
    assert "C_Order_ID" not in rec and "C_Order_UU" not in rec
    assert "DocAction" not in rec and "Posted" not in rec and "Processing" not in rec
    assert rec["C_BPartner_ID"] == {"propertyLabel": "Business Partner", "id": 114, "identifier": "Agri-Tech",
                                    "model-name": "c_bpartner"}
    assert rec["DocStatus"]["model-name"] == "ad_ref_list" and rec["DocStatus"]["id"] == "CO"
    assert rec["DateOrdered"] == "2024-01-01" and rec["Created"] == "2024-01-01T00:00:00Z"
    assert rec["AD_Org_ID"]["identifier"] == "Store"
    assert rec["IsActive"] is True and isinstance(rec["GrandTotal"], float)
    assert all(v is not None for v in rec.values())


def test_uuid_lookup_inactive_record_and_errors(backend):
    uu = backend.sql("SELECT C_Order_UU FROM C_Order WHERE IsActive='N' LIMIT 1")[0][0]
    assert backend.get_record(ADMIN, "c_order", uu)["IsActive"] is False  # single GET ignores IsActive
    assert err(backend.get_record, ADMIN, "c_order", "abc").body() == {
        "title": "Request Error", "status": 400, "detail": "Wrong ID abc is not an UU value nor a valid integer ID"}
    assert err(backend.get_record, ADMIN, "c_order", "99999999").body() == {
        "title": "Record not found", "status": 404, "detail": "No record found matching id: 99999999"}
    assert err(backend.query, ADMIN, "nope").body() == {
        "title": "Invalid table name", "status": 404, "detail": "No match found for table name: nope"}


def test_multi_key_and_uuid_key_tables(backend):
    rows = backend.query(ADMIN, "ad_role_orgaccess").records
    assert rows and all("id" not in r and "uid" in r for r in rows)
    uu = rows[0]["uid"]
    assert backend.get_record(ADMIN, "AD_Role_OrgAccess", uu)["uid"] == uu
    assert err(backend.get_record, ADMIN, "AD_Role_OrgAccess", "102").status == 500
    test_uu = backend.query(ADMIN, "testuu", orderby="Value").records
    assert [r["Value"] for r in test_uu] == ["T1", "T2"] and "id" not in test_uu[0]
    assert backend.query(ADMIN, "testuu", filter="uid eq '6f1d7a4e-0c1b-4e53-9c38-3c1f5d1b2a02'").row_count == 1


def test_legacy_emits_id_zero_for_uuid_key_tables():
    b = Backend(EmulatorOptions(rows=0, legacy=True))
    assert b.query(ADMIN, "testuu", orderby="Value").records[0]["id"] == 0


def test_record_column_endpoint(backend):
    rec = backend.get_record_column(ADMIN, "ad_client", "11", "ad_language")
    assert rec == {"id": 11, "uid": rec["uid"], "AD_Language": "en_US", "model-name": "ad_client"}
    assert err(backend.get_record_column, ADMIN, "ad_client", "11", "Foo").body() == {
        "title": "Invalid property name", "status": 404, "detail": "No match found for column name: Foo"}


def test_restricted_role_access(backend):
    assert err(backend.query, USER, "fact_acct").body() == {
        "title": "Access denied", "status": 403, "detail": "Access denied for table: fact_acct"}
    names = [m["model-name"] for m in backend.list_models(USER, None)]
    assert "fact_acct" not in names and "c_payment" not in names and "c_order" in names
    orgs = {r["AD_Org_ID"]["id"] for r in backend.query(USER, "c_order", top=100).records}
    assert orgs <= {0, 11}  # role 103 has org access to HQ only
    store_order = backend.sql("SELECT C_Order_ID FROM C_Order WHERE AD_Org_ID=12 LIMIT 1")[0][0]
    assert err(backend.get_record, USER, "c_order", str(store_order)).status == 403


def test_list_models_sorted_with_filter(backend):
    models = backend.list_models(ADMIN, None)
    names = [m["model-name"] for m in models]
    table_names = [backend.catalog.get(n).name for n in names]
    assert table_names == sorted(table_names) and "ad_table" not in names  # ORDER BY TableName
    assert set(models[0]) == {"id", "uid", "model-name", "name", "description"}
    assert [m["model-name"] for m in backend.list_models(ADMIN, "TableName eq 'C_Order'")] == ["c_order"]
    assert {m["model-name"] for m in backend.list_models(ADMIN, "contains(Name,'Order')")} == {
        "c_order", "c_orderline", "c_ordertax", "i_order"}


def test_yaml_document_parses_and_follows_display_types(backend):
    doc = yaml.safe_load(backend.table_yaml(ADMIN, "c_order"))
    assert doc["openapi"] == "3.0.0" and doc["info"]["title"] == "models/C_Order"
    props = doc["components"]["schemas"]["C_Order"]["properties"]
    assert "C_Order_ID" not in props and "C_Order_UU" not in props and "DocAction" not in props
    assert props["DateOrdered"]["format"] == "date" and props["Updated"]["format"] == "date-time"
    assert props["C_BPartner_ID"]["properties"]["model-name"]["enum"] == ["c_bpartner"]
    assert props["DocStatus"]["properties"]["model-name"]["enum"] == ["ad_ref_list"]
    assert props["Created"]["readOnly"] is True and "readOnly" not in props["DocumentNo"]
    assert err(backend.table_yaml, ADMIN, "nope").empty_body
    assert err(backend.table_yaml, USER, "fact_acct").status == 500


def test_sql_errors_from_malformed_filters_are_500(backend):
    e = err(backend.query, ADMIN, "c_order", filter="DocumentNo eq '1' and")
    assert e.status == 500 and e.title == "GET Error"


def test_keyset_or_filter_walks_pages_without_gaps(backend):
    """The recommended keyset filter (§12) returns exactly the rows after the cursor, page after page.

    The cursor carries milliseconds as an ISO instant (current generation); a 'yyyy-MM-dd HH:mm:ss.SSS'
    literal would be cut to whole seconds like SimpleDateFormat does (§4.7).
    """
    everything = [(f"{u[:10]}T{u[11:]}Z", i) for u, i in
                  backend.sql("SELECT Updated, C_Order_ID FROM C_Order ORDER BY Updated, C_Order_ID")]
    seen, cursor = [], None
    for _ in range(50):
        flt = "IsActive neq null"
        if cursor:
            flt = (f"(Updated gt '{cursor[0]}' or (Updated eq '{cursor[0]}' and C_Order_ID gt {cursor[1]})) "
                   "and IsActive neq null")
        page = backend.query(ADMIN, "c_order", filter=flt, orderby="Updated,C_Order_ID", top=40).records
        if not page:
            break
        seen += [r["id"] for r in page]
        last = page[-1]["id"]
        cursor = next((u, i) for u, i in everything if i == last)
    assert seen == [i for _u, i in everything]
