"""A fake ERP for the shared destination pipeline: planner, chunk sender and prover over an in-memory table.

Records are ``{"id": key, "name": value}``; the "server" holds ``id -> name``. The sender follows a script
per write (by record id): ``ok``; ``refuse`` (an application error, not applied); ``drop`` (applied, then the
answer is lost: uncertain); ``fail`` (not applied, uncertain). The prover reads the table back.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any

from airbyte_cdk.models import AirbyteMessage

from erp_airbyte.destination.protocols import RecordRejected, SliceOutcomes, WriteResult
from erp_airbyte.destination.run_policy import RunPolicy
from erp_airbyte.destination.sink import PipelineRun, StreamSink
from erp_airbyte.destination.write_rounds import WriteRounds
from erp_airbyte.messages import record_message, state_message

LOG = logging.getLogger("fake-erp")


@dataclass
class FakeRecord:
    seq: int
    data: dict[str, Any]
    key: tuple | None

    @property
    def group_key(self) -> Hashable:
        return self.key


@dataclass
class FakeWrite:
    rec: FakeRecord
    outcome: str
    table: str
    name: str


class FakeServer:
    """Tables of ``id -> name``, the send script, and a log of what was sent (thread-safe)."""

    def __init__(self) -> None:
        self.tables: dict[str, dict[Any, str]] = {}
        self.script: dict[Any, list[str]] = {}  # record id -> steps, one per send of that record
        self.sent: list[tuple[str, Any]] = []  # (table, id) per write sent, in order
        self.proven: list[Any] = []
        self.lock = threading.Lock()

    def rows(self, table: str) -> dict[Any, str]:
        with self.lock:
            return dict(self.tables.get(table, {}))

    def apply(self, op: FakeWrite) -> tuple[str, str | None]:
        """('done', None) | ('refused', reason) | ('uncertain', None)."""
        rid = op.rec.data["id"]
        with self.lock:
            self.sent.append((op.table, rid))
            steps = self.script.get(rid)
            step = steps.pop(0) if steps else "ok"
            if step == "refuse":
                return "refused", f"HTTP 417 name {op.name!r} is not allowed"
            if step == "fail":
                return "uncertain", None
            self.tables.setdefault(op.table, {})[rid] = op.name
            return ("uncertain", None) if step == "drop" else ("done", None)


class FakePlanner:
    """A ``RecordPlanner``: ``colour`` is an unknown field (refused by ``prepare``); ``name == "?"`` is refused
    by ``plan`` (a lookup that failed); an equal row is unchanged."""

    def __init__(self, server: FakeServer, table: str, dry_run: bool = False):
        self.server = server
        self.table = table
        self.dry_run = dry_run
        self.after: list[list[bool]] = []

    def prepare(self, seq: int, data: dict[str, Any]) -> FakeRecord:
        if "colour" in data:
            raise RecordRejected("field 'colour' matches no column")
        return FakeRecord(seq, data, (data["id"],))

    def raw_key(self, data: dict[str, Any]) -> tuple | None:
        return (data["id"],)

    def waits_for_all(self, recs: list[FakeRecord]) -> bool:
        return False

    def plan(self, recs: list[FakeRecord], outcomes: SliceOutcomes) -> list[FakeWrite]:
        rows = self.server.rows(self.table)
        writes = []
        for rec in recs:
            name = rec.data["name"]
            if name == "?":
                outcomes.reject(rec, "lookup failed: name '?' is ambiguous")
            elif rows.get(rec.data["id"]) == name:
                outcomes.unchanged()
            else:
                outcome = "updated" if rec.data["id"] in rows else "inserted"
                writes.append(FakeWrite(rec, outcome, self.table, name))
        return writes

    def after_writes(self, results: list[WriteResult[FakeWrite]]) -> None:
        self.after.append([r.ok for r in results])


class FakeSender:
    """A ``ChunkSender`` over ``FakeServer``."""

    def __init__(self, server: FakeServer, chunk_size: int):
        self.server = server
        self.chunk_size = chunk_size

    def send(self, chunk: list[FakeWrite]) -> tuple[list[WriteResult[FakeWrite]], list[FakeWrite]]:
        done, uncertain = [], []
        for op in chunk:
            answer, reason = self.server.apply(op)
            if answer == "uncertain":
                uncertain.append(op)
            else:
                done.append(WriteResult(op, answer == "done", reason))
        return done, uncertain


class FakeProver:
    """A ``WriteProver``: applied when the table holds the write's name under its id."""

    def __init__(self, server: FakeServer):
        self.server = server

    def prove(self, op: FakeWrite) -> WriteResult[FakeWrite] | None:
        rid = op.rec.data["id"]
        with self.server.lock:
            self.server.proven.append(rid)
        if self.server.rows(op.table).get(rid) == op.name:
            return WriteResult(op, True)
        return None


@dataclass
class FakeDestination:
    """One run of the pipeline over the fake ERP, wired as an ERP destination wires it."""

    server: FakeServer
    run: PipelineRun
    planners: dict[str, FakePlanner] = field(default_factory=dict)
    sleeps: list[float] = field(default_factory=list)


def fake_destination(streams: tuple[str, ...] = ("partner",), *, dry_run: bool = False, reject_policy: str = "continue",
                     rejects_path: str | None = None, chunk_size: int = 2, workers: int = 2, slice_size: int = 2,
                     server: FakeServer | None = None) -> FakeDestination:
    server = server or FakeServer()
    sleeps: list[float] = []
    rounds = WriteRounds(FakeSender(server, chunk_size), FakeProver(server), workers, LOG, sleep=sleeps.append)
    run = PipelineRun.open(rounds, LOG, RunPolicy(reject_policy, rejects_path, dry_run))
    dest = FakeDestination(server, run, sleeps=sleeps)
    for stream in streams:
        planner = dest.planners[stream] = FakePlanner(server, stream, dry_run)
        StreamSink(run, stream, planner, workers=workers, slice_size=slice_size, capacity=2 * slice_size, keyed=True)
    return dest


def record(rid: Any, name: str, stream: str = "partner", **extra: Any) -> AirbyteMessage:
    return record_message(stream, {"id": rid, "name": name, **extra})


def state(n: int, stream: str = "partner") -> AirbyteMessage:
    return state_message(stream, {"n": n})
