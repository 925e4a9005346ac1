"""Import_GLJournal (core's ImportGLJournal): I_GLJournal rows -> GL_JournalBatch, GL_Journal and GL_JournalLine.

Reproduced from core (facts, not code), after the validation of import_gljournal_checks.py:
* Parameters are read only when set (no NullPointerException here): AD_Client_ID (unset: tenant 0, so nothing of
  GardenWorld is imported), AD_Org_ID (default document org), C_AcctSchema_ID, DateAcct (defaults for empty
  rows), IsValidateOnly, IsImportOnlyNoErrors (unset: true), DeleteOldImported.
* Two log lines give the balance of the valid rows (source and accounted Dr - Cr). Then, with errors, a run that is
  validate-only or import-only-without-errors fails with ``@Errors@=<n>`` and leaves the rows marked 'E' (no
  end-of-run reset); without errors a validate-only run answers ``@Errors@=0``.
* Import, in (batch no, journal no, schema, posting type, doc type, category, currency, date, Line) order: a row
  starts a new batch when IsCreateNewBatch, when its schema differs from the current journal's, when it has no
  BatchDocumentNo (unless a row asked for a new batch before) or when its BatchDocumentNo changes; a batch is created
  when the row asks for one or names one. A new journal starts with a new batch, IsCreateNewJournal, or when the
  journal no, doc type, category, posting type, currency or date differs. Each row adds a line with its combination
  (found or created from account and dimensions when the row has none); its row gets the batch, journal, line ids
  and ``I_IsImported='Y'``, ``Processed='Y'``. A failed save ends the loop quietly (core only logs it).
* The end-of-run reset and logs: ``@Errors@``, ``@GL_JournalBatch_ID@: @Inserted@``, ``@GL_Journal_ID@: ...``,
  ``@GL_JournalLine_ID@: ...``; the summary is empty. Journals and batches stay Drafted with their totals.
"""
from __future__ import annotations

from typing import Any

from erp_emulator.clock import now_text, parse_stored, today_text, zone

from ..errors import EmulatorError
from .import_gljournal_checks import validate_journals
from .import_table import ImportTable, import_run, no_nulls
from .process_run import ProcessEnv, ProcessRun

_DIMENSIONS = ("M_Product_ID", "C_BPartner_ID", "AD_OrgTrx_ID", "C_LocFrom_ID", "C_LocTo_ID", "C_SalesRegion_ID",
               "C_Project_ID", "C_Campaign_ID", "C_Activity_ID", "User1_ID", "User2_ID")
_ORDER = ("COALESCE(BatchDocumentNo, I_GLJournal_ID||' '), COALESCE(JournalDocumentNo, I_GLJournal_ID||' '), "
          "C_AcctSchema_ID, PostingType, C_DocType_ID, GL_Category_ID, C_Currency_ID, DateAcct, Line, I_GLJournal_ID")


def run_import_gljournal(run: ProcessRun, env: ProcessEnv) -> str:
    number = {n: int(run.value(n) or 0) for n in ("AD_Client_ID", "AD_Org_ID", "C_AcctSchema_ID")}
    date_param = run.value("DateAcct")  # stored UTC text of the server-local day
    default_date = f"{parse_stored(date_param).astimezone(zone(env.options.tz)):%Y-%m-%d}" if date_param else None
    validate_only = run.value("IsValidateOnly") == "Y"
    only_without_errors = run.value("IsImportOnlyNoErrors") in (None, "Y")
    with import_run(run, env, "I_GLJournal", number["AD_Client_ID"]) as t:
        validate_journals(t, number["AD_Org_ID"], number["C_AcctSchema_ID"], default_date, now_text(),
                          today_text(env.options.tz))
        source, acct = env.store.query(f"SELECT SUM(AmtSourceDr)-SUM(AmtSourceCr), SUM(AmtAcctDr)-SUM(AmtAcctCr) "
                                       f"FROM I_GLJournal WHERE {t.fresh}")[0]
        if source is not None:
            run.add_log(round(source, 2), "@AmtSourceDr@ - @AmtSourceCr@")
        if acct is not None:
            run.add_log(round(acct, 2), "@AmtAcctDr@ - @AmtAcctCr@")
        errors = env.store.query(f"SELECT COUNT(*) FROM I_GLJournal WHERE I_IsImported NOT IN ('Y','N') AND "
                                 f"AD_Client_ID={t.client}")[0][0]
        if errors and (validate_only or only_without_errors):
            raise RuntimeError(f"@Errors@={errors}")
        if validate_only:
            return "@Errors@=0"
        inserted = _Journals(env, run, t).run()
        t.finish(run)
    for n, token in zip(inserted, ("GL_JournalBatch_ID", "GL_Journal_ID", "GL_JournalLine_ID")):
        run.add_log(n, f"@{token}@: @Inserted@")
    return ""


