"""BPartner_OpenBalance: the emulator's plain (non-report) process with parameters, a summary and logs.

It stands for the many small server processes a client runs for their effect: it sets each selected partner's
TotalOpenBalance to the sum of its unpaid completed sales invoices (optionally only those invoiced in the
DateInvoiced range), moves the partner's Updated, logs one line per partner (``msg`` = the partner's name,
``number`` = the balance) and answers ``Updated = n``. An unknown C_BPartner_ID makes the run an error
("Not Found: Business Partner=<id>"), so clients see both outcomes of a plain process.
"""
from __future__ import annotations

from erp_emulator.clock import now_text

from .process_run import ProcessEnv, ProcessRun


def run_open_balance(run: ProcessRun, env: ProcessEnv) -> str:
    store = env.store
    where, args = ["bp.AD_Client_ID=?", "bp.IsActive='Y'"], [run.session.client_id]
    partner = run.value("C_BPartner_ID")
    if partner is not None:
        if not store.query("SELECT 1 FROM C_BPartner WHERE C_BPartner_ID=? AND AD_Client_ID=?",
                           (int(partner), run.session.client_id)):
            raise LookupError(f"@NotFound@: @C_BPartner_ID@={int(partner)}")
        where.append("bp.C_BPartner_ID=?")
        args.append(int(partner))
    if run.value("C_BP_Group_ID") is not None:
        where.append("bp.C_BP_Group_ID=?")
        args.append(int(run.value("C_BP_Group_ID")))
    invoices = ["i.C_BPartner_ID=bp.C_BPartner_ID", "i.IsPaid='N'", "i.IsSOTrx='Y'", "i.DocStatus IN ('CO','CL')",
                "i.IsActive='Y'"]
    in_range, inv_args = run.date_range("DateInvoiced", "i.DateInvoiced")
    invoices += in_range
    with store.lock, store.transaction():
        rows = store.query(f"SELECT bp.C_BPartner_ID, bp.Name, (SELECT COALESCE(SUM(i.GrandTotal),0) FROM C_Invoice i "
                           f"WHERE {' AND '.join(invoices)}) FROM C_BPartner bp WHERE {' AND '.join(where)} "
                           f"ORDER BY bp.Value", (*inv_args, *args))
        now = now_text()
        for bp_id, name, balance in rows:
            store.execute("UPDATE C_BPartner SET TotalOpenBalance=?, Updated=?, UpdatedBy=? WHERE C_BPartner_ID=?",
                          (round(float(balance), 2), now, run.session.user_id, bp_id))
            run.add_log(round(float(balance), 2), name)
    return f"@Updated@ = {len(rows)}"
