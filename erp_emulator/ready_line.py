"""The one line an emulator CLI prints once it accepts connections, and its one parser.

``<title> listening on <server root><api path> (<name>: <value>[, <name>: <value>...])``, e.g.
``iDempiere REST emulator listening on http://127.0.0.1:8080/api/v1 (s2s token: eyJ...)``. Tests, the demo and
the benchmarks start an emulator on port 0 and learn its address and credentials from this line alone.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

READY_LINE = re.compile(r"listening on (?P<base_url>https?://[^/\s]+)(?P<api_path>/\S*)? \((?P<credentials>[^)]*)\)")
_PAIR = re.compile(r"(?P<name>[^:,()]+): (?P<value>[^,\s()]+)")


@dataclass(frozen=True)
class Ready:
    """What a ready line announces: the server root, the API path below it, and named credentials."""

    base_url: str  # e.g. http://127.0.0.1:8080
    api_path: str  # e.g. /api/v1 ("" when the API is at the root)
    credentials: dict[str, str]

    @property
    def api_url(self) -> str:
        """Server root and API path joined: the URL a connector is configured with."""
        return self.base_url + self.api_path


def format_ready_line(title: str, base_url: str, api_path: str, credentials: dict[str, str]) -> str:
    """The ready line; credential names and values must not contain the line's separators."""
    for name, value in credentials.items():
        if not _PAIR.fullmatch(f"{name}: {value}") or name.strip() != name:
            raise ValueError(f"credential {name!r} cannot be announced on the ready line")
    pairs = ", ".join(f"{name}: {value}" for name, value in credentials.items())
    return f"{title} listening on {base_url}{api_path} ({pairs})"


def parse_ready_line(text: str) -> Ready | None:
    """The first ready line in ``text`` (a whole log is fine), or None."""
    match = READY_LINE.search(text)
    if match is None:
        return None
    pairs = {}
    for pair in match.group("credentials").split(", "):
        named = _PAIR.fullmatch(pair)
        if named:
            pairs[named.group("name")] = named.group("value")
    return Ready(match.group("base_url"), match.group("api_path") or "", pairs)
