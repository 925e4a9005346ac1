"""Where a record's CPU goes: each step of the source's per-record path, timed in isolation.

The steps are the ones a RECORD takes in ``source-idempiere read``: page JSON parse (the client uses
orjson), ``RecordConverter.convert``, the page's RECORD lines (``erp_airbyte.record_output.record_page``)
and one write of them through the CDK's ``PrintBuffer``. The per-message path the CDK's own read loop
would take (``AirbyteMessage`` construction, the entrypoint's record counting, ``AirbyteMessageSerializer``,
a ``print`` per line) is timed beside it, as "not taken". The floor's steps (``json.loads`` of the page, ``json.dumps`` + write per record)
are timed on the same records. Figures are CPU microseconds per record (``time.process_time``), best of
a few repetitions, in this process: they explain the end-to-end ratio, they do not replace it.

Run alone:  python -m bench.idempiere.breakdown --url http://127.0.0.1:PORT --token T [--table c_order]
"""
from __future__ import annotations

import argparse
import json
import os
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

import orjson
import requests

REPEATS = 3


def _per_record(fn: Callable[[], Any], n: int) -> float:
    best = float("inf")
    for _ in range(REPEATS):
        start = time.process_time()
        fn()
        best = min(best, time.process_time() - start)
    return 1e6 * best / n


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
    """CPU µs per record of each step, for the connector path and the floor path."""
    from airbyte_cdk.entrypoint import AirbyteEntrypoint
    from airbyte_cdk.models import AirbyteMessage, AirbyteMessageSerializer, AirbyteRecordMessage, Type
    from airbyte_cdk.utils.print_buffer import PrintBuffer

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
    records = [r for body in bodies for r in orjson.loads(body)["records"]]
    n = len(records)
    if not n:
        raise RuntimeError(f"{table} has no rows to time")
    convert = RecordConverter(meta, "flatten", ServerClock("UTC")).convert
    rows = [convert(r) for r in records]
    messages = [AirbyteMessage(type=Type.RECORD, record=AirbyteRecordMessage(stream=table, data=row, emitted_at=1))
                for row in rows]
    dumped = [AirbyteMessageSerializer.dump(m) for m in messages]
    lines = [orjson.dumps(d).decode() for d in dumped]
    devnull = open(os.devnull, "w")

    class _Buffer(PrintBuffer):  # the CDK's buffer, flushing to /dev/null instead of our stdout
        def flush(self) -> None:
            with self.lock:
                devnull.write(self.buffer.getvalue())
                devnull.flush()
                self.buffer = type(self.buffer)()

    buffer = _Buffer()

    def print_all() -> None:
        for line in lines:
            print(f"{line}\n", end="", file=buffer)

    from erp_airbyte.record_output import record_page

    page_rows = [rows[i:i + 100] for i in range(0, n, 100)]
    page_texts = [record_page(table, chunk, 1).text for chunk in page_rows]

    def write_pages() -> None:
        for text in page_texts:
            buffer.write(text)

    counts: defaultdict[Any, float] = defaultdict(float)
    source = {
        "parse page (orjson.loads)": _per_record(lambda: [orjson.loads(b) for b in bodies], n),
        "RecordConverter.convert": _per_record(lambda: [convert(r) for r in records], n),
        "record_page (a page's RECORD lines)": _per_record(
            lambda: [record_page(table, chunk, 1) for chunk in page_rows], n),
        "write a page via PrintBuffer": _per_record(write_pages, n),
    }
    cdk_path = {
        "AirbyteMessage construction": _per_record(
            lambda: [AirbyteMessage(type=Type.RECORD, record=AirbyteRecordMessage(stream=table, data=row, emitted_at=1))
                     for row in rows], n),
        "entrypoint record counting": _per_record(
            lambda: [AirbyteEntrypoint.handle_record_counts(m, counts) for m in messages], n),
        "AirbyteMessageSerializer.dump (serpyco-rs)": _per_record(
            lambda: [AirbyteMessageSerializer.dump(m) for m in messages], n),
        "orjson.dumps + decode": _per_record(lambda: [orjson.dumps(d).decode() for d in dumped], n),
        "print a line via PrintBuffer": _per_record(print_all, n),
    }
    floor_lines = [json.dumps(r) for r in records]
    floor = {
        "parse page (json.loads)": _per_record(lambda: [json.loads(b) for b in bodies], n),
        "json.dumps": _per_record(lambda: [json.dumps(r) for r in records], n),
        "write line": _per_record(lambda: [devnull.write(line + "\n") for line in floor_lines], n),
    }
    devnull.close()
    return {
        "records": n,
        "bytes_per_record_in": round(sum(len(b) for b in bodies) / n),
        "bytes_per_record_out": round(sum(len(line) for line in lines) / n),
        "fields_in": round(sum(len(r) for r in records) / n, 1),
        "fields_out": round(sum(len(r) for r in rows) / n, 1),
        "source_us": {k: round(v, 2) for k, v in source.items()},
        "source_total_us": round(sum(source.values()), 2),
        "not_taken_cdk_path_us": {k: round(v, 2) for k, v in cdk_path.items()},
        "floor_us": {k: round(v, 2) for k, v in floor.items()},
        "floor_total_us": round(sum(floor.values()), 2),
    }


def format_breakdown(data: dict[str, Any]) -> str:
    """Human-readable lines for the bench output and the README."""
    out = [f"per-record CPU breakdown over {data['records']} {data.get('table', 'c_order')} records "
           f"({data['bytes_per_record_in']} B in, {data['bytes_per_record_out']} B out, "
           f"{data['fields_in']} -> {data['fields_out']} fields), µs/record, this machine only:"]
    for label, key in (("source", "source_us"), ("floor", "floor_us")):
        total = data[f"{label}_total_us"]
        out.append(f"  {label} total {total:.1f} (steps of the actual path)")
        for step, us in data[key].items():
            out.append(f"    {us:7.2f}  {100 * us / total:4.0f}%  {step}")
    out.append("  not taken: the CDK's per-message path for the same records (replaced by the two page steps)")
    for step, us in data.get("not_taken_cdk_path_us", {}).items():
        out.append(f"    {us:7.2f}        {step}")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--url", required=True, help="emulator root (without /api/v1)")
    ap.add_argument("--token", required=True)
    ap.add_argument("--table", default="c_order")
    ap.add_argument("--pages", type=int, default=30)
    args = ap.parse_args(argv)
    data = breakdown(args.url, args.token, args.table, args.pages)
    data["table"] = args.table
    print(format_breakdown(data))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
