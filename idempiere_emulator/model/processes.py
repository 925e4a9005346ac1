"""``/processes``: list, describe, run now or as a background job (the plugin's ProcessResourceImpl, spec §9).

The process is found by ``slugify(Value)`` among active processes (404 ``Invalid process name`` when none);
the role needs an AD_Process_Access row to see it (else 403 ``Access denied``) and a read-write one to run it.
A run creates an AD_PInstance with the parameters of the body, refuses with 409 when AllowMultipleExecution
says an equal instance is still processing (current generation only: the check came in August 2025), runs
the implementation and answers the ProcessInfo as JSON. Implementations are looked up by AD_Process.Value.
"""
from __future__ import annotations

import base64
import json
import os
import uuid
from collections.abc import Callable
from typing import Any

from ..catalog.processes import slugify, sql_slug
from ..emulator_options import EmulatorOptions
from ..errors import EmulatorError
from ..session import Session
from .import_bpartner import run_import_bpartner
from .import_product import run_import_product
from .open_balance import run_open_balance
from .process_instances import Instances
from .process_params import UncaughtError, read_params
from .process_run import ProcessEnv, ProcessRun, translate
from .reads import sql_error
from .reports import run_order_detail

# what the plugin serializes of AD_Process (its include list) and leaves out of AD_Process_Para
PROCESS_COLUMNS = ("Value", "Name", "Description", "Help", "EntityType", "IsReport", "AD_ReportView_ID",
                   "AD_PrintFormat_ID", "AD_Workflow_ID", "JasperReport")
PARA_EXCLUDED = {"AD_Client_ID", "AD_Org_ID", "AD_Process_ID", "FieldLength", "IsCentrallyMaintained", "IsEncrypted",
                 "AD_Element_ID", "ColumnName", "IsActive", "Created", "CreatedBy", "Updated", "UpdatedBy"}
ALREADY_RUNNING = "Another instance of this process is already running, please wait until it finishes to run it again."
NOTIFICATION_TYPES = ("E", "N", "B")

Runner = Callable[[ProcessRun, ProcessEnv], str]
RUNNERS: dict[str, Runner] = {"Import_BPartner": run_import_bpartner, "Import_Product": run_import_product,
                              "RV_OrderDetail": run_order_detail, "BPartner_OpenBalance": run_open_balance}


def denied(slug: str) -> EmulatorError:
    return EmulatorError(403, "Access denied", f"Access denied for process: {slug}")


