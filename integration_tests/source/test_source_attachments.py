"""Attachment streams (option ``attachments``) end to end over HTTP against the emulator's AD_Attachment."""
from __future__ import annotations

import base64
import io
import zipfile

import pytest
import requests
from airbyte_cdk.models import AirbyteStreamStatus, Status
from airbyte_cdk.test.entrypoint_wrapper import discover

from erp_airbyte.config_messages import config_problems
from erp_http.errors import ConfigurationError
from source_idempiere import SourceIdempiere
from source_idempiere.options import SourceOptions, connection_specification

from .helpers import config, final_states, next_second, records, run_read, state_for
from .test_source_check_discover import check, status

BP, ORDERS, UU = "c_bpartner__attachments", "c_order__attachments", "testuu__attachments"
GENERATIONS = [pytest.param(False, id="current"), pytest.param(True, id="legacy")]


def post(emu, path, name, data: bytes, overwrite=False):
    resp = requests.post(f"{emu.base_url}/api/v1/models/{path}/attachments", timeout=30,
                         headers={"Authorization": "Bearer " + emu.s2s_token},
                         json={"name": name, "data": base64.b64encode(data).decode(), "overwrite": overwrite})
    assert resp.status_code == 201, resp.text


def delete(emu, path):
    resp = requests.delete(f"{emu.base_url}/api/v1/models/{path}", timeout=30,
                           headers={"Authorization": "Bearer " + emu.s2s_token})
    assert resp.status_code == 200, resp.text


def oracle(emu, table_id: int) -> dict[tuple, bytes]:
    """(record id or uuid, entry name) -> bytes, straight from AD_Attachment.BinaryData (the DB store's zip)."""
    out = {}
    for record_id, record_uu, data in emu.backend.sql(
            "SELECT Record_ID, Record_UU, BinaryData FROM AD_Attachment WHERE AD_Table_ID=?", (table_id,)):
        with zipfile.ZipFile(io.BytesIO(base64.b64decode(data or ""))) if data else _Empty() as zf:
            for name in zf.namelist():
                out[(record_id or record_uu, name)] = zf.read(name)
    return out


class _Empty:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def namelist(self):
        return []


def keyed(rows, key="record_id"):
    return {(r.get(key), r.get("name")): r for r in rows}


def attachment_requests(emu, table):
    return [r for r in emu.requests() if r["path"].startswith(f"/api/v1/models/{table}/") and "/attachments" in r["path"]]


def test_streams_are_offered_only_for_the_listed_tables(emulator):
    plain = {s.name for s in SourceIdempiere().streams(config(emulator))}
    assert not {n for n in plain if n.endswith("__attachments")} and "ad_attachment" in plain
    streams = {s.name: s for s in SourceIdempiere().streams(config(emulator, attachments={"tables": ["C_BPartner", "testuu"]}))}
    assert {BP, UU} <= set(streams) and ORDERS not in streams
    bp, uu = streams[BP], streams[UU]
    props = bp.get_json_schema()["properties"]
    assert {"table", "record_id", "record_uid", "attachment_id", "name", "content_type", "size", "content", "Updated"} <= set(props)
    assert bp.primary_key == [["record_id"], ["name"]] and uu.primary_key == [["record_uid"], ["name"]]
    assert bp.cursor_field == "Updated" and bp.supports_incremental


@pytest.mark.parametrize("attachments, needle", [
    ({"tables": ["c_ordr"]}, "c_ordr, which is not a table this role can read"),
    ({"tables": ["c_*"]}, "'c_*' is not a table name"),
])
def test_a_table_that_is_not_there_is_a_config_error_naming_it(emulator, attachments, needle):
    st = status(check(config(emulator, attachments=attachments)))
    assert st.status == Status.FAILED and needle in st.message
    out = discover(SourceIdempiere(), config(emulator, attachments=attachments), expecting_exception=True)
    assert out.errors and needle in out.errors[-1].trace.error.message


@pytest.mark.parametrize("attachments, needle", [
    ("c_order", "attachments must be an object"),
    ({"tables": "c_order"}, "attachments.tables must be a list"),
    ({"tables": ["c_order"], "include_content": "yes"}, "attachments.include_content must be true or false"),
    ({"tables": ["c_order"], "max_content_bytes": 0}, "attachments.max_content_bytes must be at least 1"),
])
def test_bad_option_values_are_refused_naming_the_nested_key(emulator, attachments, needle):
    cfg = config(emulator, attachments=attachments)
    assert any(needle in p for p in config_problems(cfg, connection_specification()))  # the console's preflight
    with pytest.raises(ConfigurationError, match=needle):  # and the parser, for callers that skip it
        SourceOptions.from_airbyte(cfg)


