"""Documents with their lines in one record (spec §7.4), against the emulator over HTTP, both server generations:
one POST per document (in /batch items on current servers), FK forms inside the lines, rejects per document that
name the line, grandchildren, idempotent re-syncs (merge / replace / child_keys), doc_action after the lines."""
from __future__ import annotations

import json

import pytest
import requests

from erp_airbyte.messages import configured_catalog, configured_stream
from erp_http.errors import TransientError
from idempiere_client.http import IdempiereClient
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

ORDER = "c_order"
HEADER = {"C_DocTypeTarget_ID": 132, "C_BPartner_ID": "Joe Block", "DateOrdered": "2024-05-01",
          "DatePromised": "2024-05-02", "C_PaymentTerm_ID": 107, "M_PriceList_ID": 101}
LINES = [{"Line": 10, "M_Product_ID": "Azalea Bush", "QtyEntered": 2},  # by identifier (Name)
         {"Line": 20, "M_Product_ID": {"lookupColumn": "Value", "lookupValue": "Oak"}, "QtyEntered": 1}]
UPSERT = catalog((ORDER, "append_dedup", ["DocumentNo"]))


@pytest.fixture(params=GENERATIONS, ids=GENERATION_IDS)
def emu(request, emulator_factory):
    return emulator_factory(rows=3, legacy=request.param)


def order(number: str, lines: list[dict], **extra) -> dict:
    return {**HEADER, "DocumentNo": number, "C_OrderLine": lines, **extra}


def lines_of(emu, number: str) -> list[tuple]:
    return sql(emu, "SELECT l.Line, l.M_Product_ID, l.QtyEntered FROM C_OrderLine l JOIN C_Order o ON "
                    "o.C_Order_ID=l.C_Order_ID WHERE o.DocumentNo=? ORDER BY l.Line", (number,))


def line_ids(emu, number: str) -> dict[int, int]:
    return dict(sql(emu, "SELECT l.Line, l.C_OrderLine_ID FROM C_OrderLine l JOIN C_Order o ON "
                         "o.C_Order_ID=l.C_Order_ID WHERE o.DocumentNo=?", (number,)))


def expanded(emu, table: str, key: int, child: str) -> dict:
    """The row read back with its child rows (``$expand``), as a user of the API would check it."""
    answer = requests.get(f"{emu.base_url}/api/v1/models/{table}/{key}", params={"$expand": child},
                          headers={"Authorization": "Bearer " + emu.s2s_token}, timeout=30)
    assert answer.status_code == 200, answer.text
    return answer.json()


def writes(emu) -> list[tuple[str, str]]:
    """The write requests the emulator received (method, path), oldest first."""
    return [(r["method"], r["path"]) for r in emu.requests() if r["method"] in ("POST", "PUT", "DELETE")
            and "/auth/" not in r["path"]]


