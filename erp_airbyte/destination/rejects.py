"""Rejected records: every record that is not written is reported here, never dropped silently.

Reverse-ETL users' top complaint is rows rejected without a trace (airbyte-notes.md, lesson 7), and a
Python destination has no platform facility for it, so rejections are logged, counted per stream and
optionally appended to a JSONL file (one object per line: stream, key, reason, record).

A rejection never carries a secret: the values of password-like columns (``erp_http.secrets.is_secret_name``)
are masked in the record (nested objects and child rows too) and in the reason (a server's error may quote the
value it refused), and the reason also passes the run's config-secret filter (the CDK's, which ``erp_airbyte.secret_output`` fills).
"""
from __future__ import annotations

import dataclasses
import json
import logging
import os
import threading
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from airbyte_cdk.utils.airbyte_secrets_utils import filter_secrets

from erp_http.errors import ConfigurationError
from erp_http.secrets import MASK, SecretMasker, credential_values, is_secret_name

_MAX_LOGGED = 50  # after this many, rejections are only counted and written to the file


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
    """The record with password-like values masked, also in nested objects and child rows."""
    return {k: (MASK if is_secret_name(str(k)) and v is not None else _redacted_value(v)) for k, v in record.items()}


def _redacted_value(value: Any) -> Any:
    if isinstance(value, dict):
        return _redacted(value)
    if isinstance(value, list):
        return [_redacted_value(v) for v in value]
    return value


def _secret_free(rejected: RejectedRecord) -> RejectedRecord:
    """``rejected`` with its reason masked of the record's password-like values and the config's secrets."""
    values = credential_values(rejected.record)  # at any depth: child rows may hold passwords too
    reason = filter_secrets(SecretMasker(values).mask(rejected.reason))
    return rejected if reason == rejected.reason else dataclasses.replace(rejected, reason=reason)


def rejects_path_problem(path: str | None) -> str | None:
    """Why the rejects file at ``path`` could not be written, or None (also None for no path).

    ``check`` asks this so that a path ``write`` would fail on is reported before a sync: a directory, a
    parent that is a file, a directory that cannot be created or written. Nothing is created here.
    """
    if not path:
        return None
    target = Path(path)
    if target.is_dir():
        return f"rejected_records_path {path} is a directory; give the path of a file (e.g. {target / 'rejects.jsonl'})."
    if target.exists():
        return None if os.access(target, os.W_OK) else f"rejected_records_path {path} is not writable."
    ancestor = target.parent
    while not ancestor.exists() and ancestor != ancestor.parent:
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        return f"rejected_records_path {path} cannot be created: {ancestor} is not a directory."
    if not os.access(ancestor, os.W_OK | os.X_OK):
        return f"rejected_records_path {path} cannot be created: {ancestor} is not writable."
    return None


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
            problem = rejects_path_problem(str(self.path))
            if problem:
                raise ConfigurationError(problem)
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._file = self.path.open("a", encoding="utf-8")
            except OSError as exc:
                raise ConfigurationError(f"rejected_records_path {self.path} cannot be written: "
                                         f"{exc.strerror or type(exc).__name__}.") from None

    @property
    def total(self) -> int:
        """Rejections so far, every stream."""
        return sum(self.counts.values())

    def add(self, rejected: RejectedRecord) -> None:
        """Count, log and persist one rejection (never with a secret in it)."""
        rejected = _secret_free(rejected)
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
