"""The request and response objects the transport hands to an ERP's API handler and gets back.

They are deliberately small (a dataclass and a ``__slots__`` class): one of each is built per request, and a
benchmark of a client must measure the client, not the emulator.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qs

import orjson

JSON_TYPE = "application/json"


@dataclass
class Request:
    """One HTTP request as a router sees it (path not yet decoded, raw query string, lower-case header names)."""

    method: str
    path: str
    query: str = ""
    headers: dict = field(default_factory=dict)  # lower-case names
    body: bytes = b""
    _params: dict | None = None
    parsed_body: object = None  # a body the caller already parsed (e.g. an item of a batch): not re-encoded

    @property
    def params(self) -> dict:
        """First value of each query parameter (a raw ``+`` is a space)."""
        if self._params is None:
            parsed = parse_qs(self.query, keep_blank_values=True) if self.query else {}
            self._params = {k: v[0] for k, v in parsed.items()}
        return self._params


class Response:
    """Status, body bytes, content type, extra headers; ``json_body`` is the Python value behind a JSON body.

    A JSON body is encoded with ``encode`` when ``body`` is first read, so an ERP can keep a response's value
    and never pay for its bytes (e.g. a batch item whose result is rebuilt from ``json_body``), and so each ERP
    supplies its own JSON dialect (key order, number format) without the transport knowing it.
    """

    __slots__ = ("status", "_body", "content_type", "headers", "json_body", "_encode")

    def __init__(self, status: int, body: bytes | None = b"", content_type: str | None = None,
                 headers: list | None = None, json_body: object = None,
                 encode: Callable[[object], bytes] = orjson.dumps) -> None:
        self.status = status
        self._body = body
        self.content_type = content_type
        self.headers = headers if headers is not None else []
        self.json_body = json_body
        self._encode = encode

    @property
    def body(self) -> bytes:
        """The encoded bytes; a JSON value is encoded on first read and kept."""
        if self._body is None:
            self._body = self._encode(self.json_body)
        return self._body


def json_response(status: int, value: object, headers: list | None = None) -> Response:
    """A compact JSON response (orjson); ERPs with their own JSON dialect build ``Response`` with their encoder."""
    return Response(status, None, JSON_TYPE, headers or [], value)
