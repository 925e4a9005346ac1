"""The processes the emulator serves: AD_Process/AD_Process_Para facts as code (seeded into the store).

Import_BPartner (AD_Process 194) and Import_Product (196) carry core's Value, class and parameters (the
IsValidateOnly parameter 53312 and DeleteOldImported 265 are core's ids; the other parameter ids are the
emulator's). RV_OrderDetail is GardenWorld's "Order Detail" report (the plugin's Postman collection runs it
with ``C_BPartner_ID`` "117,114" and a ``DateOrdered`` range). ``BPartner_OpenBalance`` is the emulator's own
plain process (no core counterpart): it recalculates partners' open balances and answers with a summary and one
log line per partner. ``allow_multiple`` is AD_Process.AllowMultipleExecution: core migrated non-report
processes to NULL (never "already running") and reports to 'P'.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .. import fixtures as fx

STRING, INTEGER, AMOUNT, ID, TEXT, DATE, DATETIME, LIST = 10, 11, 12, 13, 14, 15, 16, 17
TABLE, TABLEDIR, YESNO, NUMBER, QUANTITY, SEARCH = 18, 19, 20, 22, 29, 30
CHOSEN_SEARCH = 200163  # Chosen Multiple Selection Search: comma-separated ids in P_String

# AD_Reference rows the parameters use (data types only: ValidationType 'D')
REFERENCES = {STRING: "String", INTEGER: "Integer", AMOUNT: "Amount", ID: "ID", TEXT: "Text", DATE: "Date",
              DATETIME: "Date+Time", LIST: "List", TABLE: "Table", TABLEDIR: "Table Direct", YESNO: "Yes-No",
              NUMBER: "Number", QUANTITY: "Quantity", SEARCH: "Search",
              CHOSEN_SEARCH: "Chosen Multiple Selection Search"}
NUMERIC_REFS = frozenset({INTEGER, AMOUNT, ID, NUMBER, QUANTITY})
LOOKUP_REFS = frozenset({TABLE, TABLEDIR, SEARCH})
DATE_REFS = frozenset({DATE, DATETIME})


@dataclass(frozen=True)
class ParamDef:
    """One AD_Process_Para; ``ref_table`` is the lookup target of TableDir/Search/Chosen parameters."""

    id: int
    column: str
    name: str
    reference: int
    seq: int
    mandatory: bool = False
    is_range: bool = False
    default: str | None = None
    description: str | None = None
    ref_table: str | None = None


@dataclass(frozen=True)
class ProcessDef:
    """One AD_Process; ``access`` maps a role to its IsReadWrite (absent role = no AD_Process_Access row)."""

    id: int
    value: str
    name: str
    classname: str
    params: tuple[ParamDef, ...]
    access: dict[int, bool]
    description: str | None = None
    help: str | None = None
    is_report: bool = False
    report_view: int | None = None
    allow_multiple: str | None = None


REPORT_VIEW_ORDER_DETAIL = 137

PROCESSES: tuple[ProcessDef, ...] = (
    ProcessDef(
        194, "Import_BPartner", "Import Business Partner", "org.compiere.process.ImportBPartner", (
            ParamDef(261, "AD_Client_ID", "Tenant", TABLEDIR, 10, mandatory=True, default="@#AD_Client_ID@",
                     description="Tenant for this installation.", ref_table="AD_Client"),
            ParamDef(262, "DeleteOldImported", "Delete old imported records", YESNO, 20,
                     description="Before processing delete old imported records in the import table"),
            ParamDef(53312, "IsValidateOnly", "Only Validate Data", YESNO, 30, mandatory=True, default="N",
                     description="Validate the date and do not process"),
        ),
        access={fx.ROLE_ADMIN: True},
        description="Import Business Partner",
        help="The Parameters are default values for null import record values, they do not overwrite any data."),
    ProcessDef(
        196, "Import_Product", "Import Products", "org.compiere.process.ImportProduct", (
            ParamDef(263, "AD_Client_ID", "Tenant", TABLEDIR, 10, mandatory=True, default="@#AD_Client_ID@",
                     description="Tenant for this installation.", ref_table="AD_Client"),
            ParamDef(264, "M_PriceList_Version_ID", "Price List Version", TABLEDIR, 20,
                     description="Identifies a unique instance of a Price List", ref_table="M_PriceList_Version"),
            ParamDef(265, "DeleteOldImported", "Delete old imported records", YESNO, 30,
                     description="Before processing delete old imported records in the import table"),
        ),
        access={fx.ROLE_ADMIN: True, fx.ROLE_USER: False},
        description="Imports products from a file into the application",
        help="Import Products will bring a file of products, in a predefined format into the application."),
    ProcessDef(
        251, "RV_OrderDetail", "Order Detail", "org.compiere.report.ReportStarter", (
            ParamDef(751, "C_BPartner_ID", "Business Partner", CHOSEN_SEARCH, 10,
                     description="Identifies a Business Partner", ref_table="C_BPartner"),
            ParamDef(752, "DateOrdered", "Date Ordered", DATE, 20, is_range=True,
                     description="Date of Order"),
            ParamDef(753, "M_Product_ID", "Product", SEARCH, 30, description="Product, Service, Item",
                     ref_table="M_Product"),
            ParamDef(754, "IsSOTrx", "Sales Transaction", YESNO, 40, default="Y",
                     description="This is a Sales Transaction"),
        ),
        access={fx.ROLE_ADMIN: True, fx.ROLE_USER: True},
        description="Order Detail Report", help="Order lines with their order, partner and product",
        is_report=True, report_view=REPORT_VIEW_ORDER_DETAIL, allow_multiple="P"),
    ProcessDef(
        53900, "BPartner_OpenBalance", "Recalculate Business Partner Open Balance",
        "org.idempiere.emulator.BPartnerOpenBalance", (
            ParamDef(53901, "C_BP_Group_ID", "Business Partner Group", TABLEDIR, 10,
                     description="Business Partner Group", ref_table="C_BP_Group"),
            ParamDef(53902, "C_BPartner_ID", "Business Partner", SEARCH, 20,
                     description="Identifies a Business Partner", ref_table="C_BPartner"),
            ParamDef(53903, "DateInvoiced", "Date Invoiced", DATE, 30, is_range=True,
                     description="Date printed on Invoice"),
        ),
        access={fx.ROLE_ADMIN: True},
        description="Sets TotalOpenBalance of partners from their unpaid invoices"),
)


_SEPARATORS = re.compile(r"[\s!-,./:-@\[-^`{-~]")  # whitespace and \p{Punct} except '-' and '_'


def slugify(value: str) -> str:
    """The plugin's ``slug`` property (TypeConverterUtils.slugify): punctuation/space -> '-', accents and
    other non-word characters dropped, lower-cased, runs of '-' collapsed, no '-' at either end."""
    dashed = _SEPARATORS.sub("-", value)
    plain = re.sub(r"[^\w-]", "", unicodedata.normalize("NFD", dashed), flags=re.ASCII)
    return re.sub(r"^-|-$", "", re.sub(r"-{2,}", "-", plain.lower()))


def sql_slug(value: str) -> str:
    """The database's ``slugify()`` the lookup ``Slugify(Value)=?`` uses (lower-case, runs of anything but
    ``[a-z0-9_-]`` -> '-', one leading and every trailing '-' removed)."""
    plain = "".join(c for c in unicodedata.normalize("NFD", value) if not unicodedata.combining(c)).lower()
    return re.sub(r"^-", "", re.sub(r"-+$", "", re.sub(r"[^a-z0-9\-_]+", "-", plain)))
