"""General-ledger tables: GL journals (batch, journal, line), the accounting dimensions they refer to, and the
I_GLJournal import table that Import_GLJournal turns into journals.

Column sets are a subset of iDempiere core's generated model classes (table ids and access levels as in core):
what journals and their import need. FKs to tables the emulator does not serve (C_Year, C_Element, GL_Budget,
C_Project, C_Campaign, C_Activity, C_SalesRegion) are plain integers. Fact_Acct keeps its plain-integer account,
schema, period and category columns (it predates these tables).
"""
from __future__ import annotations

from .dsl import table
from .model import Table

_DOC = "DocStatus:L!=DR DocAction:B!=CO Processing:B Processed:Y!~=N IsApproved:Y!~=N"
_DIMENSIONS = """M_Product_ID:SR~ C_BPartner_ID:SR~ AD_OrgTrx_ID:TB>AD_Org~ C_LocFrom_ID:TB>C_Location~
    C_LocTo_ID:TB>C_Location~ C_SalesRegion_ID:I~ C_Project_ID:I~ C_Campaign_ID:I~ C_Activity_ID:I~
    User1_ID:TB>C_ElementValue~ User2_ID:TB>C_ElementValue~"""


def gl_tables() -> list[Table]:
    """Accounting schema, accounts, categories, periods, currency types, combinations, journals, I_GLJournal."""
    return [
        table("C_AcctSchema", 265, "Accounting Schema", """
            Name:S! Description:S C_Currency_ID:TD! GAAP:L!=US AutoPeriodControl:Y!=Y Separator:S!=-""",
            access_level=2),
        table("C_ElementValue", 188, "Account Element", """
            Value:S! Name:S! Description:S AccountType:L!=E AccountSign:L!=N IsSummary:Y!=N IsDocControlled:Y=N
            PostActual:Y!=Y PostBudget:Y!=Y PostStatistical:Y!=Y C_Element_ID:I!~""",
            identifiers="Value,Name", access_level=2),
        table("GL_Category", 218, "GL Category", """
            Value:S! Name:S! Description:S CategoryType:L!=M IsDefault:Y!=N""", access_level=2),
        table("C_Period", 145, "Period", """
            Name:S! PeriodNo:I! StartDate:D! EndDate:D PeriodType:L!~=S C_Year_ID:I!~""", access_level=2),
        table("C_ConversionType", 637, "Currency Type", """
            Value:S! Name:S! Description:S IsDefault:Y!=N""", access_level=6),
        table("C_ValidCombination", 176, "Combination", """
            Combination:S~ Description:S~ Alias:S IsFullyQualified:Y!~=Y C_AcctSchema_ID:TD!~
            Account_ID:TB>C_ElementValue!~ """ + _DIMENSIONS, identifiers="Combination", access_level=2),
        table("GL_JournalBatch", 225, "Journal Batch", _DOC + """
            DocumentNo:S!~ Description:S! PostingType:L!=A C_DocType_ID:TD! GL_Category_ID:TD DateDoc:D DateAcct:D
            C_Period_ID:TD C_Currency_ID:TD TotalDr:A!~=0 TotalCr:A!~=0 ControlAmt:A=0""",
            identifiers="DocumentNo", document=True, access_level=1),
        table("GL_Journal", 224, "Journal", _DOC + """
            GL_JournalBatch_ID:TD~ DocumentNo:S!~ Description:S! C_AcctSchema_ID:TD!~ C_DocType_ID:TD!
            GL_Category_ID:TD! PostingType:L!=A DateDoc:D!=@Date@ DateAcct:D!=@Date@ C_Period_ID:TD!
            C_Currency_ID:TD! C_ConversionType_ID:TD! CurrencyRate:N#6!=1 GL_Budget_ID:I TotalDr:A!~=0
            TotalCr:A!~=0 ControlAmt:A=0 Posted:B!~=N IsPrinted:Y!~=N""",
            identifiers="DocumentNo", document=True, parent="GL_JournalBatch_ID", access_level=1),
        table("GL_JournalLine", 226, "Journal Line", """
            GL_Journal_ID:TD!~ Line:I! Description:S C_ValidCombination_ID:TD Account_ID:TB>C_ElementValue
            C_Currency_ID:TD! C_ConversionType_ID:TD! CurrencyRate:N#6!~=1 DateAcct:D! AmtSourceDr:A!=0
            AmtSourceCr:A!=0 AmtAcctDr:A!~=0 AmtAcctCr:A!~=0 C_UOM_ID:TD Qty:Q IsGenerated:Y!~=N Processed:Y!=N
            """ + _DIMENSIONS.replace("~", ""), identifiers="Line", parent="GL_Journal_ID", access_level=1),
        table("I_GLJournal", 599, "Import GL Journal", """
            I_IsImported:Y!=N I_ErrorMsg:S Processing:Y Processed:Y=N
            ClientValue:S AD_OrgDoc_ID:TB>AD_Org OrgValue:S OrgTrxValue:S AcctSchemaName:S C_AcctSchema_ID:TD
            BatchDocumentNo:S BatchDescription:S IsCreateNewBatch:Y GL_JournalBatch_ID:TD JournalDocumentNo:S
            IsCreateNewJournal:Y GL_Journal_ID:TD GL_JournalLine_ID:TD Line:I DocTypeName:S C_DocType_ID:TD
            CategoryName:S GL_Category_ID:TD PostingType:L DateAcct:D C_Period_ID:TD GL_Budget_ID:I
            ISO_Code:S C_Currency_ID:TD ConversionTypeValue:S C_ConversionType_ID:TD CurrencyRate:N#6
            AccountValue:S Account_ID:TB>C_ElementValue C_ValidCombination_ID:TD Description:S AmtSourceDr:A AmtSourceCr:A AmtAcctDr:A
            AmtAcctCr:A C_UOM_ID:TD Qty:Q BPartnerValue:S ProductValue:S UPC:S SKU:S ProjectValue:S
            CampaignValue:S ActivityValue:S SalesRegionValue:S """ + _DIMENSIONS.replace("~", ""),
            identifiers="", access_level=2),
    ]
