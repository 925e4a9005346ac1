"""Where a Sales Order record's CPU goes in ``source-frappe read``: Frappe's set-up for ``bench.breakdown``.

Measurement F3 judges source-frappe's CPU per record against a requests + orjson floor; this explains the
ratio. It fetches real pages as source-frappe reads them with ``child_tables: streams`` (parent rows only:
``fields ["*"]``, 500 rows a page, keyset on ``modified``/``name`` through ``source_frappe.scan.KeysetScan``)
and builds the converter as ``DocTypeReader`` does (``RecordConverter(meta, clock)``: the merged meta from
``load_metas``, the site clock from ``resolve_site_clock``, no children). The steps are timed by
``bench/breakdown.py``; the floor's are those of ``bench.frappe.floor`` (``orjson.loads`` of the page,
``orjson.dumps`` + write per row).

Run alone:  python -m bench.frappe.breakdown --url http://127.0.0.1:PORT --key K --secret S [--doctype "Sales Order"]
"""
from __future__ import annotations

import argparse
import json
from typing import Any

import orjson
import requests

from bench import breakdown as shared
from frappe_client.client import FrappeClient, doc_path
from frappe_client.config import ConnectionConfig
from frappe_client.records import RecordConverter
from frappe_client.site_zone import resolve_site_clock
from source_frappe.discovery import load_metas, main_meta
from source_frappe.options import DEFAULT_PAGE_SIZE
from source_frappe.scan import KeysetScan


def fetch_pages(site_url: str, api_key: str, api_secret: str, doctype: str, pages: int,
                page_size: int = DEFAULT_PAGE_SIZE) -> list[bytes]:
    """Raw page bodies of a full-refresh keyset scan (the bytes source-frappe's client would receive)."""
    session = requests.Session()
    session.headers.update({"Authorization": f"token {api_key}:{api_secret}", "Accept": "application/json"})
    url = f"{site_url.rstrip('/')}/api/{doc_path(doctype)}"
    scan = KeysetScan(None, None, page_size)
    bodies: list[bytes] = []
    while not scan.done and len(bodies) < pages:
        params = {"fields": json.dumps(["*"], separators=(",", ":")), "limit_page_length": str(page_size),
                  **scan.params()}
        resp = session.get(url, params=params, timeout=120)
        resp.raise_for_status()
        rows = orjson.loads(resp.content).get("data") or []
        scan.accept(rows)
        if rows:
            bodies.append(resp.content)
    return bodies


def breakdown(site_url: str, api_key: str, api_secret: str, doctype: str = "Sales Order",
              pages: int = 5) -> dict[str, Any]:
    """CPU µs per record of each step, for the connector path and the floor path (``bench.breakdown``)."""
    config = {"site_url": site_url, "credentials": {"auth_type": "api_key", "api_key": api_key,
                                                    "api_secret": api_secret}}
    client = FrappeClient(ConnectionConfig.from_airbyte(config), max_in_flight=1)
    try:
        clock, _ = resolve_site_clock(client, None)
        loaded, errors = load_metas(client, [doctype], 1)
    finally:
        client.close()
    if doctype not in loaded:
        raise RuntimeError(f"no meta for {doctype}: {errors.get(doctype)}")
    convert = RecordConverter(main_meta(doctype, loaded[doctype]), clock).convert  # streams mode: no children
    bodies = fetch_pages(site_url, api_key, api_secret, doctype, pages)
    return shared.breakdown(bodies, lambda body: body["data"], convert, doctype, shared.ORJSON_FLOOR)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--url", required=True, help="site root (http://host:port)")
    ap.add_argument("--key", required=True)
    ap.add_argument("--secret", required=True)
    ap.add_argument("--doctype", default="Sales Order")
    ap.add_argument("--pages", type=int, default=5)
    args = ap.parse_args(argv)
    print(shared.format_breakdown(breakdown(args.url, args.key, args.secret, args.doctype, args.pages), args.doctype))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
