"""A record's attachments (spec §7.6) and the ``AD_Attachment`` rows that tell which records have them.

Facts this module relies on (bxservice/idempiere-rest ``ModelResourceImpl``; iDempiere core ``MAttachment``):

* ``GET models/{t}/{id}/attachments`` -> ``{"attachments": [{"name", "contentType"?}]}``, an empty list when the
  record has none; 404/403 exactly as a GET by id (the record is gone, or the role may not read it);
* ``GET .../attachments/{name}?json`` -> ``{"data": "<base64>"}``, 204 when no entry has that name. The method
  ``@Produces(application/octet-stream)``, so the request must accept that type (Jersey answers 406 otherwise)
  although the ``?json`` body is JSON; the listing has no sizes, so a size is known only from the content;
* ``AD_Attachment`` holds one row per record that has attachments: ``AD_Table_ID``, ``Record_ID`` (0 when the
  record has no integer id), ``Record_UU`` (iDempiere 11+), and an ``Updated`` that moves with every added,
  replaced or removed entry (the record's own ``Updated`` does not). Its ``BinaryData`` holds the entries
  themselves in a storage-provider-specific form, so reads ``$select`` only the index columns.
"""
from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from erp_http.errors import ApiError
from erp_http.sender import RequestOptions
from idempiere_client.filters import F
from idempiere_client.literals import literal
from idempiere_client.metadata import TableMeta
from idempiere_client.paging import Page

ATTACHMENT_TABLE = "ad_attachment"
INDEX_COLUMNS = ("Record_ID", "Record_UU", "Updated")  # what a reader of AD_Attachment needs (never BinaryData)
_OCTETS = RequestOptions(accept="application/octet-stream")


@dataclass(frozen=True)
class AttachmentEntry:
    """One entry of a record's attachment, as the listing names it."""

    name: str
    content_type: str | None


def attachments_path(table: str, record: int | str) -> str:
    """``models/{table}/{id or uuid}/attachments``."""
    return f"models/{table.lower()}/{quote(str(record), safe='')}/attachments"


def list_entries(client: Any, table: str, record: int | str) -> list[AttachmentEntry]:
    """The record's entries in the server's order.

    Raises:
        ApiError: 404/403 for the record (as a GET by id), or an answer without an ``attachments`` list.
    """
    path = attachments_path(table, record)
    body = client.get(path)
    items = body.get("attachments") if isinstance(body, dict) else None
    if not isinstance(items, list):
        raise ApiError(200, "Unexpected attachments response", "no 'attachments' array", "GET", path)
    out = []
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            raise ApiError(200, "Unexpected attachments response", f"an entry without a name: {item!r:.80}", "GET", path)
        ctype = item.get("contentType")
        out.append(AttachmentEntry(item["name"], ctype if isinstance(ctype, str) and ctype else None))
    return out


def entry_content(client: Any, table: str, record: int | str, name: str) -> bytes | None:
    """One entry's bytes (``?json``), or None when the record has no entry of that name any more (204).

    Raises:
        ApiError: an error answer, or a 200 without base64 ``data``.
    """
    path = f"{attachments_path(table, record)}/{quote(name, safe='')}"
    reply = client.sender.send("GET", path, params={"json": ""}, options=_OCTETS)
    if reply.status == 204:
        return None
    if not reply.ok:
        raise client.sender.api_error(reply)
    data = reply.body.get("data") if isinstance(reply.body, dict) else None
    if not isinstance(data, str):
        raise ApiError(reply.status, "Unexpected attachment response", "no base64 'data'", "GET", path)
    try:
        return base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise ApiError(reply.status, "Unexpected attachment response", "'data' is not base64", "GET", path) from None


class AttachmentRows:
    """``get_page`` of ``AD_Attachment`` narrowed to one table's rows and to the index columns.

    A table reader given this instead of the client reads attachment rows exactly like a table (cursor on
    ``Updated``, keyset paging, windows, state), never downloading ``BinaryData``.
    """

    def __init__(self, client: Any, meta: TableMeta, table_id: int) -> None:
        self.client = client
        self.only = F.eq("AD_Table_ID", literal(int(table_id), "integer"))
        self.select = ",".join(c for c in INDEX_COLUMNS if meta.column_ci(c) is not None)

    def get_page(self, table: str, *, filter: str | None, orderby: str, select: str | None = None,
                 top: int = 100, skip: int = 0) -> Page:
        return self.client.get_page(table, filter=F.and_(self.only, filter or ""), orderby=orderby,
                                    select=select or self.select, top=top, skip=skip)
