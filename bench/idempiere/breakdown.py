"""Where a c_order record's CPU goes in ``source-idempiere read``: iDempiere's set-up for ``bench.breakdown``.

This module fetches real ``c_order`` pages (keyset on the key column, 100 rows a page, as the source reads
them) and builds the converter as the source does (``RecordConverter(meta, "flatten", clock)``); the steps
are timed by ``bench/breakdown.py``. The floor's steps are those of ``bench.idempiere.floor`` without
``--orjson`` (``json.loads`` of the page, ``json.dumps`` + write per record).

Run alone:  python -m bench.idempiere.breakdown --url http://127.0.0.1:PORT --token T [--table c_order]
"""
from __future__ import annotations

import argparse
from typing import Any

import orjson
import requests

from bench import breakdown as shared


def fetch_pages(api_url: str, token: str, table: str, key: str, pages: int, top: int = 100) -> list[bytes]:
    """Raw page bodies, keyset by key (the bytes the connector would receive)."""
    session = requests.Session()
    session.headers.update({"Authorization": f"Bearer {token}", "Accept": "application/json"})
    bodies, last = [], 0
    for _ in range(pages):
        params = {"$filter": f"IsActive neq null and {key} gt {last}", "$orderby": key, "$top": str(top)}
        resp = session.get(f"{api_url}/models/{table}", params=params, timeout=120)
        resp.raise_for_status()
        records = orjson.loads(resp.content).get("records") or []
        if not records:
            break
        bodies.append(resp.content)
        last = records[-1]["id"]
    return bodies


def breakdown(base_url: str, token: str, table: str = "c_order", pages: int = 30) -> dict[str, Any]:
    """CPU µs per record of each step, for the connector path and the floor path (``bench.breakdown``)."""
    from idempiere_client.config import ConnectionConfig
    from idempiere_client.http import IdempiereClient
    from idempiere_client.metadata import MetadataCatalog
    from idempiere_client.records import RecordConverter
    from idempiere_client.timeutil import ServerClock

    config = {"base_url": base_url, "credentials": {"auth_type": "token", "token": token}}
    client = IdempiereClient(ConnectionConfig.from_airbyte(config), max_in_flight=1)
    try:
        meta = MetadataCatalog(client, workers=1).get(table)
    finally:
        client.close()
    bodies = fetch_pages(base_url.rstrip("/") + "/api/v1", token, table, meta.key_column or f"{table}_ID", pages)
    convert = RecordConverter(meta, "flatten", ServerClock("UTC")).convert
    return shared.breakdown(bodies, lambda body: body["records"], convert, table, shared.JSON_FLOOR)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--url", required=True, help="emulator root (without /api/v1)")
    ap.add_argument("--token", required=True)
    ap.add_argument("--table", default="c_order")
    ap.add_argument("--pages", type=int, default=30)
    args = ap.parse_args(argv)
    print(shared.format_breakdown(breakdown(args.url, args.token, args.table, args.pages), args.table))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
