"""Attachments over real HTTP (spec §7.6, the plugin's ModelResourceImpl attachment methods; AD_Attachment)."""
from __future__ import annotations

import base64
import io
import zipfile

import pytest
import requests

from .conftest import api, bearer, login

B64 = {"hello": base64.b64encode(b"hello").decode(), "bye": base64.b64encode(b"bye").decode()}


def call(emu, method, path, token=None, **kw):
    return requests.request(method, api(emu) + path, headers={**bearer(token or emu.s2s_token), **kw.pop("headers", {})},
                            timeout=30, **kw)


def names(emu, path, token=None):
    resp = call(emu, "GET", path + "/attachments", token)
    assert resp.status_code == 200, resp.text
    return [(a["name"], a["contentType"]) for a in resp.json()["attachments"]]


def attachment_row(emu, table_id, record_id):
    rows = emu.backend.sql("SELECT AD_Attachment_ID, Updated, Title, BinaryData, AD_Org_ID, Record_UU FROM AD_Attachment "
                           "WHERE AD_Table_ID=? AND Record_ID=?", (table_id, record_id))
    return rows[0] if rows else None


@pytest.fixture(scope="module", params=[False, True], ids=["current", "legacy"])
def emu(request):
    from idempiere_emulator import EmulatorOptions, EmulatorServer
    with EmulatorServer(EmulatorOptions(rows=30, legacy=request.param)) as server:
        yield server


def test_seeded_attachments_list_read_and_zip(emu):
    assert names(emu, "/models/c_bpartner/117") == [("contract.pdf", "application/pdf"), ("logo.png", "image/png")]
    assert names(emu, "/models/c_order/101") == [("delivery.csv", "text/csv; charset=utf-8")]
    assert names(emu, "/models/c_bpartner/120") == []  # a record without attachments: an empty list, not 404
    raw = call(emu, "GET", "/models/c_bpartner/117/attachments/logo.png")
    assert raw.status_code == 200 and raw.headers["content-type"] == "image/png" and raw.content.startswith(b"\x89PNG")
    as_json = call(emu, "GET", "/models/c_bpartner/117/attachments/logo.png", params={"json": ""})
    assert as_json.headers["content-type"] == "application/octet-stream"  # @Produces of the method, JSON body
    assert base64.b64decode(as_json.json()["data"]) == raw.content
    zipped = call(emu, "GET", "/models/c_bpartner/117/attachments/zip")
    with zipfile.ZipFile(io.BytesIO(zipped.content)) as zf:
        assert zf.namelist() == ["contract.pdf", "logo.png"] and zf.read("logo.png") == raw.content
    zipped_json = call(emu, "GET", "/models/c_bpartner/117/attachments/zip", params={"json": ""}).json()
    assert base64.b64decode(zipped_json["data"])[:2] == b"PK"
    for path in ("/models/c_bpartner/117/attachments/nope.txt", "/models/c_bpartner/120/attachments/zip",
                 "/models/c_bpartner/120/attachments/x?json"):
        resp = call(emu, "GET", path)
        assert resp.status_code == 204 and resp.content == b""
    uu = "6f1d7a4e-0c1b-4e53-9c38-3c1f5d1b2a01"  # a UUID-keyed table: AD_Attachment by Record_UU
    assert names(emu, f"/models/testuu/{uu}") == [("readme.txt", "text/plain")]
    assert emu.backend.sql("SELECT Record_ID FROM AD_Attachment WHERE Record_UU=?", (uu,)) == [(0,)]


def test_binary_gets_need_an_accept_that_allows_octets_and_literal_paths_win(emu):
    resp = call(emu, "GET", "/models/c_bpartner/117/attachments/zip", headers={"Accept": "application/json"})
    assert resp.status_code == 406 and resp.content == b""
    ok = call(emu, "GET", "/models/c_bpartner/117/attachments/logo.png?json",
              headers={"Accept": "application/json, application/octet-stream;q=0.5"})
    assert ok.status_code == 200
    listing = call(emu, "GET", "/models/c_bpartner/117/attachments", headers={"Accept": "application/json"})
    assert listing.status_code == 200 and "attachments" in listing.json()  # not the column route {id}/{column}


