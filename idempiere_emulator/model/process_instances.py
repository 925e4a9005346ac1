"""AD_PInstance rows: creation with parameters, lock/unlock around a run, logs, "already running", job objects.

A process instance is what a client can see of a run afterwards (``/models/AD_PInstance``, ``AD_PInstance_Log``)
and all a background job leaves behind: the plugin's job object only says whether it is still processing.
"""
from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from erp_emulator.clock import now_text, parse_stored, zone

from ..data.store import Store
from ..session import Session
from .process_params import ParamValue
from .process_run import ProcessRun, translate


class Instances:
    """Reads and writes AD_PInstance, AD_PInstance_Para and AD_PInstance_Log."""

    def __init__(self, store: Store, catalog: Any, tz: str) -> None:
        self.store = store
        self.catalog = catalog
        self.tz = tz

    def create(self, session: Session, process: dict, params: list[ParamValue], *, record_id: int = 0,
               job_notification: str | None = None) -> int:
        """MPInstance(process, ...) + its parameters; a job is saved already processing (Process.createPInstance)."""
        t = self.catalog.get("AD_PInstance")
        now = now_text()
        with self.store.lock, self.store.transaction():
            pid = self.store.next_id(t)
            self.store.insert("AD_PInstance", {
                "AD_PInstance_ID": pid, "AD_Client_ID": session.client_id, "AD_Org_ID": session.org_id,
                "IsActive": "Y", "Created": now, "CreatedBy": session.user_id, "Updated": now,
                "UpdatedBy": session.user_id, "AD_Process_ID": process["AD_Process_ID"], "Record_ID": record_id,
                "AD_User_ID": session.user_id, "IsProcessing": "Y" if job_notification else "N",
                "IsRunAsJob": "Y" if job_notification else "N", "NotificationType": job_notification,
                "AD_Session_ID": session.session_id, "AD_PInstance_UU": str(uuid.uuid4())})
            for p in params:
                self.store.insert("AD_PInstance_Para", {
                    "AD_PInstance_ID": pid, "SeqNo": p.seq, "AD_Client_ID": session.client_id,
                    "AD_Org_ID": session.org_id, "IsActive": "Y", "Created": now, "CreatedBy": session.user_id,
                    "Updated": now, "UpdatedBy": session.user_id, "ParameterName": p.name, "Info": p.info,
                    "P_String": p.string, "P_String_To": p.string_to, "P_Number": p.number,
                    "P_Number_To": p.number_to, "P_Date": p.date, "P_Date_To": p.date_to, "IsNotClause": "N",
                    "AD_PInstance_Para_UU": str(uuid.uuid4())})
        return pid

    def params(self, instance_id: int) -> list[ParamValue]:
        rows = self.store.query_dicts("SELECT * FROM AD_PInstance_Para WHERE AD_PInstance_ID=? ORDER BY SeqNo, "
                                      "ParameterName", (instance_id,))
        return [ParamValue(r["ParameterName"], r["SeqNo"], r["Info"], r["P_String"], r["P_String_To"],
                           r["P_Number"], r["P_Number_To"], r["P_Date"], r["P_Date_To"]) for r in rows]

    def is_running(self, session: Session, process: dict, instance_id: int, params: list[ParamValue],
                   record_id: int) -> bool:
        """ProcessInfo.isProcessRunning: instances of the process still processing (since the server started,
        this one included when it was saved processing, as a job is), by AllowMultipleExecution."""
        mode = process.get("AllowMultipleExecution")
        if not mode:
            return False
        sql = ("SELECT AD_PInstance_ID FROM AD_PInstance WHERE AD_Process_ID=? AND IsProcessing='Y' AND Record_ID=? "
               "AND AD_Client_ID=? AND IsActive='Y'")
        args: list[Any] = [process["AD_Process_ID"], record_id, session.client_id]
        if mode in ("N", "P"):
            sql += " AND AD_User_ID=?"
            args.append(session.user_id)
        running = [r[0] for r in self.store.query(sql, args)]
        if not running:
            return False
        if mode in ("N", "NA"):
            return True
        if mode in ("P", "PA"):
            return any(self._equal(self.params(other), params) for other in running)
        return False

    @staticmethod
    def _equal(mine: list[ParamValue], theirs: list[ParamValue]) -> bool:
        """MPInstance.equalParameters: same count, every named parameter equal."""
        if len(mine) != len(theirs):
            return False
        by_name = {p.name: p for p in theirs}
        return all(p.name in by_name and p.same(by_name[p.name]) for p in mine)

    def lock(self, instance_id: int) -> None:
        self._set(instance_id, IsProcessing="Y")

    def unlock(self, run: ProcessRun, summary: str | None, error: bool) -> None:
        """SvrProcess.unlock (not processing, Result, ErrorMsg) after the logs are saved."""
        with self.store.lock, self.store.transaction():
            for n, (date, number, msg) in enumerate(run.logs, start=1):
                self.store.insert("AD_PInstance_Log", {
                    "AD_PInstance_ID": run.instance_id, "Log_ID": n, "P_ID": 0, "P_Date": date, "P_Number": number,
                    "P_Msg": msg, "AD_PInstance_Log_UU": str(uuid.uuid4())})
            self._set(run.instance_id, IsProcessing="N", Result=0 if error else 1, ErrorMsg=summary)

    def _set(self, instance_id: int, **values: Any) -> None:
        sets = ", ".join(f"{k}=?" for k in values)
        self.store.execute(f"UPDATE AD_PInstance SET {sets}, Updated=? WHERE AD_PInstance_ID=?",
                           (*values.values(), now_text(), instance_id))

    def logs(self, instance_id: int) -> list[dict]:
        """ProcessInfoUtil.setLogFromDB -> the response's ``logs``: keys in Gson's order for the plugin's
        HashMap (date, msg, number, data); dates as the en_US date format."""
        out = []
        for date, number, msg, data in self.store.query(
                "SELECT P_Date, P_Number, P_Msg, JsonData FROM AD_PInstance_Log WHERE AD_PInstance_ID=? "
                "ORDER BY Log_ID", (instance_id,)):
            entry: dict[str, Any] = {}
            if date is not None:
                entry["date"] = f"{parse_stored(date).astimezone(zone(self.tz)):%m/%d/%Y}"
            if msg is not None:
                entry["msg"] = translate(msg)
            if number is not None:
                entry["number"] = int(number) if float(number).is_integer() else number
            if data:
                entry["data"] = data
            out.append(entry)
        return out

    def row(self, instance_id: int) -> dict | None:
        rows = self.store.query_dicts("SELECT * FROM AD_PInstance WHERE AD_PInstance_ID=?", (instance_id,))
        return rows[0] if rows else None

    def job_rows(self, session: Session, instance_id: int | None = None) -> list[dict]:
        """Jobs of the session's tenant: every one still processing, or the one with ``instance_id``."""
        if instance_id is None:
            return self.store.query_dicts(
                "SELECT * FROM AD_PInstance WHERE IsProcessing='Y' AND IsRunAsJob='Y' AND IsActive='Y' AND "
                "AD_Client_ID=? ORDER BY AD_PInstance_ID", (session.client_id,))
        return self.store.query_dicts("SELECT * FROM AD_PInstance WHERE IsRunAsJob='Y' AND AD_PInstance_ID=? AND "
                                      "AD_Client_ID=?", (instance_id, session.client_id))

    def job_object(self, row: dict, slug: str) -> dict:
        """ProcessResourceImpl.toJsonObject(MPInstance): id, client, user, process, since, processing."""
        client = self.store.query("SELECT Name FROM AD_Client WHERE AD_Client_ID=?", (row["AD_Client_ID"],))
        user = self.store.query("SELECT Name FROM AD_User WHERE AD_User_ID=?", (row["CreatedBy"],))
        return {"id": row["AD_PInstance_ID"], "client": client[0][0] if client else None,
                "user": user[0][0] if user else None, "process": slug, "since": self.since(row["Created"]),
                "processing": row["IsProcessing"] == "Y"}

    def since(self, stored: str) -> str:
        """DisplayType DateTime format of en_US on Java 17 (MEDIUM date, LONG time): ``Jan 5, 2026, 3:04:05 PM UTC``."""
        local: datetime = parse_stored(stored).astimezone(zone(self.tz))
        hour = local.hour % 12 or 12
        return (f"{local:%b} {local.day}, {local.year}, {hour}:{local:%M:%S} {'AM' if local.hour < 12 else 'PM'} "
                f"{local.tzname() or 'UTC'}")
