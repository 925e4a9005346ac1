"""The pipeline's own settings, the same for every ERP destination: reject policy, rejects file, dry run.

One spec fragment (``run_policy_spec``) and one parser (``RunPolicy.from_airbyte``), so every destination
offers and reads them alike; ``PipelineRun.open`` takes the parsed values.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from erp_airbyte.config_options import choice, flag
from erp_http.errors import ConfigurationError

REJECT_POLICIES = ("fail", "continue")


def run_policy_spec(first_order: int) -> dict[str, Any]:
    """The spec properties ``reject_policy``, ``rejected_records_path``, ``dry_run`` (``order`` from ``first_order``)."""
    return {
        "reject_policy": {
            "type": "string",
            "title": "Rejected records",
            "description": "'fail': the sync stops at the first rejected record, after the records before it are "
            "committed and their state is emitted. 'continue': rejected records are reported (log and optional "
            "JSONL file) and skipped.",
            "enum": list(REJECT_POLICIES),
            "default": "fail",
            "order": first_order,
        },
        "rejected_records_path": {
            "type": "string",
            "title": "Rejected records file",
            "description": "Optional local JSONL file; each rejected record is appended with its stream, key, reason "
            "and data.",
            "order": first_order + 1,
        },
        "dry_run": {
            "type": "boolean",
            "title": "Dry run",
            "description": "Validate and resolve everything (lookups only), write nothing, emit no state, and report "
            "how many records would be inserted, updated and rejected. A dry run never stops at a rejection.",
            "default": False,
            "order": first_order + 2,
        },
    }


@dataclass(frozen=True)
class RunPolicy:
    """Parsed ``reject_policy`` (``fail`` | ``continue``), ``rejected_records_path`` and ``dry_run``."""

    reject_policy: str = "fail"
    rejected_records_path: str | None = None
    dry_run: bool = False

    @classmethod
    def from_airbyte(cls, config: Mapping[str, Any]) -> RunPolicy:
        """Parse and validate.

        Raises:
            ConfigurationError: with a message naming the option.
        """
        policy = choice(config, "reject_policy", REJECT_POLICIES, "fail")
        path = config.get("rejected_records_path") or None
        if path is not None and not isinstance(path, str):
            raise ConfigurationError("rejected_records_path must be a file path string.")
        return cls(policy, path, flag(config, "dry_run"))
