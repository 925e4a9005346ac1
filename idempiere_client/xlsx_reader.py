"""Excel workbooks (``.xlsx``: SpreadsheetML in a zip, what iDempiere's ``report-type`` XLSX writes with POI's
XSSF/SXSSF) read into ``workbook_sheets.Sheet`` cells with the standard library.

Only what a report's values need is read: the workbook's sheets (in order, through its relationships) and
date system, shared strings, the cell styles' number formats and fonts, each sheet's frozen pane and its
cells: shared and inline strings, formula string results, numbers, booleans, ISO dates (``t="d"``); an
error cell is an error. Element names are matched without their namespace, so Strict OOXML reads too.
"""
from __future__ import annotations

import io
import posixpath
import re
import zipfile
from datetime import datetime
from typing import Any
from xml.etree import ElementTree

from idempiere_client.process_output import ReportOutputError
from idempiere_client.workbook_sheets import Sheet, number_value

# The built-in number formats (ECMA-376 §18.8.30) that are not General; a style names them by id only.
_BUILTIN = {1: "0", 2: "0.00", 3: "#,##0", 4: "#,##0.00", 9: "0%", 10: "0.00%", 11: "0.00E+00", 12: "# ?/?",
            13: "# ??/??", 14: "mm-dd-yy", 15: "d-mmm-yy", 16: "d-mmm", 17: "mmm-yy", 18: "h:mm AM/PM",
            19: "h:mm:ss AM/PM", 20: "h:mm", 21: "h:mm:ss", 22: "m/d/yy h:mm", 37: "#,##0 ;(#,##0)",
            38: "#,##0 ;[Red](#,##0)", 39: "#,##0.00;(#,##0.00)", 40: "#,##0.00;[Red](#,##0.00)",
            45: "mm:ss", 46: "[h]:mm:ss", 47: "mmss.0", 48: "##0.0E+0"}
_REF = re.compile(r"([A-Z]+)([0-9]+)")


