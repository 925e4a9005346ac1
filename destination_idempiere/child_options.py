"""The options for nested child rows (documents with their lines in one record) and their spec fragment.

``child_mode`` says what an update of an existing document does with its child rows: ``merge`` (the default)
updates the rows the record matches and inserts the others, and never deletes; ``replace`` also deletes the
document's child rows that the record does not list. ``child_keys`` names, per child table, the columns that
identify a child row within its document (e.g. ``{"c_orderline": ["Line"]}``); without one, a child row is
identified by its position in the array (see child_sync.py for the whole matching order).
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from erp_http.errors import ConfigurationError

CHILD_MODES = ("merge", "replace")
_COLUMN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

CHILD_SPEC_PROPERTIES: dict[str, Any] = {
    "child_mode": {
        "type": "string",
        "title": "Child rows on update",
        "description": "What an update of an existing document does with the child rows nested in the record "
        "(e.g. an order's C_OrderLine array): merge updates matching rows and inserts the others; replace "
        "also deletes the document's rows that the record does not list.",
        "enum": list(CHILD_MODES),
        "default": "merge",
        "order": 20,
    },
    "child_keys": {
        "type": "object",
        "title": "Child row keys",
        "description": "Per child table, the columns that identify a child row within its document, e.g. "
        "{\"c_orderline\": [\"Line\"]}. Without a key, child rows are matched by their position in the array.",
        "additionalProperties": {"type": "array", "items": {"type": "string"}},
        "order": 21,
    },
}


@dataclass(frozen=True)
class ChildOptions:
    """Parsed ``child_mode`` and ``child_keys`` (keys: lower-case table name -> column names as configured)."""

    mode: str = "merge"
    keys: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def from_airbyte(cls, config: Mapping[str, Any]) -> ChildOptions:
        """Parse and validate.

        Raises:
            ConfigurationError: naming the option and what is wrong.
        """
        mode = config.get("child_mode") or "merge"
        if mode not in CHILD_MODES:
            raise ConfigurationError(f"child_mode must be one of {', '.join(CHILD_MODES)} (got {mode!r}).")
        raw = config.get("child_keys") or {}
        if not isinstance(raw, Mapping):
            raise ConfigurationError('child_keys must be an object such as {"c_orderline": ["Line"]}.')
        keys: dict[str, tuple[str, ...]] = {}
        for table, columns in raw.items():
            if isinstance(columns, str):
                columns = [columns]
            if not isinstance(columns, list) or not columns or not all(
                    isinstance(c, str) and _COLUMN.match(c.strip()) for c in columns):
                raise ConfigurationError(
                    f"child_keys for {table!r} must be a non-empty list of column names such as [\"Line\"] "
                    f"(got {columns!r}).")
            keys[str(table).strip().lower()] = tuple(c.strip() for c in columns)
        return cls(mode, keys)
