"""Updating an existing document with its child rows: the document's rows are read, matched (uid, id, child key,
derived UUID) and only what differs is sent; merge never deletes, replace deletes the rows the record lacks."""
from __future__ import annotations

import logging
from typing import Any

from destination_idempiere.child_options import ChildOptions
from destination_idempiere.child_rows import ChildMapper, insert_arrays
from destination_idempiere.child_sync import ChildSync
from destination_idempiere.prepared_record import PreparedRecord
from destination_idempiere.record_mapping import RecordMapper
from destination_idempiere.values import WriteContext
from erp_http.errors import ApiError
from idempiere_client.paging import Page
from idempiere_client.timeutil import ServerClock
from unit_tests.destination.fakes import FakeCatalog, FakeClient, linema_meta, order_meta, orderline_meta

CTX = WriteContext(ServerClock("UTC"))
LOG = logging.getLogger("t")
ORDER_UU = "aaaaaaaa-0000-4000-8000-000000000001"
ORDER = {"id": 100, "uid": ORDER_UU, "DocumentNo": "SO-1"}
OTHER_UU = "bbbbbbbb-0000-4000-8000-000000000002"


def prepare(lines: list[dict], keys: dict | None = None) -> PreparedRecord:
    catalog = FakeCatalog(order_meta(), orderline_meta(), linema_meta())
    nested = ChildMapper(catalog, order_meta(), "c_order", CTX, LOG, keys or {})
    return RecordMapper(order_meta(), "c_order", ["DocumentNo"], CTX, True, LOG, nested=nested).prepare(
        1, {"DocumentNo": "SO-1", "C_OrderLine": lines})


def stored(lines: list[dict], keys: dict | None = None) -> list[dict]:
    """The rows a POST of ``lines`` created (ids 501...), as the server reads them back."""
    body = insert_arrays(prepare(lines, keys), ORDER_UU, keys or {})
    out = []
    for i, line in enumerate(body["C_OrderLine"]):
        row = {"id": 501 + i, "uid": line.pop("C_OrderLine_UU"), "C_Order_ID": {"id": 100}, "IsActive": True}
        row.update({k: ({"id": v} if k == "M_Product_ID" else v) for k, v in line.items() if k != "M_OrderLineMA"})
        out.append(row)
    return out


def sync(rec: PreparedRecord, rows: list[dict], mode: str = "merge", keys: dict | None = None,
         grand: list[dict] | None = None, use_in: bool = True) -> Any:
    client = FakeClient(pages={"C_Order_ID": rows, "C_OrderLine_ID": grand or []})
    children = ChildSync(client, ChildOptions(mode, keys or {}), CTX, use_in)
    existing = children.existing([(rec, ORDER)], order_meta())
    return children.update(rec, order_meta(), ORDER, existing), client


LINES = [{"Line": 10, "M_Product_ID": 122, "QtyEntered": 1}, {"Line": 20, "M_Product_ID": 128, "QtyEntered": 2}]


def test_resending_the_same_lines_sends_nothing() -> None:
    update, client = sync(prepare(LINES), stored(LINES))
    assert update.arrays == {} and update.error is None
    (read,) = [f for kind, f in client.calls if kind == "page"]
    assert read == "C_Order_ID eq 100 and IsActive neq null"  # inactive lines exist too


def test_changed_and_new_lines_are_sent_with_ids_and_derived_uuids() -> None:
    update, _ = sync(prepare([{**LINES[0], "QtyEntered": 5}, LINES[1], {"Line": 30, "QtyEntered": 3}]),
                     stored(LINES))
    (changed, new) = update.arrays["C_OrderLine"]
    assert changed == {"id": 501, "QtyEntered": 5}
    assert new["Line"] == 30 and new["uid"] == new["C_OrderLine_UU"]
    assert update.verify_path == f"models/c_orderline/{new['uid']}"  # proves an uncertain PUT
    update2, _ = sync(prepare([{**LINES[0], "QtyEntered": 5}, LINES[1], {"Line": 30, "QtyEntered": 3}]),
                      stored(LINES))
    assert update2.arrays == update.arrays  # the same record plans the same PUT (a resend updates, not inserts)


def test_merge_keeps_rows_the_record_lacks_and_replace_deletes_them_first() -> None:
    rows = stored(LINES)
    merged, _ = sync(prepare(LINES[:1]), rows)
    assert merged.arrays == {}
    replaced, _ = sync(prepare(LINES[:1]), rows, mode="replace")
    assert replaced.arrays == {"C_OrderLine": [{"id": 502, "(delete)": True}]}
    assert replaced.gone_path == "models/c_orderline/502" and replaced.verify_path is None
    emptied, _ = sync(prepare([]), rows, mode="replace")
    assert [i["id"] for i in emptied.arrays["C_OrderLine"]] == [501, 502]


