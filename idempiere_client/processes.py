"""iDempiere processes over REST: run one and wait, or run it as a background job and poll; its output files.

The plugin's routes (spec §9; bxservice/idempiere-rest ``ProcessResourceImpl``, ``json/Process``, ``FileResourceImpl``):

* ``GET processes`` lists the processes the role may run (each with its ``slug``), ``GET processes/{slug}`` one
  with its ``parameters`` (``parameterName`` = ColumnName); 404 ``Invalid process name``, 403 ``Access denied``.
* ``POST processes/{slug}`` runs it and answers when it is done: ``{AD_PInstance_ID, process, summary, isError,
  data?, reportFile?/exportFile? (base64, or JSON for a json export) + Name/Length, nodeId?, logs?}``. There is
  no PUT. Parameters are read by ``toPropertyName(ColumnName)`` or ColumnName *exactly* (others are silently
  ignored, so ``parameter_problems`` checks names first), range ends as ``<name>_to``.
* ``POST processes/jobs/{slug}`` schedules it (about a second later) and answers ``{id, client, user, process,
  since, processing}``; ``GET processes/jobs`` lists the tenant's jobs still processing, ``GET processes/jobs/{id}``
  one job. A job answer carries no summary: when it is done, its ``AD_PInstance`` row holds ``Result`` (1 ok,
  0 error) and ``ErrorMsg`` (the summary), read with ``GET models/ad_pinstance/{id}``.
* Both answer 409 while an instance of the process with the same parameters is running (retried here with
  backoff a bounded number of times: it usually means an earlier run is finishing).
* ``GET files?fileName=&length=&node_id=&json`` answers ``{"data": <base64>}`` (administrators only).

A process run is not idempotent, so neither request is ever resent once it may have reached the server
(``erp_http.sender`` raises ``TransientError(maybe_committed=True)``): a lost answer to a synchronous run is
reported as such (the process may have run; nothing tells, since such runs are no jobs); a lost answer to a
job submission is resolved from the job list (a new job of this process that was not listed before the
submission is adopted), and reported as unknown when that cannot tell.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from typing import Any

from erp_http.errors import ApiError, TransientError
from erp_http.sender import RequestOptions, backoff_delay
from idempiere_client.column_names import value_of
from idempiere_client.process_answers import (
    JOB_OPTIONS,
    RUN_OPTIONS,
    Job,
    OutputFile,
    ProcessFailed,
    ProcessResult,
    b64_or_none,
    parameter_problems,
    slug_of,
    text_or_none,
)

__all__ = ["Processes", "ProcessResult", "ProcessFailed", "Job", "OutputFile", "parameter_problems", "slug_of",
           "RUN_OPTIONS", "JOB_OPTIONS", "CONFLICT_ATTEMPTS", "CONFLICT_BACKOFF", "POLL_BACKOFF"]

CONFLICT_ATTEMPTS = 5  # a 409 (same process, same parameters, already running) is tried this often in all
CONFLICT_BACKOFF = (2.0, 30.0)  # base, cap of the delay between those attempts (seconds, doubling, jittered)
POLL_BACKOFF = (1.0, 15.0)  # first and largest delay between two polls of a job (seconds, x1.5 each time)


class Processes:
    """Runs processes and jobs on one ``IdempiereClient`` (its sender: retries, auth, the in-flight bound).

    Args:
        client: ``IdempiereClient``.
        logger: where waits and adopted jobs are logged (defaults to the client's).
        conflict_attempts: tries of a run answered 409 (already running), backoff ``CONFLICT_BACKOFF``.
        sleep, monotonic: injectable (tests).
    """

    def __init__(self, client: Any, *, logger: logging.Logger | None = None, conflict_attempts: int = CONFLICT_ATTEMPTS,
                 sleep: Callable[[float], None] = time.sleep, monotonic: Callable[[], float] = time.monotonic):
        self.client = client
        self.logger = logger or client.logger
        self.conflict_attempts = max(1, conflict_attempts)
        self._sleep = sleep
        self._monotonic = monotonic

    # ---- describing ---------------------------------------------------------------------------------
    def list_processes(self, filter: str | None = None) -> list[dict[str, Any]]:
        """``GET processes`` (``$filter`` on AD_Process columns): the processes the role may run."""
        body = self.client.get("processes", params={"$filter": filter} if filter else None)
        items = body.get("processes") if isinstance(body, dict) else None
        return [p for p in items if isinstance(p, dict)] if isinstance(items, list) else []

    def describe(self, slug: str) -> dict[str, Any]:
        """``GET processes/{slug}``: the process with its ``parameters``.

        Raises:
            ApiError: 404 (no such slug), 403 (the role may not run it).
        """
        body = self.client.get(f"processes/{slug}")
        return body if isinstance(body, dict) else {}

    # ---- running --------------------------------------------------------------------------------------
    def run(self, slug: str, parameters: Mapping[str, Any] | None = None, *,
            timeout_seconds: float | None = None) -> ProcessResult:
        """Run ``slug`` and wait for its answer (``POST processes/{slug}``); an error the process reports is in
        the result (``is_error``; ``raise_for_error``).

        Args:
            timeout_seconds: how long to wait for the answer (the read timeout of this one request); None: the
                client's request timeout.

        Raises:
            TransientError (``maybe_committed=True``): the answer was lost or did not come in time; the process
                may have run or may still be running, and it is not run again.
            TransientError (status 409): still "already running" after ``conflict_attempts`` tries.
            ApiError: refused (403, 404, a bad parameter value).
        """
        options = RequestOptions(timeout_seconds=timeout_seconds)
        path = f"processes/{slug}"
        try:
            body = self._conflict_retried(path, lambda: self.client.sender.request(
                "POST", path, json_body=dict(parameters or {}), options=options))
        except TransientError as exc:
            if not exc.maybe_committed:
                raise
            # Not resent: a run is not idempotent, and a synchronous run is not in the job list to look it up.
            raise TransientError(
                f"{path}: no answer ({exc}); the process may have run, or may still be running, on the server. It "
                f"was not run again (a process run is not idempotent): check its instance in iDempiere (Process "
                f"Audit) before running it again, or run it as a job (which is polled instead of awaited)",
                maybe_committed=True, status=exc.status, attempts=exc.attempts) from None
        return ProcessResult.from_answer(slug, body)

    def submit_job(self, slug: str, parameters: Mapping[str, Any] | None = None) -> Job:
        """Schedule ``slug`` as a background job (``POST processes/jobs/{slug}``).

        A lost answer is resolved from ``GET processes/jobs``: the one job of this process that was not listed
        before the submission is adopted; none or several cannot tell, and the submission is not repeated.

        Raises:
            TransientError (``maybe_committed=True``): a lost answer that the job list cannot resolve.
            TransientError (status 409), ApiError: as for ``run``.
        """
        path = f"processes/jobs/{slug}"
        before = {job.id for job in self.jobs()}
        try:
            body = self._conflict_retried(path, lambda: self.client.post(path, dict(parameters or {})))
        except TransientError as exc:
            if not exc.maybe_committed:
                raise
            new = [job for job in self.jobs() if job.process == slug and job.id not in before]
            if len(new) == 1:
                self.logger.warning("%s: the answer was lost (%s); job %d of %s appeared meanwhile and is followed",
                                    path, exc, new[0].id, slug)
                return new[0]
            found = "no new job of it is running (it may not have been scheduled, or may have finished already)" \
                if not new else f"{len(new)} new jobs of it are running ({', '.join(str(j.id) for j in new)})"
            raise TransientError(
                f"{path}: no answer ({exc}) and {found}; it was not submitted again (a process run is not "
                f"idempotent): check the process instances in iDempiere", maybe_committed=True,
                status=exc.status, attempts=exc.attempts) from None
        return Job.from_answer(body, path)

    def jobs(self) -> list[Job]:
        """``GET processes/jobs``: the tenant's jobs that are still processing."""
        body = self.client.get("processes/jobs")
        items = body.get("jobs") if isinstance(body, dict) else None
        return [Job.from_answer(item, "processes/jobs") for item in items] if isinstance(items, list) else []

    def job(self, job_id: int) -> Job:
        """``GET processes/jobs/{id}`` (ApiError 404 ``Job not found``)."""
        path = f"processes/jobs/{int(job_id)}"
        return Job.from_answer(self.client.get(path), path)

    def wait(self, job: Job, timeout_seconds: float) -> Job:
        """Poll ``job`` until it is no longer processing, with growing delays (``POLL_BACKOFF``).

        Raises:
            TransientError (``maybe_committed=True``): still processing after ``timeout_seconds``; it goes on
                running on the server.
        """
        deadline = self._monotonic() + timeout_seconds
        delay, cap = POLL_BACKOFF
        polls = 0
        while job.processing:
            remaining = deadline - self._monotonic()
            if remaining <= 0:
                raise TransientError(
                    f"job {job.id} of process {job.process} still running after {timeout_seconds:g} s ({polls} "
                    f"polls); it goes on on the server. Raise timeout_seconds, or check the job in iDempiere",
                    maybe_committed=True)
            self._sleep(min(delay, remaining))
            delay = min(cap, delay * 1.5)
            polls += 1
            job = self.job(job.id)
        return job

    def job_result(self, job: Job) -> ProcessResult:
        """The outcome of a finished job, from its ``AD_PInstance`` row (``Result``, ``ErrorMsg``) and its
        ``AD_PInstance_Log`` rows (``P_Msg``, ``P_Number``, as ``logs`` entries ``msg``/``number``).

        A role that cannot read the instance gets a result with ``is_error`` and ``summary`` None (logged);
        logs it cannot read are left out.
        """
        try:
            row = self.client.get(f"models/ad_pinstance/{job.id}")
        except ApiError as exc:
            if not (exc.is_access_denied or exc.is_not_found):
                raise
            self.logger.warning("Job %d of %s is done; its outcome cannot be read (%s)", job.id, job.process,
                                exc.reason)
            return ProcessResult(job.process, job.id, None, None)
        row = row if isinstance(row, dict) else {}
        result = value_of(row, "Result")
        ok = result in (1, True, "1", "Y") if result is not None else None
        return ProcessResult(job.process, job.id, text_or_none(value_of(row, "ErrorMsg")),
                             None if ok is None else not ok, self._job_logs(job), body=row)

    def _job_logs(self, job: Job) -> list[dict[str, Any]]:
        try:
            body = self.client.get("models/ad_pinstance_log", params={
                "$filter": f"AD_PInstance_ID eq {int(job.id)}", "$orderby": "Log_ID", "$top": 100})
        except ApiError as exc:
            if not (exc.is_access_denied or exc.is_not_found or exc.status == 400):
                raise
            return []
        records = body.get("records") if isinstance(body, dict) else None
        return [{"msg": value_of(r, "P_Msg"), "number": value_of(r, "P_Number")}
                for r in records or [] if isinstance(r, dict)]

    def run_job(self, slug: str, parameters: Mapping[str, Any] | None = None, *,
                timeout_seconds: float) -> ProcessResult:
        """``submit_job``, ``wait`` and ``job_result`` in one call (their errors)."""
        job = self.submit_job(slug, parameters)
        self.logger.info("Process %s runs as job %d; waiting up to %g s", slug, job.id, timeout_seconds)
        return self.job_result(self.wait(job, timeout_seconds))

    # ---- output files ---------------------------------------------------------------------------------
    def fetch_file(self, name: str, length: int | None = None, node_id: str | None = None) -> bytes:
        """``GET files?fileName=&length=&node_id=&json``: a file a process wrote (the plugin serves it to
        administrators only, and only when ``length`` matches its size).

        Raises:
            ApiError: 403 (not an administrator, wrong length), 404 (no such file), or an answer without data.
        """
        params = {"fileName": name, "length": length, "node_id": node_id, "json": ""}
        body = self.client.get("files", params={k: v for k, v in params.items() if v is not None})
        data = body.get("data") if isinstance(body, dict) else None
        decoded = b64_or_none(data) if isinstance(data, str) else None
        if decoded is None:
            raise ApiError(200, "Unexpected file answer", "no base64 data in the answer", "GET", "files")
        return decoded

    def file_content(self, output: OutputFile) -> bytes:
        """The bytes of ``output``: inline when the answer carried them, else fetched (``fetch_file``)."""
        if output.content is not None:
            return output.content
        if not output.name:
            raise ValueError(f"{output.kind} has neither inline content nor a file name")
        return self.fetch_file(output.name, output.length, output.node_id)

    # ---- helpers --------------------------------------------------------------------------------------
    def _conflict_retried(self, path: str, send: Callable[[], Any]) -> Any:
        """``send()``, tried again after a backoff while the server answers 409 (already running)."""
        attempt = 0
        while True:
            attempt += 1
            try:
                return send()
            except ApiError as exc:
                if exc.status != 409:
                    raise
                if attempt >= self.conflict_attempts:
                    raise TransientError(
                        f"POST {path}: the process is already running with the same parameters ({exc.reason}); "
                        f"gave up after {attempt} attempts", status=409, attempts=attempt) from None
                delay = backoff_delay(attempt, *CONFLICT_BACKOFF)
                self.logger.warning("POST %s: already running (HTTP 409); trying again in %.0f s (%d/%d)", path,
                                    delay, attempt, self.conflict_attempts - 1)
                self._sleep(delay)
