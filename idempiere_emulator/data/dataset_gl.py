"""Deterministic general-ledger data: GardenWorld's accounting schema (101, US Dollar), a small chart of accounts,
GL categories, monthly periods of 2020-2030, currency types, a combination per account for HQ, the "GL Journal"
document type and one completed opening-balance journal (batch, journal, two lines).

Ids are the emulator's except C_AcctSchema 101 and the account ids Fact_Acct already uses (11200, 41000, with the
account number as id); GL_Category 108 is the category of the seeded Fact_Acct rows.
"""
from __future__ import annotations

import calendar

from .. import fixtures as fx
from ..catalog import Catalog
from .dataset import Seeder
from .store import Store

ACCT_SCHEMA = 101
ELEMENT = 105  # C_Element of the chart (C_Element is not served)
GL_DOCTYPE = 115
CONVERSION_SPOT = 114
ACCOUNTS = [  # id = Value, name, AccountType, summary
    (11100, "Checking Account", "A", "N"), (11200, "Accounts Receivable - Trade", "A", "N"),
    (21100, "Accounts Payable - Trade", "L", "N"), (31000, "Capital", "O", "N"), (41000, "Trade Revenue", "R", "N"),
    (51100, "Product Cost of Goods Sold", "E", "N"), (60000, "Expenses", "E", "Y"), (61100, "Rent Expense", "E", "N"),
    (68100, "Office Supplies", "E", "N"),
]
FIRST_YEAR, LAST_YEAR = 2020, 2030


def combination_id(account: int) -> int:
    """The seeded HQ combination of ``account`` (C_ValidCombination_ID)."""
    return 10_000 + account // 100


def period_id(year: int, month: int) -> int:
    return year * 100 + month


def seed_gl(store: Store, catalog: Catalog, seed: int) -> None:
    s = Seeder(store, catalog, seed + 23)
    s.put("C_AcctSchema", [{"C_AcctSchema_ID": ACCT_SCHEMA, "Name": "GardenWorld US/A/US Dollar", "C_Currency_ID": 100,
                            "Description": "GardenWorld UN/34 US Dollar"}])
    s.put("C_ElementValue", [{"C_ElementValue_ID": aid, "Value": str(aid), "Name": name, "AccountType": kind,
                              "AccountSign": "D" if kind in ("A", "E") else "C", "IsSummary": summary,
                              "C_Element_ID": ELEMENT} for aid, name, kind, summary in ACCOUNTS])
    s.put("GL_Category", [
        {"GL_Category_ID": 108, "Value": "Standard", "Name": "Standard", "CategoryType": "D", "IsDefault": "Y"},
        {"GL_Category_ID": 109, "Value": "Manual", "Name": "Manual", "CategoryType": "M"},
        {"GL_Category_ID": 110, "Value": "Import", "Name": "Import", "CategoryType": "I"},
    ])
    s.put("C_Period", [{"C_Period_ID": period_id(y, m), "C_Year_ID": y, "PeriodNo": m,
                        "Name": f"{calendar.month_abbr[m]}-{y % 100:02d}", "StartDate": f"{y}-{m:02d}-01",
                        "EndDate": f"{y}-{m:02d}-{calendar.monthrange(y, m)[1]:02d}"}
                       for y in range(FIRST_YEAR, LAST_YEAR + 1) for m in range(1, 13)])
    s.put("C_ConversionType", [
        {"C_ConversionType_ID": CONVERSION_SPOT, "Value": "S", "Name": "Spot", "IsDefault": "Y"},
        {"C_ConversionType_ID": 115, "Value": "P", "Name": "Period End"},
        {"C_ConversionType_ID": 116, "Value": "A", "Name": "Average"},
    ], client=0)
    s.put("C_ValidCombination", [
        {"C_ValidCombination_ID": combination_id(aid), "C_AcctSchema_ID": ACCT_SCHEMA, "Account_ID": aid,
         "AD_Org_ID": fx.ORG_HQ, "Combination": f"HQ-{aid}", "Description": f"HQ-{name}"}
        for aid, name, _kind, summary in ACCOUNTS if summary == "N"])
    s.put("C_DocType", [{"C_DocType_ID": GL_DOCTYPE, "Name": "GL Journal", "PrintName": "Journal",
                         "DocBaseType": "GLJ", "IsDefault": "Y"}])
    _seed_opening_journal(s)


def _seed_opening_journal(s: Seeder) -> None:
    """Batch 100 / journal 100: 1,000.00 from capital to the checking account, completed and posted."""
    day, period = "2025-01-01", period_id(2025, 1)
    doc = {"DocStatus": "CO", "DocAction": "CL", "Processed": "Y", "IsApproved": "Y", "AD_Org_ID": fx.ORG_HQ,
           "DocumentNo": "1000", "Description": "Opening balances", "C_DocType_ID": GL_DOCTYPE, "PostingType": "A",
           "DateDoc": day, "DateAcct": day, "C_Period_ID": period, "C_Currency_ID": 100, "TotalDr": 1000.0,
           "TotalCr": 1000.0}
    s.put("GL_JournalBatch", [{**doc, "GL_JournalBatch_ID": 100, "GL_Category_ID": 109}])
    s.put("GL_Journal", [{**doc, "GL_Journal_ID": 100, "GL_JournalBatch_ID": 100, "C_AcctSchema_ID": ACCT_SCHEMA,
                          "GL_Category_ID": 109, "C_ConversionType_ID": CONVERSION_SPOT, "CurrencyRate": 1,
                          "Posted": "Y"}])
    line = {"GL_Journal_ID": 100, "AD_Org_ID": fx.ORG_HQ, "C_Currency_ID": 100, "C_ConversionType_ID": CONVERSION_SPOT,
            "CurrencyRate": 1, "DateAcct": day, "Processed": "Y"}
    s.put("GL_JournalLine", [
        {**line, "GL_JournalLine_ID": 100, "Line": 10, "Account_ID": 11100, "C_ValidCombination_ID": combination_id(11100),
         "AmtSourceDr": 1000.0, "AmtAcctDr": 1000.0, "Description": "Owner's deposit"},
        {**line, "GL_JournalLine_ID": 101, "Line": 20, "Account_ID": 31000, "C_ValidCombination_ID": combination_id(31000),
         "AmtSourceCr": 1000.0, "AmtAcctCr": 1000.0, "Description": "Owner's capital"},
    ])
