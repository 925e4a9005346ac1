"""Import_GLJournal over real HTTP (core's ImportGLJournal): I_GLJournal rows written through ``/models`` become
journal batches, journals and lines; validation texts, the all-or-nothing default (IsImportOnlyNoErrors), validate
only, combinations found or created, batches and journals split by their document numbers; both generations."""
from __future__ import annotations

import pytest

from .conftest import call, write_rows

BASE = {"DocTypeName": "GL Journal", "CategoryName": "Manual", "DateAcct": "2025-03-15"}


@pytest.fixture(params=[False, True], ids=["current", "legacy"])
def emu(request, emulator_factory):
    return emulator_factory(rows=3, legacy=request.param)


def journal_rows(emu, rows: list[dict]) -> list[int]:
    return write_rows(emu, "I_GLJournal", [{**BASE, **row} for row in rows])


def run(emu, **params) -> dict:
    resp = call(emu, "POST", "/processes/import_gljournal", json={"AD_Client_ID": 11, "AD_Org_ID": 11, **params})
    assert resp.status_code == 200, resp.text
    return resp.json()


def stored(emu, ids: list[int], columns: str) -> list[tuple]:
    return [tuple(r) for r in emu.backend.sql(f"SELECT {columns} FROM I_GLJournal WHERE I_GLJournal_ID IN "
                                              f"({','.join(map(str, ids))}) ORDER BY I_GLJournal_ID")]


def balanced(batch: str | None, journal: str, dr: str, cr: str, amount: float, **extra) -> list[dict]:
    return [{"BatchDocumentNo": batch, "JournalDocumentNo": journal, "AccountValue": dr, "AmtSourceDr": amount,
             **extra},
            {"BatchDocumentNo": batch, "JournalDocumentNo": journal, "AccountValue": cr, "AmtSourceCr": amount}]


def test_one_refused_row_fails_the_whole_run_unless_import_only_no_errors_is_off(emu):
    ids = journal_rows(emu, [*balanced("GB-1", "GJ-1", "11100", "41000", 250, BPartnerValue="JoeBlock"),
                           *balanced("GB-1", "GJ-2", "61100", "11100", 80),
                           {"AccountValue": "99999", "AmtSourceDr": 5, "CategoryName": "Nope", "DateAcct": "2019-01-01"}])
    failed = run(emu)  # IsImportOnlyNoErrors unset = true: nothing is imported, the marks stay 'E'
    assert failed["isError"] is True and failed["summary"] == "Errors=1"
    assert failed["logs"] == [{"msg": "Source Debit - Source Credit", "number": 0},
                              {"msg": "Accounted Debit - Accounted Credit", "number": 0}]
    bad = " ERR=Invalid Category, ERR=No ConversionType, ERR=Invalid Period, ERR=Invalid Account, "
    assert stored(emu, ids, "I_IsImported, I_ErrorMsg") == [("N", " ")] * 4 + [("E", bad)]

    body = run(emu, IsImportOnlyNoErrors=False)
    assert body["isError"] is False and body["summary"] == ""
    assert body["logs"][2:] == [{"msg": "Errors", "number": 1}, {"msg": "Journal Batch: Inserted", "number": 1},
                                {"msg": "Journal: Inserted", "number": 2}, {"msg": "Journal Line: Inserted", "number": 4}]
    rows = stored(emu, ids, "I_IsImported, Processed, GL_JournalBatch_ID, GL_Journal_ID, GL_JournalLine_ID, "
                            "C_ValidCombination_ID")
    assert [r[:2] for r in rows] == [("Y", "Y")] * 4 + [("N", "N")]
    assert len({r[2] for r in rows[:4]}) == 1 and rows[0][3] == rows[1][3] != rows[2][3] == rows[3][3]
    assert [r[5] for r in rows[1:4]] == [10410, 10611, 10111]  # the seeded HQ combinations of 41000, 61100, 11100
    partner_combination = emu.backend.sql(f"SELECT Combination, Account_ID, C_BPartner_ID FROM C_ValidCombination "
                                          f"WHERE C_ValidCombination_ID={rows[0][5]}")
    assert [tuple(r) for r in partner_combination] == [("HQ-11100", 11100, 118)]  # created: a partner dimension

    batch = call(emu, "GET", f"/models/GL_JournalBatch/{rows[0][2]}").json()
    assert batch["DocumentNo"] == "GB-1" and batch["Description"].startswith("*Import-")
    assert (batch["TotalDr"], batch["TotalCr"], batch["DocStatus"]["id"]) == (330, 330, "DR")
    journal = call(emu, "GET", f"/models/GL_Journal/{rows[0][3]}", params={"$expand": "GL_JournalLine"}).json()
    assert (journal["DocumentNo"], journal["Description"], journal["C_Period_ID"]["id"]) == ("GJ-1", "(Import)", 202503)
    assert [(ln["Line"], ln["Account_ID"]["id"], ln["AmtAcctDr"], ln["AmtAcctCr"]) for ln in journal["GL_JournalLine"]] \
        == [(10, 11100, 250, 0), (20, 41000, 0, 250)]
    refused = call(emu, "GET", f"/models/I_GLJournal/{ids[4]}").json()
    assert refused["I_IsImported"] is False and refused["I_ErrorMsg"] == bad


