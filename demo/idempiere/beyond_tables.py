"""The iDempiere demo beyond plain tables (issue 16): attachment and report streams, and an import through I_BPartner.

Each step checks what PyAirbyte put into DuckDB, or what the destination did, against the emulator's own REST
API (an independent oracle: the emulator shares no code with the connectors) and raises ``DemoCheckFailed`` on
any disagreement, like the steps in steps.py.
"""
from __future__ import annotations

import base64
import csv
import io
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from demo.idempiere.connectors import connector_config, get_idempiere_destination, get_idempiere_source
from demo.pyairbyte_io import DuckDBCache, duckdb_cache
from demo.runner import DemoCheckFailed, say
from idempiere_emulator.child import EmulatorChild

ATTACHMENTS = "c_bpartner__attachments"
REPORT = "report__order_detail"
# Entries uploaded to the first business partners (by position): two files on the first, one on the next two.
ATTACHED_FILES = [["contract.pdf", "logo.png"], ["price_agreement.csv"], ["visit_notes.txt"]]
C_BPARTNER_TABLE_ID = 291  # AD_Table_ID of C_BPartner in every iDempiere (the role may not read AD_Table)
IMPORT_PREFIX = "IMP-"
# The rows of the import: (search key suffix, name, GroupValue). The last group does not exist in GardenWorld,
# so Import_BPartner refuses that row with "ERR=Invalid Group".
IMPORT_ROWS = [("1", "Imported customer 1", "Standard"), ("2", "Imported customer 2", "Standard"),
               ("3", "Imported vendor 3", "Vendor"), ("4", "Imported partner with a typo", "Standrad")]
# An order written with its lines in one record (a nested C_OrderLine array); products given by identifier (Name).
ORDER_NO = "NESTED-1"
ORDER_LINES = [(10, "Elm Tree", 2), (20, "Azalea Bush", 1)]
IMPORT_PROCESS = {"i_bpartner": {"process": "Import_BPartner", "parameters": {"AD_Client_ID": 11},
                                 "reject_failed_import_rows": True}}


@dataclass
class BeyondTables:
    """Numbers for the summary."""

    attachments: int = 0
    attached_records: int = 0
    report_rows: int = 0
    report_partner: str = ""
    report_product: str = ""
    imported: list[str] = field(default_factory=list)
    import_rejects: list[str] = field(default_factory=list)
    order_lines: int = 0


def attachments_and_report(emu: EmulatorChild, cache: DuckDBCache, found: BeyondTables) -> None:
    """Attach files to a few business partners, then sync their attachment stream and an Order Detail report.

    ``c_bpartner__attachments`` carries one row per file (metadata only: no ``include_content``);
    ``report__order_detail`` is what the RV_OrderDetail report prints for one customer, as CSV, with its
    columns typed by one discovery run.
    """
    partners = cache.run_sql_query(
        f"SELECT c_bpartner_id AS id FROM {cache.schema_name}.c_order "
        f"WHERE issotrx AND isactive GROUP BY c_bpartner_id ORDER BY COUNT(*), c_bpartner_id "
        f"LIMIT {len(ATTACHED_FILES)}"
    )
    if len(partners) < len(ATTACHED_FILES):
        raise DemoCheckFailed("the cache has too few customers with orders to attach files to")
    for partner, names in zip(partners, ATTACHED_FILES):
        for name in names:
            _api(emu, "POST", f"models/c_bpartner/{partner['id']}/attachments", 201,
                 {"name": name, "data": base64.b64encode(f"demo file {name}".encode()).decode()})
        say(f"  attached {', '.join(names)} to c_bpartner {partner['id']} (REST API)")
    # One customer's sales order lines of one product (the demo data's orders all share one date).
    product = cache.run_sql_query(
        f"SELECT MIN(l.m_product_id) AS id FROM {cache.schema_name}.c_orderline AS l JOIN {cache.schema_name}.c_order "
        f"AS o ON o.id = l.c_order_id WHERE o.c_bpartner_id = {int(partners[0]['id'])}")[0]["id"]
    parameters = {"C_BPartner_ID": int(partners[0]["id"]), "M_Product_ID": int(product), "IsSOTrx": True}
    say(f"  report RV_OrderDetail parameters: {parameters}")
    report = {"name": "order_detail", "process": "rv_orderdetail", "report_type": "CSV", "discover_schema": True,
              "parameters": parameters}
    config = connector_config(emu.base_url, attachments={"tables": ["c_bpartner"]}, report_streams=[report])
    source = get_idempiere_source(config, [ATTACHMENTS, REPORT], progress=say)
    source.read(cache=cache)
    _check_attachments(emu, cache, [int(p["id"]) for p in partners], found)
    _check_report(emu, cache, parameters, found)


