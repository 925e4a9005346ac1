"""What an ERP supplies to the destination outcome pipeline: three small Protocols, and the values they pass.

The pipeline (``sink.py``, ``write_rounds.py``, ``state_gate.py``) owns what is the same for every ERP: state
held until every earlier record has an outcome, per-stream buffering and slices, resending uncertain writes
only after they are proven not applied, dry runs, the rejects file and the report. It never sends HTTP and
knows nothing of tables, keys or endpoints; an ERP destination implements these three:

1. ``RecordPlanner`` (one per stream): how records are prepared and planned. ``prepare`` maps an Airbyte
   record (main thread) or raises ``RecordRejected``; ``plan`` turns a slice of prepared records into writes
   on a worker thread (references resolved, existing rows looked up, unchanged rows skipped), telling a
   ``SliceOutcomes`` which records it rejects or leaves unchanged; ``after_writes`` sees what was committed.
2. ``ChunkSender``: how a chunk of writes is sent. ``chunk_size`` writes at once (one batch request, or one
   single request when it is 1), sorted into results (committed, or refused with the server's reason) and
   *uncertain* writes (the request may or may not have been applied: a dropped connection, a 5xx).
3. ``WriteProver``: how an uncertain write is proven. A committed ``WriteResult`` when the write is known to
   be applied, ``None`` when it is known not to be (it is resent), or an exception when neither can be known
   (resending could duplicate a row: the run stops). An ERP may read the row back by a unique id its insert
   carried, or by an external-id field; one whose inserts are refused as duplicates (e.g. a 409 on a natural
   name) can answer ``None`` and let its sender count that refusal as committed.

Writes are the ERP's own objects (``PlannedWrite``: the record they write and the outcome they count);
records are the ERP's prepared records (``Record``).
"""
from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar


class RecordRejected(Exception):
    """The record cannot be written; ``reason`` names the field or column and the value (user-facing)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class Record(Protocol):
    """A prepared record, as the pipeline sees it."""

    @property
    def seq(self) -> int:
        """Position in the input (1-based): orders flushes, state and ``reject_policy=fail``."""

    @property
    def data(self) -> dict[str, Any]:
        """The record as received (written to the rejects file, secrets masked)."""

    @property
    def key(self) -> tuple[Any, ...] | None:
        """Primary-key values as received (None for a stream without a key)."""

    @property
    def group_key(self) -> Hashable:
        """What makes two records "the same row" within a run: they are applied in input order."""


class PlannedWrite(Protocol):
    """One write for one record (the ERP's request object)."""

    @property
    def rec(self) -> Record:
        """The record this write applies."""

    @property
    def outcome(self) -> str:
        """The counter bumped when committed: ``inserted`` | ``updated`` | ``deactivated``."""


R = TypeVar("R", bound=Record)
W = TypeVar("W", bound=PlannedWrite)


@dataclass
class WriteResult(Generic[W]):
    """The final answer for one write: committed (``ok``), or refused with the server's ``reason``."""

    op: W
    ok: bool
    reason: str | None = None
    body: Any = field(default=None, repr=False)


class SliceOutcomes(Protocol):
    """Where a planner reports the records of a slice that get no write (thread-safe enough for one slice)."""

    def reject(self, rec: Record, reason: str) -> None:
        """``rec`` is not written: counted, logged and put in the rejects file at once."""

    def unchanged(self, n: int = 1) -> None:
        """``n`` records need no write (the row already holds their values, or there is nothing to delete)."""


class RecordPlanner(Protocol[R, W]):
    """How the records of one stream are prepared and planned (the ERP's per-stream half of the sink)."""

    def prepare(self, seq: int, data: dict[str, Any]) -> R:
        """Map one record (main thread, cheap: no request).

        Raises:
            RecordRejected: an unknown field, a value that does not fit, a missing key value.
        """

    def raw_key(self, data: dict[str, Any]) -> tuple[Any, ...] | None:
        """The key of a record ``prepare`` refused, for the rejects file (may raise: then none is shown)."""

    def waits_for_all(self, recs: list[R]) -> bool:
        """Whether this slice must wait for every earlier slice (it references rows of its own table)."""

    def plan(self, recs: list[R], outcomes: SliceOutcomes) -> list[W]:
        """The writes for one slice (worker thread; keys are distinct within a slice).

        Every record ends as exactly one of: a returned write, ``outcomes.reject``, ``outcomes.unchanged``.
        In a dry run the returned writes are counted as ``would_*`` and never sent.
        """

    def after_writes(self, results: list[WriteResult[W]]) -> None:
        """Called with the results of the slice's writes (e.g. forget cached lookups that new rows answer)."""


class ChunkSender(Protocol[W]):
    """How a chunk of writes is sent (thread-safe: chunks are sent in parallel)."""

    @property
    def chunk_size(self) -> int:
        """Writes per ``send`` call (1: single requests)."""

    def send(self, chunk: list[W]) -> tuple[list[WriteResult[W]], list[W]]:
        """Send ``chunk``; return its final results and its uncertain writes (together: every write once)."""


class WriteProver(Protocol[W]):
    """How an uncertain write is proven (thread-safe)."""

    def prove(self, op: W) -> WriteResult[W] | None:
        """A committed result when ``op`` is known to be applied; None when it must be resent.

        Raises:
            an exception (e.g. the ERP's ``TransientError``) when it cannot be known: resending could
            duplicate, so the run stops and no state after the write is emitted.
        """
