"""Where a record's CPU goes: each step of a source's per-record path, timed in isolation, for any ERP.

An ERP's ``breakdown.py`` fetches a few real pages (the raw bodies its client receives) and builds its
converter as its source does; this module times, on those pages, the steps a RECORD takes in the source's
read: page JSON parse (the clients use orjson), the converter, the page's RECORD lines
(``erp_airbyte.record_output.record_page``) and one write of them through the CDK's ``PrintBuffer``. The
per-message path the CDK's own read loop would take (``AirbyteMessage`` construction, the entrypoint's
record counting, ``AirbyteMessageSerializer``, a ``print`` per line) is timed beside it, as "not taken",
and so are the floor's steps (parse the page, dump each record, write a line) on the same records.

Figures are CPU microseconds per record (``time.process_time``), best of a few repetitions, in this
process: they explain an end-to-end ratio, they do not replace it.
"""
from __future__ import annotations

import json
import os
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import orjson

REPEATS = 3


@dataclass(frozen=True)
class FloorCodec:
    """The JSON library an ERP's floor parses pages and dumps records with (its step names say which)."""

    name: str
    loads: Callable[[bytes], Any]
    dumps: Callable[[Any], str | bytes]


JSON_FLOOR = FloorCodec("json", json.loads, json.dumps)
ORJSON_FLOOR = FloorCodec("orjson", orjson.loads, orjson.dumps)


def _each(step: Callable[[Any], Any], items: Sequence[Any]) -> Callable[[], None]:
    """``step`` over ``items``, each result dropped at once, as the real paths drop a page or a line once it is out.

    Keeping every result alive instead (``[step(x) for x in items]``) would time fresh memory too: a list of
    2,500 dumped 1 kB lines costs ~1.8 page faults a line, which tripled ``orjson.dumps`` here (4.2 against
    0.75 µs per Sales Order row) although neither the source nor the floor ever holds more than a page.
    """
    def run() -> None:
        for item in items:
            step(item)
    return run


def _per_record(fn: Callable[[], Any], n: int) -> float:
    best = float("inf")
    for _ in range(REPEATS):
        start = time.process_time()
        fn()
        best = min(best, time.process_time() - start)
    return 1e6 * best / n


