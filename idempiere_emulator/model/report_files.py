"""Report file formats built from the standard library: a plain PDF and a legacy Excel (BIFF8) workbook.

Core writes PDFs with its print engine and XLS with Apache POI (BIFF8 in an OLE2 compound file). The emulator
writes the smallest files of the same kinds that readers accept: a PDF 1.4 with Helvetica text lines, and a
BIFF8 workbook with the sheet ``report_layout`` lays out as core does (parameter rows, header, data, function
rows; fonts, number formats and the frozen pane as POI writes them): texts as LABEL records (UTF-16), numbers
and dates (serials of the 1900 date system) as NUMBER records, empty styled cells as BLANK records. POI writes
texts to a shared string table (LABELSST), which readers resolve to the same strings. The OLE2 container holds
a single ``Workbook`` stream (padded to 4096 bytes, so there is no mini stream). The XLSX is ``report_xlsx``.
"""
from __future__ import annotations

import struct
from datetime import datetime, timedelta

from .report_layout import TEXT_FORMAT, SheetLayout

_END, _FREE, _FATSECT, _NONE = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
_SECTOR = 512
_EPOCH = datetime(1899, 12, 30)  # serial 0 of the 1900 date system (for every date after 1900-02-28)


def pdf_bytes(title: str, lines: list[str]) -> bytes:
    """A PDF with ``title`` and ``lines`` (70 per page) in 8 pt Helvetica."""
    pages = [lines[i:i + 70] for i in range(0, max(len(lines), 1), 70)] or [[]]
    objects: list[bytes] = []
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(len(pages)))
    font_id = 3 + 2 * len(pages)
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode())
    for n, chunk in enumerate(pages):
        text = [f"({_pdf_text(title)}) Tj T* T*"] if n == 0 else []
        text += [f"({_pdf_text(line)}) Tj T*" for line in chunk]
        stream = f"BT /F1 8 Tf 36 756 Td 10 TL {' '.join(text)} ET".encode("latin-1", "replace")
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {4 + 2 * n} 0 R "
                       f"/Resources << /Font << /F1 {font_id} 0 R >> >> >>".encode())
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _pdf_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def xls_bytes(sheet: SheetLayout) -> bytes:
    """A BIFF8 workbook holding the laid-out ``sheet`` (``report_layout.lay_out``)."""
    return _compound_file(_workbook(sheet))


def _record(rtype: int, data: bytes) -> bytes:
    if len(data) > 8224:
        raise ValueError("a BIFF8 record holds at most 8224 bytes (the emulator writes no CONTINUE records)")
    return struct.pack("<HH", rtype, len(data)) + data


