"""Source settings: the spec of source-frappe and its one parser.

Connection keys (``site_url``, ``credentials``, ``verify_tls``) come from ``frappe_client.config``;
everything here is what only the source reads (issue 13).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from erp_airbyte.config_options import choice, flag, instant, whole_number
from erp_airbyte.config_options import connection_specification as spec_of
from erp_airbyte.source.selection import explicit_names, name_patterns, selects
from frappe_client.config import (
    CONNECTION_SPEC_PROPERTIES,
    CONNECTION_SPEC_REQUIRED,
    ConnectionConfig,
)
from frappe_client.errors import ConfigurationError
from frappe_client.timeutil import SiteClock

DEFAULT_PAGE_SIZE = 500
DEFAULT_LOOKBACK_SECONDS = 300
DEFAULT_NUM_WORKERS = 4
MAX_NUM_WORKERS = 32
CHILD_TABLE_MODES = ("nested", "streams", "both")
DEFAULT_CHILD_TABLES = "nested"

SOURCE_SPEC_PROPERTIES: dict[str, Any] = {
    "doctypes": {
        "type": "array",
        "title": "DocTypes",
        "description": "DocType names or glob patterns, as the site spells them (e.g. \"Sales Order\", \"Sales *\"; "
        "globs match case-insensitively; a user who cannot list DocTypes must spell names exactly). "
        "Default: every non-Single, non-virtual, non-child DocType the user can read. "
        "Required when the API user is not a System Manager (only System Managers can list DocTypes). A Single "
        "DocType (e.g. \"System Settings\") is read only when named here.",
        "items": {"type": "string"},
        "order": 3,
    },
    "exclude_doctypes": {
        "type": "array",
        "title": "Excluded DocTypes",
        "description": "DocType names or glob patterns to leave out (applied after 'doctypes').",
        "items": {"type": "string"},
        "order": 4,
    },
    "start_date": {
        "type": "string",
        "title": "Start date",
        "description": "Only documents modified at or after this instant (ISO 8601, e.g. 2024-01-01T00:00:00Z) are "
        "read on the first sync. Default: all history.",
        "format": "date-time",
        "examples": ["2024-01-01T00:00:00Z"],
        "order": 5,
    },
    "child_tables": {
        "type": "string",
        "title": "Child tables",
        "description": "nested (default): each document carries its Table fields as arrays of child rows, so a row "
        "removed from a document disappears with the document's next version and nothing stale stays live; "
        "streams: each child DocType is its own stream (keyed by name, with parent, parenttype, parentfield, idx), "
        "and rows removed from their document are marked deleted (_ab_cdc_deleted_at) by a key check each sync; "
        "both: the two together.",
        "enum": list(CHILD_TABLE_MODES),
        "default": DEFAULT_CHILD_TABLES,
        "order": 6,
    },
    "detect_deletes": {
        "type": "boolean",
        "title": "Detect deletions and renames",
        "description": "Emit a record with _ab_cdc_deleted_at for documents deleted (or renamed away) on the site, "
        "and read renamed documents under their new name. Uses the Deleted Document log where the user can read "
        "it, plus a key check (one name-only request per few thousand documents) for renames and deletions that "
        "leave no log. Known keys are kept compressed in the state.",
        "default": False,
        "order": 7,
    },
    "page_size": {
        "type": "integer",
        "title": "Page size",
        "description": "Documents per request. Larger pages mean fewer round trips but more memory per page in "
        "flight; lower it if list requests time out on a slow site (a page must be answered within the site's "
        "worker timeout, often 120 s).",
        "default": DEFAULT_PAGE_SIZE,
        "minimum": 1,
        "maximum": 10000,
        "order": 8,
    },
    "lookback_window_seconds": {
        "type": "integer",
        "title": "Look-back window (seconds)",
        "description": "Each incremental sync re-reads documents modified this long before the saved cursor. Frappe "
        "sets 'modified' when a document is saved, but the row becomes visible when its transaction commits (a "
        "background job can commit much later); the look-back catches such rows and absorbs clock skew between "
        "this connector and the site. Re-read rows de-duplicate by primary key. Default 300.",
        "default": DEFAULT_LOOKBACK_SECONDS,
        "minimum": 0,
        "order": 9,
    },
    "num_workers": {
        "type": "integer",
        "title": "Concurrent requests",
        "description": "Maximum number of requests in flight (DocTypes, and ranges of a large DocType, are read in "
        "parallel).",
        "default": DEFAULT_NUM_WORKERS,
        "minimum": 1,
        "maximum": MAX_NUM_WORKERS,
        "order": 10,
    },
    "site_timezone": {
        "type": "string",
        "title": "Site time zone",
        "description": "IANA time zone of the site (System Settings > Time Zone), the zone 'modified' is written in. "
        "Default: read from System Settings. Required when the API user cannot read System Settings; an error when "
        "it disagrees with them.",
        "examples": ["Asia/Kolkata", "Europe/Berlin", "America/New_York"],
        "order": 11,
    },
}


def connection_specification() -> dict[str, Any]:
    """The full ``connectionSpecification`` (shared connection keys + source options)."""
    return spec_of("Frappe / ERPNext Source Spec", {**CONNECTION_SPEC_PROPERTIES, **SOURCE_SPEC_PROPERTIES},
                   CONNECTION_SPEC_REQUIRED, orders={"verify_tls": 12})


@dataclass(frozen=True)
class SourceOptions:
    """Parsed source-frappe configuration: the site connection, which DocTypes, child-table mode, paging, look-back
    and the site time zone; build with ``from_airbyte``."""

    connection: ConnectionConfig
    doctypes: tuple[str, ...] = ()
    exclude_doctypes: tuple[str, ...] = ()
    start_date: datetime | None = None
    child_tables: str = DEFAULT_CHILD_TABLES
    detect_deletes: bool = False
    page_size: int = DEFAULT_PAGE_SIZE
    lookback_window_seconds: int = DEFAULT_LOOKBACK_SECONDS
    num_workers: int = DEFAULT_NUM_WORKERS
    site_timezone: str | None = None

    @classmethod
    def from_airbyte(cls, config: Mapping[str, Any]) -> SourceOptions:
        """Parse and validate the whole config; a ``ConfigurationError`` names the offending key."""
        connection = ConnectionConfig.from_airbyte(config)
        start_date = instant(config, "start_date")
        mode = choice(config, "child_tables", CHILD_TABLE_MODES, DEFAULT_CHILD_TABLES)
        detect = flag(config, "detect_deletes", False)
        tz = config.get("site_timezone")
        if tz is not None and not isinstance(tz, str):
            raise ConfigurationError("site_timezone must be an IANA time zone name, e.g. Europe/Berlin.")
        tz = tz.strip() if isinstance(tz, str) and tz.strip() else None
        if tz:
            SiteClock(tz)  # validates the name
        return cls(
            connection=connection,
            doctypes=_patterns(config, "doctypes"),
            exclude_doctypes=_patterns(config, "exclude_doctypes"),
            start_date=start_date,
            child_tables=mode,
            detect_deletes=detect,
            page_size=whole_number(config, "page_size", DEFAULT_PAGE_SIZE, 1, 10000),
            lookback_window_seconds=whole_number(config, "lookback_window_seconds", DEFAULT_LOOKBACK_SECONDS, 0),
            num_workers=whole_number(config, "num_workers", DEFAULT_NUM_WORKERS, 1, MAX_NUM_WORKERS),
            site_timezone=tz,
        )

    @property
    def nested(self) -> bool:
        return self.child_tables in ("nested", "both")

    @property
    def child_streams(self) -> bool:
        return self.child_tables in ("streams", "both")

    def selects(self, doctype: str) -> bool:
        """True when a DocType name passes ``doctypes`` and ``exclude_doctypes`` (case-insensitive globs)."""
        return selects(doctype, self.doctypes, self.exclude_doctypes)

    def explicit_doctypes(self) -> list[str]:
        """Entries of ``doctypes`` without glob characters, as written."""
        return explicit_names(self.doctypes)

    def named(self, doctype: str) -> bool:
        """True when ``doctype`` is named explicitly (needed for Singles)."""
        return doctype.lower() in {p.lower() for p in self.explicit_doctypes()}


def _patterns(config: Mapping[str, Any], key: str) -> tuple[str, ...]:
    """DocType patterns as written (names are shown and requested in the site's spelling)."""
    return name_patterns(config, key, noun="DocType", example='["Customer", "Sales *"]')

