"""The floor: the least work any Python client must do to move the same pages to stdout.

It uses a plain ``requests.Session``, fetches exactly the pages the connector fetched (same ``$filter``,
``$orderby``, ``$top``; replayed from the emulator's request log), parses each body with ``Response.json()``
and writes one JSON line per record. No schema, no conversion, no Airbyte envelope: whatever the connector
spends above this is overhead we own.

Run:  python -m bench.idempiere.floor --url http://127.0.0.1:PORT/api/v1 --token T --plan plan.json > /dev/null
      python -m bench.idempiere.floor --url ... --token T --table c_order --key C_Order_ID   (keyset, no plan)
"""
from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl

import requests


def plan_from_log(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Turn emulator request-log entries into ``{"path", "params"}`` items (query as dict or raw string)."""
    plan = []
    for entry in entries:
        query = entry.get("query") or {}
        if isinstance(query, str):
            params: dict[str, Any] = _parse_query(query.lstrip("?"))
        else:
            params = {k: (v[0] if isinstance(v, list) and len(v) == 1 else v) for k, v in dict(query).items()}
        path = str(entry["path"])
        marker = "/api/v1/"
        path = path.split(marker, 1)[1] if marker in path else path.lstrip("/")
        plan.append({"path": path, "params": params})
    return plan


def collection_gets(log: list[dict[str, Any]], table: str) -> list[dict[str, Any]]:
    """The GET page requests the connector made on one table's collection, in order (for the floor to replay)."""
    want = f"models/{table.lower()}"
    out = []
    for entry in log:
        path = str(entry.get("path", "")).rstrip("/")
        if entry.get("method", "GET") == "GET" and path.lower().endswith(want) and "/yaml" not in path:
            out.append(entry)
    return out


def _parse_query(query: str) -> dict[str, str]:
    """The emulator logs the query decoded (``$filter=IsActive neq null&...``); accept encoded text too."""
    if "%" in query or "+" in query:
        return dict(parse_qsl(query, keep_blank_values=True))
    params = {}
    for part in query.split("&"):
        if part:
            name, _, value = part.partition("=")
            params[name] = value
    return params


def login(session: requests.Session, url: str, token: str | None, user: str | None, password: str | None) -> None:
    """s2s token: just a header. Password: the one-step login with client/role ids (GardenWorld Admin)."""
    if token:
        session.headers["Authorization"] = f"Bearer {token}"
        return
    body = {"userName": user, "password": password,
            "parameters": {"clientId": 11, "roleId": 102, "organizationId": 11, "language": "en_US"}}
    resp = session.post(f"{url}/auth/tokens", json=body, timeout=60)
    resp.raise_for_status()
    session.headers["Authorization"] = f"Bearer {resp.json()['token']}"


def replay(session: requests.Session, url: str, plan: list[dict[str, Any]],
           fast: bool = False) -> Iterator[list[dict[str, Any]]]:
    """Fetch each planned page in order and yield its records (``Response.json()``, or orjson if ``fast``)."""
    loads = json.loads
    if fast:
        import orjson

        loads = orjson.loads
    for item in plan:
        resp = session.get(f"{url}/{item['path']}", params=item["params"], timeout=120)
        resp.raise_for_status()
        body = loads(resp.content) if fast else resp.json()
        yield body.get("records") or []


def keyset(session: requests.Session, url: str, table: str, key: str, top: int) -> Iterator[list[dict[str, Any]]]:
    """Full read by key without a plan: ``IsActive neq null and <key> gt last``, ordered by key."""
    last = 0
    while True:
        params = {"$filter": f"IsActive neq null and {key} gt {last}", "$orderby": key, "$top": str(top)}
        resp = session.get(f"{url}/models/{table}", params=params, timeout=120)
        resp.raise_for_status()
        body = resp.json()
        records = body.get("records") or []
        yield records
        size = int(body.get("records-size") or top)
        if len(records) < size or not records:
            return
        last = records[-1]["id"]


def main(argv: list[str] | None = None) -> int:
    """Stream every record of the planned pages to stdout as JSON lines."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--url", required=True, help="API root, ending in /api/v1")
    ap.add_argument("--token")
    ap.add_argument("--user")
    ap.add_argument("--password")
    ap.add_argument("--plan", help="JSON file: list of {path, params} (from plan_from_log)")
    ap.add_argument("--table", default="c_order")
    ap.add_argument("--key", default="C_Order_ID")
    ap.add_argument("--top", type=int, default=100)
    ap.add_argument("--orjson", action="store_true", help="parse and dump with orjson (a stricter floor)")
    args = ap.parse_args(argv)
    url = args.url.rstrip("/")
    session = requests.Session()
    session.headers["Accept"] = "application/json"
    login(session, url, args.token, args.user, args.password)
    if args.plan:
        with open(args.plan) as fh:
            pages = replay(session, url, json.load(fh), args.orjson)
    else:
        pages = keyset(session, url, args.table, args.key, args.top)
    if args.orjson:
        import orjson

        out = sys.stdout.buffer
        for records in pages:
            for record in records:
                out.write(orjson.dumps(record) + b"\n")
    else:
        write = sys.stdout.write
        dumps = json.dumps
        for records in pages:
            for record in records:
                write(dumps(record) + "\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
