"""iDempiere's write requests: how a chunk of writes is sent and how an uncertain write is proven.

The send -> prove -> resend rounds are the shared pipeline's (``erp_airbyte.destination.write_rounds``);
this module supplies its two iDempiere halves. ``RequestSender`` (a ``ChunkSender``) sends
``POST /batch?transaction=false`` (each item committed on its own, §9) or single POST/PUT requests.
``idempiere_client`` never retries a write blindly: when a POST/PUT (or a whole batch) may have reached the
server it raises ``TransientError(maybe_committed=True)`` and the write is *uncertain*. ``UuProver`` (a
``WriteProver``) checks it before it is sent again (spec §12): an insert by ``GET models/{t}/{<Table>_UU}``
(every insert carries its own UUID), a document action by the row's ``DocStatus``; a plain PUT is
idempotent and simply resent.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from destination_idempiere.prepared_record import PreparedRecord
from erp_airbyte.destination.protocols import WriteResult
from erp_airbyte.destination.write_rounds import WriteRounds
from erp_http.errors import ApiError, TransientError, api_reason

# Items answered with these were not applied or may be: checked, then resent. 401: batch items are dispatched
# one by one with the caller's token (§9), so a token that expires during a long batch fails the rest.
TRANSIENT_ITEM_STATUSES = frozenset({401, 408, 429, 502, 503, 504})
# DocStatus a document has after a successful action (used to check an uncertain doc-action write)
DOC_ACTION_RESULT = {"CO": "CO", "CL": "CL", "VO": "VO", "AP": "AP", "PR": "IP", "RE": "IP", "RC": "RE",
                     "RA": "RE", "RJ": "NA"}

@dataclass
class WriteOp:
    """One POST or PUT for one record (a ``PlannedWrite``).

    Attributes:
        outcome: counter to bump when committed (``inserted`` / ``updated`` / ``deactivated``).
        verify_path: GET path that tells whether an uncertain write was applied (None: resend is safe).
        doc_action: document action in the body, if any.
        gone_path: GET path of a row the write deletes (a child row, child_sync.py): its absence proves an
            uncertain write applied (resending it would fail on the deleted row).
    """

    rec: PreparedRecord
    method: str
    path: str
    body: dict[str, Any]
    outcome: str
    verify_path: str | None = None
    doc_action: str | None = None
    gone_path: str | None = None


def write_executor(client: Any, use_batch: bool, batch_size: int, workers: int, logger: logging.Logger,
                   sleep: Callable[[float], None] = time.sleep) -> WriteRounds[WriteOp]:
    """The shared rounds over iDempiere's sender and prover.

    Args:
        client: ``IdempiereClient``.
        use_batch: ``POST /batch`` vs single requests.
        batch_size: items per batch request.
        workers: parallel requests.
        sleep: injectable (tests).
    """
    return WriteRounds(RequestSender(client, use_batch, batch_size, logger), UuProver(client), workers, logger,
                       sleep=sleep)


class RequestSender:
    """Sends a chunk of ``WriteOp``: one batch request (``use_batch``) or one single request (thread-safe).

    Args:
        client: ``IdempiereClient``.
        use_batch: ``POST /batch?transaction=false`` vs single requests.
        batch_size: items per batch request.
        logger: destination logger.
    """

    def __init__(self, client: Any, use_batch: bool, batch_size: int, logger: logging.Logger):
        self.client = client
        self.use_batch = use_batch
        self.batch_size = max(1, batch_size)
        self.logger = logger

    @property
    def chunk_size(self) -> int:
        return self.batch_size if self.use_batch else 1

    def send(self, chunk: list[WriteOp]) -> tuple[list[WriteResult], list[WriteOp]]:
        """Final results and uncertain writes of ``chunk``."""
        return self._send_batch(chunk) if self.use_batch else self._send_single_list(chunk)

    def _send_batch(self, chunk: list[WriteOp]) -> tuple[list[WriteResult], list[WriteOp]]:
        items = [{"method": op.method, "path": op.path, "body": op.body} for op in chunk]
        try:
            answers = self.client.batch(items, transaction=False)
        except TransientError:
            return [], list(chunk)  # some items may be committed: every one is checked before resending
        except ApiError as exc:
            self.logger.warning("Batch request refused (%s); sending its %d items one by one", exc, len(chunk))
            return self._send_single_list(chunk)
        done: list[WriteResult] = []
        uncertain: list[WriteOp] = []
        for i, op in enumerate(chunk):
            if i >= len(answers) or not isinstance(answers[i], dict):
                uncertain.append(op)
                continue
            answer = answers[i]
            status = answer.get("statusCode")
            body = answer.get("body")
            if isinstance(status, int) and 200 <= status < 300:
                done.append(WriteResult(op, True, body=body))
            elif status in TRANSIENT_ITEM_STATUSES or not isinstance(status, int) or (
                    status >= 500 and not isinstance(body, dict)):
                uncertain.append(op)
            else:
                b = body if isinstance(body, dict) else {}
                done.append(WriteResult(op, False, api_reason(status, b.get("title"), b.get("detail"))))
        return done, uncertain

    def _send_single_list(self, ops: list[WriteOp]) -> tuple[list[WriteResult], list[WriteOp]]:
        done: list[WriteResult] = []
        uncertain: list[WriteOp] = []
        for op in ops:
            try:
                if op.method == "POST":
                    body = self.client.post(op.path, op.body)
                else:
                    body = self.client.put(op.path, op.body)
                done.append(WriteResult(op, True, body=body))
            except ApiError as exc:
                done.append(WriteResult(op, False, exc.reason))
            except TransientError:
                uncertain.append(op)
        return done, uncertain


class UuProver:
    """Proves an uncertain ``WriteOp`` by reading its row back (thread-safe).

    Args:
        client: ``IdempiereClient``.
    """

    def __init__(self, client: Any):
        self.client = client

    def prove(self, op: WriteOp) -> WriteResult | None:
        """Committed result when the uncertain write is known to be applied; None when it must be resent.

        Raises:
            TransientError: an uncertain insert into a table without ``_UU`` (a resend could duplicate).
        """
        if op.gone_path is not None:
            try:
                self.client.get(op.gone_path)
            except ApiError as exc:
                if exc.status == 404:
                    return WriteResult(op, True)  # the PUT (one transaction) deleted it: applied
                raise
            return None
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
        return WriteResult(op, True, body=row)
