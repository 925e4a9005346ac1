"""The Frappe floor: a bare ``requests`` + orjson loop replaying exactly the GETs source-frappe made.

Same pages (path and query taken from the emulator's request log of the source's run), one ``orjson.loads``
per body and one ``orjson.dumps`` line per row of ``data``: no schema, no conversion, no Airbyte envelope.
Whatever source-frappe spends above it is overhead the connector owns (measurement 3).

Run:  python -m bench.frappe.floor --url http://127.0.0.1:PORT --key K --secret S --plan plan.json > /dev/null
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from typing import Any
from urllib.parse import quote

import orjson
import requests

_PARAM_START = re.compile(r"&(?=[A-Za-z_]+=)")  # the log holds the query decoded: split only before a key


def plan_from_log(entries: list[dict[str, Any]], prefix: str = "/api/resource/") -> list[str]:
    """The GET collection requests of a run, as re-encoded ``path?query`` strings, in order."""
    plan = []
    for entry in entries:
        path = str(entry.get("path", ""))
        if entry.get("method", "GET") != "GET" or not path.startswith(prefix) or path.count("/") != 3:
            continue  # single documents, methods and metas are the source's fixed start-up
        query = str(entry.get("query") or "").lstrip("?")
        encoded = "&".join(_encode(part) for part in _PARAM_START.split(query) if part)
        plan.append(f"{path}?{encoded}" if encoded else path)
    return plan


def _encode(part: str) -> str:
    name, _, value = part.partition("=")
    return f"{quote(name, safe='')}={quote(value, safe='')}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--url", required=True, help="site root (http://host:port)")
    ap.add_argument("--key", required=True)
    ap.add_argument("--secret", required=True)
    ap.add_argument("--plan", required=True, help="JSON list of path?query strings (plan_from_log)")
    args = ap.parse_args(argv)
    with open(args.plan) as fh:
        plan = json.load(fh)
    session = requests.Session()
    session.headers.update({"Accept": "application/json", "Authorization": f"token {args.key}:{args.secret}"})
    out = sys.stdout.buffer
    dumps, loads = orjson.dumps, orjson.loads
    root = args.url.rstrip("/")
    for item in plan:
        resp = session.get(root + item, timeout=120)
        resp.raise_for_status()
        for row in loads(resp.content).get("data") or ():
            out.write(dumps(row) + b"\n")
    out.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