def test_an_id_from_another_document_never_updates_that_row() -> None:
    update, _ = sync(prepare([{**LINES[0], "id": 777}, {**LINES[1], "id": 502}]), stored(LINES))
    assert update.arrays == {}  # 777 is no line of this order: matched by position; 502 is, and is unchanged
    moved, _ = sync(prepare([{**LINES[1], "id": 777, "QtyEntered": 9}]), stored(LINES[:1]))
    assert moved.arrays == {"C_OrderLine": [{"id": 501, "Line": 20, "M_Product_ID": 128, "QtyEntered": 9}]}


def test_child_keys_match_rows_the_destination_did_not_create() -> None:
    keys = {"c_orderline": ("Line",)}
    made_elsewhere = [{"id": 601, "uid": OTHER_UU, "C_Order_ID": {"id": 100}, "Line": 20, "M_Product_ID": {"id": 128},
                       "QtyEntered": 2}]
    update, _ = sync(prepare([LINES[1], LINES[0]], keys), made_elsewhere, keys=keys)
    (new,) = update.arrays["C_OrderLine"]
    assert new["Line"] == 10 and "id" not in new  # line 20 matched by its key (unchanged), line 10 is new
    dup, _ = sync(prepare(LINES, keys), made_elsewhere * 2, keys=keys)
    assert dup.error == "C_OrderLine[1]: 2 C_OrderLine rows of the document have Line = 20; child_keys must identify one row"
    empty, _ = sync(prepare([{"QtyEntered": 1}], keys), made_elsewhere, keys=keys)
    assert empty.error == "C_OrderLine[0]: child key column Line is empty"


def test_two_record_rows_that_match_one_document_row_reject_the_document() -> None:
    rows = stored(LINES)
    update, _ = sync(prepare([{**LINES[0], "id": 501}, {**LINES[1], "uid": rows[0]["uid"]}]), rows)
    assert update.error == "C_OrderLine[1] and C_OrderLine[0] match the same C_OrderLine row (501)"


def test_grandchildren_are_compared_and_changes_there_reject_the_document() -> None:
    lines = [{**LINES[0], "M_OrderLineMA": [{"Qty": 1}]}]
    rows = stored(lines)
    ma_uu = insert_arrays(prepare(lines), ORDER_UU, {})["C_OrderLine"][0]["M_OrderLineMA"][0]["M_OrderLineMA_UU"]
    grand = [{"id": 900, "uid": ma_uu, "C_OrderLine_ID": {"id": 501}, "Qty": 1}]
    same, client = sync(prepare(lines), rows, grand=grand)
    assert same.arrays == {} and same.error is None
    assert [f for kind, f in client.calls if kind == "page"][1] == "C_OrderLine_ID eq 501 and IsActive neq null"
    changed, _ = sync(prepare([{**LINES[0], "M_OrderLineMA": [{"Qty": 2}]}]), rows, grand=grand)
    assert changed.error.startswith("C_OrderLine[0].M_OrderLineMA[0]: differs from the document's row, and rows "
                                    "below the first child level of an existing document cannot be written")
    added, _ = sync(prepare([LINES[0], {"Line": 30, "M_OrderLineMA": [{"Qty": 1}]}]), rows, grand=grand)
    assert added.error.startswith("C_OrderLine[1]: rows nested in a new child row cannot be added to an existing "
                                  "document")


def test_the_rows_of_a_slices_documents_are_read_at_once_and_read_failures_reject() -> None:
    rec = prepare(LINES)
    found = [(rec, ORDER), (prepare(LINES), {"id": 101, "uid": OTHER_UU})]
    reads = {}
    for use_in in (True, False):
        client = FakeClient(pages={"C_Order_ID": stored(LINES)})
        ChildSync(client, ChildOptions(), CTX, use_in).existing(found, order_meta())
        reads[use_in] = [f for kind, f in client.calls if kind == "page"]
    assert reads == {True: ["C_Order_ID in (100,101) and IsActive neq null"],  # servers with `in`
                     False: ["(C_Order_ID eq 100 or C_Order_ID eq 101) and IsActive neq null"]}

    class Refusing(FakeClient):
        def get_page(self, table: str, **kwargs: Any) -> Page:
            raise ApiError(403, "Access denied", "no read access to C_OrderLine", "GET", f"models/{table}")

    children = ChildSync(Refusing(), ChildOptions(), CTX, True)
    update = children.update(rec, order_meta(), ORDER, children.existing([(rec, ORDER)], order_meta()))
    assert update.error.startswith("reading the existing C_OrderLine rows failed: ")
    assert "no read access" in update.error