def _check_attachments(emu: EmulatorChild, cache: DuckDBCache, ids: list[int], found: BeyondTables) -> None:
    rows = cache.run_sql_query(
        f"SELECT record_id, name, content_type, attachment_id FROM {cache.schema_name}.{ATTACHMENTS} "
        f"ORDER BY record_id, name")
    for row in rows:
        say(f"  {ATTACHMENTS}: c_bpartner {row['record_id']} {row['name']!r} ({row['content_type']}), "
            f"AD_Attachment_ID {row['attachment_id']}")
    # The oracle: AD_Attachment's rows for C_BPartner (GardenWorld's seed has some too), then each record's listing.
    attached = _api(emu, "GET", "models/ad_attachment", 200, params={
        "$filter": f"AD_Table_ID eq {C_BPARTNER_TABLE_ID}", "$select": "Record_ID"})["records"]
    records = {int(a["Record_ID"]) for a in attached}
    expected = {(i, e["name"]) for i in records
                for e in _api(emu, "GET", f"models/c_bpartner/{i}/attachments", 200)["attachments"]}
    got = {(int(r["record_id"]), r["name"]) for r in rows}
    if got != expected or not set(ids) <= records:
        raise DemoCheckFailed(f"{ATTACHMENTS}: DuckDB has {sorted(got)}, the emulator lists {sorted(expected)}")
    found.attachments, found.attached_records = len(rows), len(records)


def _check_report(emu: EmulatorChild, cache: DuckDBCache, parameters: dict[str, Any], found: BeyondTables) -> None:
    rows = cache.run_sql_query(f"SELECT * FROM {cache.schema_name}.{REPORT}")
    for row in rows[:3]:
        say(f"  {REPORT}: " + ", ".join(f"{k}={v}" for k, v in row.items() if not k.startswith("_airbyte")))
    if len(rows) > 3:
        say(f"  {REPORT}: ... {len(rows) - 3} more rows")
    # The oracle: the same report run straight through the REST API, its CSV parsed by the csv module.
    answer = _api(emu, "POST", "processes/rv_orderdetail", 200, {**parameters, "report-type": "CSV"})
    direct = list(csv.DictReader(io.StringIO(base64.b64decode(answer["exportFile"]).decode(), newline="")))
    want = Counter((str(r["Document No"]), str(r["Line No"])) for r in direct)
    got = Counter((str(r["document_no"]), str(r["line_no"])) for r in rows)
    if not rows or got != want:
        raise DemoCheckFailed(f"{REPORT}: DuckDB has {len(rows)} rows, the report run directly prints "
                              f"{len(direct)} (document/line pairs differ: {sorted((got - want) + (want - got))[:5]})")
    found.report_rows, found.report_partner = len(rows), str(direct[0]["Business Partner"])
    found.report_product = str(direct[0]["Product"])
    say(f"  {REPORT}: {len(rows)} order lines of {found.report_partner!r} for {found.report_product!r}, "
        f"the same as the report run directly")