def breakdown(bodies: Sequence[bytes], records_of: Callable[[Any], list[dict[str, Any]]],
              convert: Callable[[dict[str, Any]], dict[str, Any]], stream: str,
              floor: FloorCodec = JSON_FLOOR) -> dict[str, Any]:
    """CPU µs per record of each step, for the source's path, the CDK's path it does not take, and the floor.

    Args:
        bodies: raw page bodies, as the source's client receives them.
        records_of: the records of one parsed body (e.g. its ``records`` or ``data`` array).
        convert: the source's converter for one record.
        stream: the stream name written into RECORD messages.
        floor: the JSON library of this ERP's floor.

    Raises:
        RuntimeError: the pages hold no record.
    """
    from airbyte_cdk.entrypoint import AirbyteEntrypoint
    from airbyte_cdk.models import AirbyteMessage, AirbyteMessageSerializer, AirbyteRecordMessage, Type
    from airbyte_cdk.utils.print_buffer import PrintBuffer

    from erp_airbyte.record_output import record_page

    pages = [records_of(orjson.loads(body)) for body in bodies]
    records = [r for page in pages for r in page]
    n = len(records)
    if not n:
        raise RuntimeError(f"{stream} has no rows to time")
    page_rows = [[convert(r) for r in page] for page in pages]
    rows = [row for page in page_rows for row in page]
    messages = [AirbyteMessage(type=Type.RECORD, record=AirbyteRecordMessage(stream=stream, data=row, emitted_at=1))
                for row in rows]
    dumped = [AirbyteMessageSerializer.dump(m) for m in messages]
    lines = [orjson.dumps(d).decode() for d in dumped]
    starts = [sum(len(page) for page in pages[:i]) for i in range(len(pages))]
    line_pages = [lines[start:start + len(page)] for start, page in zip(starts, pages)]
    page_texts = [record_page(stream, chunk, 1).text for chunk in page_rows]
    floor_lines = [floor.dumps(r) for r in records]
    with open(os.devnull, "w") as devnull, open(os.devnull, "wb") as devnull_bytes:

        class _Buffer(PrintBuffer):  # the CDK's buffer, flushing to /dev/null instead of our stdout
            def flush(self) -> None:
                with self.lock:
                    devnull.write(self.buffer.getvalue())
                    devnull.flush()
                    self.buffer = type(self.buffer)()

        buffer = _Buffer()

        def write_page(text: str) -> None:
            buffer.write(text)
            buffer.flush()  # the CDK flushes every 0.1 s, so every byte is flushed once: count it here

        def print_page(page_lines: list[str]) -> None:
            for line in page_lines:
                print(f"{line}\n", end="", file=buffer)
            buffer.flush()

        def write_line(line: str | bytes) -> None:
            if isinstance(line, bytes):
                devnull_bytes.write(line + b"\n")
            else:
                devnull.write(line + "\n")

        counts: defaultdict[Any, float] = defaultdict(float)
        source = {
            "parse page (orjson.loads)": _per_record(_each(orjson.loads, bodies), n),
            "RecordConverter.convert": _per_record(_each(lambda page: [convert(r) for r in page], pages), n),
            "record_page (a page's RECORD lines)": _per_record(
                _each(lambda chunk: record_page(stream, chunk, 1), page_rows), n),
            "write a page via PrintBuffer": _per_record(_each(write_page, page_texts), n),
        }
        cdk_path = {
            "AirbyteMessage construction": _per_record(_each(
                lambda row: AirbyteMessage(type=Type.RECORD,
                                           record=AirbyteRecordMessage(stream=stream, data=row, emitted_at=1)),
                rows), n),
            "entrypoint record counting": _per_record(
                _each(lambda m: AirbyteEntrypoint.handle_record_counts(m, counts), messages), n),
            "AirbyteMessageSerializer.dump (serpyco-rs)": _per_record(_each(AirbyteMessageSerializer.dump, messages), n),
            "orjson.dumps + decode": _per_record(_each(lambda d: orjson.dumps(d).decode(), dumped), n),
            "print a line via PrintBuffer": _per_record(_each(print_page, line_pages), n),
        }
        floor_steps = {
            f"parse page ({floor.name}.loads)": _per_record(_each(floor.loads, bodies), n),
            f"{floor.name}.dumps": _per_record(_each(floor.dumps, records), n),
            "write line": _per_record(_each(write_line, floor_lines), n),
        }
    return {
        "records": n,
        "bytes_per_record_in": round(sum(len(b) for b in bodies) / n),
        "bytes_per_record_out": round(sum(len(line) for line in lines) / n),
        "fields_in": round(sum(len(r) for r in records) / n, 1),
        "fields_out": round(sum(len(r) for r in rows) / n, 1),
        "source_us": {k: round(v, 2) for k, v in source.items()},
        "source_total_us": round(sum(source.values()), 2),
        "not_taken_cdk_path_us": {k: round(v, 2) for k, v in cdk_path.items()},
        "floor_us": {k: round(v, 2) for k, v in floor_steps.items()},
        "floor_total_us": round(sum(floor_steps.values()), 2),
    }


def format_breakdown(data: dict[str, Any], stream: str) -> str:
    """Human-readable lines for the bench output and the README."""
    out = [f"per-record CPU breakdown over {data['records']} {stream} records "
           f"({data['bytes_per_record_in']} B in, {data['bytes_per_record_out']} B out, "
           f"{data['fields_in']} -> {data['fields_out']} fields), µs/record, this machine only:"]
    for label, key in (("source", "source_us"), ("floor", "floor_us")):
        total = data[f"{label}_total_us"]
        out.append(f"  {label} total {total:.1f} (steps of the actual path)")
        for step, us in data[key].items():
            out.append(f"    {us:7.2f}  {100 * us / (total or 1):4.0f}%  {step}")
    out.append("  not taken: the CDK's per-message path for the same records (replaced by the two page steps)")
    for step, us in data.get("not_taken_cdk_path_us", {}).items():
        out.append(f"    {us:7.2f}        {step}")
    return "\n".join(out)
