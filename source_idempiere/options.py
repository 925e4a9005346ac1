"""Source settings: the spec fragment for source-only options and their one parser.

Connection keys (``base_url``, ``credentials``, ``verify_tls``) come from
``idempiere_client.config``; everything here is what only the source reads (issue 4).
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from erp_airbyte.config_options import choice, flag, instant, time_zone_name, time_zone_property, whole_number
from erp_airbyte.config_options import connection_specification as spec_of
from erp_airbyte.source.selection import explicit_names, name_patterns, selects
from erp_http.errors import ConfigurationError
from idempiere_client.config import CONNECTION_SPEC_PROPERTIES, CONNECTION_SPEC_REQUIRED, ConnectionConfig
from idempiere_client.timeutil import ServerClock
from idempiere_client.type_map import FK_MODES
from source_idempiere.report_options import REPORT_STREAMS_SPEC, ReportConfig, parse_report_streams

DEFAULT_PAGE_SIZE = 100
DEFAULT_LOOKBACK_SECONDS = 300
DEFAULT_NUM_WORKERS = 4
MAX_NUM_WORKERS = 32
DEFAULT_MAX_CONTENT_BYTES = 5 * 1024 * 1024  # 5 MiB: ~7 MB of base64 in one record
_TABLE_NAME = re.compile(r"[a-z][a-z0-9_]*\Z")

SOURCE_SPEC_PROPERTIES: dict[str, Any] = {
    "start_date": {
        "type": "string",
        "title": "Start date",
        "description": "Only rows updated at or after this instant (ISO 8601, e.g. 2024-01-01T00:00:00Z) are "
        "read on the first sync. Default: all history.",
        "format": "date-time",
        "examples": ["2024-01-01T00:00:00Z"],
        "order": 3,
    },
    "tables": {
        "type": "array",
        "title": "Tables",
        "description": "Table names or glob patterns (case-insensitive, e.g. c_order, c_*). Default: every "
        "table the role can read.",
        "items": {"type": "string"},
        "order": 4,
    },
    "exclude_tables": {
        "type": "array",
        "title": "Excluded tables",
        "description": "Table names or glob patterns to leave out (applied after 'tables').",
        "items": {"type": "string"},
        "order": 5,
    },
    "page_size": {
        "type": "integer",
        "title": "Page size",
        "description": "Records per request. Never more than the server's REST_MAX_RECORDS_SIZE "
        "(records-size, 100 by default): larger values are lowered to it automatically.",
        "default": DEFAULT_PAGE_SIZE,
        "minimum": 1,
        "maximum": 100000,
        "order": 6,
    },
    "lookback_window_seconds": {
        "type": "integer",
        "title": "Look-back window (seconds)",
        "description": "Each incremental sync re-reads rows updated this long before the saved cursor. "
        "iDempiere sets Updated when a row is saved, not when its transaction commits, so a row saved "
        "inside a long transaction can appear with an Updated older than the last sync; the look-back "
        "catches it (and absorbs clock skew between this connector and the server). Rows re-read this "
        "way are duplicates that de-duplicate by primary key. Default 300 (5 minutes).",
        "default": DEFAULT_LOOKBACK_SECONDS,
        "minimum": 0,
        "order": 7,
    },
    "num_workers": {
        "type": "integer",
        "title": "Concurrent requests",
        "description": "Maximum number of requests in flight at any time (tables are read in parallel).",
        "default": DEFAULT_NUM_WORKERS,
        "minimum": 1,
        "maximum": MAX_NUM_WORKERS,
        "order": 8,
    },
    "server_timezone": time_zone_property(
        "IANA time zone of the iDempiere server (e.g. Europe/Berlin). Needed only for plugin versions before "
        "April 2026, whose datetimes carry a misleading 'Z'. Default: UTC.", order=9),
    "foreign_keys": {
        "type": "string",
        "title": "Foreign key format",
        "description": "flatten: a foreign key or list column X becomes X (the id or code) plus "
        "X_identifier (its display text). object: the server's lookup object is passed through.",
        "enum": list(FK_MODES),
        "default": "flatten",
        "order": 10,
    },
    "detect_deletes": {
        "type": "boolean",
        "title": "Detect hard deletes",
        "description": "For incremental tables, list every key once per sync and emit a record with "
        "_ab_cdc_deleted_at for keys that disappeared. Costs one extra key-only request per page_size "
        "rows of each table per sync, and keeps the known keys (compressed) in the state.",
        "default": False,
        "order": 11,
    },
    "include_views": {
        "type": "boolean",
        "title": "Include REST views",
        "description": "Also offer a stream view__<name> per REST view (GET /api/v1/views, plugin 2024-12 or "
        "later) whose table the role can read: the view's properties as columns, its where clause applied, "
        "incremental when it shows Updated. tables/exclude_tables do not apply to views.",
        "default": False,
        "order": 13,
    },
    "attachments": {
        "type": "object",
        "title": "Attachments",
        "description": "Also offer a stream <table>__attachments per listed table: one record per attachment entry "
        "of its records (file name, content type, record id/uid), found through AD_Attachment, incremental on "
        "the attachment's Updated. Content (base64) only with include_content.",
        "properties": {
            "tables": {
                "type": "array",
                "title": "Tables",
                "description": "Table names (lower case, e.g. c_order, c_bpartner) whose attachments to read. "
                "Independent of 'tables'.",
                "items": {"type": "string"},
            },
            "include_content": {
                "type": "boolean",
                "title": "Include content",
                "description": "Also download each entry and emit it base64-encoded with its size in bytes.",
                "default": False,
            },
            "max_content_bytes": {
                "type": "integer",
                "title": "Largest content (bytes)",
                "description": "With include_content: an entry larger than this is emitted with its size but "
                "content null, and named in a warning.",
                "default": DEFAULT_MAX_CONTENT_BYTES,
                "minimum": 1,
            },
        },
        "order": 14,
    },
    "report_streams": REPORT_STREAMS_SPEC,
}


def connection_specification() -> dict[str, Any]:
    """The full ``connectionSpecification`` (shared connection keys + source options)."""
    return spec_of("iDempiere Source Spec", {**CONNECTION_SPEC_PROPERTIES, **SOURCE_SPEC_PROPERTIES},
                   CONNECTION_SPEC_REQUIRED, orders={"verify_tls": 12})


@dataclass(frozen=True)
class AttachmentOptions:
    """``attachments``: the tables whose attachments become streams, and whether (and how much) content."""

    tables: tuple[str, ...] = ()
    include_content: bool = False
    max_content_bytes: int = DEFAULT_MAX_CONTENT_BYTES

    @classmethod
    def from_airbyte(cls, config: Mapping[str, Any]) -> AttachmentOptions:
        """Parse ``config["attachments"]``; messages name the nested key (``attachments.tables``).

        Raises:
            ConfigurationError: a value of the wrong type, or a table entry that cannot be a table name.
        """
        raw = config.get("attachments")
        if raw is None:
            return cls()
        if not isinstance(raw, Mapping):
            raise ConfigurationError('attachments must be an object, e.g. {"tables": ["c_order"], '
                                     '"include_content": false}.')
        nested = {f"attachments.{key}": value for key, value in raw.items()}
        tables = nested.get("attachments.tables") or []
        if not isinstance(tables, (list, tuple)) or not all(isinstance(t, str) for t in tables):
            raise ConfigurationError('attachments.tables must be a list of table names, e.g. ["c_order", "c_bpartner"].')
        names = tuple(dict.fromkeys(t.strip().lower() for t in tables if t.strip()))
        for name in names:
            if not _TABLE_NAME.match(name):
                raise ConfigurationError(f"attachments.tables: {name!r} is not a table name; use the table's name "
                                         "(letters, digits and underscores, no patterns), e.g. c_order.")
        return cls(names, flag(nested, "attachments.include_content"),
                   whole_number(nested, "attachments.max_content_bytes", DEFAULT_MAX_CONTENT_BYTES, 1))


@dataclass(frozen=True)
class SourceOptions:
    """Parsed source-idempiere configuration: the server connection, which tables (views, attachments), paging,
    look-back, the server time zone and the FK form; build with ``from_airbyte``."""

    connection: ConnectionConfig
    start_date: datetime | None = None
    tables: tuple[str, ...] = ()
    exclude_tables: tuple[str, ...] = ()
    page_size: int = DEFAULT_PAGE_SIZE
    lookback_window_seconds: int = DEFAULT_LOOKBACK_SECONDS
    num_workers: int = DEFAULT_NUM_WORKERS
    server_timezone: str = "UTC"
    foreign_keys: str = "flatten"
    detect_deletes: bool = False
    include_views: bool = False
    attachments: AttachmentOptions = AttachmentOptions()
    report_streams: tuple[ReportConfig, ...] = ()

    @classmethod
    def from_airbyte(cls, config: Mapping[str, Any]) -> SourceOptions:
        """Parse and validate the whole config.

        Raises:
            ConfigurationError: with a message naming the offending key (the first one found).
        """
        connection = ConnectionConfig.from_airbyte(config)
        start_date = instant(config, "start_date")
        tz = time_zone_name(config)
        fk = choice(config, "foreign_keys", FK_MODES, "flatten")
        detect = flag(config, "detect_deletes")
        return cls(
            connection=connection,
            start_date=start_date,
            tables=_patterns(config, "tables"),
            exclude_tables=_patterns(config, "exclude_tables"),
            page_size=whole_number(config, "page_size", DEFAULT_PAGE_SIZE, 1),
            lookback_window_seconds=whole_number(config, "lookback_window_seconds", DEFAULT_LOOKBACK_SECONDS, 0),
            num_workers=whole_number(config, "num_workers", DEFAULT_NUM_WORKERS, 1, MAX_NUM_WORKERS),
            server_timezone=tz,
            foreign_keys=fk,
            detect_deletes=detect,
            include_views=flag(config, "include_views"),
            attachments=AttachmentOptions.from_airbyte(config),
            report_streams=parse_report_streams(config),
        )

    def clock(self) -> ServerClock:
        return ServerClock(self.server_timezone)

    def selects(self, table: str) -> bool:
        """True when a table name passes ``tables`` and ``exclude_tables``."""
        return selects(table, self.tables, self.exclude_tables)

    def explicit_tables(self) -> list[str]:
        """Entries of ``tables`` without glob characters (must exist, else it is a config error)."""
        return explicit_names(self.tables)


def _patterns(config: Mapping[str, Any], key: str) -> tuple[str, ...]:
    """Table patterns, lower-cased: table names are matched as the lower-case model names (c_order)."""
    return name_patterns(config, key, noun="table", example='["c_order", "m_*"]', fold_case=True)
