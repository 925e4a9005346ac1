"""Reading back the import rows a sync wrote, once the Import process ran: imported, failed (with why), or neither.

iDempiere's Import processes (ImportBPartner, ImportProduct, ImportGLJournal, ImportOrder, ...) reset every
row not yet imported (``I_IsImported='N'``, ``I_ErrorMsg`` a blank), append ``ERR=...,`` to ``I_ErrorMsg`` and
set ``I_IsImported='E'`` on each row they refuse, and ``I_IsImported='Y'``, ``Processed='Y'`` on each row they
import. ``I_IsImported`` is a Yes-No column, so over REST ``'E'`` reads as false like ``'N'``: a failed row is
told by its ``I_ErrorMsg`` text, not by that flag.

Only the rows of the ids given are read (the rows this sync wrote; a re-run never re-reads older rows):
``<Key> in (...)`` with up to ``IN_CHUNK`` ids on servers that have the ``in`` operator (the ones with the
batch endpoint, spec §13), else ``(<Key> eq 1) or ...`` with up to ``CHUNK``; every chunk halved until its
encoded query fits ``erp_http.url_budget`` (as ``lookup.py`` does).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from destination_idempiere.lookup import CHUNK, IN_CHUNK
from destination_idempiere.queries import query_all, with_active
from erp_http.parallel import parallel_map
from erp_http.url_budget import MAX_QUERY_BYTES, query_length, split_until_fits
from idempiere_client.column_names import value_of
from idempiere_client.filters import F
from idempiere_client.metadata import TableMeta

IMPORTED = "I_IsImported"
ERROR = "I_ErrorMsg"


@dataclass(frozen=True)
class ImportRow:
    """What the process left on one import row: ``imported`` (``I_IsImported`` true) and its ``error`` text
    (``I_ErrorMsg`` stripped of blanks and the trailing separator; None when blank)."""

    row_id: int
    imported: bool
    error: str | None

    @property
    def failed(self) -> bool:
        """Not imported and marked with an error: the process refused the row."""
        return not self.imported and self.error is not None


def is_import_table(meta: TableMeta) -> bool:
    """Whether ``meta`` is an import table whose rows can be read back: ``I_IsImported``, ``I_ErrorMsg`` and an
    integer key column (each write answers with that id)."""
    return meta.key_column is not None and IMPORTED in meta.columns and ERROR in meta.columns


def read_import_rows(client: Any, meta: TableMeta, ids: Sequence[int], *, use_in: bool, workers: int
                     ) -> dict[int, ImportRow]:
    """The import rows of ``ids`` (rows not found are absent from the answer), ``workers`` requests at once."""
    key = meta.key_column
    if key is None:
        raise ValueError(f"{meta.name} has no integer key column to read its rows back by")
    distinct = list(dict.fromkeys(int(i) for i in ids))
    size = IN_CHUNK if use_in else CHUNK
    chunks: list[list[int]] = []
    for start in range(0, len(distinct), size):
        fitting, _ = split_until_fits(distinct[start:start + size],
                                      lambda part: query_length(_query(meta, key, part, use_in)), MAX_QUERY_BYTES)
        chunks += fitting  # an id alone always fits (a few digits)
    out: dict[int, ImportRow] = {}
    for rows in parallel_map(lambda part: _read(client, meta, key, part, use_in), chunks, workers, name="import"):
        for row in rows:
            out[row.row_id] = row
    return out


def _query(meta: TableMeta, key: str, ids: Sequence[int], use_in: bool) -> dict[str, Any]:
    literals = [str(i) for i in ids]
    expr = F.in_(key, literals) if use_in else F.or_(*(F.eq(key, lit) for lit in literals)) if len(literals) > 1 \
        else F.eq(key, literals[0])
    return {"$filter": with_active(meta, expr), "$select": f"{IMPORTED},{ERROR}", "$orderby": key, "$top": 100,
            "$skip": 10000}


def _read(client: Any, meta: TableMeta, key: str, ids: Sequence[int], use_in: bool) -> list[ImportRow]:
    query = _query(meta, key, ids, use_in)
    rows = query_all(client, meta, query["$filter"], select=query["$select"], orderby=key)
    wanted = set(ids)
    out = []
    for row in rows:
        row_id = row.get("id")
        if isinstance(row_id, int) and row_id in wanted:
            out.append(ImportRow(row_id, _flag(value_of(row, IMPORTED)), _error_text(value_of(row, ERROR))))
    return out


def _flag(value: Any) -> bool:
    if isinstance(value, dict):  # a list-style object, should a server send one
        value = value.get("id")
    return value is True or value == "Y"


def _error_text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip().rstrip(",").strip()
    return text or None
