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

from frappe_client.client import doc_path
from frappe_client.errors import ApiError, TransientError
from frappe_client.filters import condition, dumps

INSERT_MANY_MAX = 200  # frappe.client.insert_many refuses more (spec §9)


class Transport(Protocol):
    """What ``frappe_client.client.FrappeClient`` offers (paths relative to ``<site>/api/``)."""

    def request(self, method: str, path: str, *, params: Any = None, json_body: Any = None) -> Any: ...


def reason_of(exc: BaseException) -> str | None:
    """The user-facing reason of a server's refusal (``HTTP 417 LinkValidationError: Could not find ...``),
    or None when ``exc`` is not an application error answered by the server."""
    return exc.reason if isinstance(exc, ApiError) else None


def status_of(exc: BaseException) -> int | None:
    return exc.status if isinstance(exc, ApiError) else None


def is_uncertain(exc: BaseException) -> bool:
    """A write whose answer was lost: it may or may not have been applied."""
    return isinstance(exc, TransientError) and exc.maybe_committed


def is_duplicate_name(exc: BaseException) -> bool:
    """409 ``DuplicateEntryError``: a document with that name exists (natural names, spec §8.5)."""
    return status_of(exc) == 409


class FrappeApi:
    """Document reads and writes of v1 ``/api/resource`` and ``frappe.client.insert_many``."""

    def __init__(self, transport: Transport):
        self.transport = transport

    def get_doc(self, doctype: str, name: Any) -> dict[str, Any] | None:
        """The document with its child rows, or None when it does not exist (404)."""
        try:
            answer = self.transport.request("GET", doc_path(doctype, name))
        except ApiError as exc:
            if exc.status == 404:
                return None
            raise
        return (answer or {}).get("data")

    def find(self, doctype: str, conditions: Sequence[tuple[str, str, Any]], fields: Sequence[str], limit: int
             ) -> list[dict[str, Any]]:
        """Rows matching every ``(field, op, value)`` (validated by ``frappe_client.filters``: a value is data
        to the server, never part of the filter's structure).

        Raises:
            UnsafeFilterValue: a field that is not a plain fieldname, a value that is not a scalar.
        """
        params = {"fields": json.dumps(list(fields)), "filters": dumps([condition(*c) for c in conditions]),
                  "limit_page_length": str(limit), "order_by": "name asc"}
        answer = self.transport.request("GET", doc_path(doctype), params=params)
        return list((answer or {}).get("data") or [])

    def insert(self, doctype: str, body: dict[str, Any]) -> dict[str, Any]:
        return (self.transport.request("POST", doc_path(doctype), json_body=body) or {}).get("data") or {}

    def insert_many(self, doctype: str, bodies: Sequence[dict[str, Any]]) -> list[Any]:
        """All or nothing (spec §10); returns the new names (input order in most releases; some build a set,
        whose order is arbitrary)."""
        if len(bodies) > INSERT_MANY_MAX:
            raise ValueError(f"insert_many takes at most {INSERT_MANY_MAX} documents")
        docs = [{**b, "doctype": doctype} for b in bodies]
        answer = self.transport.request("POST", "method/frappe.client.insert_many", json_body={"docs": docs}) or {}
        return list(answer.get("message") or [])

    def update(self, doctype: str, name: Any, body: dict[str, Any]) -> dict[str, Any]:
        return (self.transport.request("PUT", doc_path(doctype, name), json_body=body) or {}).get("data") or {}

    def delete(self, doctype: str, name: Any) -> None:
        self.transport.request("DELETE", doc_path(doctype, name))
