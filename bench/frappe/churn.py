"""Measurement 2: reads under change. A background writer on a fixed seeded schedule, and the comparison to truth.

The schedule is a list of operations drawn from ``random.Random(seed)`` over the names present at the start:
*edit* (the control ``touch``: the document and its children get ``modified = now``), *insert* (a new Sales
Order through the control ``insert``) and *delete* (a hard delete; Frappe refuses submitted or linked
documents, and a refusal is part of the schedule too, identical for both readers). Each reader gets a fresh
copy of the same seeded database and the same schedule at the same rate.

After the writer stops, each reader runs one incremental sync from its own state (what a scheduler does
next), and its output is compared with the emulator's final rows: ``lost`` = live documents never emitted,
``stale`` = live documents whose last emitted ``modified`` is older than the stored one, ``duplicated`` =
extra emissions of one document within the first sync (any version), ``ghosts`` = deleted documents
still emitted as live (informational: neither reader here is configured to detect hard deletes).
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bench.harness import classify_line

INSERT_TEMPLATE = {
    "customer": "Customer 0001",
    "company": "Demo Company",
    "currency": "INR",
    "selling_price_list": "Standard Selling",
    "transaction_date": "2026-01-01",
    "delivery_date": "2026-01-10",
    "items": [{"item_code": "ITEM-0001", "qty": 1, "rate": 10, "delivery_date": "2026-01-10"}],
}


def schedule(names: list[str], count: int, seed: int) -> list[tuple[str, Any]]:
    """``count`` operations: 70% edits, 15% inserts, 15% delete attempts, all chosen by ``seed``."""
    rng = random.Random(seed)
    ops: list[tuple[str, Any]] = []
    for i in range(count):
        roll = rng.random()
        if roll < 0.70:
            ops.append(("edit", rng.choice(names)))
        elif roll < 0.85:
            ops.append(("insert", i))
        else:
            ops.append(("delete", rng.choice(names)))
    return ops


@dataclass
class Writer:
    """Plays a schedule against an emulator child at a fixed rate in a thread, until the schedule ends or stop()."""

    emu: Any  # FrappeChild: touch / insert / hard_delete control calls
    ops: list[tuple[str, Any]]
    rate: float
    doctype: str = "Sales Order"
    done: dict[str, int] = field(default_factory=lambda: {"edit": 0, "insert": 0, "delete": 0, "refused": 0})
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> Writer:
        self._thread = threading.Thread(target=self._run, name="churn-writer", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> dict[str, int]:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=120)
        return dict(self.done)

    def _run(self) -> None:
        start = time.perf_counter()
        for i, (kind, arg) in enumerate(self.ops):
            delay = start + i / self.rate - time.perf_counter()
            if self._stop.wait(max(delay, 0.0)):
                return
            try:
                if kind == "edit":
                    self.emu.touch(self.doctype, names=[arg])
                elif kind == "insert":
                    self.emu.insert(self.doctype, [INSERT_TEMPLATE])
                elif not self.emu.hard_delete(self.doctype, [arg]):
                    self.done["refused"] += 1  # already gone
                    continue
                self.done[kind] += 1
            except Exception:  # noqa: BLE001 - a refused delete (submitted/linked) is part of the schedule
                self.done["refused"] += 1


def instant(value: str, zone: ZoneInfo) -> datetime:
    """A ``modified`` as an aware instant: RFC 3339 values keep their offset, naive site values get the site zone."""
    text = value.replace("Z", "+00:00").replace(" ", "T", 1)
    parsed = datetime.fromisoformat(text)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)


def emitted(lines: Iterable[bytes]) -> list[tuple[str, str, bool]]:
    """(name, modified, deleted-marker) of every RECORD line, Airbyte or Singer shaped."""
    out = []
    for line in lines:
        if classify_line(line) != "record":
            continue
        message = json.loads(line)
        # Singer: {"type", "stream", "record": row}; Airbyte: {"type", "record": {"stream", "data": row}}
        data = message["record"] if "stream" in message else message["record"]["data"]
        out.append((str(data.get("name")), str(data.get("modified")), bool(data.get("_ab_cdc_deleted_at"))))
    return out


def compare(
    first: list[tuple[str, str, bool]], later: list[tuple[str, str, bool]], truth: dict[str, str], zone: ZoneInfo
) -> dict[str, int]:
    """Lost, stale, duplicated and ghost rows of a reader (module docstring) against ``truth`` (name -> modified)."""
    seen: dict[str, tuple[datetime, bool]] = {}
    for name, modified, deleted in first + later:
        seen[name] = (instant(modified, zone), deleted)
    copies: dict[str, int] = {}
    for name, _, _ in first:
        copies[name] = copies.get(name, 0) + 1
    lost = sum(1 for name in truth if name not in seen)
    stale = sum(1 for name, modified in truth.items() if name in seen and seen[name][0] < instant(modified, zone))
    ghosts = sum(1 for name, (_, deleted) in seen.items() if name not in truth and not deleted)
    return {
        "live": len(truth),
        "emitted_first": len(first),
        "emitted_second": len(later),
        "lost": lost,
        "stale": stale,
        "duplicated": sum(n - 1 for n in copies.values() if n > 1),
        "ghosts": ghosts,
    }
