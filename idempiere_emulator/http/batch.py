"""POST /api/v1/batch (spec §9): items dispatched internally with the caller's headers.

``transaction=true`` (default): one backend transaction; the first item that is not 200/201/202 rolls
everything back and the overall answer is 400 with the results so far. ``transaction=false``: each item is
committed or rolled back on its own and the answer is 200. Absent in legacy servers (routing gives 404).
"""
from __future__ import annotations

import json
from http import HTTPStatus

from erp_emulator.messages import Request, Response

from ..errors import EmulatorError
from .handlers import Api, json_response

_OK = (200, 201, 202)
_ALLOWED = ("POST", "PUT", "DELETE")


class _Rollback(Exception):
    """Raised inside ``backend.transaction()`` to undo the work of the failed item(s)."""


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _gson_map(value):
    """The plugin re-reads each item body with Gson into a Map: every JSON number becomes a Double."""
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            t = type(v)
            if t is str or t is bool or v is None:
                out[k] = v
            elif t is dict:  # a lookup/list object: flat, inlined (most of a record's nested values)
                inner = {}
                for ik, iv in v.items():
                    it = type(iv)
                    if it is str or it is bool or iv is None:
                        inner[ik] = iv
                    elif it is int or it is float:
                        inner[ik] = float(iv)
                    else:
                        inner[ik] = _gson_map(iv)
                out[k] = inner
            elif t is list:
                out[k] = _gson_map(v)
            else:  # int, float, serialize.ScaledNumber
                out[k] = float(v)
        return out
    if isinstance(value, list):
        return [_gson_map(v) for v in value]
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    return float(value)


def _item_path(path: str) -> str:
    """Item paths are relative to /api/ (``v1/models/C_BPartner``); a leading slash or /api is tolerated."""
    path = path.lstrip("/")
    if path.startswith("api/"):
        path = path[4:]
    return "/api/" + path


def _result(resp: Response) -> dict:
    body = None
    if isinstance(resp.json_body, dict):  # a JSON object body is never empty
        body = _gson_map(resp.json_body)
    elif resp.body:
        body = resp.body.decode("utf-8", "replace")
    return {"status": _reason(resp.status), "statusCode": resp.status, "body": body}


def run_batch(api: Api, req: Request, ctx) -> Response:
    """Entry point wired into ``Api.batch_runner`` by the server."""
    raw = req.params.get("transaction")
    transaction = True if raw is None else raw.strip().lower() == "true"
    try:
        items = json.loads(req.body.decode("utf-8") or "null")
    except ValueError as exc:
        return Response(400, f"Unexpected character: {exc}".encode(), "text/plain")
    if not isinstance(items, list):
        return Response(400, b"Cannot deserialize value of type `java.util.ArrayList` from non-array value",
                        "text/plain")
    headers = {k: v for k, v in req.headers.items() if k not in ("content-length", "transfer-encoding")}
    headers["content-type"] = "application/json"
    results: list[dict] = []

    def run_one(item) -> bool:
        """Dispatch one item; append its result; True when it succeeded."""
        if not isinstance(item, dict) or not isinstance(item.get("method"), str):
            results.append({"status": "Internal Server Error", "statusCode": 500, "body": None})
            return False
        method = item["method"].upper()
        if method not in _ALLOWED:
            results.append({"status": "Bad Request", "statusCode": 400, "body": f"Unsupported Method: {method}"})
            return False
        path, _, query = str(item.get("path") or "").partition("?")
        body = item.get("body")
        if isinstance(body, dict):  # the common case: handed over parsed, identical to re-reading its JSON
            sub = Request(method, _item_path(path), query, headers, b"{}", parsed_body=body)
        else:
            sub = Request(method, _item_path(path), query, headers,
                          b"" if body is None else json.dumps(body).encode("utf-8"))
        resp = api.dispatch(sub, lazy=True)
        results.append(_result(resp))
        return resp.status in _OK

    # every item that fails rolls back its enclosing transaction (raise _Rollback below), so the writer's
    # own transaction joins it (absorbs=True) instead of nesting a savepoint per item
    if transaction:
        try:
            with api.backend.transaction(absorbs=True):
                for item in items:
                    if not run_one(item):
                        raise _Rollback()
        except _Rollback:
            return json_response(400, results)
        except EmulatorError as err:  # commit failure
            results.append({"status": _reason(err.status), "statusCode": err.status, "body": err.body()})
            return json_response(400, results)
        return json_response(200, results)

    # each item is its own savepoint inside one enclosing transaction: an item still commits or rolls back
    # on its own (§9), but RELEASE of a nested savepoint is not a commit of the database (one per batch)
    with api.backend.transaction():
        for item in items:
            try:
                with api.backend.transaction(absorbs=True):
                    if not run_one(item):
                        raise _Rollback()
            except _Rollback:
                pass
    return json_response(200, results)
