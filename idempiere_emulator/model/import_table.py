"""What core's Import processes (ImportBPartner, ImportProduct, ImportOrder, ImportGLJournal) share: one run over
one import table for one tenant.

Facts they have in common (each process writes the same SQL phrases in its own file): the optional delete of rows
imported before (``DeleteOldImported``), the reset of every row not yet imported (``I_ErrorMsg=' '``, one space;
``I_IsImported='N'``, whatever its tenant), validation rules that append ``ERR=...`` texts and set
``I_IsImported='E'``, rows marked ``I_IsImported='Y'``/``Processed='Y'`` with the created ids, and the end of the
run: every row of the tenant still not imported is set back to ``I_IsImported='N'`` with a new ``Updated`` (only
its I_ErrorMsg tells it failed) and that count is the first log line, ``@Errors@``. The per-process modules keep
only their own rules and record creation; this module keeps the skeleton, so the four stay alike.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from erp_emulator.clock import now_text

from ..data.store import Store
from .process_run import ProcessEnv, ProcessRun

# what SvrProcess answers when prepare() does ((BigDecimal) para.getParameter()).intValue() on an unset parameter
NULL_PARAMETER = ('Cannot invoke "java.math.BigDecimal.intValue()" because the return value of '
                  '"org.compiere.process.ProcessInfoParameter.getParameter()" is null')


def required_id(run: ProcessRun, name: str) -> int:
    """A parameter prepare() casts without a null check: unset, the run fails with Java's NullPointerException."""
    value = run.value(name)
    if value is None:
        raise RuntimeError(NULL_PARAMETER)
    return int(value)


def no_nulls(values: dict) -> dict:
    """A record body without the fields an import row leaves empty (a JSON null is no value for a write)."""
    return {k: v for k, v in values.items() if v is not None}


class ImportTable:
    """``name`` (e.g. ``I_Order``) during one run for tenant ``client``; ``pending`` / ``fresh`` are the WHERE
    phrases of rows not imported (``<>'Y'``, which includes rows already marked 'E') and of rows still unmarked."""

    def __init__(self, store: Store, name: str, client: int) -> None:
        self.store = store
        self.name = name
        self.key = f"{name}_ID"
        self.client = client
        self.pending = f"I_IsImported<>'Y' AND AD_Client_ID={client}"
        self.fresh = f"I_IsImported='N' AND AD_Client_ID={client}"

    def execute(self, sql: str, params: Any = ()) -> int:
        return self.store.execute(sql, params)

    def reset(self, defaults: str, params: Any = ()) -> int:
        """The first UPDATE of every run: ``defaults`` (``col=COALESCE(col,...), ...``) and a clean mark on every
        row not imported, of any tenant (core has no tenant check here)."""
        return self.store.execute(f"UPDATE {self.name} SET {defaults}, I_ErrorMsg=' ', I_IsImported='N' "
                                  f"WHERE I_IsImported<>'Y' OR I_IsImported IS NULL", params)

    def error(self, text: str, where: str, params: Any = ()) -> int:
        """A validation rule: append ``text`` to I_ErrorMsg and mark 'E' on the rows ``where`` selects."""
        return self.store.execute(f"UPDATE {self.name} SET I_IsImported='E', I_ErrorMsg=I_ErrorMsg||? WHERE {where}",
                                  (text, *params))

    def fail_row(self, row_id: int, text: str) -> None:
        """A row whose records could not be saved: ``text`` appended, marked 'E'."""
        self.error(text, f"{self.key}=?", (row_id,))

    def rows(self, order_by: str) -> list[dict]:
        """The rows validation left unmarked, in the order the process imports them."""
        return self.store.query_dicts(f"SELECT * FROM {self.name} WHERE {self.fresh} ORDER BY {order_by}")

    def imported(self, row_id: int, values: dict[str, Any], user: int | None = None) -> None:
        """X_I_*.setI_IsImported(true), setProcessed(true), the created ids in ``values``, then save()."""
        changes = {"I_IsImported": "Y", "Processed": "Y", **values, "Updated": now_text()}
        if user is not None:
            changes["UpdatedBy"] = user
        sets = ", ".join(f"{column}=?" for column in changes)
        self.store.execute(f"UPDATE {self.name} SET {sets} WHERE {self.key}=?", (*changes.values(), row_id))

    def finish(self, run: ProcessRun) -> int:
        """Every row of the tenant still not imported back to 'N' with a new Updated; logged as ``@Errors@``."""
        errors = self.store.execute(f"UPDATE {self.name} SET I_IsImported='N', Updated=? WHERE {self.pending}",
                                    (now_text(),))
        run.add_log(errors, "@Errors@")
        return errors


@contextmanager
def import_run(run: ProcessRun, env: ProcessEnv, name: str, client: int) -> Iterator[ImportTable]:
    """The run holds the store's lock (one writer); ``DeleteOldImported=Y`` first deletes the tenant's imported
    rows."""
    with env.store.lock:
        table = ImportTable(env.store, name, client)
        if run.value("DeleteOldImported") == "Y":
            env.store.execute(f"DELETE FROM {name} WHERE I_IsImported='Y' AND AD_Client_ID={client}")
        yield table