def import_through_i_bpartner(emu: EmulatorChild, output: Path, found: BeyondTables) -> None:
    """Reverse ETL through an import table, and an order with its lines, in one destination-idempiere write.

    The staging DuckDB gets ``i_bpartner`` and ``c_order`` from the source (their schemas and rows), which SQL
    then replaces with the rows to write. destination-idempiere appends the I_BPartner rows, runs
    Import_BPartner after that stream (``post_write_processes``), reads the rows back and rejects the ones the
    process refused, with its ``I_ErrorMsg`` as the reason. The order carries its lines as a JSON array column
    ``c_orderline``, which PyAirbyte hands to the destination as an array of objects: one document, one request.
    """
    staging_path = output / "import_staging.duckdb"
    staging_path.unlink(missing_ok=True)
    staging = duckdb_cache(staging_path)
    source = get_idempiere_source(connector_config(emu.base_url), ["i_bpartner", "c_order"])
    staged_read = source.read(cache=staging, force_full_refresh=True)
    _stage_import_rows(staging)
    for suffix, name, group in IMPORT_ROWS:
        say(f"  staged i_bpartner {IMPORT_PREFIX}{suffix}: {name!r}, GroupValue {group!r}")
    _stage_order_with_lines(staging)
    say(f"  staged c_order {ORDER_NO} with c_orderline {json.dumps(_order_lines_json())}")
    rejected_path = output / "rejected_import_records.jsonl"
    rejected_path.unlink(missing_ok=True)
    before, lines_before = emu.count("C_BPartner"), emu.count("C_OrderLine")
    destination = get_idempiere_destination(
        connector_config(emu.base_url, reject_policy="continue", rejected_records_path=str(rejected_path),
                         post_write_processes=IMPORT_PROCESS),
        progress=say,
    )
    destination.write(staged_read, write_strategy="append")
    gained = emu.count("C_BPartner") - before
    rejects = [json.loads(line) for line in rejected_path.read_text().splitlines()] if rejected_path.exists() else []
    for reject in rejects:
        say(f"  REJECTED {reject['record'].get('value')}: {reject['reason']}")
    imported = _api(emu, "GET", "models/c_bpartner", 200,
                    params={"$filter": f"startswith(Value,'{IMPORT_PREFIX}')", "$orderby": "Value"})["records"]
    for partner in imported:
        group = partner["C_BP_Group_ID"]
        say(f"  C_BPartner {partner['id']}: {partner['Value']} {partner['Name']!r}, group "
            f"{group.get('identifier') if isinstance(group, dict) else group!r}")
    valid = [f"{IMPORT_PREFIX}{s}" for s, _, g in IMPORT_ROWS if g in ("Standard", "Vendor")]
    if [p["Value"] for p in imported] != valid or gained != len(valid):
        raise DemoCheckFailed(f"expected C_BPartner rows {valid} from the import, the emulator has "
                              f"{[p['Value'] for p in imported]} (C_BPartner gained {gained} rows)")
    if len(rejects) != 1 or "ERR=Invalid Group" not in rejects[0]["reason"]:
        raise DemoCheckFailed(f"expected one reject with I_ErrorMsg 'ERR=Invalid Group', got {rejects}")
    found.imported = valid
    _check_order(emu, emu.count("C_OrderLine") - lines_before, found)
    found.import_rejects = [f"{r['record'].get('value')}: {r['reason']}" for r in rejects]


def _stage_import_rows(staging: DuckDBCache) -> None:
    """Replace the staged ``i_bpartner`` table by the rows to import (one statement per call, as DuckDB needs)."""
    schema = staging.schema_name
    values = ", ".join(f"('{IMPORT_PREFIX}{s}', '{n}', '{g}')" for s, n, g in IMPORT_ROWS)
    staging.execute_sql(
        f"CREATE OR REPLACE TABLE {schema}.import_staged AS SELECT CAST(NULL AS BIGINT) AS id, v.value, v.name, "
        f"v.groupvalue, TRUE AS iscustomer, uuid()::VARCHAR AS _airbyte_raw_id, now() AS _airbyte_extracted_at, "
        f"CAST('{{}}' AS JSON) AS _airbyte_meta FROM (VALUES {values}) AS v(value, name, groupvalue)")
    staging.execute_sql(f"DROP TABLE {schema}.i_bpartner")
    staging.execute_sql(f"ALTER TABLE {schema}.import_staged RENAME TO i_bpartner")


