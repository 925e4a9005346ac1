"""Attachments as streams (option ``attachments``): a stream ``<table>__attachments`` per listed table, one record
per attachment entry of its records.

Which records have attachments, and which changed, is read from ``AD_Attachment`` (one row per record; its
``Updated`` moves with every added, replaced or removed entry) by the ordinary table reader narrowed to the table
(``idempiere_client.attachments.AttachmentRows``): cursor, look-back, keyset paging, windows and state are the
table streams'. Each such row's entries are then listed (and, with ``include_content``, downloaded), so a sync
costs requests per *changed attachment*, never per record of the table.

What a record means: the entries a record's attachment had when it was read, stamped with the attachment's
``Updated`` (an attachment left without entries gives one record with ``name`` null). A removed entry is
therefore seen as the record's next listing without it: a record's current entries are those carrying its
newest ``Updated``. An attachment deleted as a whole (its row is gone) is reported only with
``detect_deletes``, as a record with ``attachment_id`` and ``_ab_cdc_deleted_at``.
"""
from __future__ import annotations

import base64
import logging
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any

from erp_airbyte.source.table_reader import Batch
from erp_http.errors import ApiError, ConfigurationError
from erp_http.parallel import parallel_map
from idempiere_client.attachments import ATTACHMENT_TABLE, AttachmentRows, entry_content, list_entries
from idempiere_client.metadata import MetadataCatalog, TableMeta
from idempiere_client.type_map import DELETED_AT
from source_idempiere.options import AttachmentOptions
from source_idempiere.reader import CURSOR, TableReader
from source_idempiere.streams import IdempiereStream

STREAM_SUFFIX = "__attachments"  # iDempiere table names have no double underscore; a collision is refused
_TEXT = {"type": ["null", "string"]}
_INT = {"type": ["null", "integer"]}
SCHEMA: dict[str, Any] = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "type": "object",
    "additionalProperties": True,
    "properties": {
        "table": _TEXT, "record_id": _INT, "record_uid": _TEXT, "attachment_id": _INT, "name": _TEXT,
        "content_type": _TEXT, "size": _INT, "content": {"type": ["null", "string"], "contentEncoding": "base64"},
        CURSOR: {"type": ["null", "string"], "format": "date-time", "airbyte_type": "timestamp_with_timezone"},
        DELETED_AT: {"type": ["null", "string"], "format": "date-time", "airbyte_type": "timestamp_with_timezone"},
    },
}


def stream_name(table: str) -> str:
    return table.lower() + STREAM_SUFFIX


@dataclass(frozen=True)
class AttachmentSource:
    """What an attachment stream needs: its table, that table's AD_Table_ID, and AD_Attachment's metadata."""

    table: TableMeta
    table_id: int
    index: TableMeta

    @property
    def by_uid(self) -> bool:
        """Records without an integer id are found by their ``<Table>_UU`` (AD_Attachment.Record_UU)."""
        return self.table.key_column is None


def load_attachment_sources(catalog: MetadataCatalog, tables: Iterable[str]) -> tuple[dict[str, AttachmentSource],
                                                                                     dict[str, str]]:
    """Sources by stream name for ``tables`` (lower-case names), plus why the others cannot be read.

    The reasons are sentences a user can act on; check and discover raise them (``require``), a read marks
    only those streams unavailable.
    """
    wanted = list(dict.fromkeys(tables))
    if not wanted:
        return {}, {}
    listed = {str(m.get("model-name") or "").lower(): m for m in catalog.list_tables()}
    if ATTACHMENT_TABLE not in listed:
        why = ("the role cannot read AD_Attachment, which tells which records have attachments (GET /api/v1/models "
               "does not list ad_attachment). Grant the role read access to it, or remove attachments.tables")
        return {}, {stream_name(t): why for t in wanted}
    known = [t for t in wanted if t in listed and stream_name(t) not in listed]
    metas, errors = catalog.get_many([ATTACHMENT_TABLE, *known])
    index = metas.get(ATTACHMENT_TABLE)
    found: dict[str, AttachmentSource] = {}
    problems: dict[str, str] = {}
    for t in wanted:
        meta, table_id = metas.get(t), listed.get(t, {}).get("id")
        if t not in listed:
            problems[stream_name(t)] = (f"attachments.tables names {t}, which is not a table this role can read (GET "
                                        "/api/v1/models does not list it). Use lower-case table names such as c_order")
        elif stream_name(t) in listed:
            problems[stream_name(t)] = (f"a table is named {stream_name(t)}, so the attachment stream of {t} cannot "
                                        "have that name; remove it from attachments.tables")
        elif index is None or meta is None:
            failed = ATTACHMENT_TABLE if index is None else t
            problems[stream_name(t)] = f"the metadata of {failed} could not be read ({errors.get(failed, 'unknown')})"
        elif not isinstance(table_id, int):
            problems[stream_name(t)] = f"GET /api/v1/models gives no AD_Table_ID for {t}"
        elif meta.key_column is None and index.column_ci("Record_UU") is None:
            problems[stream_name(t)] = (f"{t} has no integer key, and this server's AD_Attachment has no Record_UU "
                                        "(iDempiere 11 or later) to find its records' attachments by")
        else:
            found[stream_name(t)] = AttachmentSource(meta, table_id, index)
    return found, problems