class Processes:
    """The process endpoints' semantics over the store (the HTTP layer only parses and answers)."""

    def __init__(self, options: EmulatorOptions, reads: Any, writer: Any, files: Any) -> None:
        self.options = options
        self.reads = reads
        self.store = reads.store
        self.catalog = reads.catalog
        self.instances = Instances(self.store, self.catalog, options.tz)
        self.env = ProcessEnv(self.store, writer, self.catalog, options, files)
        self.node_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"idempiere-emulator/node/{options.seed}"))
        self.runners = dict(RUNNERS)

    # ---- reading the dictionary ---------------------------------------------------------
    def _access(self, session: Session, process_id: int) -> bool | None:
        """MRole.getProcessAccess: None without a row, else IsReadWrite."""
        rows = self.store.query("SELECT IsReadWrite FROM AD_Process_Access WHERE AD_Process_ID=? AND AD_Role_ID=? "
                                "AND IsActive='Y'", (process_id, session.role_id))
        return None if not rows else rows[0][0] == "Y"

    def find(self, session: Session, slug: str, *, run: bool) -> dict:
        """The AD_Process row of ``slug`` the session may see (``run``: may run); 404 / 403 otherwise."""
        rows = self.store.query_dicts("SELECT * FROM AD_Process WHERE IsActive='Y' AND AD_Client_ID IN (0,?) "
                                      "ORDER BY AD_Process_ID", (session.client_id,))
        process = next((r for r in rows if sql_slug(r["Value"]) == slug), None)
        if process is None:
            raise EmulatorError(404, "Invalid process name", f"No match found for process name: {slug}")
        access = self._access(session, process["AD_Process_ID"])
        if access is None or (run and not access):
            raise denied(slug)
        return process

    def _record(self, table: str, row: dict, columns: list[str]) -> dict:
        t = self.catalog.get(table)
        return dict(self.reads.serializer.records(t, [row], [t.column(c) for c in columns])[0])

    def _process_record(self, row: dict) -> dict:
        record = self._record("AD_Process", row, list(PROCESS_COLUMNS))
        record["slug"] = slugify(row["Value"])
        return record

    def listing(self, session: Session, filter: str | None) -> list[dict]:
        """GET /processes: active, not forms, the role has access, ordered by Value; ``$filter`` on AD_Process."""
        table = self.catalog.get("AD_Process")
        try:
            conv = self.reads.convert_filter(table, filter)
        except EmulatorError as err:
            raise EmulatorError(err.status, "GET Error", f"Get process with exception: {err.detail}") from None
        where = "AD_Form_ID IS NULL" + (f" AND ({conv.where})" if conv.where and (filter or "").strip() else "")
        try:
            rows = self.store.query_dicts(f"SELECT * FROM AD_Process WHERE {where} AND IsActive='Y' AND "
                                          f"AD_Client_ID IN (0,{int(session.client_id)}) ORDER BY Value", conv.params)
        except Exception as exc:  # a converted filter the database refuses
            detail = sql_error(exc).detail
            raise EmulatorError(500, "GET Error", f"Get process with exception: {detail}") from None
        return [self._process_record(r) for r in rows if self._access(session, r["AD_Process_ID"]) is not None]

    def describe(self, session: Session, slug: str) -> dict:
        """GET /processes/{slug}: the process record plus its parameters (``parameterName`` = ColumnName)."""
        process = self.find(session, slug, run=False)
        record = self._process_record(process)
        para = self.catalog.get("AD_Process_Para")
        columns = [c.name for c in para.columns if c.name not in PARA_EXCLUDED]
        params = []
        for row in self._paras(process):
            rec = self._record("AD_Process_Para", row, columns)
            rec["parameterName"] = row["ColumnName"]
            params.append(rec)
        record["parameters"] = params
        return record

    def _paras(self, process: dict) -> list[dict]:
        return self.store.query_dicts("SELECT * FROM AD_Process_Para WHERE AD_Process_ID=? AND IsActive='Y' "
                                      "ORDER BY SeqNo", (process["AD_Process_ID"],))

    # ---- running ------------------------------------------------------------------------
    def _prepare(self, session: Session, process: dict, slug: str, body: dict | None, job: bool) -> ProcessRun:
        """Process.createPInstance + createProcessInfo + the "already running" check (the body was parsed by
        Gson after the process and access checks: None is an empty body)."""
        if body is None:  # Gson gives null for an empty body: NullPointerException in createPInstance
            raise UncaughtError("java.lang.NullPointerException")
        params = read_params(self._paras(process), body, self.options.tz)
        notification = None
        if job:
            chosen = body.get("notification-type")
            notification = chosen if chosen in NOTIFICATION_TYPES else "B"
        record_id = body.get("record-id")
        record_id = int(record_id) if isinstance(record_id, (int, float)) and record_id > 0 else 0
        instance = self.instances.create(session, process, params, record_id=record_id,
                                         job_notification=notification)
        report_type = body.get("report-type") if process["IsReport"] == "Y" else None
        print_format = body.get("print-format-id")  # Process.createProcessInfo: any process, ids only here
        run = ProcessRun(session, instance, process["Name"], params,
                         report_type=report_type if isinstance(report_type, str) else None, record_id=record_id,
                         print_format_id=int(str(print_format)) if str(print_format).isdigit() else 0)
        if not self.options.legacy and self.instances.is_running(session, process, instance, params, record_id):
            raise EmulatorError(409, ALREADY_RUNNING, slug)
        return run

    def run(self, session: Session, process: dict, slug: str, body: dict | None) -> dict:
        """POST /processes/{slug} (``process`` from ``find(run=True)``): run now and answer the ProcessInfo."""
        run = self._prepare(session, process, slug, body, job=False)
        summary, error = self.execute(process, run)
        return self.response(run, slug, summary, error)

    def execute(self, process: dict, run: ProcessRun) -> tuple[str | None, bool]:
        """ServerProcessCtl.process: lock the instance, run, unlock with Result/ErrorMsg; (summary, isError)."""
        self.instances.lock(run.instance_id)
        runner = self.runners.get(process["Value"])
        try:
            if runner is None:
                raise RuntimeError(f"Cannot start process: {process['Classname']}")
            summary, error = translate(runner(run, self.env)), False
        except Exception as exc:  # SvrProcess.process: the exception text becomes the summary
            summary, error = translate(str(exc) or type(exc).__name__), True
        self.instances.unlock(run, summary, error)
        return summary, error

    def response(self, run: ProcessRun, slug: str, summary: str | None, error: bool) -> dict:
        """Process.toJsonObject: keys in the plugin's order, files inline, nodeId, logs from the database."""
        out: dict[str, Any] = {"AD_PInstance_ID": run.instance_id, "process": slug, "summary": summary,
                               "isError": error}
        if run.pdf_report is not None:
            _add_file(out, "reportFile", run.pdf_report.path, "pdf")
        if run.export_file is not None:
            _add_file(out, "exportFile", run.export_file.path, run.export_file.extension)
        out["nodeId"] = self.node_id
        logs = self.instances.logs(run.instance_id)
        if logs:
            out["logs"] = logs
        return out

    # ---- jobs ---------------------------------------------------------------------------
    def submit(self, session: Session, process: dict, slug: str, body: dict | None,
               schedule: Callable[[Callable[[], Any]], None]) -> dict:
        """POST /processes/jobs/{slug}: save the instance processing, run it later (``schedule``), answer the job."""
        run = self._prepare(session, process, slug, body, job=True)
        schedule(lambda: self.execute(process, run))
        return self.instances.job_object(self.instances.row(run.instance_id) or {}, slugify(process["Value"]))

    def jobs(self, session: Session) -> list[dict]:
        return [self.instances.job_object(r, self._slug_of(r)) for r in self.instances.job_rows(session)]

    def job(self, session: Session, instance_id: int) -> dict:
        rows = self.instances.job_rows(session, instance_id)
        if not rows:
            raise EmulatorError(404, "Job not found", f"No job found matching id {instance_id}")
        return self.instances.job_object(rows[0], self._slug_of(rows[0]))

    def _slug_of(self, instance: dict) -> str:
        rows = self.store.query("SELECT Value FROM AD_Process WHERE AD_Process_ID=?", (instance["AD_Process_ID"],))
        return slugify(rows[0][0]) if rows else ""


def _add_file(out: dict, prop: str, path: str, extension: str) -> None:
    """Process.addFile: a ``json`` export inline as JSON, anything else base64; then name and length."""
    with open(path, "rb") as fh:
        data = fh.read()
    out[prop] = json.loads(data) if extension == "json" else base64.b64encode(data).decode("ascii")
    out[prop + "Name"] = os.path.basename(path)
    out[prop + "Length"] = len(data)
