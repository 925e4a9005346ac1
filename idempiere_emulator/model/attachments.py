"""A record's attachments (spec §7.6): what the plugin's attachment methods do to ``AD_Attachment``.

Facts reproduced (bxservice/idempiere-rest ``ModelResourceImpl`` + ``POParser``; iDempiere core ``MAttachment``,
``MAttachmentEntry``, ``AttachmentDBSystem``, ``MimeType``):

* the record is found like a GET by id, with *read* access even for POST and DELETE (``POParser(..., false)``):
  unknown or denied table 404/403, then an id that is neither an integer nor a UUID escapes (container 500),
  then record 404 ``Record not found`` / 403 ``Access denied``. The view's where clause is not applied;
* one ``AD_Attachment`` row per record (``AD_Table_ID`` + ``Record_ID``, or ``Record_UU`` when the record has
  no integer id), created with the record's tenant and organization. With the database storage provider its
  entries are one zip in ``BinaryData`` (``Title`` ``zip``); without entries ``BinaryData`` is null;
* adding or removing an entry saves that row, so its ``Updated`` moves; the record itself is never touched;
* an entry's content type comes from its name's extension (``MimeType``), else ``application/octet-stream``;
* ``overwrite`` removes the entry of that name and adds the new one at the end; a duplicate name without it is
  409 and nothing is saved (a zip upload is all or nothing); removing the last entry by name keeps an empty
  row, ``DELETE .../attachments`` deletes the row.
"""
from __future__ import annotations

import base64
import binascii
import io
import re
import time
import uuid
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass

from erp_emulator.clock import epoch_text, now_text

from ..catalog import Catalog, Table
from ..catalog.views import RestView
from ..data.dataset import seed_ad_table
from ..data.store import Store
from ..errors import EmulatorError
from ..session import Session
from .access import Access
from .rows import UUID_RE, Rows

TABLE = "AD_Attachment"
OCTETS = "application/octet-stream"
# MimeType's table for the extensions an ERP's attachments usually have (anything else is OCTETS)
_MIME = {
    ".pdf": "application/pdf", ".png": "image/png", ".gif": "image/gif", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
    ".bmp": "image/bmp", ".tif": "image/tiff", ".tiff": "image/tiff", ".txt": "text/plain", ".log": "text/plain",
    ".csv": "text/csv; charset=utf-8", ".xml": "text/xml", ".htm": "text/html", ".html": "text/html",
    ".xls": "application/vnd.ms-excel", ".doc": "application/msword", ".rtf": "application/rtf",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".zip": "application/zip",
}
_INT = re.compile(r"[+-]?\d{1,10}")
_NOT_BASE64 = re.compile(r"[^A-Za-z0-9+/=]")


def content_type(name: str) -> str:
    """``MimeType.getMimeType``: the text from the last dot, compared lower-cased."""
    dot = name.rfind(".")
    return _MIME.get(name[dot:].lower(), OCTETS) if dot >= 0 else OCTETS