def test_a_role_that_cannot_read_ad_attachment_is_told_so(emulator, monkeypatch):
    access = emulator.backend.access
    real = access.can_read
    monkeypatch.setattr(access, "can_read", lambda session, table: table.lname != "ad_attachment" and real(session, table))
    st = status(check(config(emulator, attachments={"tables": ["c_order"]})))
    assert st.status == Status.FAILED and "AD_Attachment" in st.message and "read access" in st.message


@pytest.mark.parametrize("legacy", GENERATIONS)
def test_metadata_read_lists_every_entry_and_asks_only_records_with_attachments(emulator_factory, legacy):
    emu = emulator_factory(rows=40, legacy=legacy)
    post(emu, "c_bpartner/120", "price list.xls", b"\xd0\xcf\x11\xe0 xls")
    emu.clear_requests()
    out = run_read(config(emu, attachments={"tables": ["c_bpartner", "testuu"]}), [BP, UU], incremental=False)
    got = keyed(records(out, BP))
    want = oracle(emu, 291)
    assert set(got) == set(want) and len(got) == 4  # 117: 2 entries, 118: 1, 120: 1; no other partner
    assert got[(117, "contract.pdf")]["content_type"] == "application/pdf"
    assert got[(120, "price list.xls")]["content_type"] == "application/vnd.ms-excel"
    assert all(r.get("content") is None and r.get("size") is None and r["table"] == "c_bpartner" for r in got.values())
    assert all(r["record_uid"] and r["attachment_id"] and r["Updated"].endswith("Z") for r in got.values())
    uu = records(out, UU)
    assert [(r["record_uid"], r["name"]) for r in uu] == [("6f1d7a4e-0c1b-4e53-9c38-3c1f5d1b2a01", "readme.txt")]
    assert uu[0].get("record_id") is None
    # one listing per partner that has attachments (3), none for the other partners, no content fetched
    assert sorted(r["path"] for r in attachment_requests(emu, "c_bpartner")) == [
        f"/api/v1/models/c_bpartner/{rid}/attachments" for rid in (117, 118, 120)]


def test_content_is_opt_in_and_bounded_with_a_warning_naming_the_entry(emulator_factory):
    emu = emulator_factory(rows=40)
    big = bytes(range(256)) * 12  # 3072 bytes
    post(emu, "c_order/102", "scan.pdf", big)
    post(emu, "c_order/102", "small.txt", b"ok")
    cfg = config(emu, attachments={"tables": ["c_order"], "include_content": True, "max_content_bytes": 1000})
    out = run_read(cfg, [ORDERS], incremental=False)
    got = keyed(records(out, ORDERS))
    assert got[(102, "scan.pdf")]["size"] == 3072 and got[(102, "scan.pdf")].get("content") is None
    assert base64.b64decode(got[(102, "small.txt")]["content"]) == b"ok" and got[(102, "small.txt")]["size"] == 2
    for (rid, name), data in oracle(emu, 259).items():  # every other entry arrives with its exact bytes
        if len(data) <= 1000:
            assert base64.b64decode(got[(rid, name)]["content"]) == data
    warnings = [m.log.message for m in out.logs if m.log.level.value == "WARN"]
    assert any("c_order 102" in w and "'scan.pdf'" in w and "3072 bytes" in w for w in warnings)
    assert not any("small.txt" in w for w in warnings)


def test_incremental_sync_reads_only_changed_attachments_and_marks_removals(emulator_factory):
    emu = emulator_factory(rows=40)
    cfg = config(emu, attachments={"tables": ["c_bpartner"]}, lookback_window_seconds=0)
    first = run_read(cfg, [BP])
    assert len(records(first, BP)) == 3
    state = state_for(final_states(first))
    next_second()
    post(emu, "c_bpartner/114", "new.txt", b"new")  # a record that had none
    post(emu, "c_bpartner/117", "logo.png", b"new logo", overwrite=True)  # replaced: moves to the end
    delete(emu, "c_bpartner/118/attachments/notes.txt")  # 118's only entry removed: an empty attachment
    bp_updated = emu.backend.sql("SELECT Updated FROM C_BPartner WHERE C_BPartner_ID=117")[0][0]
    next_second()
    emu.clear_requests()
    second = run_read(cfg, [BP], state=state)
    got = keyed(records(second, BP))
    assert set(got) == {(114, "new.txt"), (117, "contract.pdf"), (117, "logo.png"), (118, None)}
    stamps = {r["record_id"]: r["Updated"] for r in got.values()}
    old = {r["record_id"]: r["Updated"] for r in records(first, BP)}
    assert stamps[117] > old[117] and stamps[118] > old[118]  # newer stamp: supersedes what the first sync said
    assert len({r["attachment_id"] for r in got.values()}) == 3
    assert emu.backend.sql("SELECT Updated FROM C_BPartner WHERE C_BPartner_ID=117")[0][0] == bp_updated
    assert len([r for r in attachment_requests(emu, "c_bpartner")]) == 3  # only the three changed attachments
    third = run_read(cfg, [BP], state=state_for(final_states(second)))
    assert records(third, BP) == []