def _short_string(text: str) -> bytes:
    raw = text[:255].encode("utf-16-le")
    return struct.pack("<BB", len(raw) // 2, 1) + raw


def _long_string(text: str) -> bytes:
    raw = text.encode("utf-16-le")
    return struct.pack("<HB", len(raw) // 2, 1) + raw


def _bof(kind: int) -> bytes:
    """BIFF8 BOF: 0x0005 workbook globals, 0x0010 worksheet."""
    return _record(0x0809, struct.pack("<HHHHII", 0x0600, kind, 0x0DBB, 0x07CC, 0, 6))


def _font(bold: bool, italic: bool) -> bytes:
    """FONT: 10 pt Arial; italic is option bit 1, bold the weight (700), as POI writes them."""
    return _record(0x0031, struct.pack("<HHHHHBBBB", 200, 2 if italic else 0, 0x7FFF, 700 if bold else 400,
                                       0, 0, 0, 0, 0) + _short_string("Arial"))


def _xf(font: int, fmt: int, style: bool) -> bytes:
    flags = 0xFFF5 if style else 0x0001  # style XF (parent none) / cell XF locked, parent style XF 0
    return _record(0x00E0, struct.pack("<HHHBBBBIIH", font, fmt, flags, 0x20, 0, 0, 0 if style else 0xFC, 0, 0,
                                       0x20C0))


def _workbook(sheet: SheetLayout) -> bytes:
    """Globals (fonts, formats, 15 style XFs + one cell XF per layout style, the sheet's BOUNDSHEET), then the
    sheet: its cells as LABEL (text), NUMBER (numbers, dates as serials) and BLANK records, WINDOW2 + PANE."""
    extra_fonts = sorted({(s.bold, s.italic) for s in sheet.styles} - {(False, False)})
    font_index = {(False, False): 0} | {f: 5 + n for n, f in enumerate(extra_fonts)}  # there is no font 4
    codes = list(dict.fromkeys(s.number_format for s in sheet.styles if s.number_format not in (None, TEXT_FORMAT)))
    formats = {code: 164 + n for n, code in enumerate(codes)} | {None: 0, TEXT_FORMAT: 49}
    globals_ = (_bof(0x0005) + _record(0x0042, struct.pack("<H", 1200))
                + _record(0x003D, struct.pack("<HHHHHHHHH", 0, 0, 0x3000, 0x1E00, 0x38, 0, 0, 1, 0x258))
                + _record(0x0022, struct.pack("<H", 0))  # DATEMODE: the 1900 date system
                + _font(False, False) * 4 + b"".join(_font(*f) for f in extra_fonts)
                + b"".join(_record(0x041E, struct.pack("<H", formats[c]) + _long_string(c)) for c in codes)
                + _xf(0, 0, True) * 15
                + b"".join(_xf(font_index[(s.bold, s.italic)], formats[s.number_format], False) for s in sheet.styles)
                + _record(0x0293, struct.pack("<HBB", 0x8000, 0, 0xFF)))
    sheet_name = _short_string(sheet.name)
    eof = _record(0x000A, b"")
    offset = len(globals_) + 4 + 6 + len(sheet_name) + len(eof)
    globals_ += _record(0x0085, struct.pack("<IBB", offset, 0, 0) + sheet_name) + eof
    cols = max((len(r) for r in sheet.cells), default=0)
    body = bytearray(_bof(0x0010))
    body += _record(0x0200, struct.pack("<IIHHH", 0, len(sheet.cells), 0, cols, 0))
    for r, row in enumerate(sheet.cells):
        for c, cell in enumerate(row):
            if cell is None:
                continue
            value, xf = cell[0], 15 + cell[1]
            if value is None:
                body += _record(0x0201, struct.pack("<HHH", r, c, xf))
            elif isinstance(value, (float, datetime)):
                number = (value - _EPOCH) / timedelta(days=1) if isinstance(value, datetime) else value
                body += _record(0x0203, struct.pack("<HHHd", r, c, xf, number))
            else:
                body += _record(0x0204, struct.pack("<HHH", r, c, xf) + _long_string(str(value)))
    x, y = sheet.frozen_columns, sheet.frozen_rows
    body += _record(0x023E, struct.pack("<HHHHHHHHH", 0x06B6 | 0x0108, 0, 0, 0x40, 0, 0, 0, 0, 0))  # + frozen
    body += _record(0x0041, struct.pack("<HHHHBB", x, y, y, x, 0, 0)) + eof
    return globals_ + bytes(body)


def _compound_file(stream: bytes) -> bytes:
    """OLE2 (v3, 512-byte sectors): FAT sectors, the Workbook stream, one directory sector."""
    stream = stream.ljust(max(4096, -(-len(stream) // _SECTOR) * _SECTOR), b"\0")
    n = len(stream) // _SECTOR
    fat_sectors = 1
    while fat_sectors * 128 < fat_sectors + n + 1:
        fat_sectors += 1
    if fat_sectors > 109:
        raise ValueError("report too large for a workbook without DIFAT sectors")
    fat = [_FATSECT] * fat_sectors + [fat_sectors + i + 1 for i in range(n - 1)] + [_END, _END]
    fat += [_FREE] * (fat_sectors * 128 - len(fat))
    difat = list(range(fat_sectors)) + [_FREE] * (109 - fat_sectors)
    header = (bytes.fromhex("D0CF11E0A1B11AE1") + bytes(16)
              + struct.pack("<HHHHH6sIIIIIIIII", 0x3E, 3, 0xFFFE, 9, 6, bytes(6), 0, fat_sectors,
                            fat_sectors + n, 0, 4096, _END, 0, _END, 0)
              + struct.pack("<109I", *difat))
    directory = (_dir_entry("Root Entry", 5, child=1, start=_END, size=0)
                 + _dir_entry("Workbook", 2, child=_NONE, start=fat_sectors, size=len(stream))
                 + _dir_entry("", 0, child=_NONE, start=0, size=0) * 2)
    return header + struct.pack(f"<{len(fat)}I", *fat) + stream + directory


def _dir_entry(name: str, kind: int, *, child: int, start: int, size: int) -> bytes:
    raw = (name.encode("utf-16-le") + b"\0\0") if name else b""
    return (raw.ljust(64, b"\0") + struct.pack("<HBBIII", len(raw), kind, 1 if kind else 0, _NONE, _NONE, child)
            + bytes(16) + struct.pack("<IQQIQ", 0, 0, 0, start, size))
