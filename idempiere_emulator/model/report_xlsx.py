"""The XLSX file of a report (``report-type`` XLSX), built from the standard library.

Core writes it with POI's SXSSF (``XLSX_EXPORT_USE_FAST_METHOD``, on by default) with a shared string table;
the emulator writes the same parts: content types, relationships, ``docProps/core.xml`` (creator iDempiere),
the workbook (1900 date system), shared strings, styles (fonts, custom number formats from id 164, one cell
format per layout style) and the sheet ``report_layout`` lays out: text cells as shared strings (``t="s"``),
numbers and dates (serials) as number cells, empty styled cells as ``<c r=".." s=".."/>``, the frozen pane.
"""
from __future__ import annotations

import io
import zipfile
from datetime import datetime, timedelta
from xml.sax.saxutils import escape, quoteattr

from .report_layout import TEXT_FORMAT, SheetLayout

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_EPOCH = datetime(1899, 12, 30)


def xlsx_bytes(sheet: SheetLayout) -> bytes:
    """A one-sheet XLSX workbook holding the laid-out ``sheet``."""
    strings: dict[str, int] = {}
    rows = []
    for r, row in enumerate(sheet.cells, start=1):
        cells = []
        for c, cell in enumerate(row):
            if cell is None:
                continue
            ref, (value, style) = f"{_column(c)}{r}", cell
            if value is None:
                cells.append(f'<c r="{ref}" s="{style}"/>')
            elif isinstance(value, (float, datetime)):
                number = (value - _EPOCH) / timedelta(days=1) if isinstance(value, datetime) else value
                cells.append(f'<c r="{ref}" s="{style}"><v>{number!r}</v></c>')
            else:
                index = strings.setdefault(str(value), len(strings))
                cells.append(f'<c r="{ref}" s="{style}" t="s"><v>{index}</v></c>')
        rows.append(f'<row r="{r}">{"".join(cells)}</row>')
    x, y = sheet.frozen_columns, sheet.frozen_rows
    pane = (f'<pane xSplit="{x}" ySplit="{y}" topLeftCell="{_column(x)}{y + 1}" activePane="bottomRight" '
            'state="frozen"/>')
    worksheet = (f'{_HEAD}<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}"><sheetViews><sheetView workbookViewId="0">'
                 f'{pane}</sheetView></sheetViews><sheetData>{"".join(rows)}</sheetData></worksheet>')
    shared = "".join(f"<si><t xml:space=\"preserve\">{escape(s)}</t></si>" for s in strings)
    parts = {
        "[Content_Types].xml": _content_types(),
        "_rels/.rels": _rels([("officeDocument", "xl/workbook.xml"),
                              ("metadata/core-properties", "docProps/core.xml")], _REL, _PKG),
        "docProps/core.xml": f'{_HEAD}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
                             'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>'
                             'iDempiere</dc:creator></cp:coreProperties>',
        "xl/workbook.xml": f'{_HEAD}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><workbookPr date1904="false"/>'
                           f'<sheets><sheet name={quoteattr(sheet.name)} sheetId="1" r:id="rId3"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": _rels([("sharedStrings", "sharedStrings.xml"), ("styles", "styles.xml"),
                                             ("worksheet", "worksheets/sheet1.xml")], _REL, _PKG),
        "xl/sharedStrings.xml": f'{_HEAD}<sst xmlns="{_MAIN}" count="{len(strings)}" uniqueCount="{len(strings)}">'
                                f"{shared}</sst>",
        "xl/styles.xml": _styles(sheet),
        "xl/worksheets/sheet1.xml": worksheet,
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return out.getvalue()


def _styles(sheet: SheetLayout) -> str:
    codes = list(dict.fromkeys(s.number_format for s in sheet.styles if s.number_format not in (None, TEXT_FORMAT)))
    ids = {code: 164 + n for n, code in enumerate(codes)} | {None: 0, TEXT_FORMAT: 49}
    fonts = [(False, False)] + sorted({(s.bold, s.italic) for s in sheet.styles} - {(False, False)})
    num_fmts = "".join(f'<numFmt numFmtId="{ids[c]}" formatCode={quoteattr(c)}/>' for c in codes)
    font_xml = "".join("<font>" + ('<b val="true"/>' if b else "") + ('<i val="true"/>' if i else "")
                       + '<sz val="11.0"/><name val="Calibri"/></font>' for b, i in fonts)
    xfs = "".join(f'<xf numFmtId="{ids[s.number_format]}" fontId="{fonts.index((s.bold, s.italic))}" fillId="0" '
                  f'borderId="0" xfId="0" applyNumberFormat="true" applyFont="true"/>' for s in sheet.styles)
    return (f'{_HEAD}<styleSheet xmlns="{_MAIN}"><numFmts count="{len(codes)}">{num_fmts}</numFmts>'
            f'<fonts count="{len(fonts)}">{font_xml}</fonts><fills count="1"><fill><patternFill patternType="none"/>'
            '</fill></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf numFmtId="0" '
            f'fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="{len(sheet.styles)}">{xfs}</cellXfs>'
            "</styleSheet>")


def _content_types() -> str:
    ooxml = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    overrides = [("/xl/workbook.xml", f"{ooxml}.sheet.main+xml"), ("/xl/sharedStrings.xml", f"{ooxml}.sharedStrings+xml"),
                 ("/xl/styles.xml", f"{ooxml}.styles+xml"), ("/xl/worksheets/sheet1.xml", f"{ooxml}.worksheet+xml"),
                 ("/docProps/core.xml", "application/vnd.openxmlformats-package.core-properties+xml")]
    return (f'{_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            + "".join(f'<Override PartName="{p}" ContentType="{t}"/>' for p, t in overrides) + "</Types>")


def _rels(targets: list[tuple[str, str]], office: str, package: str) -> str:
    def kind(name: str) -> str:
        return f"{package}/{name}" if name.startswith("metadata/") else f"{office}/{name}"
    body = "".join(f'<Relationship Id="rId{n}" Type="{kind(t)}" Target="{p}"/>' for n, (t, p) in enumerate(targets, 1))
    return f'{_HEAD}<Relationships xmlns="{_PKG}">{body}</Relationships>'


def _column(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
