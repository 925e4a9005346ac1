"""Test-control endpoints under ``/__emulator__/`` (moto_api analogue; docs/architecture.md).

They never need auth, are never faulted and are not written to the request log: tests use them to change
data behind a running sync (touch/insert/delete), to change faults, and to read what the API received.
"""
from __future__ import annotations

import json
from urllib.parse import parse_qs

from .errors import EmulatorError
from .handlers import Response, json_response

PREFIX = "/__emulator__/"


def _bad(message: str) -> Response:
    return json_response(400, {"error": message})


class Control:
    """Dispatches control requests to the backend and the server (faults, request log)."""

    def __init__(self, server):
        self.server = server  # EmulatorServer: backend, set_faults, requests, clear_requests

    def handle(self, method: str, path: str, query: str, body: bytes) -> Response:
        name = path[len(PREFIX):].strip("/")
        try:
            payload = json.loads(body.decode("utf-8")) if body.strip() else {}
        except ValueError as exc:
            return _bad(f"body is not JSON: {exc}")
        if not isinstance(payload, dict):
            return _bad("body must be a JSON object")
        params = {k: v[0] for k, v in parse_qs(query, keep_blank_values=True).items()}
        route = {
            ("POST", "touch"): self.touch, ("POST", "insert"): self.insert, ("POST", "delete"): self.delete,
            ("POST", "faults"): self.faults, ("GET", "faults"): self.faults,
            ("GET", "requests"): self.requests, ("DELETE", "requests"): self.clear_requests,
            ("GET", "count"): self.count,
        }.get((method, name))
        if route is None:
            return json_response(404, {"error": f"unknown control endpoint {method} {path}"})
        try:
            return route(payload, params)
        except EmulatorError as err:
            body = err.body()
            return json_response(err.status, body if body is not None else {"error": str(err)})
        except (KeyError, TypeError, ValueError) as exc:
            return _bad(f"{type(exc).__name__}: {exc}")

    @property
    def backend(self):
        return self.server.backend

    def touch(self, payload: dict, _params: dict) -> Response:
        ids, count = payload.get("ids"), payload.get("count")
        if ids is None and count is None:
            return _bad("touch needs 'ids' or 'count'")
        touched = self.backend.touch(payload["table"], ids=[int(i) for i in ids] if ids is not None else None,
                                     count=int(count) if count is not None else None)
        return json_response(200, {"touched": touched})

    def insert(self, payload: dict, _params: dict) -> Response:
        rows = payload["rows"]
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            return _bad("'rows' must be a list of objects")
        return json_response(200, {"ids": self.backend.insert_raw(payload["table"], rows)})

    def delete(self, payload: dict, _params: dict) -> Response:
        ids = [int(i) for i in payload["ids"]]
        return json_response(200, {"deleted": self.backend.hard_delete(payload["table"], ids)})

    def faults(self, payload: dict, _params: dict) -> Response:
        known = {"fail_rate", "drop_rate", "latency_ms", "token_ttl"}
        unknown = set(payload) - known
        if unknown:
            return _bad(f"unknown fault settings: {sorted(unknown)}")
        self.server.set_faults(**payload)
        return json_response(200, self.server.faults_state())

    def requests(self, _payload: dict, _params: dict) -> Response:
        return json_response(200, {"requests": self.server.requests()})

    def clear_requests(self, _payload: dict, _params: dict) -> Response:
        cleared = len(self.server.requests())
        self.server.clear_requests()
        return json_response(200, {"cleared": cleared})

    def count(self, _payload: dict, params: dict) -> Response:
        table = params.get("table")
        if not table:
            return _bad("count needs ?table=")
        return json_response(200, {"count": self.backend.count(table)})
