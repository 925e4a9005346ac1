"""AD_Attachment: one row per record that has attachments (iDempiere core's column set, table 254).

The REST plugin's attachment endpoints (spec §7.6) read and write it through ``MAttachment``; with the
database storage provider every entry of a record lives in ``BinaryData`` as one zip (``Title`` then says
``zip``). Exposed through ``/models`` like any table, so a client can find attachments changed since a cursor
(``AD_Table_ID``, ``Record_ID``/``Record_UU``, ``Updated``) without asking every record.
"""
from __future__ import annotations

from .dsl import table
from .model import DT, Table

# AD_Reference 200275 (Attachment Title): how the entries are stored.
TITLES = {".": "None", "laf": "List in Attachment File", "xml": "List in XML", "zip": "List in ZIP file"}


def attachment_table() -> Table:
    t = table("AD_Attachment", 254, "Attachment", """
        AD_Table_ID:TD!~ Record_ID:I~ Record_UU:S~ Title:S!=. TextMsg:T BinaryData:S~ AD_StorageProvider_ID:I~""",
              identifiers="Title", access_level=6)
    title, data = t.column("Title"), t.column("BinaryData")
    assert title is not None and data is not None
    title.dt, title.list_values = DT.LIST, dict(TITLES)
    data.dt = DT.BINARY  # serialized as base64 text (spec §6.2), stored as that text
    return t