def test_an_order_with_its_lines_is_one_post_and_is_completed_after_them(emu) -> None:
    emu.clear_requests()
    _, dest = write(emu, UPSERT, [record(ORDER, order("NL-1", LINES)), record(ORDER, order("NL-2", LINES[1:])),
                                  state(ORDER, 1)], doc_action={"c_order": "CO"})
    assert counts(dest, ORDER)["inserted"] == 2 and counts(dest, ORDER)["rejected"] == 0
    (key, status, total), = sql(emu, "SELECT C_Order_ID, DocStatus, TotalLines FROM C_Order WHERE DocumentNo='NL-1'")
    read = expanded(emu, "c_order", key, "C_OrderLine")
    assert [(ln["Line"], ln["M_Product_ID"]["id"], float(ln["QtyEntered"])) for ln in read["C_OrderLine"]] == [
        (10, 122, 2.0), (20, 128, 1.0)]  # both FK forms resolved inside the lines
    assert status == "CO" and float(total) > 0
    # completed after its lines were saved: the completion marked them processed
    assert sql(emu, "SELECT DISTINCT Processed FROM C_OrderLine WHERE C_Order_ID=?", (key,)) == [("Y",)]
    posted = writes(emu)
    assert ("POST", "/api/v1/models/c_orderline") not in posted  # never a request per line
    if emu.options.legacy:
        assert posted.count(("POST", "/api/v1/models/c_order")) == 2
    else:
        assert posted == [("POST", "/api/v1/batch"), ("POST", "/api/v1/batch")]  # detection, then both documents
    _, again = write(emu, UPSERT, [record(ORDER, order("NL-1", LINES))], doc_action={"c_order": "CO"})
    assert counts(again, ORDER)["unchanged"] == 1  # completed, same lines: nothing to do
    _, later = write(emu, UPSERT, [record(ORDER, order("NL-1", [{**LINES[0], "QtyEntered": 9}, LINES[1]]))],
                     doc_action={"c_order": "CO"})
    assert "Cannot update QtyEntered on processed record" in later.last_rejects.first.reason
    assert lines_of(emu, "NL-1") == [(10, 122, 2), (20, 128, 1)]


def test_a_document_with_one_bad_line_is_rejected_naming_the_line_and_the_others_land(emu, tmp_path) -> None:
    good, bad_id = order("BL-1", LINES), order("BL-3", [LINES[0], {**LINES[1], "M_Product_ID": 999999}])
    messages = [record(ORDER, good),
                record(ORDER, order("BL-2", [LINES[0], {**LINES[1], "M_Product_ID": "Nope"}])),
                record(ORDER, bad_id),
                record(ORDER, order("BL-4", [{**LINES[0], "QtyEntered": "lots"}])),
                record(ORDER, order("BL-5", LINES, c_orderlines=[{"Line": 1}]))]
    emu.clear_requests()
    _, dest = write(emu, UPSERT, messages, rejected_records_path=str(tmp_path / "rejects.jsonl"))
    c = counts(dest, ORDER)
    assert (c["inserted"], c["rejected"]) == (1, 4)
    lines = (tmp_path / "rejects.jsonl").read_text().splitlines()
    reasons = {r["record"]["DocumentNo"]: r["reason"] for r in map(json.loads, lines)}
    assert reasons["BL-2"] == "C_OrderLine[1]: column M_Product_ID: identifier 'Nope' not found in m_product " \
                              "(searched Name, Value)"
    # the plugin's POST flattens every line error into a 500 Save error (both generations); not retried
    assert reasons["BL-3"] == ("C_OrderLine[1]: HTTP 500 Save error: Save error with exception: "
                               "Foreign ID 999999 not found in M_Product_ID")
    assert reasons["BL-4"] == "C_OrderLine[0]: column QtyEntered: 'lots' is not a number"
    assert reasons["BL-5"].startswith("field 'c_orderlines' matches no column of table C_Order, and no table "
                                      "c_orderlines can hold child rows")
    assert sql(emu, "SELECT DocumentNo FROM C_Order WHERE DocumentNo LIKE 'BL-%'") == [("BL-1",)]
    assert lines_of(emu, "BL-1") == [(10, 122, 2), (20, 128, 1)]
    assert dest.last_run.executor.uncertain_checks == 0  # a refused document is final: never checked or resent
    if emu.options.legacy:  # the endpoint detection (404), then BL-1 and BL-3 once each; the rest never sent
        assert writes(emu) == [("POST", "/api/v1/batch")] + [("POST", "/api/v1/models/c_order")] * 2
    else:  # the endpoint detection, then one batch with BL-1 and BL-3
        assert writes(emu) == [("POST", "/api/v1/batch")] * 2


