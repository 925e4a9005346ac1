"""RV_OrderDetail ("Order Detail"): order lines as a report, written in the format ``report-type`` asks for.

What the plugin and core decide, reproduced: a report run in batch with print preview writes HTML, CSV, XLS or
XLSX as the *export file* (``exportFile`` + ``exportFileName`` + ``exportFileLength`` in the answer) and
anything else (PDF, no ``report-type``, an unknown type) as the *PDF report* (``reportFile`` ...). The file is
named after the print format (``Order_Detail.csv``) in a fresh ``rpttmp_...`` folder. Values are printed as
ReportEngine prints them for en_US: amounts with grouping and two decimals (``1,234.50``), quantities without
decimals when whole, dates ``MM/dd/yyyy``; the CSV quotes values holding a comma, a quote or a line break.
XLSX is not produced (the emulator writes nothing it cannot build from the standard library): it is answered
like PDF. Parameters: C_BPartner_ID (comma-separated ids), DateOrdered range, M_Product_ID, IsSOTrx.
"""
from __future__ import annotations

import html
from datetime import date
from typing import Any

from .process_run import OutputFile, ProcessEnv, ProcessRun
from .report_files import pdf_bytes, xls_bytes

TITLE = "Order Detail"
HEADERS = ("Organization", "Document No", "Date Ordered", "Business Partner", "Line No", "Product", "Quantity",
           "Unit Price", "Line Amount", "Document Status")
EXPORT_TYPES = {"HTML": "html", "CSV": "csv", "XLS": "xls"}
_STATUS = {"CO": "Completed", "DR": "Drafted", "CL": "Closed", "VO": "Voided", "IP": "In Progress",
           "RE": "Reversed", "IN": "Invalid"}


def run_order_detail(run: ProcessRun, env: ProcessEnv) -> str:
    """Query, then write the file of the requested type; the summary is empty as for print-format reports."""
    rows = order_detail_rows(run, env)
    kind = EXPORT_TYPES.get(run.report_type or "")
    path = env.files.new_path(run.session.session_id, TITLE, kind or "pdf")
    text_rows = [[_display(i, v) for i, v in enumerate(r)] for r in rows]
    if kind == "csv":
        data = ("\n".join(",".join(_csv(v) for v in line) for line in [list(HEADERS), *text_rows]) + "\n").encode()
    elif kind == "html":
        data = _html(text_rows).encode()
    elif kind == "xls":
        data = xls_bytes(TITLE, list(HEADERS), [[_cell(i, v) for i, v in enumerate(r)] for r in rows])
    else:
        data = pdf_bytes(TITLE, [" | ".join(HEADERS)] + [" | ".join(line) for line in text_rows])
    with open(path, "wb") as fh:
        fh.write(data)
    if kind:
        run.export_file = OutputFile(path, kind)
    else:
        run.pdf_report = OutputFile(path, "pdf")
    return ""


def order_detail_rows(run: ProcessRun, env: ProcessEnv) -> list[tuple]:
    """Order lines of the session's tenant and orgs, filtered by the parameters, ordered by order and line."""
    access = env.writer.access
    where = [access.data_sql(run.session, env.catalog.get("C_OrderLine"), "l"), "o.IsActive='Y'", "l.IsActive='Y'"]
    args: list[Any] = []
    partners = run.value("C_BPartner_ID")
    if partners:
        ids = [int(p) for p in str(partners).split(",") if p.strip().lstrip("-").isdigit()]
        where.append(f"o.C_BPartner_ID IN ({','.join('?' * len(ids)) or 'NULL'})")
        args += ids
    in_range, range_args = run.date_range("DateOrdered", "o.DateOrdered")
    where += in_range
    args += range_args
    if run.value("M_Product_ID"):
        where.append("l.M_Product_ID = ?")
        args.append(int(run.value("M_Product_ID")))
    if run.value("IsSOTrx") in ("Y", "N"):
        where.append("o.IsSOTrx = ?")
        args.append(run.value("IsSOTrx"))
    return env.store.query(
        "SELECT org.Name, o.DocumentNo, o.DateOrdered, bp.Name, l.Line, p.Name, l.QtyOrdered, l.PriceActual, "
        "l.LineNetAmt, o.DocStatus FROM C_OrderLine l JOIN C_Order o ON o.C_Order_ID=l.C_Order_ID "
        "LEFT JOIN AD_Org org ON org.AD_Org_ID=o.AD_Org_ID LEFT JOIN C_BPartner bp ON bp.C_BPartner_ID=o.C_BPartner_ID "
        "LEFT JOIN M_Product p ON p.M_Product_ID=l.M_Product_ID WHERE " + " AND ".join(where) +
        " ORDER BY o.DocumentNo, o.C_Order_ID, l.Line", args)


def _display(index: int, value: Any) -> str:
    """A value as the en_US print format shows it."""
    if value is None:
        return ""
    if index == 2:
        return f"{date.fromisoformat(str(value)[:10]):%m/%d/%Y}"
    if index in (7, 8):
        return f"{float(value):,.2f}"
    if index == 6:
        number = float(value)
        return f"{number:,.0f}" if number.is_integer() else f"{number:,}"
    if index == 9:
        return _STATUS.get(value, value)
    return str(value)


def _cell(index: int, value: Any) -> Any:
    """XLS cells keep numbers as numbers (POI writes numeric cells) and everything else as text."""
    if index in (4, 6, 7, 8) and value is not None:
        return float(value)
    return _display(index, value)


def _csv(value: str) -> str:
    if any(ch in value for ch in ',"\n\r'):
        return '"' + value.replace('"', '""') + '"'
    return value


def _html(rows: list[list[str]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in HEADERS)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(v)}</td>" for v in r) + "</tr>\n" for r in rows)
    return (f"<!DOCTYPE html>\n<html><head><meta charset=\"UTF-8\"><title>{TITLE}</title></head><body>\n"
            f"<table>\n<tr>{head}</tr>\n{body}</table>\n</body></html>\n")
