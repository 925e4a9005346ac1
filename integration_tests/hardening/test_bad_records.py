"""Bad records never take good ones down (issue 11, "Done means").

One ``write`` run (the console script, ``reject_policy: continue``, a rejects file) gets every bad record
of the table interleaved with good ones; each bad record must be rejected with its reason (the rejects
file line names it), and every good record must land in the ERP. The same input in a dry run must not
count a bad record as a would-be insert. Rows are raw input lines, so lines the CDK's parser would drop
(NaN, Infinity, lone surrogates, broken JSON) are in the table too. Parametrised by connector.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

import pytest

from frappe_emulator import FrappeEmulator, FrappeOptions
from idempiere_emulator import EmulatorOptions, EmulatorServer
from integration_tests.hardening.cli import run_cli
from integration_tests.hardening.connectors import DESTINATION_FRAPPE, DESTINATION_IDEMPIERE

STREAM = "c_bpartner"


def rec(data_json: str, stream: str = STREAM) -> str:
    """A RECORD line with ``data_json`` spliced in as written (so it may hold NaN or broken escapes)."""
    return f'{{"type":"RECORD","record":{{"stream":"{stream}","data":{data_json},"emitted_at":0}}}}'


def bp(value: str, extra: str = "") -> str:
    return f'{{"Value":"{value}","Name":"Bad {value}"{extra}}}'


@dataclass(frozen=True)
class Bad:
    id: str
    line: str
    reason: str  # a fragment the reject's reason must contain


BAD = [
    Bad("nan", rec(bp("B-NAN", ',"NumberEmployees":NaN')), "NumberEmployees holds NaN"),
    Bad("infinity", rec(bp("B-INF", ',"NumberEmployees":Infinity')), "NumberEmployees holds Infinity"),
    Bad("minus-infinity", rec(bp("B-MINF", ',"SO_CreditLimit":-Infinity')), "SO_CreditLimit holds -Infinity"),
    Bad("double-overflow", rec(bp("B-OVF", ',"SO_CreditLimit":1e400')), "SO_CreditLimit holds a number too large"),
    Bad("lone-high-surrogate", rec(bp("B-SUR1", ',"Description":"x\\ud800y"')), "Description holds a lone surrogate"),
    Bad("lone-low-surrogate", rec(bp("B-SUR2", ',"Description":"\\udc00"')), "Description holds a lone surrogate"),
    Bad("truncated-line", '{"type":"RECORD","record":{"stream":"c_bpartner","data":{"Value":"B-TRUNC"', "not valid JSON"),
    Bad("array-line", '["RECORD", {"Value": "B-ARR"}]', "not an Airbyte message"),
    Bad("null-line", "null", "not an Airbyte message"),
    Bad("no-type", '{"record":{"stream":"c_bpartner","data":{"Value":"B-NOTYPE"},"emitted_at":0}}',
        "not an Airbyte message"),
    Bad("unknown-type", '{"type":"RECORDS","record":{"stream":"c_bpartner","data":{"Value":"B-TYPE"}}}',
        "not a valid Airbyte RECORDS message"),
    Bad("data-not-object", '{"type":"RECORD","record":{"stream":"c_bpartner","data":"B-STR","emitted_at":0}}',
        "not a valid Airbyte RECORD message"),
    Bad("no-data", '{"type":"RECORD","record":{"stream":"c_bpartner","emitted_at":0}}', "not a valid Airbyte RECORD"),
    Bad("no-stream", '{"type":"RECORD","record":{"data":{"Value":"B-NOSTREAM"},"emitted_at":0}}',
        "not a valid Airbyte RECORD"),
    Bad("not-utf8", '{"type":"RECORD","record":{"stream":"c_bpartner","data":{"Value":"B-\udcff"},"emitted_at":0}}',
        "not UTF-8 text"),  # "\udcff" is written as the byte 0xff (cli.run_cli)
    Bad("int-beyond-64-bits", rec(bp("B-BIG", ',"NumberEmployees":18446744073709551616')), "NumberEmployees"),
    Bad("negative-int-beyond-64-bits", rec(bp("B-NBIG", ',"NumberEmployees":-18446744073709551617')), "NumberEmployees"),
    Bad("int-beyond-java-int", rec(bp("B-JINT", ',"NumberEmployees":2147483648')), "out of range"),
    Bad("integer-text", rec(bp("B-INTTXT", ',"NumberEmployees":"many"')), "NumberEmployees"),
    Bad("integer-fraction", rec(bp("B-FRAC", ',"NumberEmployees":1.5')), "NumberEmployees"),
    Bad("number-text", rec(bp("B-NUMTXT", ',"SO_CreditLimit":"lots"')), "SO_CreditLimit"),
    Bad("unknown-column", rec(bp("B-COL", ',"NoSuchColumn":1')), "NoSuchColumn"),
    Bad("fk-unknown-name", rec(bp("B-FKNAME", ',"C_BP_Group_ID":"No Such Group"')), "C_BP_Group_ID"),
    Bad("fk-unknown-id", rec(bp("B-FKID", ',"C_BP_Group_ID":987654')), "C_BP_Group_ID"),
    Bad("fk-list", rec(bp("B-FKLIST", ',"C_BP_Group_ID":[1,2]')), "C_BP_Group_ID"),
    Bad("boolean-text", rec(bp("B-BOOL", ',"IsCustomer":"perhaps"')), "IsCustomer"),
    Bad("date-text", rec(bp("B-DATE", ',"FirstSale":"not a date"')), "FirstSale"),
    Bad("object-for-text", rec(bp("B-OBJ", ',"Description":{"a":1}')), "Description"),
    Bad("stream-not-in-catalog", rec('{"Value":"B-STREAM","Name":"x"}', stream="c_nosuch"),
        "not in the configured catalog"),
    Bad("nan-nested", rec(bp("B-NNAN", ',"Description":{"deep":[1,NaN]}')), "Description.deep.1 holds NaN"),
]


def good(i: int) -> str:
    return rec(f'{{"Value":"G-{i:03d}","Name":"Good {i}","NumberEmployees":{i}}}')


def _input(bads: list[Bad] = BAD, good_line=good, stream: str = STREAM) -> tuple[str, list[str]]:
    """Good records before, between and after the bad ones (several per flush), then a STATE."""
    lines, goods = [], []
    for i, bad in enumerate(bads):
        lines.append(good_line(i))
        goods.append(f"G-{i:03d}")
        lines.append(bad.line)
    lines.append(good_line(len(bads)))
    goods.append(f"G-{len(bads):03d}")
    lines.append(json.dumps({"type": "STATE", "state": {"type": "STREAM", "stream": {
        "stream_descriptor": {"name": stream}, "stream_state": {"n": 1}}}}))
    return "\n".join(lines) + "\n", goods


def _catalog(stream: str = STREAM) -> dict:
    return {"streams": [{"stream": {"name": stream, "json_schema": {}, "supported_sync_modes": ["full_refresh"]},
                         "sync_mode": "full_refresh", "destination_sync_mode": "append"}]}


@pytest.fixture(scope="module")
def outcome(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("bad-records")
    conn = DESTINATION_IDEMPIERE
    text, goods = _input()
    with EmulatorServer(EmulatorOptions(rows=3)) as emu:
        config = {**conn.good_config(emu), "reject_policy": "continue", "rejected_records_path": str(tmp / "rejects.jsonl")}
        run = run_cli(conn, "write", tmp / "run", config=config, catalog=_catalog(), stdin=text)
        landed = {row[0] for row in emu.backend.sql('SELECT "Value" FROM "C_BPartner"')}
        dry = run_cli(conn, "write", tmp / "dry", config={**config, "dry_run": True,
                                                          "rejected_records_path": str(tmp / "dry.jsonl")},
                      catalog=_catalog(), stdin=text)
        landed_after_dry = {row[0] for row in emu.backend.sql('SELECT "Value" FROM "C_BPartner"')}
    rejects = [json.loads(line) for line in (tmp / "rejects.jsonl").read_text().splitlines()]
    dry_rejects = [json.loads(line) for line in (tmp / "dry.jsonl").read_text().splitlines()]
    return run, rejects, landed, goods, dry, dry_rejects, landed_after_dry


def test_the_table_is_big_enough():
    assert len(BAD) >= 30


def test_the_run_finishes_and_emits_its_state(outcome):
    run, rejects, *_ = outcome
    assert run.exit_code == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert len(run.of_type("STATE")) == 1
    assert len(rejects) == len(BAD)


def test_every_good_record_lands(outcome):
    _, _, landed, goods, *_ = outcome
    assert set(goods) <= landed
    assert not {v for v in landed if str(v).startswith("B-")}  # no bad record was written


def _reject_of(rejects: list[dict], bad: Bad, bads: list[Bad] = BAD, key: str = "Value") -> dict | None:
    """The reject for ``bad``: by its input line number, or by the ``key`` value its record carries."""
    line_no = 2 * bads.index(bad) + 2
    value = json.loads(bad.line.replace("NaN", "0").replace("-Infinity", "0").replace("Infinity", "0"),
                       strict=False) if _is_json(bad) else None
    data = value.get("record", {}).get("data") if isinstance(value, dict) and isinstance(value.get("record"), dict) else None
    wanted = data.get(key) if isinstance(data, dict) else None
    for reject in rejects:
        if reject["reason"].startswith(f"input line {line_no}:"):
            return reject
        if wanted is not None and reject["record"].get(key) == wanted:
            return reject
    return None


def _is_json(bad: Bad) -> bool:
    try:
        json.loads(bad.line.replace("NaN", "0").replace("-Infinity", "0").replace("Infinity", "0"))
        return True
    except ValueError:
        return False


@pytest.mark.parametrize("bad", BAD, ids=[b.id for b in BAD])
def test_each_bad_record_is_rejected_with_its_reason(outcome, bad):
    _, rejects, *_ = outcome
    reject = _reject_of(rejects, bad)
    assert reject is not None, (bad.id, [r["reason"] for r in rejects])
    assert bad.reason in reject["reason"]


def test_a_dry_run_rejects_the_same_records_and_writes_nothing(outcome):
    """The dry run finds every bad record the run found (never "would insert" one): only a check that needs
    the server (a foreign id that does not exist) may read differently, never be missing."""
    run, rejects, landed, goods, dry, dry_rejects, landed_after_dry = outcome
    assert dry.exit_code == 0, dry.stdout[-3000:]
    assert landed_after_dry == landed
    assert len(dry_rejects) == len(rejects) == len(BAD)
    for bad in BAD:
        assert _reject_of(dry_rejects, bad) is not None, bad.id
    assert all(r.get("dry_run") for r in dry_rejects)


# ---- destination-frappe: the same guarantees on a Frappe DocType (records carry custom_external_id G-/B-...)
FRAPPE_STREAM = "Customer"


def cust(ext: str, extra: str = "", territory: str = ',"territory":"India"') -> str:
    return (f'{{"custom_external_id":"{ext}","customer_name":"Bad {ext}","customer_type":"Company",'
            f'"customer_group":"Commercial"{territory}{extra}}}')


def frec(data_json: str, stream: str = FRAPPE_STREAM) -> str:
    return rec(data_json, stream)


FRAPPE_BAD = [
    Bad("nan", frec(cust("B-NAN", ',"default_commission_rate":NaN')), "default_commission_rate holds NaN"),
    Bad("infinity", frec(cust("B-INF", ',"default_commission_rate":Infinity')),
        "default_commission_rate holds Infinity"),
    Bad("double-overflow", frec(cust("B-OVF", ',"default_commission_rate":1e400')),
        "default_commission_rate holds a number too large"),
    Bad("lone-surrogate", frec(cust("B-SUR", ',"customer_details":"x\\ud800y"')),
        "customer_details holds a lone surrogate"),
    Bad("nan-nested", frec(cust("B-NNAN", ',"customer_details":{"deep":[1,NaN]}')),
        "customer_details.deep.1 holds NaN"),
    Bad("truncated-line", '{"type":"RECORD","record":{"stream":"Customer","data":{"custom_external_id":"B-TR"',
        "not valid JSON"),
    Bad("array-line", '["RECORD", {"custom_external_id": "B-ARR"}]', "not an Airbyte message"),
    Bad("data-not-object", '{"type":"RECORD","record":{"stream":"Customer","data":"B-STR","emitted_at":0}}',
        "not a valid Airbyte RECORD message"),
    Bad("not-utf8", '{"type":"RECORD","record":{"stream":"Customer","data":{"custom_external_id":"B-\udcff"},'
        '"emitted_at":0}}', "not UTF-8 text"),
    Bad("number-text", frec(cust("B-NUMTXT", ',"default_commission_rate":"lots"')), "default_commission_rate"),
    Bad("int-beyond-64-bits", frec(cust("B-BIG", ',"default_commission_rate":18446744073709551616')),
        "default_commission_rate"),
    Bad("check-text", frec(cust("B-CHK", ',"disabled":"perhaps"')), "disabled"),
    Bad("unknown-field", frec(cust("B-FLD", ',"no_such_field":1')), "no_such_field"),
    Bad("link-unknown-name", frec(cust("B-LINK", ',"territory":"Atlantis"', territory="")),
        "Could not find Territory: Atlantis"),
    Bad("link-lookup-finds-nothing", frec(cust("B-LOOK", ',"territory":{"territory_name":"Atlantis"}', territory="")),
        "no Territory where territory_name = \"Atlantis\" (Link lookup found nothing)"),
    Bad("object-for-text", frec(cust("B-OBJ", ',"tax_id":{"a":1}')), "tax_id"),
    Bad("stream-not-in-catalog", frec('{"custom_external_id":"B-STREAM"}', stream="No Such Stream"),
        "not in the configured catalog"),
]


def fgood(i: int) -> str:
    return frec(f'{{"custom_external_id":"G-{i:03d}","customer_name":"Good {i}","customer_type":"Company",'
                f'"customer_group":"Commercial","territory":"India","default_commission_rate":{i}.5}}')


@pytest.fixture(scope="module")
def frappe_outcome(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("bad-frappe-records")
    conn = DESTINATION_FRAPPE
    text, goods = _input(FRAPPE_BAD, fgood, FRAPPE_STREAM)
    with FrappeEmulator(FrappeOptions(rows=3)) as emu:
        config = {**conn.good_config(emu), "rejected_records_path": str(tmp / "rejects.jsonl")}
        run = run_cli(conn, "write", tmp / "run", config=config, catalog=_catalog(FRAPPE_STREAM), stdin=text)
        landed = {row[0] for row in emu.backend.sql("SELECT custom_external_id FROM `tabCustomer`")}
    rejects = [json.loads(line) for line in (tmp / "rejects.jsonl").read_text().splitlines()]
    return run, rejects, landed, goods


def test_frappe_the_run_finishes_every_good_record_lands_and_no_bad_one(frappe_outcome):
    run, rejects, landed, goods = frappe_outcome
    assert run.exit_code == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert len(run.of_type("STATE")) == 1
    assert len(rejects) == len(FRAPPE_BAD), [r["reason"] for r in rejects]
    assert set(goods) <= landed
    assert not {v for v in landed if str(v).startswith("B-")}


@pytest.mark.parametrize("bad", FRAPPE_BAD, ids=[b.id for b in FRAPPE_BAD])
def test_frappe_each_bad_record_is_rejected_with_its_reason(frappe_outcome, bad):
    _, rejects, *_ = frappe_outcome
    reject = _reject_of(rejects, bad, FRAPPE_BAD, key="custom_external_id")
    assert reject is not None, (bad.id, [r["reason"] for r in rejects])
    assert bad.reason in reject["reason"]