def _check_order(emu: EmulatorChild, lines_gained: int, found: BeyondTables) -> None:
    orders = _api(emu, "GET", "models/c_order", 200, params={"$filter": f"DocumentNo eq '{ORDER_NO}'"})["records"]
    if len(orders) != 1:
        raise DemoCheckFailed(f"expected one C_Order {ORDER_NO}, the emulator has {len(orders)}")
    lines = _api(emu, "GET", "models/c_orderline", 200, params={
        "$filter": f"C_Order_ID eq {orders[0]['id']}", "$orderby": "Line"})["records"]
    got = [(int(li["Line"]), li["M_Product_ID"]["identifier"], float(li["QtyEntered"])) for li in lines]
    for line in got:
        say(f"  C_Order {orders[0]['id']} ({ORDER_NO}) line {line[0]}: {line[2]:g} x {line[1]}")
    # A product's identifier over REST is "<Value>_<Name>"; the record named the product by its Name.
    matches = [n == gn and (gp == p or gp.endswith("_" + p)) and float(q) == gq
               for (n, p, q), (gn, gp, gq) in zip(ORDER_LINES, got)]
    if len(got) != len(ORDER_LINES) or not all(matches) or lines_gained != len(ORDER_LINES):
        raise DemoCheckFailed(f"order {ORDER_NO}: expected lines {ORDER_LINES}, the emulator has {got} "
                              f"(C_OrderLine gained {lines_gained} rows)")
    found.order_lines = len(got)


def _order_lines_json() -> list[dict[str, Any]]:
    return [{"Line": n, "M_Product_ID": p, "QtyEntered": q} for n, p, q in ORDER_LINES]


def _stage_order_with_lines(staging: DuckDBCache) -> None:
    """Replace the staged ``c_order`` table by one new order, its header taken from the first sales order."""
    schema = staging.schema_name
    lines = json.dumps(_order_lines_json()).replace("'", "''")
    staging.execute_sql(
        f"CREATE OR REPLACE TABLE {schema}.order_staged AS SELECT CAST(NULL AS BIGINT) AS id, "
        f"'{ORDER_NO}' AS documentno, src.c_doctypetarget_id, src.c_bpartner_id, src.dateordered, "
        f"src.dateordered AS datepromised, src.c_paymentterm_id, src.m_pricelist_id, "
        f"CAST('{lines}' AS JSON) AS c_orderline, src._airbyte_raw_id, src._airbyte_extracted_at, src._airbyte_meta "
        f"FROM {schema}.c_order AS src WHERE src.issotrx ORDER BY src.id LIMIT 1")
    staging.execute_sql(f"DROP TABLE {schema}.c_order")
    staging.execute_sql(f"ALTER TABLE {schema}.order_staged RENAME TO c_order")


def _api(emu: EmulatorChild, method: str, path: str, status: int, body: dict[str, Any] | None = None,
         params: dict[str, str] | None = None) -> Any:
    """One call to the emulator's REST API with its service token: the oracle the demo checks against."""
    response = requests.request(method, f"{emu.base_url}/api/v1/{path}", json=body, params=params, timeout=60,
                                headers={"Authorization": "Bearer " + emu.s2s_token})
    if response.status_code != status:
        raise DemoCheckFailed(f"{method} /api/v1/{path}: HTTP {response.status_code} {response.text[:300]}")
    return response.json() if response.content else None  # a new attachment answers 201 without a body