class _Journals:
    """The import loop's state: the current batch and journal and what was inserted."""

    def __init__(self, env: ProcessEnv, run: ProcessRun, t: ImportTable) -> None:
        self.env, self.run_, self.t = env, run, t
        self.batch: int | None = None
        self.journal: dict | None = None
        self.batch_no, self.journal_no = "", ""
        self.asked_new_batch = False
        self.batches = self.journals = self.lines = 0

    def run(self) -> tuple[int, int, int]:
        try:
            for imp in self.t.rows(_ORDER):
                self._row(imp)
        except EmulatorError:
            pass  # core logs the failed save at SEVERE and stops; what was saved stays
        return self.batches, self.journals, self.lines

    def _create(self, table: str, body: dict) -> int:
        return int(self.env.writer.create(self.run_.session, table, no_nulls(body))["id"])

    def _row(self, imp: dict) -> None:
        batch_no = imp["BatchDocumentNo"] or ""
        new_batch = imp["IsCreateNewBatch"] == "Y"
        if new_batch or (self.journal is not None and self.journal["C_AcctSchema_ID"] != imp["C_AcctSchema_ID"]) \
                or (imp["BatchDocumentNo"] is None and not self.asked_new_batch) or batch_no != self.batch_no:
            self.batch = None
        self.asked_new_batch = self.asked_new_batch or new_batch
        if new_batch or (self.batch is None and imp["BatchDocumentNo"] is not None):
            self.batch_no = batch_no
            description = f"{imp['BatchDescription']} *Import-" if imp["BatchDescription"] else "*Import-"
            self.batch = self._create("GL_JournalBatch", {
                "AD_Org_ID": imp["AD_OrgDoc_ID"], "DocumentNo": imp["BatchDocumentNo"] or None,
                "C_DocType_ID": imp["C_DocType_ID"], "PostingType": imp["PostingType"],
                "Description": description + now_text()})
            self.batches += 1
            self.journal = None
        if self._new_journal(imp):
            self._start_journal(imp)
        self._line(imp)

    def _new_journal(self, imp: dict) -> bool:
        j = self.journal
        return j is None or imp["IsCreateNewJournal"] == "Y" or (imp["JournalDocumentNo"] or "") != self.journal_no \
            or any(j[c] != imp[c] for c in ("C_DocType_ID", "GL_Category_ID", "PostingType", "C_Currency_ID",
                                            "DateAcct"))

    def _start_journal(self, imp: dict) -> None:
        self.journal_no = imp["JournalDocumentNo"] or ""
        body = {c: imp[c] for c in ("C_AcctSchema_ID", "C_DocType_ID", "GL_Category_ID", "PostingType",
                                    "C_Currency_ID", "C_ConversionType_ID", "CurrencyRate", "C_Period_ID",
                                    "DateAcct", "GL_Budget_ID")}
        body.update(GL_JournalBatch_ID=self.batch, AD_Org_ID=imp["AD_OrgDoc_ID"], DateDoc=imp["DateAcct"],
                    Description=imp["BatchDescription"] or "(Import)", DocumentNo=imp["JournalDocumentNo"] or None)
        self.journal = {**body, "id": self._create("GL_Journal", body)}
        self.journals += 1

    def _line(self, imp: dict) -> None:
        combination = imp["C_ValidCombination_ID"] or self._combination(imp)
        account = imp["Account_ID"] or next(iter(self.env.store.query(
            "SELECT Account_ID FROM C_ValidCombination WHERE C_ValidCombination_ID=?", (combination,))), (None,))[0]
        journal = self.journal
        assert journal is not None
        line = {"GL_Journal_ID": journal["id"], "Line": imp["Line"] or None, "Description": imp["Description"],
                "C_ValidCombination_ID": combination, "Account_ID": account,
                "C_Currency_ID": imp["C_Currency_ID"], "C_ConversionType_ID": imp["C_ConversionType_ID"],
                "CurrencyRate": imp["CurrencyRate"], "DateAcct": imp["DateAcct"], "C_UOM_ID": imp["C_UOM_ID"],
                "Qty": imp["Qty"], "AmtSourceDr": imp["AmtSourceDr"], "AmtSourceCr": imp["AmtSourceCr"],
                "AmtAcctDr": imp["AmtAcctDr"], "AmtAcctCr": imp["AmtAcctCr"],
                **{c: imp[c] for c in _DIMENSIONS}}
        if not line["Line"]:
            last = self.env.store.query("SELECT MAX(Line) FROM GL_JournalLine WHERE GL_Journal_ID=?", (journal["id"],))
            line["Line"] = int(last[0][0] or 0) + 10
        line_id = self._create("GL_JournalLine", line)
        self._totals(journal["id"])
        self.t.imported(imp["I_GLJournal_ID"], {"GL_JournalBatch_ID": self.batch, "GL_Journal_ID": journal["id"],
                                                "GL_JournalLine_ID": line_id, "C_ValidCombination_ID": combination})
        self.lines += 1

    def _combination(self, imp: dict) -> int:
        """MAccount.get: the combination of these account and dimension values, created when missing."""
        keys = {"AD_Client_ID": imp["AD_Client_ID"], "AD_Org_ID": imp["AD_Org_ID"],
                "C_AcctSchema_ID": imp["C_AcctSchema_ID"], "Account_ID": imp["Account_ID"],
                **{c: imp[c] for c in _DIMENSIONS}}
        where = " AND ".join(f"{c} IS ?" for c in keys)
        found = self.env.store.query(f"SELECT C_ValidCombination_ID FROM C_ValidCombination WHERE {where}",
                                     tuple(keys.values()))
        if found:
            return int(found[0][0])
        org = self.env.store.query("SELECT Value FROM AD_Org WHERE AD_Org_ID=?", (imp["AD_Org_ID"],))
        account = self.env.store.query("SELECT Value, Name FROM C_ElementValue WHERE C_ElementValue_ID=?",
                                       (imp["Account_ID"],))
        value, name = account[0] if account else (str(imp["Account_ID"]), "")
        org_value = org[0][0] if org else str(imp["AD_Org_ID"])
        body: dict[str, Any] = {**{k: v for k, v in keys.items() if k != "AD_Client_ID"},
                                "Combination": f"{org_value}-{value}", "Description": f"{org_value}-{name}"}
        return self._create("C_ValidCombination", body)

    def _totals(self, journal: int) -> None:
        """MJournalLine.afterSave: the journal's and its batch's TotalDr/TotalCr follow the lines."""
        store = self.env.store
        store.execute("UPDATE GL_Journal SET TotalDr=(SELECT COALESCE(SUM(AmtAcctDr),0) FROM GL_JournalLine l WHERE "
                      "l.GL_Journal_ID=GL_Journal.GL_Journal_ID), TotalCr=(SELECT COALESCE(SUM(AmtAcctCr),0) FROM "
                      "GL_JournalLine l WHERE l.GL_Journal_ID=GL_Journal.GL_Journal_ID) WHERE GL_Journal_ID=?",
                      (journal,))
        if self.batch is not None:
            store.execute("UPDATE GL_JournalBatch SET TotalDr=(SELECT COALESCE(SUM(TotalDr),0) FROM GL_Journal j WHERE "
                          "j.GL_JournalBatch_ID=GL_JournalBatch.GL_JournalBatch_ID), TotalCr=(SELECT "
                          "COALESCE(SUM(TotalCr),0) FROM GL_Journal j WHERE j.GL_JournalBatch_ID="
                          "GL_JournalBatch.GL_JournalBatch_ID) WHERE GL_JournalBatch_ID=?", (self.batch,))