def test_detect_deletes_reports_an_attachment_deleted_as_a_whole(emulator_factory):
    emu = emulator_factory(rows=40)
    cfg = config(emu, attachments={"tables": ["c_bpartner"]}, detect_deletes=True)
    first = run_read(cfg, [BP])
    gone = {r["attachment_id"] for r in records(first, BP) if r["record_id"] == 118}
    delete(emu, "c_bpartner/118/attachments")
    second = run_read(cfg, [BP], state=state_for(final_states(first)))
    tombstones = [r for r in records(second, BP) if r.get("_ab_cdc_deleted_at")]
    assert {r["attachment_id"] for r in tombstones} == gone and all(r.get("name") is None for r in tombstones)


def test_an_attachment_of_a_record_that_is_gone_is_skipped_with_a_warning(emulator_factory):
    emu = emulator_factory(rows=40)
    emu.backend.sql("INSERT INTO AD_Attachment (AD_Attachment_ID, AD_Client_ID, AD_Org_ID, IsActive, Created, CreatedBy, "
                    "Updated, UpdatedBy, AD_Table_ID, Record_ID, Title, AD_Attachment_UU) VALUES (990, 11, 0, 'Y', "
                    "'2024-01-01 00:00:00.000', 100, '2024-01-01 00:00:00.000', 100, 291, 999999, '.', "
                    "'0b1b2b3b-0000-4000-8000-000000000990')")
    out = run_read(config(emu, attachments={"tables": ["c_bpartner"]}), [BP], incremental=False)
    assert {r["record_id"] for r in records(out, BP)} == {117, 118}
    assert any("c_bpartner 999999" in m.log.message and "not readable" in m.log.message for m in out.logs)
    assert out.get_stream_statuses(BP)[-1] == AirbyteStreamStatus.COMPLETE


def test_server_errors_are_retried_and_a_lasting_one_fails_the_stream_loudly(emulator_factory, monkeypatch):
    from idempiere_emulator.errors import EmulatorError

    emu = emulator_factory(rows=40)
    attachments = emu.backend.attachments
    real, real_entry, failed_once = attachments.entries, attachments.entry, set()

    def flaky(target, *name):  # the first call per record and entry: an empty 500 / a 503 (transient)
        key = (target.record_id, *name)
        if key not in failed_once:
            failed_once.add(key)
            raise EmulatorError(503 if name else 500, empty_body=True)
        return real_entry(target, *name) if name else real(target)

    monkeypatch.setattr(attachments, "entries", flaky)
    monkeypatch.setattr(attachments, "entry", flaky)
    out = run_read(config(emu, attachments={"tables": ["c_bpartner"], "include_content": True}), [BP], incremental=False)
    got = keyed(records(out, BP))
    assert {k: base64.b64decode(r["content"]) for k, r in got.items()} == oracle(emu, 291)
    assert len(failed_once) == 5 and len(attachment_requests(emu, "c_bpartner")) == 2 * (2 + 3)  # each retried once
    monkeypatch.setattr(attachments, "entry", real_entry)

    def broken(target):
        if target.record_id == 118:
            raise EmulatorError(500, "List error", "the attachment store is unreadable")
        return real(target)

    monkeypatch.setattr(attachments, "entries", broken)
    failed = run_read(config(emu, attachments={"tables": ["c_bpartner", "c_order"]}), [BP, ORDERS],
                      incremental=False, expect_failure=True)
    assert failed.get_stream_statuses(BP)[-1] == AirbyteStreamStatus.INCOMPLETE
    assert failed.get_stream_statuses(ORDERS)[-1] == AirbyteStreamStatus.COMPLETE
    errors = [m.trace.error for m in failed.errors if m.trace.error.stream_descriptor]
    assert [e.stream_descriptor.name for e in errors] == [BP] and "the attachment store is unreadable" in errors[0].message
