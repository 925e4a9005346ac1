"""iDempiere's test-control actions under ``/__emulator__/`` (the shared ones live in erp_emulator.control).

Tests use them to change data behind a running sync: touch (move ``Updated`` to now), insert raw rows, hard
delete, and count every row of a table (the oracle of a sync); finish or slow down background process jobs and
list the files processes wrote.
"""
from __future__ import annotations

from typing import Protocol

from erp_emulator.control import Action, bad_request
from erp_emulator.messages import Response

from ..errors import EmulatorError
from .handlers import json_response


class HasBackend(Protocol):
    """The server these actions act on: anything with a ``backend`` attribute (read at call time)."""

    backend: object


def control_actions(server: HasBackend) -> dict[tuple[str, str], Action]:
    """The actions keyed by (method, name), acting on ``server.backend``."""

    def touch(payload: dict, _params: dict) -> Response:
        ids, count = payload.get("ids"), payload.get("count")
        if ids is None and count is None:
            return bad_request("touch needs 'ids' or 'count'")
        touched = server.backend.touch(payload["table"], ids=[int(i) for i in ids] if ids is not None else None,
                                       count=int(count) if count is not None else None)
        return json_response(200, {"touched": touched})

    def insert(payload: dict, _params: dict) -> Response:
        rows = payload["rows"]
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            return bad_request("'rows' must be a list of objects")
        return json_response(200, {"ids": server.backend.insert_raw(payload["table"], rows)})

    def delete(payload: dict, _params: dict) -> Response:
        ids = [int(i) for i in payload["ids"]]
        return json_response(200, {"deleted": server.backend.hard_delete(payload["table"], ids)})

    def count(_payload: dict, params: dict) -> Response:
        table = params.get("table")
        if not table:
            return bad_request("count needs ?table=")
        return json_response(200, {"count": server.backend.count(table)})

    def jobs(payload: dict, _params: dict) -> Response:
        """Background process jobs: ``delay_ms`` changes the delay of later jobs, ``finish`` runs pending ones now."""
        scheduler = server.backend.jobs
        if payload.get("delay_ms") is not None:
            scheduler.delay_ms = max(0, int(payload["delay_ms"]))
        finished = scheduler.finish() if payload.get("finish") else 0
        return json_response(200, {"delay_ms": scheduler.delay_ms, "finished": finished,
                                   "pending": scheduler.pending()})

    def files(_payload: dict, _params: dict) -> Response:
        """The files processes wrote (full server paths for ``GET /api/v1/files``; the API names only base names)."""
        return json_response(200, {"files": server.backend.process_files.listing()})

    return {("POST", "touch"): touch, ("POST", "insert"): insert, ("POST", "delete"): delete,
            ("GET", "count"): count, ("POST", "jobs"): jobs, ("GET", "files"): files}


def action_error(exc: Exception) -> Response | None:
    """An ``EmulatorError`` raised by an action is answered with its status and JSON body."""
    if not isinstance(exc, EmulatorError):
        return None
    body = exc.body()
    return json_response(exc.status, body if body is not None else {"error": str(exc)})