def test_add_overwrite_duplicate_and_delete_move_the_attachment_row_not_the_record(emu):
    record_updated = emu.backend.sql("SELECT Updated FROM C_BPartner WHERE C_BPartner_ID=120")[0][0]
    resp = call(emu, "POST", "/models/c_bpartner/120/attachments", json={"name": "a.txt", "data": B64["hello"]})
    assert resp.status_code == 201 and resp.content == b""
    first = attachment_row(emu, 291, 120)
    assert first[2] == "zip" and first[4] == emu.backend.sql("SELECT AD_Org_ID FROM C_BPartner WHERE C_BPartner_ID=120")[0][0]
    call(emu, "POST", "/models/c_bpartner/120/attachments", json={"name": "b.pdf", "data": B64["hello"]})
    dup = call(emu, "POST", "/models/c_bpartner/120/attachments", json={"name": "a.txt", "data": B64["bye"]})
    assert dup.status_code == 409 and dup.json() == {"title": "Duplicate file name", "status": 409,
                                                     "detail": "Duplicate file name: a.txt"}
    assert call(emu, "GET", "/models/c_bpartner/120/attachments/a.txt").content == b"hello"  # nothing saved
    over = call(emu, "POST", "/models/c_bpartner/120/attachments",
                json={"name": "a.txt", "data": B64["bye"], "overwrite": True})
    assert over.status_code == 201
    assert names(emu, "/models/c_bpartner/120") == [("b.pdf", "application/pdf"), ("a.txt", "text/plain")]
    assert call(emu, "GET", "/models/c_bpartner/120/attachments/a.txt").content == b"bye"
    second = attachment_row(emu, 291, 120)
    assert second[0] == first[0] and second[1] > first[1]  # same row, Updated moved
    gone = call(emu, "DELETE", "/models/c_bpartner/120/attachments/b.pdf")
    assert gone.status_code == 200 and gone.json() == {"msg": "Deleted"}
    assert attachment_row(emu, 291, 120)[1] > second[1]
    missing = call(emu, "DELETE", "/models/c_bpartner/120/attachments/b.pdf")
    assert missing.status_code == 404 and missing.json()["title"] == "No matching attachment entry"
    call(emu, "DELETE", "/models/c_bpartner/120/attachments/a.txt")  # the last entry: an empty row stays
    assert names(emu, "/models/c_bpartner/120") == [] and attachment_row(emu, 291, 120)[3] is None
    assert call(emu, "GET", "/models/c_bpartner/120/attachments/zip").status_code == 204
    assert call(emu, "DELETE", "/models/c_bpartner/120/attachments").json() == {"msg": "Deleted"}
    assert attachment_row(emu, 291, 120) is None
    none = call(emu, "DELETE", "/models/c_bpartner/120/attachments")
    assert none.status_code == 404 and none.json() == {
        "title": "No attachments", "status": 404, "detail": "No attachment is found for record with id 120"}
    assert emu.backend.sql("SELECT Updated FROM C_BPartner WHERE C_BPartner_ID=120")[0][0] == record_updated


def test_attachment_rows_are_served_through_models_for_a_cursor(emu):
    call(emu, "POST", "/models/c_bpartner/112/attachments", json={"name": "new.txt", "data": B64["hello"]})
    page = call(emu, "GET", "/models/ad_attachment", params={
        "$filter": "AD_Table_ID eq 291 and Record_ID eq 112", "$select": "AD_Table_ID,Record_ID,Record_UU,Updated",
        "$orderby": "Updated"}).json()
    rec = page["records"][0]
    assert page["row-count"] == 1 and rec["Record_ID"] == 112 and rec["AD_Table_ID"]["id"] == 291
    assert "BinaryData" not in rec and rec["Record_UU"]
    full = call(emu, "GET", f"/models/ad_attachment/{rec['id']}").json()
    with zipfile.ZipFile(io.BytesIO(base64.b64decode(full["BinaryData"]))) as zf:  # the DB store: one zip
        assert zf.namelist() == ["new.txt"] and zf.comment == b"iDempiere"
    assert full["Title"]["id"] == "zip"


def test_zip_upload_adds_every_entry_or_nothing(emu):
    def zip_b64(files):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zf:
            for name, data in files:
                zf.writestr(name, data)
        return base64.b64encode(buf.getvalue()).decode()

    ok = call(emu, "POST", "/models/c_bpartner/113/attachments/zip", json={"data": zip_b64([("x.txt", b"1"), ("y.xml", b"<y/>")])})
    assert ok.status_code == 201
    assert names(emu, "/models/c_bpartner/113") == [("x.txt", "text/plain"), ("y.xml", "text/xml")]
    dup = call(emu, "POST", "/models/c_bpartner/113/attachments/zip", json={"data": zip_b64([("z.txt", b"2"), ("x.txt", b"3")])})
    assert dup.status_code == 409 and names(emu, "/models/c_bpartner/113") == [("x.txt", "text/plain"), ("y.xml", "text/xml")]
    call(emu, "POST", "/models/c_bpartner/113/attachments/zip",
         json={"data": zip_b64([("z.txt", b"2"), ("x.txt", b"3")]), "overwrite": "true"})
    assert [n for n, _ in names(emu, "/models/c_bpartner/113")] == ["y.xml", "z.txt", "x.txt"]