def test_re_syncing_a_document_sends_only_what_differs_and_never_duplicates_lines(emu) -> None:
    write(emu, UPSERT, [record(ORDER, order("RS-1", LINES))])
    ids = line_ids(emu, "RS-1")
    emu.clear_requests()
    _, again = write(emu, UPSERT, [record(ORDER, order("RS-1", LINES))])
    assert counts(again, ORDER)["unchanged"] == 1
    assert not [w for w in writes(emu) if w[0] == "PUT" or w == ("POST", "/api/v1/models/c_order")]
    assert len([w for w in writes(emu) if w == ("POST", "/api/v1/batch")]) <= 1  # the endpoint detection only
    changed = [{**LINES[0], "QtyEntered": 5}, LINES[1], {"Line": 30, "M_Product_ID": 122, "QtyEntered": 3}]
    _, third = write(emu, UPSERT, [record(ORDER, order("RS-1", changed))])
    assert counts(third, ORDER)["updated"] == 1
    assert lines_of(emu, "RS-1") == [(10, 122, 5), (20, 128, 1), (30, 122, 3)]
    assert {k: v for k, v in line_ids(emu, "RS-1").items() if k in ids} == ids  # updated in place
    _, fourth = write(emu, UPSERT, [record(ORDER, order("RS-1", changed))])
    assert counts(fourth, ORDER)["unchanged"] == 1 and len(lines_of(emu, "RS-1")) == 3
    _, merged = write(emu, UPSERT, [record(ORDER, order("RS-1", changed[:1]))])  # merge never deletes
    assert counts(merged, ORDER)["unchanged"] == 1 and len(lines_of(emu, "RS-1")) == 3
    _, replaced = write(emu, UPSERT, [record(ORDER, order("RS-1", changed[:1]))], child_mode="replace")
    assert counts(replaced, ORDER)["updated"] == 1 and lines_of(emu, "RS-1") == [(10, 122, 5)]


def test_child_keys_match_the_lines_of_a_document_made_in_the_erp(emu) -> None:
    made = requests.post(f"{emu.base_url}/api/v1/models/c_order", headers={"Authorization": "Bearer " + emu.s2s_token},
                         json={**HEADER, "C_BPartner_ID": 118, "DocumentNo": "CK-1",
                               "C_OrderLine": [{"Line": 10, "M_Product_ID": 122, "QtyEntered": 2}]}, timeout=30)
    assert made.status_code == 201, made.text
    lines = [{"Line": 10, "M_Product_ID": 122, "QtyEntered": 4}, {"Line": 20, "M_Product_ID": 128, "QtyEntered": 1}]
    _, dest = write(emu, UPSERT, [record(ORDER, order("CK-1", lines))], child_keys={"c_orderline": ["Line"]})
    assert counts(dest, ORDER)["updated"] == 1, dest.last_rejects.first
    assert lines_of(emu, "CK-1") == [(10, 122, 4), (20, 128, 1)]  # line 10 found by its key, not added again
    _, again = write(emu, UPSERT, [record(ORDER, order("CK-1", lines[::-1]))], child_keys={"c_orderline": ["Line"]})
    assert counts(again, ORDER)["unchanged"] == 1  # the key, not the position, identifies a line


def test_a_line_the_server_refuses_on_update_keeps_the_update_status(emu) -> None:
    write(emu, UPSERT, [record(ORDER, order("UE-1", LINES))])
    bad = [*LINES, {"Line": 30, "M_Product_ID": 999999, "QtyEntered": 1}]
    _, dest = write(emu, UPSERT, [record(ORDER, order("UE-1", bad))])
    reason = dest.last_rejects.first.reason
    expected = "HTTP 500 Save error" if emu.options.legacy else "HTTP 400 Validation Error"
    assert reason == f"C_OrderLine[2]: {expected}: Foreign ID 999999 not found in M_Product_ID"
    assert lines_of(emu, "UE-1") == [(10, 122, 2), (20, 128, 1)] and dest.last_run.executor.uncertain_checks == 0