def test_validate_only_answers_errors_0_and_rows_without_batch_no_get_a_journal_each(emu):
    ids = journal_rows(emu, [{"JournalDocumentNo": "GN-1", "AccountValue": "11100", "AmtSourceDr": 10, "Line": 20},
                           {"JournalDocumentNo": "GN-1", "AccountValue": "31000", "AmtSourceCr": 10, "Line": 10}])
    checked = run(emu, IsValidateOnly=True)
    assert (checked["summary"], checked["isError"]) == ("Errors=0", False)
    assert stored(emu, ids, "I_IsImported, C_Period_ID, C_AcctSchema_ID") == [("N", 202503, 101)] * 2
    body = run(emu)
    assert [log["number"] for log in body["logs"][2:]] == [0, 0, 1, 2]  # no batch: one journal, two lines
    (first, second) = stored(emu, ids, "GL_JournalBatch_ID, GL_Journal_ID, GL_JournalLine_ID")
    assert first[0] is None and first[1] == second[1]
    lines = emu.backend.sql(f"SELECT GL_JournalLine_ID, Line FROM GL_JournalLine WHERE GL_Journal_ID={first[1]} "
                            f"ORDER BY Line")
    assert [tuple(r) for r in lines] == [(second[2], 10), (first[2], 20)]  # imported in Line order


def test_an_unset_tenant_imports_nothing_and_a_foreign_currency_without_rate_is_refused(emu):
    """prepare() skips unset parameters: no tenant is tenant 0, so GardenWorld's rows are not imported (but core's
    rules without a tenant check still touch them); the emulator serves no conversion rates."""
    (eur, usd) = journal_rows(emu, [{"AccountValue": "11100", "AmtSourceDr": 10, "ISO_Code": "EUR"},
                                  {"AccountValue": "11100", "AmtSourceDr": 10}])
    nothing = run(emu, AD_Client_ID=None)
    assert nothing["isError"] is False and [log["number"] for log in nothing["logs"]] == [0, 0, 0, 0]
    # "X IS NULL OR ... AND AD_Client_ID=0" marks every tenant's rows; tenant 0's final reset leaves them so
    unguarded = " ERR=No Rate, ERR=Invalid Period, ERR=Invalid PostingType, "
    assert stored(emu, [eur, usd], "I_IsImported, I_ErrorMsg, AD_OrgDoc_ID") == [("E", unguarded, 11)] * 2
    refused = run(emu, IsImportOnlyNoErrors=False)  # the next run of their tenant resets them first
    assert refused["logs"][2:4] == [{"msg": "Errors", "number": 1}, {"msg": "Journal Batch: Inserted", "number": 0}]
    assert stored(emu, [eur, usd], "I_IsImported, TRIM(I_ErrorMsg)") == [("N", "ERR=No Rate,"), ("Y", "")]


def test_without_an_organization_the_document_org_is_0_and_refused(emu):
    ids = journal_rows(emu, [{"AccountValue": "11100", "AmtSourceDr": 10}, {"AccountValue": "31000", "AmtSourceCr": 10},
                           {"AccountValue": "31000", "AmtSourceCr": 10, "AD_OrgDoc_ID": 12}])
    checked = run(emu, AD_Org_ID=None, IsValidateOnly=True)
    assert (checked["summary"], checked["isError"]) == ("Errors=2", True)
    assert stored(emu, ids, "I_IsImported, TRIM(I_ErrorMsg), AD_OrgDoc_ID") == [
        ("E", "ERR=Invalid Doc Org, ERR=No ConversionType,", 0)] * 2 + [("N", "", 12)]


def test_a_db_file_seeded_before_the_order_and_journal_imports_gets_them_once(tmp_path):
    """*backend*: an older ``--db`` file lacks the GL tables' data, I_Order/I_GLJournal and their processes."""
    from idempiere_emulator import EmulatorOptions
    from idempiere_emulator.model.backend import Backend
    from idempiere_emulator.session import Session

    path = str(tmp_path / "old.db")
    later = ("C_AcctSchema", "C_ElementValue", "GL_Category", "C_Period", "C_ConversionType", "C_ValidCombination",
             "GL_JournalBatch", "GL_Journal", "GL_JournalLine", "I_GLJournal", "I_Order")
    first = Backend(EmulatorOptions(rows=5, db=path))
    ids = [first.catalog.get(t).table_id for t in later]
    for table in later:
        first.sql(f"DELETE FROM {table}")
    first.sql(f"DELETE FROM AD_Table WHERE AD_Table_ID IN ({','.join(map(str, ids))})")
    first.sql("DELETE FROM C_DocType WHERE C_DocType_ID=115")
    for table in ("AD_Process_Access", "AD_Process_Para", "AD_Process"):
        first.sql(f"DELETE FROM {table} WHERE AD_Process_ID IN (206, 220)")
    first.close()
    for _ in range(2):
        again = Backend(EmulatorOptions(rows=5, db=path))
        admin = Session(11, 101, 102, 11)
        assert {"i_order", "i_gljournal", "gl_journal"} <= {m["model-name"] for m in again.list_models(admin)}
        assert [again.count(t) for t in ("C_Period", "GL_JournalLine", "I_Order", "C_DocType")] == [132, 2, 1, 8]
        assert again.sql("SELECT COUNT(*) FROM AD_Process_Para WHERE AD_Process_ID IN (206, 220)") == [(11,)]
        again.close()