def read_xlsx(data: bytes, *, what: str) -> list[Sheet]:
    """Every worksheet of an ``.xlsx`` file, in workbook order.

    Raises:
        ReportOutputError: not a zip, a part missing or not XML, or a cell holding an Excel error value.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return _Book(archive, what).sheets()
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, ValueError, IndexError) as exc:
        raise ReportOutputError(f"{what} is not a readable XLSX workbook ({type(exc).__name__}: {exc})") from None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _all(element: ElementTree.Element, name: str) -> list[ElementTree.Element]:
    return [e for e in element.iter() if _local(e.tag) == name]


def _attr(element: ElementTree.Element, name: str) -> str | None:
    """An attribute by local name (``r:id`` in any namespace)."""
    return next((v for k, v in element.attrib.items() if _local(k) == name), None)


def _flag(element: ElementTree.Element, name: str) -> bool:
    """A boolean child such as ``<b/>`` or ``<b val="false"/>`` of a font."""
    found = [e for e in element if _local(e.tag) == name]
    return bool(found) and (found[0].get("val") or "true").lower() not in ("0", "false")


def _text(element: ElementTree.Element) -> str:
    """A string item's text: its ``t`` and rich-text runs' ``t``, without phonetic runs (``rPh``)."""
    parts = []
    for child in element:
        if _local(child.tag) == "t":
            parts.append(child.text or "")
        elif _local(child.tag) == "r":
            parts += [t.text or "" for t in child if _local(t.tag) == "t"]
    return "".join(parts)


class _Book:
    def __init__(self, archive: zipfile.ZipFile, what: str) -> None:
        self.archive, self.what = archive, what
        root = self._xml("_rels/.rels")
        self.path = next(_target("", r) for r in _all(root, "Relationship")
                         if (r.get("Type") or "").endswith("/officeDocument"))
        self.workbook = self._xml(self.path)
        pr = _all(self.workbook, "workbookPr")
        self.datemode = 1 if pr and (pr[0].get("date1904") or "").lower() in ("1", "true") else 0
        folder = posixpath.dirname(self.path)
        rels = _all(self._xml(posixpath.join(folder, "_rels", posixpath.basename(self.path) + ".rels")), "Relationship")
        self.parts = {r.get("Id"): _target(folder, r) for r in rels}
        typed = {(r.get("Type") or "").rsplit("/", 1)[-1]: _target(folder, r) for r in rels}
        self.shared = [_text(si) for si in _all(self._xml(typed["sharedStrings"]), "si")] \
            if "sharedStrings" in typed else []
        self.formats: list[tuple[str | None, bool]] = []  # per cell style: (number format, bold italic font)
        if "styles" in typed:
            root = self._xml(typed["styles"])
            codes = {int(f.get("numFmtId") or 0): f.get("formatCode") for f in _all(root, "numFmt")}
            fonts = [_flag(f, "b") and _flag(f, "i") for f in _all(root, "font")]
            for xfs in _all(root, "cellXfs"):
                for xf in (x for x in xfs if _local(x.tag) == "xf"):
                    fmt, font = int(xf.get("numFmtId") or 0), int(xf.get("fontId") or 0)
                    self.formats.append((codes.get(fmt, _BUILTIN.get(fmt)), font < len(fonts) and fonts[font]))

    def _xml(self, path: str) -> ElementTree.Element:
        return ElementTree.fromstring(self.archive.read(path.lstrip("/")))

    def sheets(self) -> list[Sheet]:
        return [self._sheet(s.get("name") or f"Sheet{n}", self.parts[_attr(s, "id")])
                for n, s in enumerate(_all(self.workbook, "sheet"), start=1)]

    def _sheet(self, name: str, path: str) -> Sheet:
        root = self._xml(path)
        panes = [p for p in _all(root, "pane") if p.get("state") in ("frozen", "frozenSplit")]
        sheet = Sheet(name, [], int(float(panes[0].get("ySplit") or 0)) if panes else 0)
        for row in _all(root, "row"):
            r = int(row.get("r") or len(sheet.rows) + 1) - 1
            sheet.rows += [[] for _ in range(r + 1 - len(sheet.rows))]
            cells = sheet.rows[r]
            for c in (e for e in row if _local(e.tag) == "c"):
                ref = _REF.fullmatch(c.get("r") or "")
                col = _column(ref.group(1)) if ref else len(cells)
                cells += [None] * (col + 1 - len(cells))
                style = int(c.get("s") or 0)
                cells[col] = self._value(c, style, name)
                if cells[col] is not None and style < len(self.formats) and self.formats[style][1]:
                    sheet.emphasised.add(r)
        return sheet

    def _value(self, c: ElementTree.Element, style: int, sheet: str) -> Any:
        kind = c.get("t") or "n"
        if kind == "inlineStr":
            found = [e for e in c if _local(e.tag) == "is"]
            return (_text(found[0]) if found else "") or None
        v = next((e.text for e in c if _local(e.tag) == "v"), None)
        if v is None or v == "":
            return None
        if kind == "s":
            return self.shared[int(v)] or None
        if kind == "str":
            return v
        if kind == "b":
            return v.strip() in ("1", "true")
        if kind == "e":
            raise ReportOutputError(f"{self._where(c, sheet)} holds the Excel error {v}, not a value")
        if kind == "d":
            return datetime.fromisoformat(v.rstrip("Z"))
        code = self.formats[style][0] if style < len(self.formats) else None
        try:
            return number_value(float(v), code, self.datemode)
        except ValueError as exc:
            raise ReportOutputError(f"{self._where(c, sheet)} is formatted as a date but holds {v} ({exc})") from None

    def _where(self, c: ElementTree.Element, sheet: str) -> str:
        return f"{self.what}: sheet {sheet!r}, cell {c.get('r') or '(no reference)'}"


def _target(folder: str, rel: ElementTree.Element) -> str:
    target = rel.get("Target") or ""
    return target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))


def _column(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1
