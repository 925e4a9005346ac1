"""Send -> prove -> resend rounds: every write ends committed or refused, never lost and never duplicated.

An ERP client never retries a write blindly: when a request may have reached the server it reports the
write as *uncertain*. Each uncertain write is proven (``WriteProver``) before it is sent again; the ERP says
how (e.g. by reading the row back by a unique id its insert carried). Writes proven not applied are
resent in the next round, after a backoff; after ``MAX_ROUNDS`` the run fails loudly (their state is never
emitted). A chunk whose body cannot be encoded (``UnencodableBody``: nothing was sent) is halved until the
write holding the value is refused alone with that reason; the others are sent. Hand-rolled because the CDK has no destination-side write/retry machinery.
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Generic

from erp_airbyte.destination.protocols import ChunkSender, W, WriteProver, WriteResult
from erp_http.errors import TransientError, UnencodableBody
from erp_http.parallel import parallel_map

MAX_ROUNDS = 8
BACKOFF_BASE = 0.2
BACKOFF_CAP = 5.0


class WriteRounds(Generic[W]):
    """Executes writes and returns one ``WriteResult`` per write (committed or refused with a reason).

    Thread-safe: the sinks' slices call ``execute`` concurrently.

    Args:
        sender: sends a chunk of writes (the ERP's batch or single requests).
        prover: proves an uncertain write before it is resent.
        workers: chunks sent (and writes proven) at once when ``execute`` runs in parallel.
        logger: destination logger.
        sleep: injectable (tests).
    """

    def __init__(self, sender: ChunkSender[W], prover: WriteProver[W], workers: int, logger: logging.Logger,
                 sleep: Callable[[float], None] = time.sleep):
        self.sender = sender
        self.prover = prover
        self.workers = max(1, workers)
        self.logger = logger
        self._sleep = sleep
        self.uncertain_checks = 0
        self._count_lock = threading.Lock()

    def execute(self, ops: list[W], parallel: bool = True) -> list[WriteResult[W]]:
        """One result per write, in order. ``parallel``: up to ``workers`` requests at once; False sends them
        one after the other (the sinks' slices run in parallel themselves).

        Raises:
            TransientError (``maybe_committed=False``): writes not completed after ``MAX_ROUNDS`` rounds; the
                sync must fail (their state is never emitted) rather than lose or duplicate rows.
            whatever the prover raises (an uncertain write that cannot be proven either way).
        """
        workers = self.workers if parallel else 1
        results: dict[int, WriteResult[W]] = {}
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
                proofs = parallel_map(self._prove, uncertain, workers, name="write")
                for op, proof in zip(uncertain, proofs, strict=True):
                    if proof is None:
                        pending.append(op)
                    else:
                        results[id(op)] = proof
        if pending:
            raise TransientError(
                f"{len(pending)} write(s) could not be completed after {MAX_ROUNDS} attempts (server unavailable?); "
                f"nothing after the last emitted state is considered written", maybe_committed=False)
        return [results[id(op)] for op in ops]

    def _send(self, ops: list[W], workers: int) -> tuple[list[WriteResult[W]], list[W]]:
        size = max(1, self.sender.chunk_size)
        chunks = [ops[i:i + size] for i in range(0, len(ops), size)]
        done: list[WriteResult[W]] = []
        uncertain: list[W] = []
        for chunk_done, chunk_uncertain in parallel_map(self._send_chunk, chunks, workers, name="write"):
            done.extend(chunk_done)
            uncertain.extend(chunk_uncertain)
        return done, uncertain

    def _send_chunk(self, chunk: list[W]) -> tuple[list[WriteResult[W]], list[W]]:
        """Send one chunk; a body that cannot be encoded was never sent, so the chunk is halved until the
        write that holds the value is found, and that write alone is refused with the reason."""
        try:
            return self.sender.send(chunk)
        except UnencodableBody as exc:
            if len(chunk) == 1:
                return [WriteResult(chunk[0], False, f"the record cannot be sent: {exc}")], []
            middle = len(chunk) // 2
            first, second = self._send_chunk(chunk[:middle]), self._send_chunk(chunk[middle:])
            return first[0] + second[0], first[1] + second[1]

    def _prove(self, op: W) -> WriteResult[W] | None:
        with self._count_lock:
            self.uncertain_checks += 1
        return self.prover.prove(op)