def require(problems: Mapping[str, str]) -> None:
    """Raise the first problem as a configuration error (check and discover)."""
    for name, why in problems.items():
        raise ConfigurationError(f"Attachment stream {name}: {why}.")


class AttachmentStream(IdempiereStream):
    """A table's attachment entries as an Airbyte stream (cursor ``Updated`` of the attachment)."""

    def __init__(self, source: AttachmentSource, options: AttachmentOptions, fk_mode: str, **kwargs: Any) -> None:
        super().__init__(source.index, fk_mode, **kwargs)
        self.source = source
        self.options = options

    @property
    def name(self) -> str:
        return stream_name(self.source.table.model_name)

    @property
    def primary_key(self) -> list[list[str]]:
        return [["record_uid" if self.source.by_uid else "record_id"], ["name"]]

    def get_json_schema(self) -> Mapping[str, Any]:
        return SCHEMA

    def reader(self, logger: logging.Logger | None = None) -> AttachmentReader:  # type: ignore[override]
        if self._client is None or self._settings is None:
            raise RuntimeError(f"stream {self.name} was built for discovery only")
        rows = TableReader(AttachmentRows(self._client, self.source.index, self.source.table_id), self.source.index,
                           self._clock, replace(self._settings, fk_mode="flatten"), logger)
        return AttachmentReader(self._client, self.source, rows, self.options, self._settings.workers, logger)


class AttachmentReader:
    """``erp_airbyte``'s ``TableReader``: AD_Attachment batches (with their state) turned into entry records."""

    def __init__(self, client: Any, source: AttachmentSource, rows: TableReader, options: AttachmentOptions,
                 workers: int, logger: logging.Logger | None = None) -> None:
        self.client = client
        self.source = source
        self.rows = rows
        self.options = options
        self.workers = workers
        self.logger = logger or logging.getLogger("airbyte")
        self.table = source.table.model_name

    def incremental(self, state: Mapping[str, Any]) -> Iterator[Batch]:
        return (self._expand(batch) for batch in self.rows.incremental(state))

    def full_refresh(self) -> Iterator[Batch]:
        return (self._expand(batch) for batch in self.rows.full_refresh())

    def _expand(self, batch: Batch) -> Batch:
        """The batch's attachment rows as entry records (state and notes kept: they cover the same rows)."""
        out: list[dict[str, Any]] = []
        notes = list(batch.notes)
        for records, note in parallel_map(self._entries, batch.rows, self.workers, name="attachments"):
            out.extend(records)
            if note:
                notes.append(note)
        return Batch(out, batch.state, notes)

    def _entries(self, row: Mapping[str, Any]) -> tuple[list[dict[str, Any]], str | None]:
        """One attachment row -> its entry records, or a note saying why it has none to give."""
        base = {"table": self.table, "record_id": None, "record_uid": None, "attachment_id": row.get("id")}
        if row.get(DELETED_AT):  # detect_deletes: the attachment row is gone (every entry with it)
            return [{**base, DELETED_AT: row[DELETED_AT]}], None
        record_id, record_uid = _integer(row.get("Record_ID")), _text(row.get("Record_UU"))
        base.update(record_id=record_id if record_id else None, record_uid=record_uid, **{CURSOR: row.get(CURSOR)})
        ref = record_uid if self.source.by_uid else record_id
        if not ref:
            return [], f"attachment {base['attachment_id']} names no {self.table} record; skipped"
        try:
            entries = list_entries(self.client, self.table, ref)
        except ApiError as exc:
            if exc.status not in (403, 404):
                raise
            self.logger.warning(f"Stream {stream_name(self.table)}: the attachments of {self.table} {ref} were "
                                f"skipped: the record is not readable ({exc})")
            return [], None
        if not entries:  # an attachment without entries (the last one was removed): says "none as of Updated"
            return [{**base, "name": None, "content_type": None, "size": None, "content": None}], None
        out = []
        for entry in entries:
            record = {**base, "name": entry.name, "content_type": entry.content_type, "size": None, "content": None}
            if self.options.include_content and not self._add_content(record, ref):
                continue
            out.append(record)
        return out, None

    def _add_content(self, record: dict[str, Any], ref: int | str) -> bool:
        """Fill size and content (content null above the bound, with a warning); False: the entry is gone."""
        data = entry_content(self.client, self.table, ref, record["name"])
        if data is None:  # removed since the listing: its change moved Updated, so the next sync sees it
            self.logger.info(f"Stream {stream_name(self.table)}: {self.table} {ref} entry {record['name']!r} "
                             "was removed while being read; skipped")
            return False
        record["size"] = len(data)
        if len(data) > self.options.max_content_bytes:
            self.logger.warning(f"Stream {stream_name(self.table)}: {self.table} {ref} entry {record['name']!r} has "
                                f"{len(data)} bytes, more than attachments.max_content_bytes "
                                f"({self.options.max_content_bytes}): emitted without content")
        else:
            record["content"] = base64.b64encode(data).decode("ascii")
        return True


def _integer(value: Any) -> int | None:
    if isinstance(value, dict):  # a server that renders Record_ID as a lookup object
        value = value.get("id")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None
