"""One secret masker for every text a connector emits: messages, log lines, errors, reject reasons.

A secret can reach output in more spellings than the one configured: a server that echoes a JSON login
body returns it JSON-escaped, a URL carries it percent-encoded. ``SecretMasker`` replaces each of those
spellings (longest first, so a secret that contains another is masked whole) with ``****``, the same
mark the airbyte-cdk's own log filter uses. It is pure Python with no airbyte import so the HTTP core
(which masks credentials it sent out of error answers) and the airbyte glue (which masks the config's
``airbyte_secret`` values in everything it prints) share it.
"""
from __future__ import annotations

import dataclasses
import json
import logging
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote, quote_plus, urlsplit, urlunsplit

MASK = "****"


def _spellings(secret: str) -> set[str]:
    """The forms in which ``secret`` may appear in output: raw, JSON-escaped, percent-encoded."""
    forms = {secret, json.dumps(secret)[1:-1], json.dumps(secret, ensure_ascii=False)[1:-1],
             quote(secret, safe=""), quote_plus(secret, safe="")}
    return {form for form in forms if form}


class SecretMasker:
    """Replaces every spelling of the given secrets with ``****``.

    Args:
        secrets: secret values; ``None``, empty strings and non-scalar values are ignored, numbers are
            masked in their text form (a numeric PIN is still a secret).
    """

    def __init__(self, secrets: Iterable[Any] = ()):
        forms: set[str] = set()
        for secret in secrets:
            if isinstance(secret, bool) or secret is None:
                continue
            if isinstance(secret, (int, float)):
                secret = str(secret)
            if isinstance(secret, str) and secret:
                forms |= _spellings(secret)
        self._forms = sorted(forms, key=len, reverse=True)

    def __bool__(self) -> bool:
        """False when there is nothing to mask, so callers can skip the work."""
        return bool(self._forms)

    @property
    def spellings(self) -> tuple[str, ...]:
        """Every form masked, longest first (for filters that take a list, e.g. the CDK's)."""
        return tuple(self._forms)

    def __repr__(self) -> str:
        """Counts the spellings only: the values are the secrets."""
        return f"SecretMasker({len(self._forms)} spellings)"  # never the values

    def extended(self, secrets: Iterable[Any]) -> SecretMasker:
        """A masker for these secrets as well as this one's (e.g. a token obtained at run time)."""
        merged = SecretMasker(secrets)
        merged._forms = sorted(set(merged._forms) | set(self._forms), key=len, reverse=True)
        return merged

    def mask(self, text: str) -> str:
        """``text`` with every spelling of every secret replaced by ``****``."""
        for form in self._forms:
            if form in text:
                text = text.replace(form, MASK)
        return text

    def contains_secret(self, text: str) -> bool:
        """True when ``text`` holds any spelling of a secret (tests grep output with it)."""
        return any(form in text for form in self._forms)

    def mask_value(self, value: Any) -> Any:
        """A copy of a JSON-like value with every string (keys too) masked; other scalars unchanged."""
        if not self._forms:
            return value
        if isinstance(value, str):
            return self.mask(value)
        if isinstance(value, dict):
            return {self.mask(k) if isinstance(k, str) else k: self.mask_value(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [self.mask_value(v) for v in value]
        return value

    def log_filter(self) -> MaskingLogFilter:
        """A ``logging.Filter`` that masks every record passing through it."""
        return MaskingLogFilter(self)


class MaskingLogFilter(logging.Filter):
    """Masks a log record's final text (message with its arguments, and exception text) in place.

    Installed on handlers, so records of every logger (the CDK's, requests', the connector's) pass it.
    """

    def __init__(self, masker: SecretMasker):
        super().__init__()
        self.masker = masker

    def filter(self, record: logging.LogRecord) -> bool:
        """Mask and always keep the record."""
        if not self.masker:
            return True
        try:
            text = record.getMessage()
        except Exception:  # noqa: BLE001 - a bad format string must not lose the record
            text = str(record.msg)
        record.msg, record.args = self.masker.mask(text), None
        if record.exc_info and record.exc_info[1] is not None:
            formatted = logging.Formatter().formatException(record.exc_info)
            record.exc_text = self.masker.mask(formatted)
        elif record.exc_text:
            record.exc_text = self.masker.mask(record.exc_text)
        return True


# Field and column names that hold credentials (password, pwd, passphrase, secret, token, API/private key,
# PIN, credential): their values are masked out of error answers to auth calls and out of reject reasons.
SECRET_NAME = re.compile(r"pass(word|wd|phrase)?|pwd|secret|token|api_?key|private_?key|pin(?![a-z])|credential",
                         re.IGNORECASE)


def is_secret_name(name: str) -> bool:
    """True for a field or column name that looks like it holds a credential (``Password``, ``UserPIN``)."""
    return bool(SECRET_NAME.search(name))


def credential_values(value: Any) -> list[str]:
    """String values under credential-like keys anywhere in a JSON-like value (e.g. a login body)."""
    found: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str) and is_secret_name(key):
                if isinstance(item, (str, int, float)) and not isinstance(item, bool):
                    found.append(str(item))
            found += credential_values(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            found += credential_values(item)
    return found



def masked_repr(obj: Any, shown: Iterable[str], masked: Iterable[str] = ()) -> str:
    """``Name(field=value, ...)`` of a credentials dataclass: ``shown`` fields by value, ``masked`` ones as ``****``,
    in field order; other fields are left out. The one ``repr`` of every ERP's credentials, so a secret never
    reaches a log line through a default ``repr``."""
    hidden = set(masked)
    listed = hidden | set(shown)
    parts = [f"{f.name}={(MASK if f.name in hidden else getattr(obj, f.name))!r}"
             for f in dataclasses.fields(obj) if f.name in listed]
    return f"{type(obj).__name__}({', '.join(parts)})"


def shown_url(url: str) -> str:
    """A URL as messages show it: no user info, query string or fragment (they may carry secrets)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    host = f"[{host}]" if ":" in host else host
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))
