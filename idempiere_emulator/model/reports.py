"""RV_OrderDetail ("Order Detail"): order lines as a report, written in the format ``report-type`` asks for.

What the plugin and core decide, reproduced: a report run in batch with print preview writes HTML, CSV, XLS or
XLSX as the *export file* (``exportFile`` + ``exportFileName`` + ``exportFileLength`` in the answer) and
anything else (PDF, no ``report-type``, an unknown type) as the *PDF report* (``reportFile`` ...). The file is
named after the print format (``Order_Detail.csv``) in a fresh ``rpttmp_...`` folder. Values are printed as
ReportEngine prints them for en_US: amounts with grouping and two decimals (``1,234.50``), quantities without
decimals when whole, dates ``MM/dd/yyyy``; the CSV quotes values holding a comma, a quote or a line break.
XLS and XLSX hold the sheet core's Excel exporters lay out (``report_layout``): parameter rows, header, typed
cells. Parameters: C_BPartner_ID (comma-separated ids), DateOrdered range, M_Product_ID, IsSOTrx.

The run option ``print-format-id`` ``TOTALS_PRINT_FORMAT_ID`` (an emulator-only print format, "Order Detail
Totals") adds the grand total function row core's DataEngine appends when a print format sums columns: the
message ``Sum`` in the first column, the sums of Quantity and Line Amount, nothing else; in every format, as
core prints function rows in CSV, HTML and PDF too. Other print format ids are ignored.
"""
from __future__ import annotations

import html
from datetime import date
from typing import Any

from ..catalog.processes import DATE, INTEGER, LIST, QUANTITY, SEARCH, STRING, TABLEDIR
from .process_run import OutputFile, ProcessEnv, ProcessRun
from .report_files import pdf_bytes, xls_bytes
from .report_layout import AMOUNT, COSTPRICE, ReportRow, lay_out
from .report_xlsx import xlsx_bytes

TITLE = "Order Detail"
HEADERS = ("Organization", "Document No", "Date Ordered", "Business Partner", "Line No", "Product", "Quantity",
           "Unit Price", "Line Amount", "Document Status")
DISPLAY_TYPES = (TABLEDIR, STRING, DATE, TABLEDIR, INTEGER, SEARCH, QUANTITY, COSTPRICE, AMOUNT, LIST)
SUMMED = (6, 8)  # Quantity and Line Amount: the columns the totals print format sums
TOTALS_PRINT_FORMAT_ID = 1000000
EXPORT_TYPES = {"HTML": "html", "CSV": "csv", "XLS": "xls", "XLSX": "xlsx"}
_STATUS = {"CO": "Completed", "DR": "Drafted", "CL": "Closed", "VO": "Voided", "IP": "In Progress",
           "RE": "Reversed", "IN": "Invalid"}


def run_order_detail(run: ProcessRun, env: ProcessEnv) -> str:
    """Query, then write the file of the requested type; the summary is empty as for print-format reports."""
    rows: list[tuple] = order_detail_rows(run, env)
    totals = run.print_format_id == TOTALS_PRINT_FORMAT_ID
    if totals:
        rows = [*rows, _total_row(rows)]
    kind = EXPORT_TYPES.get(run.report_type or "")
    path = env.files.new_path(run.session.session_id, TITLE, kind or "pdf")
    text_rows = [[_display(i, v) for i, v in enumerate(r)] for r in rows]
    if kind == "csv":
        data = ("\n".join(",".join(_csv(v) for v in line) for line in [list(HEADERS), *text_rows]) + "\n").encode()
    elif kind == "html":
        data = _html(text_rows).encode()
    elif kind in ("xls", "xlsx"):
        laid = [ReportRow([_element(i, v) for i, v in enumerate(r)]) for r in rows[:len(rows) - totals]]
        if totals:  # the label is a String element, whatever the first column's type
            laid.append(ReportRow([("Sum", STRING)] + [_element(i, v) for i, v in enumerate(rows[-1]) if i],
                                  function=True))
        sheet = lay_out(list(HEADERS), laid, parameter_lines(run))
        data = xls_bytes(sheet) if kind == "xls" else xlsx_bytes(sheet)
    else:
        data = pdf_bytes(TITLE, [" | ".join(HEADERS)] + [" | ".join(line) for line in text_rows])
    with open(path, "wb") as fh:
        fh.write(data)
    if kind:
        run.export_file = OutputFile(path, kind)
    else:
        run.pdf_report = OutputFile(path, "pdf")
    return ""


def parameter_lines(run: ProcessRun) -> list[tuple[str, str, str]]:
    """MQuery.get's restrictions of the run, as the Excel exporters list them: (name, operator, value text).

    A range with both ends is `` >-< `` with ``from - to``, a date range with one end `` >= `` / `` <= ``
    (the report's only date parameter is a range), any other value ``=`` (the en_US operator messages); dates
    as ``MM/dd/yyyy``, Yes-No as Y/N, ids as numbers (the lookup's display is not resolved).
    """
    lines = []
    for p in run.params:
        if p.date is not None or p.date_to is not None:
            low, high = (f"{date.fromisoformat(d[:10]):%m/%d/%Y}" if d else None for d in (p.date, p.date_to))
        else:
            low, high = (None if v is None else f"{v:g}" if isinstance(v, float) else str(v)
                         for v in (p.value, p.value_to))
        if low is not None and high is not None:
            lines.append((p.info, " >-< ", f"{low} - {high}"))
        elif high is not None:
            lines.append((p.info, " <= ", high))
        elif low is not None:
            lines.append((p.info, " >= " if p.date is not None else "=", low))
    return lines


def _total_row(rows: list[tuple]) -> tuple:
    """DataEngine's TOTAL function row: ``Sum`` in the first column, the sums of the summed columns."""
    sums = {i: sum(float(r[i] or 0) for r in rows) for i in SUMMED}
    return tuple("Sum" if i == 0 else sums.get(i) for i in range(len(HEADERS)))


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


def _element(index: int, value: Any) -> tuple[Any, int] | None:
    """A print data element for the Excel exporters: numbers and dates as values, lookups as display texts."""
    if value is None:
        return None
    return (_STATUS.get(value, value) if index == 9 else value), DISPLAY_TYPES[index]


def _csv(value: str) -> str:
    if any(ch in value for ch in ',"\n\r'):
        return '"' + value.replace('"', '""') + '"'
    return value


def _html(rows: list[list[str]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in HEADERS)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(v)}</td>" for v in r) + "</tr>\n" for r in rows)
    return (f"<!DOCTYPE html>\n<html><head><meta charset=\"UTF-8\"><title>{TITLE}</title></head><body>\n"
            f"<table>\n<tr>{head}</tr>\n{body}</table>\n</body></html>\n")
