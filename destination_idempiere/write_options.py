"""Destination-only settings (on top of the shared connection settings) and their spec fragment."""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from destination_idempiere.child_options import CHILD_SPEC_PROPERTIES, ChildOptions
from destination_idempiere.post_process_options import POST_WRITE_PROCESSES_SPEC, PostWriteProcess, post_write_processes
from erp_airbyte.config_options import connection_specification as spec_of
from erp_airbyte.config_options import time_zone_name, time_zone_property, whole_number
from erp_airbyte.destination.run_policy import RunPolicy, run_policy_spec
from erp_http.errors import ConfigurationError
from idempiere_client.config import CONNECTION_SPEC_PROPERTIES, CONNECTION_SPEC_REQUIRED

DEFAULT_BATCH_SIZE = 50  # items per POST /batch: small enough that one bad request costs little, big enough to amortise
MAX_BATCH_SIZE = 500
DEFAULT_WORKERS = 4  # the plugin serialises filter parsing server-wide (§4.9); more threads rarely help
MAX_WORKERS = 16
_DOC_ACTION = re.compile(r"^[A-Z]{2}$")

DESTINATION_SPEC_PROPERTIES: dict[str, Any] = {
    "batch_size": {
        "type": "integer",
        "title": "Batch size",
        "description": "Records per POST /api/v1/batch request (servers without the batch endpoint get single "
        "requests). Also the number of records buffered per stream and worker before a flush.",
        "default": DEFAULT_BATCH_SIZE,
        "minimum": 1,
        "maximum": MAX_BATCH_SIZE,
        "order": 10,
    },
    "num_workers": {
        "type": "integer",
        "title": "Parallel requests",
        "description": "Maximum number of requests in flight at once (lookups and writes).",
        "default": DEFAULT_WORKERS,
        "minimum": 1,
        "maximum": MAX_WORKERS,
        "order": 11,
    },
    **run_policy_spec(first_order=12),
    **CHILD_SPEC_PROPERTIES,  # child_mode, child_keys (documents with their lines, child_options.py)
    "doc_action": {
        "type": "object",
        "title": "Document actions",
        "description": "Map from table to document action run after each written document, e.g. {\"c_order\": \"CO\"}.",
        "additionalProperties": {"type": "string", "pattern": "^[A-Z]{2}$"},
        "order": 15,
    },
    "server_timezone": time_zone_property(
        "IANA time zone of the iDempiere server (JVM), e.g. Europe/Berlin. Only needed for servers older than "
        "2026-04-30 that do not run in UTC: they read date-times as server-local wall clock.", order=16),
    "post_write_processes": POST_WRITE_PROCESSES_SPEC,
}


def connection_specification() -> dict[str, Any]:
    """The destination's JSON schema: the shared connection fragment plus the destination options."""
    return spec_of("iDempiere Destination Spec", {**CONNECTION_SPEC_PROPERTIES, **DESTINATION_SPEC_PROPERTIES},
                   CONNECTION_SPEC_REQUIRED)


@dataclass(frozen=True)
class DestinationOptions:
    """Parsed destination options (build with ``from_airbyte``, like every config parser here); ``doc_action`` keys
    are lower-case table names."""

    batch_size: int = DEFAULT_BATCH_SIZE
    num_workers: int = DEFAULT_WORKERS
    reject_policy: str = "fail"
    rejected_records_path: str | None = None
    dry_run: bool = False
    doc_action: dict[str, str] = field(default_factory=dict)
    server_timezone: str = "UTC"
    post_write_processes: dict[str, PostWriteProcess] = field(default_factory=dict)  # post_process_options.py
    children: ChildOptions = field(default_factory=ChildOptions, kw_only=True)  # child rows (child_options.py)

    @classmethod
    def from_airbyte(cls, config: Mapping[str, Any]) -> DestinationOptions:
        """Parse and validate.

        Raises:
            ConfigurationError: with a message naming the option.
        """
        batch_size = whole_number(config, "batch_size", DEFAULT_BATCH_SIZE, 1, MAX_BATCH_SIZE)
        workers = whole_number(config, "num_workers", DEFAULT_WORKERS, 1, MAX_WORKERS)
        policy = RunPolicy.from_airbyte(config)
        raw_actions = config.get("doc_action") or {}
        if not isinstance(raw_actions, Mapping):
            raise ConfigurationError('doc_action must be an object such as {"c_order": "CO"}.')
        actions: dict[str, str] = {}
        for table, action in raw_actions.items():
            code = action.strip().upper() if isinstance(action, str) else ""
            if not _DOC_ACTION.match(code) or code == "--":
                raise ConfigurationError(
                    f"doc_action for {table!r} must be a two-letter document action such as CO, CL, VO, PR "
                    f"(got {action!r})."
                )
            actions[str(table).strip().lower()] = code
        return cls(batch_size, workers, policy.reject_policy, policy.rejected_records_path, policy.dry_run, actions,
                   time_zone_name(config), post_write_processes=post_write_processes(config),
                   children=ChildOptions.from_airbyte(config))
