"""The Frappe endpoints the destination writes through, over the shared HTTP client.

The client (``frappe_client``, on the shared sender) owns transport, auth, retries, the Frappe status
policy and the error taxonomy: application errors arrive as an ``ApiError`` (``status``, ``title`` = the
``exc_type``, ``detail`` = the server's message), and a write whose answer was lost as a
``TransientError`` with ``maybe_committed``. Writes are never retried blindly there; the writer proves
them (writer.py). This module only builds paths and bodies.
"""
from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, Protocol
from urllib.parse import quote

INSERT_MANY_MAX = 200  # frappe.client.insert_many refuses more (spec §9)


class Transport(Protocol):
    """What the client offers (paths relative to ``<site>/api/``)."""

    def get(self, path: str, params: dict[str, Any] | None = None) -> Any: ...
    def post(self, path: str, json_body: Any) -> Any: ...
    def put(self, path: str, json_body: Any) -> Any: ...
    def delete(self, path: str) -> Any: ...


def reason_of(exc: BaseException) -> str | None:
    """The user-facing reason of a server's refusal (``HTTP 417 LinkValidationError: Could not find ...``),
    or None when ``exc`` is not an application error answered by the server."""
    status = getattr(exc, "status", None)
    reason = getattr(exc, "reason", None)
    if isinstance(status, int) and 400 <= status < 600 and isinstance(reason, str) and not is_uncertain(exc):
        return reason
    return None


def status_of(exc: BaseException) -> int | None:
    return getattr(exc, "status", None) if reason_of(exc) is not None else None


def is_uncertain(exc: BaseException) -> bool:
    """A write whose answer was lost: it may or may not have been applied."""
    return bool(getattr(exc, "maybe_committed", False))


def is_duplicate_name(exc: BaseException) -> bool:
    """409 ``DuplicateEntryError``: a document with that name exists (natural names, spec §8.5)."""
    return status_of(exc) == 409


def doc_path(doctype: str, name: Any = None) -> str:
    path = f"resource/{quote(doctype, safe='')}"
    return path if name is None else f"{path}/{quote(str(name), safe='')}"


class FrappeApi:
    """Document reads and writes of v1 ``/api/resource`` and ``frappe.client.insert_many``."""

    def __init__(self, transport: Transport):
        self.transport = transport

    def get_doc(self, doctype: str, name: Any) -> dict[str, Any] | None:
        """The document with its child rows, or None when it does not exist (404)."""
        try:
            answer = self.transport.get(doc_path(doctype, name))
        except Exception as exc:
            if status_of(exc) == 404:
                return None
            raise
        return (answer or {}).get("data")

    def find(self, doctype: str, filters: list, fields: Sequence[str], limit: int) -> list[dict[str, Any]]:
        """Rows matching ``filters`` (a JSON filter list; values are data to the server, never SQL)."""
        params = {"fields": json.dumps(list(fields)), "filters": json.dumps(filters, default=str),
                  "limit_page_length": str(limit), "order_by": "name asc"}
        return list((self.transport.get(doc_path(doctype), params) or {}).get("data") or [])

    def insert(self, doctype: str, body: dict[str, Any]) -> dict[str, Any]:
        return (self.transport.post(doc_path(doctype), body) or {}).get("data") or {}

    def insert_many(self, doctype: str, bodies: Sequence[dict[str, Any]]) -> list[Any]:
        """All or nothing (spec §10); returns the new names in order."""
        if len(bodies) > INSERT_MANY_MAX:
            raise ValueError(f"insert_many takes at most {INSERT_MANY_MAX} documents")
        docs = [{**b, "doctype": doctype} for b in bodies]
        answer = self.transport.post("method/frappe.client.insert_many", {"docs": docs}) or {}
        return list(answer.get("message") or [])

    def update(self, doctype: str, name: Any, body: dict[str, Any]) -> dict[str, Any]:
        return (self.transport.put(doc_path(doctype, name), body) or {}).get("data") or {}

    def delete(self, doctype: str, name: Any) -> None:
        self.transport.delete(doc_path(doctype, name))
