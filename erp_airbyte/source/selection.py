"""Which tables a source reads: the include/exclude glob options every ERP source has, parsed and matched once.

A user names tables (iDempiere) or DocTypes (Frappe) by exact name or glob pattern; matching is
case-insensitive because users rarely know the server's spelling. Entries without glob characters are
explicit: a source may insist they exist (or, for Frappe Singles, read them only when named).
"""
from __future__ import annotations

import fnmatch
from collections.abc import Mapping, Sequence
from typing import Any

from erp_http.errors import ConfigurationError

GLOB_CHARACTERS = "*?["


def name_patterns(config: Mapping[str, Any], key: str, *, noun: str, example: str,
                  fold_case: bool = False) -> tuple[str, ...]:
    """The list option ``key`` as stripped, de-duplicated patterns (lower-cased when ``fold_case``).

    A comma-separated string is tolerated (``"a, b"``); empty or null means no patterns.

    Raises:
        ConfigurationError: not a list of strings; the message names ``key`` and shows ``example``.
    """
    value = config.get(key)
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise ConfigurationError(f"{key} must be a list of {noun} names or glob patterns, e.g. {example}.")
    stripped = (v.strip() for v in value if v.strip())
    return tuple(dict.fromkeys(v.lower() for v in stripped) if fold_case else dict.fromkeys(stripped))


def selects(name: str, include: Sequence[str], exclude: Sequence[str]) -> bool:
    """True when ``name`` matches ``include`` (or ``include`` is empty) and no ``exclude`` pattern (any case)."""
    lowered = name.lower()
    if include and not any(fnmatch.fnmatchcase(lowered, p.lower()) for p in include):
        return False
    return not any(fnmatch.fnmatchcase(lowered, p.lower()) for p in exclude)


def explicit_names(patterns: Sequence[str]) -> list[str]:
    """The entries without glob characters, as written."""
    return [p for p in patterns if not any(ch in p for ch in GLOB_CHARACTERS)]