def lenient_base64(text: str) -> bytes:
    """``DatatypeConverter.parseBase64Binary``: characters outside the alphabet are skipped; b"" if it cannot."""
    clean = _NOT_BASE64.sub("", text)
    try:
        return base64.b64decode(clean[: len(clean) // 4 * 4])
    except (binascii.Error, ValueError):
        return b""


def pack(entries: list[tuple[str, bytes]], at: float | None = None) -> bytes:
    """The zip ``AttachmentDBSystem`` keeps in BinaryData: deflated entries in order, comment ``iDempiere``."""
    stamp = time.gmtime(time.time() if at is None else at)[:6]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.comment = b"iDempiere"
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
    return buf.getvalue()


def unpack(data: bytes) -> list[tuple[str, bytes]]:
    """Entries of a zip in order (``ZipInputStream``: bytes that are no zip hold no entries)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return [(info.filename, zf.read(info)) for info in zf.infolist()]
    except (zipfile.BadZipFile, EOFError, ValueError):
        return []


@dataclass(frozen=True)
class Target:
    """The record an attachment request names, as ``PO.getAttachment`` keys it."""

    table: Table
    record_id: int  # 0 for records without an integer id
    record_uu: str | None
    client_id: int
    org_id: int


class Attachments:
    """The attachment operations of one emulator; every method raises ``EmulatorError`` like the plugin."""

    def __init__(self, store: Store, catalog: Catalog, access: Access, rows: Rows,
                 views: Mapping[str, RestView]) -> None:
        self.store = store
        self.catalog = catalog
        self.access = access
        self.rows = rows
        self.views = views

    # ---- the record ------------------------------------------------------------------------
    def target(self, session: Session, name: str, rid: str, *, views: str = "no") -> Target:
        """The record of ``/{models|views}/{name}/{rid}/attachments``.

        ``views``: ``"must"`` (GET/DELETE under /views: an unknown view is 404), ``"may"`` (every POST: the plugin
        looks the name up as a view first, also under /models) or ``"no"``.
        """
        view = self.views.get(name) if views != "no" else None
        if views == "must" and view is None:
            raise EmulatorError(404, "Invalid rest view name", f"No match found for rest view name: {name}")
        table = self.access.readable(session, view.table if view is not None else name)
        if not UUID_RE.match(rid) and not (_INT.fullmatch(rid) and -2**31 <= int(rid) < 2**31):
            raise EmulatorError(500, empty_body=True)  # RestUtils.getIntegerValue's exception escapes POParser
        row = self.rows.find_row(session, table, rid)
        return Target(table, int(row[table.key]) if table.key else 0,
                      row.get(table.uu_column) if table.uu_column else None,
                      int(row.get("AD_Client_ID") or session.client_id), int(row.get("AD_Org_ID") or 0))

    # ---- reads -----------------------------------------------------------------------------
    def _row(self, t: Target) -> dict | None:
        """``MAttachment.get``: by Record_ID when the record has one, else by Record_UU (first row found)."""
        if t.record_id > 0:
            where, value = "Record_ID=?", t.record_id
        elif t.record_uu:
            where, value = "Record_UU=?", t.record_uu
        else:
            return None
        rows = self.store.query_dicts(f'SELECT * FROM "{TABLE}" WHERE AD_Table_ID=? AND {where} '
                                      f'ORDER BY AD_Attachment_ID LIMIT 1', (t.table.table_id, value))
        return rows[0] if rows else None

    @staticmethod
    def _entries(row: dict) -> list[tuple[str, bytes]]:
        data = base64.b64decode(row["BinaryData"]) if row.get("BinaryData") else b""
        if not data:
            return []
        if row.get("Title") != "zip":  # the old format: one file named by Title
            return [(str(row.get("Title")), data)]
        return unpack(data)

    def entries(self, t: Target) -> list[tuple[str, bytes]] | None:
        """The entries in order, or None when the record has no AD_Attachment row at all."""
        row = self._row(t)
        return None if row is None else self._entries(row)

    def entry(self, t: Target, name: str) -> bytes | None:
        """One entry's bytes by exact name (None: the plugin answers 204)."""
        for entry_name, data in self.entries(t) or []:
            if entry_name == name:
                return data
        return None

    def zip_of(self, t: Target) -> bytes | None:
        """``MAttachment.saveAsZip``: every entry in one zip; None without entries (204)."""
        found = self.entries(t)
        return pack(found) if found else None

    # ---- writes ----------------------------------------------------------------------------
    def add(self, session: Session, t: Target, files: list[tuple[str, bytes]], overwrite: bool) -> None:
        """Add ``files`` in order (one entry, or a zip's entries); a duplicate without overwrite is 409."""
        with self.store.transaction():
            row = self._row(t)
            entries = self._entries(row) if row is not None else []
            for name, data in files:
                same = [i for i, (n, _) in enumerate(entries) if n == name]
                if same and not overwrite:
                    raise EmulatorError(409, "Duplicate file name", f"Duplicate file name: {name}")
                if same:
                    del entries[same[0]]
                entries.append((name, data))
            self._save(session, t, row, entries)

    def delete_entry(self, session: Session, t: Target, name: str) -> None:
        with self.store.transaction():
            row = self._row(t)
            if row is None:
                raise _no_attachments(t)
            entries = self._entries(row)
            found = [i for i, (n, _) in enumerate(entries) if n == name]
            if not found:
                raise EmulatorError(404, "No matching attachment entry", f"No attachment entry is found for name {name}")
            del entries[found[0]]
            self._save(session, t, row, entries)

    def delete_all(self, t: Target) -> None:
        with self.store.transaction():
            row = self._row(t)
            if row is None:
                raise _no_attachments(t)
            self.store.execute(f'DELETE FROM "{TABLE}" WHERE AD_Attachment_ID=?', (row["AD_Attachment_ID"],))

    def _save(self, session: Session, t: Target, row: dict | None, entries: list[tuple[str, bytes]]) -> None:
        """``attachment.saveEx()``: the zip (or null), Title ``zip`` once it holds entries, Updated now."""
        now = now_text()
        data = base64.b64encode(pack(entries)).decode("ascii") if entries else None
        if row is not None:
            title = "zip" if entries else row.get("Title")
            self.store.execute(f'UPDATE "{TABLE}" SET BinaryData=?, Title=?, Updated=?, UpdatedBy=? '
                               f'WHERE AD_Attachment_ID=?', (data, title, now, session.user_id, row["AD_Attachment_ID"]))
            return
        table = self.catalog.get(TABLE)
        assert table is not None
        self.store.insert(TABLE, attachment_row(self.store.next_id(table), t, data, now, session.user_id))


def attachment_row(key: int, t: Target, data: str | None, when: str, user: int, uu: str | None = None) -> dict:
    """A new AD_Attachment row for ``t`` (``PO.createAttachment``: the record's tenant and organization)."""
    return {"AD_Attachment_ID": key, "AD_Client_ID": t.client_id, "AD_Org_ID": t.org_id, "IsActive": "Y",
            "Created": when, "CreatedBy": user, "Updated": when, "UpdatedBy": user, "AD_Table_ID": t.table.table_id,
            "Record_ID": t.record_id, "Record_UU": t.record_uu, "Title": "zip" if data else ".", "BinaryData": data,
            "AD_Attachment_UU": uu or str(uuid.uuid4())}


def _no_attachments(t: Target) -> EmulatorError:
    rid = t.record_id if t.record_id > 0 else t.record_uu
    return EmulatorError(404, "No attachments", f"No attachment is found for record with id {rid}")


# ---- demo data -----------------------------------------------------------------------------------
_SEED_AT = 1_700_000_000  # 2023-11-14: after the documents, before any test's "now"
_SEED = (  # (table, key column, key value or UU, entries)
    ("C_BPartner", "C_BPartner_ID", 117, [("contract.pdf", b"%PDF-1.4\n% C&W supply contract\n%%EOF\n"),
                                          ("logo.png", b"\x89PNG\r\n\x1a\nC&W logo")]),
    ("C_BPartner", "C_BPartner_ID", 118, [("notes.txt", b"Joe prefers deliveries before noon.\n")]),
    ("C_Order", "C_Order_ID", 100, [("confirmation.pdf", b"%PDF-1.4\n% order confirmation\n%%EOF\n")]),
    ("C_Order", "C_Order_ID", 101, [("delivery.csv", b"line,product,qty\n10,Azalea Bush,2\n")]),
    ("M_Product", "M_Product_ID", 122, [("azalea.jpg", b"\xff\xd8\xff\xe0 azalea photo")]),
    ("TestUU", "TestUU_UU", "6f1d7a4e-0c1b-4e53-9c38-3c1f5d1b2a01", [("readme.txt", b"A record keyed by UUID.\n")]),
)


def seed_attachments(store: Store, catalog: Catalog) -> None:
    """A few attachments on partners, orders, a product and a UUID-keyed record (those that exist)."""
    for n, (name, keycol, value, files) in enumerate(_SEED):
        table = catalog.get(name)
        assert table is not None
        found = store.query_dicts(f'SELECT * FROM "{table.name}" WHERE "{keycol}"=?', (value,))
        if not found:  # e.g. --rows 0: no orders
            continue
        row = found[0]
        t = Target(table, int(row[table.key]) if table.key else 0, row.get(table.uu_column),
                   int(row["AD_Client_ID"]), int(row["AD_Org_ID"]))
        at = _SEED_AT + n * 86400
        data = base64.b64encode(pack(files, at)).decode("ascii")
        store.insert(TABLE, attachment_row(101 + n, t, data, epoch_text(at, 250), 100,
                                           str(uuid.uuid5(uuid.NAMESPACE_URL, f"ad_attachment/{n}"))))


def seed_older_file(store: Store, catalog: Catalog) -> None:
    """A ``--db`` file seeded before AD_Attachment existed: describe it in AD_Table (so /models lists it) and add
    the demo attachments, once."""
    table = catalog.get(TABLE)
    assert table is not None
    if store.query("SELECT 1 FROM AD_Table WHERE AD_Table_ID=?", (table.table_id,)):
        return
    with store.transaction():
        seed_ad_table(store, catalog, [table])
        seed_attachments(store, catalog)
