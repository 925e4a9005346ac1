"""Import_GLJournal's validation phase (core's ImportGLJournal.doIt up to its first commit): one statement per rule
in core's order, with its ERR and WARN texts and its quirks.

Quirks kept because a client sees them: the defaults statement and the organization-by-key rule have no tenant
check; "ERR=No Rate", "ERR=Invalid Period" and "ERR=Invalid PostingType" read ``X IS NULL OR ... AND <tenant>``
(SQL precedence: the null test alone marks a row of any tenant); WARN texts are appended without an error mark;
the accounted amounts are recomputed only where they are empty or zero. What the emulator does not serve never
matches: C_Conversion_Rate (a foreign currency without CurrencyRate is "ERR=No Rate"), C_PeriodControl (every
period is open: no "WARN=Period Closed"), C_Project, C_Campaign, C_Activity, C_SalesRegion (their key columns give
"ERR=Invalid Project" ...). The calendar is the tenant's C_Period rows; accounts are the tenant's C_ElementValue.
"""
from __future__ import annotations

from ..catalog.lists import LISTS
from .import_table import ImportTable

# AD_ClientInfo.C_AcctSchema1_ID per tenant (AD_ClientInfo is not served)
PRIMARY_SCHEMA = {11: 101}
_NO_COMBINATION = "(C_ValidCombination_ID IS NULL OR C_ValidCombination_ID=0)"
_POSTING_TYPES = ",".join(f"'{v}'" for v in LISTS["PostingType"])


def validate_journals(t: ImportTable, org: int, schema: int, date: str | None, now: str, today: str) -> None:
    """Reset, defaults from the parameters (``schema`` 0 / ``date`` None: not given), then every rule."""
    t.reset("IsActive=COALESCE(IsActive,'Y'), Created=COALESCE(Created,?), CreatedBy=COALESCE(CreatedBy,0), "
            "Updated=COALESCE(Updated,?), UpdatedBy=COALESCE(UpdatedBy,0)", (now, now))
    t.execute("UPDATE I_GLJournal SET AD_Client_ID=(SELECT c.AD_Client_ID FROM AD_Client c WHERE "
              "c.Value=I_GLJournal.ClientValue) WHERE (AD_Client_ID IS NULL OR AD_Client_ID=0) AND ClientValue IS NOT "
              "NULL AND I_IsImported<>'Y'")
    defaults = f"AD_Client_ID=COALESCE(AD_Client_ID,{t.client}), AD_OrgDoc_ID=COALESCE(AD_OrgDoc_ID,{org}), "
    defaults += f"C_AcctSchema_ID=COALESCE(C_AcctSchema_ID,{schema}), " if schema else ""
    defaults += "DateAcct=COALESCE(DateAcct,?), " if date else ""
    t.execute(f"UPDATE I_GLJournal SET {defaults}Updated=COALESCE(Updated,?) WHERE I_IsImported<>'Y' OR "
              f"I_IsImported IS NULL", (date, now) if date else (now,))
    t.error("ERR=Invalid Doc Org, ", f"(AD_OrgDoc_ID IS NULL OR AD_OrgDoc_ID=0 OR EXISTS (SELECT 1 FROM AD_Org oo "
                                     f"WHERE I_GLJournal.AD_OrgDoc_ID=oo.AD_Org_ID AND (oo.IsSummary='Y' OR "
                                     f"oo.IsActive='N'))) AND {t.pending}")
    _header(t, today)
    _currency(t)
    _period_and_posting_type(t)
    _organizations(t)
    _dimensions(t)
    _amounts(t)


def _set(t: ImportTable, column: str, select: str, where: str) -> None:
    t.execute(f"UPDATE I_GLJournal SET {column}=({select}) WHERE {where} AND {t.pending}")


def _header(t: ImportTable, today: str) -> None:
    _set(t, "C_AcctSchema_ID", "SELECT a.C_AcctSchema_ID FROM C_AcctSchema a WHERE I_GLJournal.AcctSchemaName=a.Name "
         "AND I_GLJournal.AD_Client_ID=a.AD_Client_ID", "C_AcctSchema_ID IS NULL AND AcctSchemaName IS NOT NULL")
    primary = PRIMARY_SCHEMA.get(t.client)
    if primary is not None:
        t.execute(f"UPDATE I_GLJournal SET C_AcctSchema_ID={primary} WHERE C_AcctSchema_ID IS NULL AND "
                  f"AcctSchemaName IS NULL AND {t.pending}")
    t.error("ERR=Invalid AcctSchema, ", f"(C_AcctSchema_ID IS NULL OR C_AcctSchema_ID=0 OR NOT EXISTS (SELECT 1 FROM "
                                        f"C_AcctSchema a WHERE I_GLJournal.AD_Client_ID=a.AD_Client_ID)) AND {t.pending}")
    t.execute(f"UPDATE I_GLJournal SET DateAcct=? WHERE DateAcct IS NULL AND {t.pending}", (today,))
    _set(t, "C_DocType_ID", "SELECT d.C_DocType_ID FROM C_DocType d WHERE d.Name=I_GLJournal.DocTypeName AND "
         "d.DocBaseType='GLJ' AND I_GLJournal.AD_Client_ID=d.AD_Client_ID", "C_DocType_ID IS NULL AND DocTypeName "
                                                                             "IS NOT NULL")
    t.error("ERR=Invalid DocType, ", f"(C_DocType_ID IS NULL OR C_DocType_ID=0 OR NOT EXISTS (SELECT 1 FROM C_DocType "
                                     f"d WHERE I_GLJournal.AD_Client_ID=d.AD_Client_ID AND d.DocBaseType='GLJ')) AND "
                                     f"{t.pending}")
    _set(t, "GL_Category_ID", "SELECT c.GL_Category_ID FROM GL_Category c WHERE c.Name=I_GLJournal.CategoryName AND "
         "I_GLJournal.AD_Client_ID=c.AD_Client_ID", "GL_Category_ID IS NULL AND CategoryName IS NOT NULL")
    t.error("ERR=Invalid Category, ", f"(GL_Category_ID IS NULL OR GL_Category_ID=0) AND {t.pending}")