def test_grandchildren_are_inserted_with_the_document_and_compared_on_re_sync(emu) -> None:
    prices = [{"M_Product_ID": "Azalea Bush", "PriceList": 10, "PriceStd": 9},
              {"M_Product_ID": "Oak", "PriceList": 50, "PriceStd": 45}]
    data = {"Name": "Garden 2025", "C_Currency_ID": 100, "M_PriceList_Version": [
        {"Name": "2025-01", "ValidFrom": "2025-01-01", "m_productprice": prices}, {"Name": "2025-07",
                                                                                  "ValidFrom": "2025-07-01"}]}
    cat = catalog(("m_pricelist", "append_dedup", ["Name"]))
    _, dest = write(emu, cat, [record("m_pricelist", data)])
    assert counts(dest, "m_pricelist")["inserted"] == 1, dest.last_rejects.first
    (key,), = sql(emu, "SELECT M_PriceList_ID FROM M_PriceList WHERE Name='Garden 2025'")
    assert [v["Name"] for v in expanded(emu, "m_pricelist", key, "M_PriceList_Version")["M_PriceList_Version"]] == [
        "2025-01", "2025-07"]
    assert sql(emu, "SELECT v.Name, pp.M_Product_ID, pp.PriceStd FROM M_ProductPrice pp JOIN M_PriceList_Version v "
                    "ON v.M_PriceList_Version_ID=pp.M_PriceList_Version_ID WHERE v.M_PriceList_ID=? ORDER BY 2",
               (key,)) == [("2025-01", 122, 9), ("2025-01", 128, 45)]
    _, again = write(emu, cat, [record("m_pricelist", data)])
    assert counts(again, "m_pricelist")["unchanged"] == 1
    data["M_PriceList_Version"][0]["m_productprice"] = [prices[0], {**prices[1], "PriceStd": 40}]
    _, changed = write(emu, cat, [record("m_pricelist", data)])
    assert changed.last_rejects.first.reason.startswith(
        "M_PriceList_Version[0].m_productprice[1]: differs from the document's row, and rows below the first child "
        "level of an existing document cannot be written")
    assert sql(emu, "SELECT COUNT(*), MAX(PriceStd) FROM M_ProductPrice pp JOIN M_PriceList_Version v ON "
                    "v.M_PriceList_Version_ID=pp.M_PriceList_Version_ID WHERE v.M_PriceList_ID=?", (key,)) == [(2, 45)]


def test_a_catalog_that_declares_the_lines_as_an_array_of_objects_is_accepted(emu) -> None:
    schema = {"type": "object", "properties": {
        "DocumentNo": {"type": "string"},
        "C_OrderLine": {"type": "array", "items": {"type": "object", "properties": {"QtyEntered": {"type": "number"}}}}}}
    cat = configured_catalog([configured_stream(ORDER, destination_sync_mode=UPSERT.streams[0].destination_sync_mode,
                                                primary_key=["DocumentNo"], json_schema=schema)])
    _, dest = write(emu, cat, [record(ORDER, order("CS-1", LINES))])
    assert counts(dest, ORDER)["inserted"] == 1 and len(lines_of(emu, "CS-1")) == 2


def test_faults_and_dropped_answers_never_duplicate_a_document_or_a_line(emu) -> None:
    emu.set_faults(fail_rate=0.08, drop_rate=0.04)
    numbers = [f"FD-{i:02d}" for i in range(16)]
    first = [record(ORDER, order(n, LINES)) for n in numbers]
    second = [record(ORDER, order(n, [{**LINES[0], "QtyEntered": 7}, {"Line": 30, "M_Product_ID": 122,
                                                                      "QtyEntered": 1}])) for n in numbers]
    try:
        _, one = write(emu, UPSERT, first, batch_size=4, num_workers=2, reject_policy="fail")
        _, two = write(emu, UPSERT, second, batch_size=4, num_workers=2, reject_policy="fail", child_mode="replace")
    finally:
        emu.set_faults(fail_rate=0.0, drop_rate=0.0)
    assert counts(one, ORDER)["inserted"] == 16 and counts(two, ORDER)["updated"] == 16
    assert sql(emu, "SELECT COUNT(*) FROM C_Order WHERE DocumentNo LIKE 'FD-%'") == [(16,)]
    for n in numbers:
        assert lines_of(emu, n) == [(10, 122, 7), (30, 122, 1)], n
    assert [r for r in emu.requests() if r.get("fault")], "the fault injection must actually have hit some requests"