@pytest.mark.parametrize("body, status, title", [
    ({"data": B64["hello"]}, 400, "name property is mandatory"),
    ({"name": "  ", "data": B64["hello"]}, 400, "name property is mandatory"),
    ({"name": None, "data": B64["hello"]}, 400, "name property is mandatory"),
    ({"name": "a.txt"}, 400, "data property is mandatory"),
    ({"name": "a.txt", "data": {"x": 1}}, 400, "data property is mandatory"),
    ({"name": "a.txt", "data": "!!!!"}, 400, "Can't parse data"),
])
def test_bad_bodies_are_400_before_anything_is_saved(emu, body, status, title):
    resp = call(emu, "POST", "/models/c_bpartner/114/attachments", json=body)
    assert resp.status_code == status and resp.json()["title"] == title
    if title != "Can't parse data":
        assert "detail" not in resp.json()  # ErrorBuilder omits an empty detail
    assert names(emu, "/models/c_bpartner/114") == []


def test_unparseable_body_and_bad_id_escape_as_container_500(emu):
    resp = call(emu, "POST", "/models/c_bpartner/114/attachments", data=b"not json",
                headers={"Content-Type": "application/json"})
    assert resp.status_code == 500 and resp.headers["content-type"].startswith("text/html")  # Jetty's page
    bad_id = call(emu, "GET", "/models/c_bpartner/abc/attachments")
    assert bad_id.status_code == 500 and bad_id.content == b""
    text = call(emu, "POST", "/models/c_bpartner/114/attachments", data=b"{}", headers={"Content-Type": "text/plain"})
    assert text.status_code == 415


def test_tables_records_and_access_like_a_read_by_id(emu):
    unknown = call(emu, "GET", "/models/c_nope/1/attachments")
    assert unknown.status_code == 404 and unknown.json()["title"] == "Invalid table name"
    missing = call(emu, "GET", "/models/c_bpartner/999999/attachments")
    assert missing.status_code == 404 and missing.json()["detail"] == "No record found matching id: 999999"
    token = login(emu, "GardenUser", params={})["token"]
    denied = call(emu, "GET", "/models/c_payment/1/attachments", token)
    assert denied.status_code == 403 and denied.json()["title"] == "Access denied"
    store_org = emu.backend.sql("SELECT MIN(C_Order_ID) FROM C_Order WHERE AD_Org_ID=12")[0][0]
    by_id = call(emu, "GET", f"/models/c_order/{store_org}", token)
    assert call(emu, "GET", f"/models/c_order/{store_org}/attachments", token).status_code == by_id.status_code == 403
    # read access is enough to write attachments (POParser(..., isReadWrite=false)): C_BPartner is read-only here
    assert call(emu, "PUT", "/models/c_bpartner/118", token, json={"Name2": "x"}).status_code == 403
    added = call(emu, "POST", "/models/c_bpartner/118/attachments", token, json={"name": "u.txt", "data": B64["hello"]})
    assert added.status_code == 201 and ("u.txt", "text/plain") in names(emu, "/models/c_bpartner/118")


def test_view_paths_use_the_view_table_without_its_where_clause(emu):
    vendor_only = 119  # IsCustomer='N': outside the customers view's where clause
    assert names(emu, f"/views/customers/{vendor_only}") == []
    resp = call(emu, "POST", f"/views/customers/{vendor_only}/attachments", json={"name": "v.txt", "data": B64["hello"]})
    assert resp.status_code == 201 and names(emu, f"/models/c_bpartner/{vendor_only}") == [("v.txt", "text/plain")]
    assert call(emu, "GET", f"/views/customers/{vendor_only}/attachments/v.txt").content == b"hello"
    unknown = call(emu, "GET", "/views/nope/117/attachments")
    assert unknown.status_code == 404 and unknown.json()["title"] == "Invalid rest view name"
    # POST looks the name up as a view first, also under /models (RestUtils.getView)
    call(emu, "POST", f"/models/customers/{vendor_only}/attachments", json={"name": "w.txt", "data": B64["bye"]})
    assert ("w.txt", "text/plain") in names(emu, f"/models/c_bpartner/{vendor_only}")
    assert call(emu, "DELETE", f"/views/customers/{vendor_only}/attachments").json() == {"msg": "Deleted"}


def test_a_db_file_seeded_before_attachments_gets_them_once(tmp_path):
    """*backend*: an older ``--db`` file has no AD_Table row for AD_Attachment (so /models would not list it)."""
    from idempiere_emulator import EmulatorOptions
    from idempiere_emulator.model.backend import Backend
    from idempiere_emulator.session import Session

    path = str(tmp_path / "old.db")
    first = Backend(EmulatorOptions(rows=5, db=path))
    first.sql("DELETE FROM AD_Attachment")
    first.sql("DELETE FROM AD_Table WHERE AD_Table_ID=254")
    first.close()
    for _ in range(2):
        again = Backend(EmulatorOptions(rows=5, db=path))
        admin = Session(11, 101, 102, 11)
        assert "ad_attachment" in {m["model-name"] for m in again.list_models(admin)}
        assert again.count("AD_Attachment") == 6
        again.close()
