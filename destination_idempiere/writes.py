"""Sending writes: batch or single requests, bounded parallelism, and no duplicates on uncertain outcomes.

``idempiere_client`` never retries a write blindly: when a POST/PUT (or a whole batch) may have reached
the server it raises ``TransientError(maybe_committed=True)``. Here each such write is checked before it
is sent again (spec §12): an insert by ``GET models/{t}/{<Table>_UU}`` (every insert carries its own
UUID), a document action by the row's ``DocStatus``; a plain PUT is idempotent and simply resent. This
is hand-rolled because the CDK has no destination-side write/retry machinery.
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from destination_idempiere.record_mapping import PreparedRecord
from erp_http.errors import ApiError, TransientError, api_reason
from erp_http.parallel import parallel_map

MAX_ROUNDS = 8
BACKOFF_BASE = 0.2
BACKOFF_CAP = 5.0
# Items answered with these were not applied or may be: checked, then resent. 401: batch items are dispatched
# one by one with the caller's token (§9), so a token that expires during a long batch fails the rest.
TRANSIENT_ITEM_STATUSES = frozenset({401, 408, 429, 502, 503, 504})
# DocStatus a document has after a successful action (used to check an uncertain doc-action write)
DOC_ACTION_RESULT = {"CO": "CO", "CL": "CL", "VO": "VO", "AP": "AP", "PR": "IP", "RE": "IP", "RC": "RE",
                     "RA": "RE", "RJ": "NA"}


@dataclass
class WriteOp:
    """One POST or PUT for one record.

    Attributes:
        outcome: counter to bump when committed (``inserted`` / ``updated`` / ``deactivated``).
        verify_path: GET path that tells whether an uncertain write was applied (None: resend is safe).
        doc_action: document action in the body, if any.
    """

    rec: PreparedRecord
    method: str
    path: str
    body: dict[str, Any]
    outcome: str
    verify_path: str | None = None
    doc_action: str | None = None


@dataclass
class OpResult:
    op: WriteOp
    ok: bool
    reason: str | None = None
    body: Any = field(default=None, repr=False)


class WriteExecutor:
    """Executes ``WriteOp``s and returns one ``OpResult`` per op (committed or rejected with a reason).

    Thread-safe: the writer's slices call ``execute`` concurrently.

    Args:
        client: ``IdempiereClient``.
        use_batch: ``POST /batch?transaction=false`` (each item committed on its own, §9) vs single requests.
        batch_size: items per batch request.
        workers: parallel requests.
        sleep: injectable (tests).

    Raises (from ``execute``):
        TransientError: some writes could still not be confirmed after ``MAX_ROUNDS`` attempts; the sync
            must fail (their state is never emitted) rather than lose or duplicate rows.
    """

    def __init__(self, client: Any, use_batch: bool, batch_size: int, workers: int, logger: logging.Logger,
                 sleep: Callable[[float], None] = time.sleep):
        self.client = client
        self.use_batch = use_batch
        self.batch_size = max(1, batch_size)
        self.workers = max(1, workers)
        self.logger = logger
        self._sleep = sleep
        self.uncertain_checks = 0
        self._count_lock = threading.Lock()

    def execute(self, ops: list[WriteOp], parallel: bool = True) -> list[OpResult]:
        """One result per op, in order. ``parallel``: up to ``workers`` requests at once; False sends them one
        after the other (the writer's slices run in parallel themselves)."""
        workers = self.workers if parallel else 1
        results: dict[int, OpResult] = {}
        pending = list(ops)
        for round_no in range(MAX_ROUNDS):
            if not pending:
                break
            if round_no:
                self._sleep(min(BACKOFF_CAP, BACKOFF_BASE * 2 ** (round_no - 1)))
                self.logger.info("Resending %d write(s) whose outcome was not applied (attempt %d)",
                                 len(pending), round_no + 1)
            done, uncertain = self._send(pending, workers)
            for res in done:
                results[id(res.op)] = res
            pending = []
            if uncertain:
                for op, res in zip(uncertain, parallel_map(self._verify, uncertain, workers, name="write")):
                    if res is None:
                        pending.append(op)
                    else:
                        results[id(op)] = res
        if pending:
            raise TransientError(
                f"{len(pending)} write(s) could not be completed after {MAX_ROUNDS} attempts (server unavailable?); "
                f"nothing after the last emitted state is considered written", maybe_committed=False)
        return [results[id(op)] for op in ops]

    # ---- sending ---------------------------------------------------------------------------------
    def _send(self, ops: list[WriteOp], workers: int) -> tuple[list[OpResult], list[WriteOp]]:
        done: list[OpResult] = []
        uncertain: list[WriteOp] = []
        if self.use_batch:
            chunks = [ops[i:i + self.batch_size] for i in range(0, len(ops), self.batch_size)]
            outcomes = parallel_map(self._send_batch, chunks, workers, name="write")
        else:
            outcomes = parallel_map(lambda op: self._send_single_list([op]), ops, workers, name="write")
        for chunk_done, chunk_uncertain in outcomes:
            done.extend(chunk_done)
            uncertain.extend(chunk_uncertain)
        return done, uncertain

    def _send_batch(self, chunk: list[WriteOp]) -> tuple[list[OpResult], list[WriteOp]]:
        items = [{"method": op.method, "path": op.path, "body": op.body} for op in chunk]
        try:
            answers = self.client.batch(items, transaction=False)
        except TransientError:
            return [], list(chunk)  # some items may be committed: every one is checked before resending
        except ApiError as exc:
            self.logger.warning("Batch request refused (%s); sending its %d items one by one", exc, len(chunk))
            return self._send_single_list(chunk)
        done: list[OpResult] = []
        uncertain: list[WriteOp] = []
        for i, op in enumerate(chunk):
            if i >= len(answers) or not isinstance(answers[i], dict):
                uncertain.append(op)
                continue
            answer = answers[i]
            status = answer.get("statusCode")
            body = answer.get("body")
            if isinstance(status, int) and 200 <= status < 300:
                done.append(OpResult(op, True, body=body))
            elif status in TRANSIENT_ITEM_STATUSES or not isinstance(status, int) or (
                    status >= 500 and not isinstance(body, dict)):
                uncertain.append(op)
            else:
                b = body if isinstance(body, dict) else {}
                done.append(OpResult(op, False, api_reason(status, b.get("title"), b.get("detail"))))
        return done, uncertain

    def _send_single_list(self, ops: list[WriteOp]) -> tuple[list[OpResult], list[WriteOp]]:
        done: list[OpResult] = []
        uncertain: list[WriteOp] = []
        for op in ops:
            try:
                if op.method == "POST":
                    body = self.client.post(op.path, op.body)
                else:
                    body = self.client.put(op.path, op.body)
                done.append(OpResult(op, True, body=body))
            except ApiError as exc:
                done.append(OpResult(op, False, exc.reason))
            except TransientError:
                uncertain.append(op)
        return done, uncertain

    # ---- checking uncertain writes ---------------------------------------------------------------
    def _verify(self, op: WriteOp) -> OpResult | None:
        """Committed result when the uncertain write is known to be applied; None when it must be resent."""
        with self._count_lock:
            self.uncertain_checks += 1
        if op.verify_path is None:
            if op.method == "POST":
                raise TransientError(
                    f"insert into {op.path} may or may not have been applied and the table has no _UU column "
                    f"to check it; stopping instead of risking a duplicate", maybe_committed=True)
            return None  # a PUT without document action is idempotent: resend
        try:
            row = self.client.get(op.verify_path)
        except ApiError as exc:
            if exc.status == 404:
                return None
            raise
        if op.method == "PUT" and op.doc_action:
            status = (row.get("DocStatus", row.get("docStatus")) if isinstance(row, dict) else None)  # §2.5 casing
            status = status.get("id") if isinstance(status, dict) else status
            if status != DOC_ACTION_RESULT.get(op.doc_action):
                return None
        return OpResult(op, True, body=row)