def _currency(t: ImportTable) -> None:
    _set(t, "C_Currency_ID", "SELECT c.C_Currency_ID FROM C_Currency c WHERE c.ISO_Code=I_GLJournal.ISO_Code AND "
         "c.AD_Client_ID IN (0,I_GLJournal.AD_Client_ID)", "C_Currency_ID IS NULL AND ISO_Code IS NOT NULL")
    _set(t, "C_Currency_ID", "SELECT a.C_Currency_ID FROM C_AcctSchema a WHERE a.C_AcctSchema_ID="
         "I_GLJournal.C_AcctSchema_ID AND a.AD_Client_ID=I_GLJournal.AD_Client_ID",
         "C_Currency_ID IS NULL AND ISO_Code IS NULL")
    t.error("ERR=Invalid Currency, ", f"(C_Currency_ID IS NULL OR C_Currency_ID=0) AND {t.pending}")
    t.execute(f"UPDATE I_GLJournal SET ConversionTypeValue='S' WHERE C_ConversionType_ID IS NULL AND "
              f"ConversionTypeValue IS NULL AND {t.fresh}")
    _set(t, "C_ConversionType_ID", "SELECT c.C_ConversionType_ID FROM C_ConversionType c WHERE "
         "c.Value=I_GLJournal.ConversionTypeValue AND c.AD_Client_ID IN (0,I_GLJournal.AD_Client_ID)",
         "C_ConversionType_ID IS NULL AND ConversionTypeValue IS NOT NULL")
    t.error("ERR=Invalid CurrencyType, ", f"(C_ConversionType_ID IS NULL OR C_ConversionType_ID=0) AND "
                                          f"ConversionTypeValue IS NOT NULL AND {t.pending}")
    t.error("ERR=No ConversionType, ", f"(C_ConversionType_ID IS NULL OR C_ConversionType_ID=0) AND {t.pending}")
    t.execute(f"UPDATE I_GLJournal SET CurrencyRate=1 WHERE EXISTS (SELECT 1 FROM C_AcctSchema a WHERE "
              f"a.C_AcctSchema_ID=I_GLJournal.C_AcctSchema_ID AND a.C_Currency_ID=I_GLJournal.C_Currency_ID) AND "
              f"C_Currency_ID IS NOT NULL AND {t.pending}")
    t.error("ERR=No Rate, ", f"CurrencyRate IS NULL OR CurrencyRate=0 AND {t.pending}")


def _period_and_posting_type(t: ImportTable) -> None:
    periods = ("FROM C_Period p WHERE p.AD_Client_ID=I_GLJournal.AD_Client_ID AND I_GLJournal.DateAcct BETWEEN "
               "p.StartDate AND p.EndDate AND p.IsActive='Y' AND p.PeriodType='S'")
    _set(t, "C_Period_ID", f"SELECT MAX(p.C_Period_ID) {periods}", "C_Period_ID IS NULL")
    t.error("ERR=Invalid Period, ", f"C_Period_ID IS NULL OR C_Period_ID NOT IN (SELECT C_Period_ID {periods}) AND "
                                    f"{t.pending}")
    t.execute(f"UPDATE I_GLJournal SET PostingType='A' WHERE PostingType IS NULL AND {t.pending}")
    t.error("ERR=Invalid PostingType, ", f"PostingType IS NULL OR PostingType NOT IN ({_POSTING_TYPES}) AND "
                                         f"{t.pending}")


