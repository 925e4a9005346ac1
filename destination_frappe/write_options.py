"""destination-frappe settings (on top of ``frappe_client``'s connection settings) and the spec.

Per-stream settings live in ``streams``, a list of objects keyed by the stream name (matched like
DocTypes: exactly, case-insensitively, or in the warehouse's lower-case form).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from destination_frappe.api import INSERT_MANY_MAX
from destination_frappe.naming import NameMatcher
from destination_frappe.plan import DELETE_ACTIONS
from erp_airbyte.config_options import choice, flag, whole_number
from erp_airbyte.config_options import connection_specification as spec_of
from erp_airbyte.destination.run_policy import RunPolicy, run_policy_spec
from frappe_client.config import CONNECTION_SPEC_PROPERTIES
from frappe_client.errors import ConfigurationError

DEFAULT_BATCH_SIZE = 100  # documents per insert_many: one bad record costs ~2 log2(100) extra requests to isolate
DEFAULT_WORKERS = 4
MAX_WORKERS = 16
UNKNOWN_FIELDS = ("reject", "drop")

STREAM_OPTION_PROPERTIES: dict[str, Any] = {
    "stream": {"type": "string", "title": "Stream", "order": 0,
               "description": "The stream these settings apply to (its name as in the connection)."},
    "doctype": {"type": "string", "title": "DocType", "order": 1,
                "description": "Target DocType, when it differs from the stream name (e.g. 'Sales Taxes and Charges "
                "Template' for a stream named 'taxes')."},
    "key_field": {"type": "string", "title": "Key field", "order": 2,
                  "description": "Field that finds the document to update or delete: 'name' or a unique field such as "
                  "customer_name or a Custom Field. Default: the stream's primary key, else 'name'."},
    "external_id_field": {"type": "string", "title": "External id field", "order": 3,
                          "description": "A unique Data field (e.g. a Custom Field) that every inserted record fills. "
                          "After an insert whose answer was lost, the destination looks for it before sending the "
                          "insert again, so a timeout never creates a duplicate. Needed for DocTypes named by "
                          "naming series, hash or autoincrement; natural names (field:, Prompt) are safe without it."},
    "submit_on_insert": {"type": "boolean", "title": "Submit on insert", "default": False, "order": 4,
                         "description": "Submit (docstatus 1) each inserted document of a submittable DocType, unless "
                         "the record carries its own docstatus."},
    "delete_action": {"type": "string", "title": "Delete action", "enum": list(DELETE_ACTIONS), "default": "delete",
                      "order": 5, "description": "soft_delete mode and deletion markers: 'delete' (cancel first if "
                      "submitted), 'cancel' (submitted documents), or 'disable' (set a Check such as 'disabled')."},
    "disable_field": {"type": "string", "title": "Disable field", "order": 6,
                      "description": "The Check field for delete_action 'disable' (default: disabled, is_disabled, "
                      "or enabled/is_active set to 0)."},
}

DESTINATION_SPEC_PROPERTIES: dict[str, Any] = {
    "site_timezone": {"type": "string", "title": "Site time zone", "order": 5,
                      "description": "IANA zone of the site (System Settings > Time Zone). Only needed when the API "
                      "user cannot read System Settings; otherwise it is read from there (and must agree)."},
    "batch_size": {"type": "integer", "title": "Batch size", "default": DEFAULT_BATCH_SIZE, "minimum": 1,
                   "maximum": INSERT_MANY_MAX, "order": 10,
                   "description": "Documents per frappe.client.insert_many request (at most 200, the server's limit)."},
    "num_workers": {"type": "integer", "title": "Parallel requests", "default": DEFAULT_WORKERS, "minimum": 1,
                    "maximum": MAX_WORKERS, "order": 11,
                    "description": "Maximum requests in flight (lookups, inserts, updates)."},
    **run_policy_spec(12),  # reject_policy, rejected_records_path, dry_run: the shared pipeline's own options
    "unknown_fields": {"type": "string", "title": "Fields that match no DocType field", "enum": list(UNKNOWN_FIELDS),
                       "default": "reject", "order": 15,
                       "description": "Frappe silently ignores unknown keys. 'reject' (default): a record with such a "
                       "field is rejected, naming it. 'drop': the field is dropped with one warning per field."},
    "streams": {"type": "array", "title": "Per-stream settings", "order": 16,
                "items": {"type": "object", "required": ["stream"], "properties": STREAM_OPTION_PROPERTIES}},
}


def connection_specification() -> dict[str, Any]:
    """The destination's JSON schema: ``frappe_client``'s connection fragment plus the write options."""
    return spec_of("Frappe / ERPNext Destination Spec", {**CONNECTION_SPEC_PROPERTIES, **DESTINATION_SPEC_PROPERTIES},
                   ["site_url", "credentials"])


@dataclass(frozen=True)
class StreamOptions:
    doctype: str | None = None
    key_field: str | None = None
    external_id_field: str | None = None
    submit_on_insert: bool = False
    delete_action: str = "delete"
    disable_field: str | None = None


@dataclass(frozen=True)
class WriteOptions:
    """Parsed destination options; ``policy`` holds the shared pipeline's (reject policy, rejects file, dry run)."""

    site_timezone: str | None = None
    batch_size: int = DEFAULT_BATCH_SIZE
    num_workers: int = DEFAULT_WORKERS
    policy: RunPolicy = field(default_factory=RunPolicy)
    drop_unknown: bool = False
    streams: dict[str, StreamOptions] = field(default_factory=dict)

    @property
    def dry_run(self) -> bool:
        return self.policy.dry_run

    def for_stream(self, stream: str) -> StreamOptions:
        name = NameMatcher(self.streams).match(stream)
        return self.streams[name] if name is not None else StreamOptions()

    @classmethod
    def from_airbyte(cls, config: Mapping[str, Any]) -> WriteOptions:
        """Raises ``ConfigurationError`` naming the option."""
        tz = _text(config, "site_timezone")
        batch = whole_number(config, "batch_size", DEFAULT_BATCH_SIZE, 1, INSERT_MANY_MAX)
        workers = whole_number(config, "num_workers", DEFAULT_WORKERS, 1, MAX_WORKERS)
        policy = RunPolicy.from_airbyte(config)
        unknown = choice(config, "unknown_fields", UNKNOWN_FIELDS, "reject")
        raw_streams = config.get("streams") or []
        if not isinstance(raw_streams, list):
            raise ConfigurationError("streams must be a list of objects such as {\"stream\": \"Customer\", ...}.")
        streams: dict[str, StreamOptions] = {}
        for i, raw in enumerate(raw_streams):
            if not isinstance(raw, Mapping) or not isinstance(raw.get("stream"), str) or not raw["stream"].strip():
                raise ConfigurationError(f"streams[{i}] must be an object with a 'stream' name.")
            where = f"streams[{i}] ({raw['stream']})"
            unknown_keys = sorted(set(raw) - set(STREAM_OPTION_PROPERTIES))
            if unknown_keys:
                raise ConfigurationError(f"{where}: unknown setting(s) {', '.join(unknown_keys)}; known: "
                                         f"{', '.join(STREAM_OPTION_PROPERTIES)}.")
            if raw["stream"] in streams:
                raise ConfigurationError(f"{where}: the stream is listed twice.")
            try:
                streams[raw["stream"]] = StreamOptions(
                    doctype=_text(raw, "doctype"), key_field=_text(raw, "key_field"),
                    external_id_field=_text(raw, "external_id_field"),
                    submit_on_insert=flag(raw, "submit_on_insert", False),
                    delete_action=choice(raw, "delete_action", DELETE_ACTIONS, "delete"),
                    disable_field=_text(raw, "disable_field"),
                )
            except ConfigurationError as exc:
                raise ConfigurationError(f"{where}: {exc}") from None
        return cls(tz, batch, workers, policy, unknown == "drop", streams)


def _text(config: Mapping[str, Any], key: str) -> str | None:
    value = config.get(key)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ConfigurationError(f"{key} must be a string.")
    return value.strip() or None
