"""Rejected records: every record that is not written is reported here, never dropped silently.

Reverse-ETL users' top complaint is rows rejected without a trace (airbyte-notes.md, lesson 7), and a
Python destination has no platform facility for it, so rejections are logged, counted per stream and
optionally appended to a JSONL file (one object per line: stream, key, reason, record).
"""
from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

_MAX_LOGGED = 50  # after this many, rejections are only counted and written to the file
_SECRET_HINTS = ("password", "secret", "token")  # e.g. a user table's Password: never copied into the reject file


@dataclass(frozen=True)
class RejectedRecord:
    """One record that was not written.

    Attributes:
        stream: stream name as received.
        key: the record's primary-key values (or None when the stream has no key).
        reason: precise, user-facing reason (column and value, or the server's ``detail``).
        record: the record data as received.
        seq: position of the record in the input (orders rejections for ``reject_policy=fail``).
    """

    stream: str
    key: Any
    reason: str
    record: dict[str, Any] = field(default_factory=dict, repr=False)
    seq: int = 0

    def describe(self) -> str:
        """``stream 's' key ...: reason`` (or the record's position when it has no key), for logs and errors."""
        if self.key is not None:
            key = f" key {json.dumps(self.key, default=_json_default)}"
        else:
            key = f" record #{self.seq} of the input"
        return f"stream {self.stream!r}{key}: {self.reason}"


def _json_default(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return str(value)


def _redacted(record: dict[str, Any]) -> dict[str, Any]:
    return {k: ("****" if any(h in str(k).lower() for h in _SECRET_HINTS) and v is not None else v)
            for k, v in record.items()}


class RejectLog:
    """Collects rejections: counts per stream, log lines, optional JSONL file (thread-safe).

    Args:
        path: JSONL file to append to, or None.
        logger: where rejections are logged (the first ``_MAX_LOGGED`` individually).
        dry_run: marks file lines with ``"dry_run": true``.
    """

    def __init__(self, path: str | None, logger: logging.Logger, dry_run: bool = False):
        self.path = Path(path) if path else None
        self.logger = logger
        self.dry_run = dry_run
        self.counts: dict[str, int] = {}
        self.first: RejectedRecord | None = None
        self._lock = threading.Lock()
        self._file = None
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._file = self.path.open("a", encoding="utf-8")

    @property
    def total(self) -> int:
        """Rejections so far, every stream."""
        return sum(self.counts.values())

    def add(self, rejected: RejectedRecord) -> None:
        """Count, log and persist one rejection."""
        with self._lock:
            n = self.total
            self.counts[rejected.stream] = self.counts.get(rejected.stream, 0) + 1
            if self.first is None or rejected.seq < self.first.seq:
                self.first = rejected
            if self._file is not None:
                line = {"stream": rejected.stream, "key": rejected.key, "reason": rejected.reason,
                        "record": _redacted(rejected.record)}
                if self.dry_run:
                    line["dry_run"] = True
                self._file.write(json.dumps(line, default=_json_default, ensure_ascii=False) + "\n")
                self._file.flush()
        if n < _MAX_LOGGED:
            self.logger.warning("Rejected %s", rejected.describe())
        elif n == _MAX_LOGGED:
            self.logger.warning("More rejections follow; only counted%s.",
                                " and written to the file" if self.path else "")

    def close(self) -> None:
        """Close the rejects file (idempotent)."""
        with self._lock:
            if self._file is not None:
                self._file.close()
                self._file = None
