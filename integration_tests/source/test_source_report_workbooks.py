"""Report streams with report_type XLS and XLSX end to end over HTTP against the emulator's RV_OrderDetail, whose
workbooks have core's layout (parameter rows above the header, typed cells, function rows in bold italic).

The oracle is the CSV the same run parameters give when posted directly, parsed with the csv module: the
workbook stream must have the same rows and values, with numbers and dates typed instead of printed.
"""
from __future__ import annotations

import base64
from datetime import datetime

import pytest
from airbyte_cdk.models import AirbyteStreamStatus
from airbyte_cdk.test.entrypoint_wrapper import read

from idempiere_emulator.model.reports import TOTALS_PRINT_FORMAT_ID
from source_idempiere import SourceIdempiere
from unit_tests.http.local_server import LocalServer

from .helpers import config, records
from .test_source_reports import REPORT, direct_csv, discovered, logs, report_catalog, run_answer_proxy, status_of

PARAMETERS = {"C_BPartner_ID": "117,114", "DateOrdered": "2020-01-01", "DateOrdered_to": "2030-12-31", "IsSOTrx": True}


def order_detail(report_type: str, **extra) -> dict:
    return {"name": "order_detail", "process": "rv_orderdetail", "discover_schema": True, "report_type": report_type,
            "parameters": dict(PARAMETERS), **extra}


def number(text: str | None) -> float | None:
    return None if text is None else float(text.replace(",", ""))


def as_printed(record: dict) -> dict:
    """A workbook record in the CSV's en_US print: the oracle's values are texts."""
    out = dict(record)
    out["Date Ordered"] = f"{datetime.fromisoformat(record['Date Ordered']):%m/%d/%Y}"
    out["Line No"] = str(record["Line No"])
    for column in ("Quantity", "Unit Price", "Line Amount"):
        out[column] = number(str(record[column]))
    return out


def csv_numbers(row: dict) -> dict:
    return {**row, **{c: number(row[c]) for c in ("Quantity", "Unit Price", "Line Amount")}}


@pytest.mark.parametrize(("report_type", "legacy"), [("XLS", False), ("XLSX", True)], ids=["xls", "xlsx-legacy"])
def test_a_workbook_stream_has_the_csv_rows_typed(emulator_factory, report_type, legacy):
    emu = emulator_factory(rows=40, legacy=legacy)
    cfg = config(emu, tables=["c_order"], report_streams=[order_detail(report_type)])
    catalog = report_catalog(cfg, REPORT)
    props = catalog.streams[0].stream.json_schema["properties"]
    assert list(props)[:5] == ["Organization", "Document No", "Date Ordered", "Business Partner", "Line No"]
    assert props["Date Ordered"] == {"type": ["null", "string"], "format": "date"}  # a date cell, not en_US text
    assert props["Line No"]["type"] == ["null", "integer"] and props["Line Amount"]["type"] == ["null", "number"]
    assert props["Quantity"]["type"] == ["null", "number"]  # a Quantity format has decimals, whole values or not
    assert props["Document No"]["type"] == ["null", "string"]  # a text cell: the ERP's String column
    out = read(SourceIdempiere(), cfg, catalog)
    assert not out.errors, out.get_formatted_error_message()
    got = records(out, REPORT)
    want = direct_csv(emu, PARAMETERS)
    assert len(got) == len(want) > 20
    assert [as_printed(r) for r in got] == [csv_numbers(r) for r in want]
    assert all(isinstance(r["Line Amount"], float) and isinstance(r["Line No"], int) for r in got)
    text = logs(out)
    assert "the column names are row 4 of sheet 'Sheet0' (the last row above the frozen pane); 3 rows above" in text
    assert status_of(out, REPORT)[-1] == AirbyteStreamStatus.COMPLETE


def test_function_rows_of_the_print_format_are_skipped_and_logged(emulator_factory):
    emu = emulator_factory(rows=30)
    totals = {**PARAMETERS, "print-format-id": TOTALS_PRINT_FORMAT_ID}
    cfg = config(emu, tables=["c_order"], report_streams=[order_detail("XLS", parameters=totals)])
    out = read(SourceIdempiere(), cfg, report_catalog(cfg, REPORT))
    assert not out.errors, out.get_formatted_error_message()
    want = direct_csv(emu, totals)
    assert want[-1]["Organization"] == "Sum"  # the CSV cannot tell the total from a record
    got = records(out, REPORT)
    assert [as_printed(r) for r in got] == [csv_numbers(r) for r in want[:-1]]
    assert f"skipped 1 function row (totals or group sums, in bold italic): row {len(want) + 4} of sheet" in logs(out)


def test_a_header_row_that_does_not_name_the_columns_fails_the_stream_naming_the_row(emulator_factory):
    emu = emulator_factory(rows=20)
    cfg = config(emu, tables=["c_order"], report_streams=[order_detail("XLSX")])
    catalog = report_catalog(cfg, REPORT)
    wrong = config(emu, tables=["c_order"], report_streams=[order_detail("XLSX", header_row=1)])
    out = read(SourceIdempiere(), wrong, catalog, expecting_exception=True)
    message = out.errors[0].trace.error.message
    assert ("row 4 of sheet 'Sheet0' has a value in column 5, right of the last of the 4 named columns (row 1 was "
            "taken as the column names: header_row; set header_row to the row that has them)") in message
    assert status_of(out, REPORT)[-1] == AirbyteStreamStatus.INCOMPLETE and not records(out, REPORT)


def corrupting_proxy(emu) -> LocalServer:
    """Forwards to ``emu``; a run's inline export keeps its name and length but its bytes are no workbook."""
    def rewrite(doc: dict) -> None:
        if "exportFile" in doc:
            size = doc["exportFileLength"]
            doc["exportFile"] = base64.b64encode(bytes.fromhex("D0CF11E0A1B11AE1").ljust(size, b"\x07")).decode()
    return run_answer_proxy(emu, rewrite)


def test_a_damaged_workbook_fails_discovery_and_the_read_loudly(emulator_factory):
    emu = emulator_factory(rows=20)
    good = config(emu, tables=["c_order"], report_streams=[order_detail("XLS")])
    catalog = report_catalog(good, REPORT)
    with corrupting_proxy(emu) as proxy:
        cfg = {**good, "base_url": proxy.url}
        with pytest.raises(Exception, match=r"the output of process rv_orderdetail \(Order_Detail.xls\) is not a "
                                             r"readable XLS workbook"):
            discovered(cfg)
        out = read(SourceIdempiere(), cfg, catalog, expecting_exception=True)
    message = out.errors[0].trace.error.message
    assert "the output of process rv_orderdetail (Order_Detail.xls) is not a readable XLS workbook" in message
    assert status_of(out, REPORT)[-1] == AirbyteStreamStatus.INCOMPLETE and not records(out, REPORT)