@pytest.mark.parametrize("change", ["delete", "insert"])
def test_an_update_whose_answer_is_lost_is_proven_not_resent_blindly(emu, monkeypatch, change) -> None:
    """The PUT was applied but its answer lost: resending a ``(delete)`` would fail on the deleted line, and a
    resent insert must not add the line twice; the destination proves the write by the line instead."""
    write(emu, UPSERT, [record(ORDER, order("LA-1", LINES))])
    lost = []

    def applied_then_lost(method_name: str):
        original = getattr(IdempiereClient, method_name)

        def call(self, *args, **kwargs):
            answer = original(self, *args, **kwargs)
            if not lost and "c_order" in str(args):
                lost.append(method_name)
                raise TransientError(f"{method_name}: connection dropped", maybe_committed=True)
            return answer
        return call

    monkeypatch.setattr(IdempiereClient, "put", applied_then_lost("put"))
    monkeypatch.setattr(IdempiereClient, "batch", applied_then_lost("batch"))
    lines = LINES[:1] if change == "delete" else [*LINES, {"Line": 30, "M_Product_ID": 122, "QtyEntered": 3}]
    _, dest = write(emu, UPSERT, [record(ORDER, order("LA-1", lines))], child_mode="replace")
    assert lost == (["put"] if emu.options.legacy else ["batch"])
    assert counts(dest, ORDER)["updated"] == 1 and dest.last_rejects.first is None
    assert dest.last_run.executor.uncertain_checks == 1
    expected = [(10, 122, 2)] if change == "delete" else [(10, 122, 2), (20, 128, 1), (30, 122, 3)]
    assert lines_of(emu, "LA-1") == expected


def test_a_dry_run_resolves_and_compares_the_lines_and_writes_nothing(emu, tmp_path) -> None:
    write(emu, UPSERT, [record(ORDER, order("DR-1", LINES))])
    before = sql(emu, "SELECT C_OrderLine_ID, QtyEntered, Updated FROM C_OrderLine ORDER BY 1")
    emu.clear_requests()
    messages = [record(ORDER, order("DR-1", LINES)),                                       # unchanged
                record(ORDER, order("DR-1", [{**LINES[0], "QtyEntered": 9}])),             # would update
                record(ORDER, order("DR-2", LINES)),                                       # would insert
                record(ORDER, order("DR-3", [{"M_Product_ID": "Nope"}])),                  # would reject
                record(ORDER, order("DR-4", [{"M_Product_ID": 999999}]))]                  # would reject (id)
    path = tmp_path / "rejects.jsonl"
    _, dest = write(emu, UPSERT, messages, dry_run=True, rejected_records_path=str(path))
    c = counts(dest, ORDER)
    assert (c["unchanged"], c["would_update"], c["would_insert"], c["rejected"]) == (1, 1, 1, 2)
    reasons = sorted(json.loads(line)["reason"] for line in path.read_text().splitlines())
    assert reasons == ["C_OrderLine[0]: column M_Product_ID: id 999999 not found in m_product",
                       "C_OrderLine[0]: column M_Product_ID: identifier 'Nope' not found in m_product (searched "
                       "Name, Value)"]
    assert sql(emu, "SELECT C_OrderLine_ID, QtyEntered, Updated FROM C_OrderLine ORDER BY 1") == before
    assert not [w for w in writes(emu) if w != ("POST", "/api/v1/batch")]  # only the endpoint detection
