"""Test-control endpoints under ``/__emulator__/`` (moto_api analogue).

They never need auth, are never faulted and are not written to the request log: tests use them to change data
behind a running sync, to change faults, and to read what the API received. The transport owns the shared ones
(``faults``, ``requests``); an ERP adds its own as plain callables keyed by (method, name).
"""
from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, Protocol
from urllib.parse import parse_qs

from .clock import Clock
from .messages import Response, json_response

PREFIX = "/__emulator__/"

# An ERP's control action: ``action(payload: dict from the JSON body, params: first query values) -> Response``.
# Raising KeyError/TypeError/ValueError answers 400 with the error's text.
Action = Callable[[dict, dict], Response]


class Controlled(Protocol):
    """What the shared endpoints need from the server (``erp_emulator.server.HttpEmulator`` provides it)."""

    fault_settings: tuple[str, ...]

    def set_faults(self, *args: Any, **settings: Any) -> None:
        """Apply fault settings, passed by keyword (the names in ``fault_settings``; each ERP types its own)."""

    def faults_state(self) -> dict:
        """The current fault settings, as answered to the test."""

    def requests(self) -> list[dict]:
        """A copy of the request log, oldest first."""

    def clear_requests(self) -> None:
        """Forget the logged requests."""


def bad_request(message: str) -> Response:
    """The 400 answer of a control call the emulator cannot act on."""
    return json_response(400, {"error": message})


class Control:
    """Dispatches ``/__emulator__/<name>`` to the shared endpoints and the ERP's actions."""

    def __init__(self, server: Controlled, actions: Mapping[tuple[str, str], Action] | None = None,
                 error_response: Callable[[Exception], Response | None] | None = None) -> None:
        """``error_response`` turns an ERP error raised by an action into its answer (None: not handled here)."""
        self.server = server
        self.routes: dict[tuple[str, str], Action] = {
            ("POST", "faults"): self.faults, ("GET", "faults"): self.faults,
            ("GET", "requests"): self.requests, ("DELETE", "requests"): self.clear_requests,
        }
        self.routes.update(actions or {})
        self._error_response = error_response

    def handle(self, method: str, path: str, query: str, body: bytes) -> Response:
        """Answer one control call; bad JSON, unknown endpoints and payload errors answer 4xx, not 500."""
        name = path[len(PREFIX):].strip("/")
        try:
            payload = json.loads(body.decode("utf-8")) if body.strip() else {}
        except ValueError as exc:
            return bad_request(f"body is not JSON: {exc}")
        if not isinstance(payload, dict):
            return bad_request("body must be a JSON object")
        params = {k: v[0] for k, v in parse_qs(query, keep_blank_values=True).items()}
        route = self.routes.get((method, name))
        if route is None:
            return json_response(404, {"error": f"unknown control endpoint {method} {path}"})
        try:
            return route(payload, params)
        except Exception as exc:  # noqa: BLE001 - an ERP error or a bad payload becomes an answer, not a crash
            answer = self._error_response(exc) if self._error_response is not None else None
            if answer is not None:
                return answer
            if isinstance(exc, (KeyError, TypeError, ValueError)):
                return bad_request(f"{type(exc).__name__}: {exc}")
            raise

    def faults(self, payload: dict, _params: dict) -> Response:
        """``POST``: change fault settings (unknown names refused whole); ``GET``: read them."""
        unknown = set(payload) - set(self.server.fault_settings)
        if unknown:
            return bad_request(f"unknown fault settings: {sorted(unknown)}")
        self.server.set_faults(**payload)
        return json_response(200, self.server.faults_state())

    def requests(self, _payload: dict, _params: dict) -> Response:
        """The request log, so tests can assert what the connector actually sent."""
        return json_response(200, {"requests": self.server.requests()})

    def clear_requests(self, _payload: dict, _params: dict) -> Response:
        """Empty the request log and say how many entries it dropped."""
        cleared = len(self.server.requests())
        self.server.clear_requests()
        return json_response(200, {"cleared": cleared})


def clock_actions(clock: Clock) -> dict[tuple[str, str], Action]:
    """``GET|POST /__emulator__/clock`` for an ERP that lets tests move time (add them to its ``actions``).

    POST body: ``{"set": "<ISO-8601 with offset>", "frozen": bool}``, ``{"advance_s": seconds}`` or
    ``{"reset": true}``; every answer is the clock's state ``{"now", "frozen", "offset_s"}``.
    """

    def change(payload: dict, _params: dict) -> Response:
        unknown = set(payload) - {"set", "frozen", "advance_s", "reset"}
        if unknown:
            return bad_request(f"unknown clock settings: {sorted(unknown)}")
        if payload.get("reset"):
            clock.reset()
        if "set" in payload:
            clock.set(datetime.fromisoformat(str(payload["set"])), frozen=bool(payload.get("frozen", False)))
        if "advance_s" in payload:
            clock.advance(float(payload["advance_s"]))
        return json_response(200, clock.as_dict())

    def state(_payload: dict, _params: dict) -> Response:
        return json_response(200, clock.as_dict())

    return {("GET", "clock"): state, ("POST", "clock"): change}