def _organizations(t: ImportTable) -> None:
    t.execute(f"UPDATE I_GLJournal SET AD_Org_ID=COALESCE((SELECT o.AD_Org_ID FROM AD_Org o WHERE "
              f"o.Value=I_GLJournal.OrgValue AND o.IsSummary='N' AND I_GLJournal.AD_Client_ID=o.AD_Client_ID),"
              f"AD_Org_ID) WHERE (AD_Org_ID IS NULL OR AD_Org_ID=0) AND OrgValue IS NOT NULL AND {_NO_COMBINATION} "
              f"AND I_IsImported<>'Y'")
    t.execute(f"UPDATE I_GLJournal SET AD_Org_ID=AD_OrgDoc_ID WHERE (AD_Org_ID IS NULL OR AD_Org_ID=0) AND OrgValue "
              f"IS NULL AND AD_OrgDoc_ID IS NOT NULL AND AD_OrgDoc_ID<>0 AND {_NO_COMBINATION} AND {t.pending}")
    t.error("ERR=Invalid Org, ", f"(AD_Org_ID IS NULL OR AD_Org_ID=0 OR EXISTS (SELECT 1 FROM AD_Org oo WHERE "
                                 f"I_GLJournal.AD_Org_ID=oo.AD_Org_ID AND (oo.IsSummary='Y' OR oo.IsActive='N'))) AND "
                                 f"{_NO_COMBINATION} AND {t.pending}")


def _dimensions(t: ImportTable) -> None:
    """Account (required) and the optional dimensions, each from its key column, only without a combination."""
    tenant = "I_GLJournal.AD_Client_ID=x.AD_Client_ID AND x.IsSummary='N'"
    lookups = (("Account_ID", "AccountValue", f"SELECT MAX(x.C_ElementValue_ID) FROM C_ElementValue x WHERE "
                                              f"x.Value=I_GLJournal.AccountValue AND {tenant}"),
               ("C_BPartner_ID", "BPartnerValue", f"SELECT x.C_BPartner_ID FROM C_BPartner x WHERE "
                                                  f"x.Value=I_GLJournal.BPartnerValue AND {tenant}"))
    for column, key, select in lookups:
        _set(t, column, select, f"{column} IS NULL AND {key} IS NOT NULL AND {_NO_COMBINATION}")
        if column == "Account_ID":
            t.error("ERR=Invalid Account, ", f"(Account_ID IS NULL OR Account_ID=0) AND {_NO_COMBINATION} AND "
                                             f"{t.pending}")
        else:
            t.error("ERR=Invalid BPartner, ", f"C_BPartner_ID IS NULL AND BPartnerValue IS NOT NULL AND "
                                              f"{_NO_COMBINATION} AND {t.pending}")
    products = "ProductValue IS NOT NULL OR UPC IS NOT NULL OR SKU IS NOT NULL"
    _set(t, "M_Product_ID", f"SELECT MAX(x.M_Product_ID) FROM M_Product x WHERE (x.Value=I_GLJournal.ProductValue OR "
         f"x.UPC=I_GLJournal.UPC OR x.SKU=I_GLJournal.SKU) AND {tenant}",
         f"M_Product_ID IS NULL AND ({products}) AND {_NO_COMBINATION}")
    t.error("ERR=Invalid Product, ", f"M_Product_ID IS NULL AND ({products}) AND {_NO_COMBINATION} AND {t.pending}")
    for column, key, name in (("C_Project_ID", "ProjectValue", "Project"), ("C_Campaign_ID", "CampaignValue",
                                                                            "Campaign"),
                              ("C_Activity_ID", "ActivityValue", "Activity"),
                              ("C_SalesRegion_ID", "SalesRegionValue", "SalesRegion")):
        t.error(f"ERR=Invalid {name}, ", f"{column} IS NULL AND {key} IS NOT NULL AND {_NO_COMBINATION} AND "
                                         f"{t.pending}")
    _set(t, "AD_OrgTrx_ID", "SELECT x.AD_Org_ID FROM AD_Org x WHERE x.Value=I_GLJournal.OrgTrxValue AND " + tenant,
         f"AD_OrgTrx_ID IS NULL AND OrgTrxValue IS NOT NULL AND {_NO_COMBINATION}")
    t.error("ERR=Invalid OrgTrx, ", f"AD_OrgTrx_ID IS NULL AND OrgTrxValue IS NOT NULL AND {_NO_COMBINATION} AND "
                                    f"{t.pending}")


def _amounts(t: ImportTable) -> None:
    for side in ("Dr", "Cr"):
        t.execute(f"UPDATE I_GLJournal SET AmtSource{side}=0 WHERE AmtSource{side} IS NULL AND {t.pending}")
    t.execute(f"UPDATE I_GLJournal SET I_ErrorMsg=I_ErrorMsg||'WARN=Zero Source Balance, ' WHERE "
              f"(AmtSourceDr-AmtSourceCr)=0 AND {t.pending}")
    for side in ("Dr", "Cr"):  # HARDCODED rounding to 2 in core
        t.execute(f"UPDATE I_GLJournal SET AmtAcct{side}=ROUND(AmtSource{side}*CurrencyRate,2) WHERE AmtAcct{side} "
                  f"IS NULL OR AmtAcct{side}=0 AND {t.fresh}")
    t.execute(f"UPDATE I_GLJournal SET I_ErrorMsg=I_ErrorMsg||'WARN=Zero Acct Balance, ' WHERE "
              f"(AmtSourceDr-AmtSourceCr)<>0 AND (AmtAcctDr-AmtAcctCr)=0 AND {t.pending}")
