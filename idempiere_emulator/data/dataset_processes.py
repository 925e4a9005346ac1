"""Seed rows of the process dictionary (catalog/processes.py) and a sample imported row per import table.

The dictionary lives in the store because the plugin serializes AD_Process/AD_Process_Para records like any
other record and filters ``/processes`` with the ordinary ``$filter`` converter. The import rows give the
import tables data before any client writes (every served table has rows, like GardenWorld's sample imports).
"""
from __future__ import annotations

from .. import fixtures as fx
from ..catalog import Catalog
from ..catalog.processes import PROCESSES, REFERENCES, REPORT_VIEW_ORDER_DETAIL, ProcessDef
from .dataset import Seeder, fast_uuid
from .store import Store


def seed_processes(store: Store, catalog: Catalog, seed: int) -> None:
    """AD_Reference, AD_ReportView, AD_Process(+_Para, _Access), a finished sample run of Import_BPartner (the one that
    imported the sample I_BPartner row) and an imported sample row per import table."""
    s = Seeder(store, catalog, seed + 16)
    s.put("AD_Reference", [{"AD_Reference_ID": rid, "Name": name, "ValidationType": "D"}
                           for rid, name in REFERENCES.items()], client=0)
    s.put("AD_ReportView", [{"AD_ReportView_ID": REPORT_VIEW_ORDER_DETAIL, "Name": "RV_OrderDetail",
                             "Description": "Order Detail", "AD_Table_ID": 260}], client=0)
    seed_process_dictionary(s, PROCESSES)
    s.put("I_BPartner", [
        {"I_BPartner_ID": 1000, "Value": "ImportedCo", "Name": "Imported Company (sample)", "GroupValue": "Standard",
         "IsCustomer": "Y", "I_IsImported": "Y", "Processed": "Y", "C_BPartner_ID": 112, "AD_Org_ID": fx.ORG_HQ,
         "I_ErrorMsg": " "},
    ])
    s.put("AD_PInstance", [{"AD_PInstance_ID": 100, "AD_Process_ID": 194, "AD_User_ID": fx.USER_ADMIN,
                            "CreatedBy": fx.USER_ADMIN, "UpdatedBy": fx.USER_ADMIN, "Result": 1, "ErrorMsg": "",
                            "AD_Org_ID": fx.ORG_HQ}])
    s.put("AD_PInstance_Para", [
        {"AD_PInstance_ID": 100, "SeqNo": 10, "ParameterName": "AD_Client_ID", "Info": "Tenant", "P_Number": 11},
        {"AD_PInstance_ID": 100, "SeqNo": 20, "ParameterName": "DeleteOldImported", "Info": "Delete old imported records"},
        {"AD_PInstance_ID": 100, "SeqNo": 30, "ParameterName": "IsValidateOnly", "Info": "Only Validate Data",
         "P_String": "N"}])
    logs = ((0, "@Errors@"), (0, "@C_BPartner_ID@: @Inserted@"), (1, "@C_BPartner_ID@: @Updated@"))
    store.insert_many("AD_PInstance_Log", ("AD_PInstance_ID", "Log_ID", "P_ID", "P_Number", "P_Msg", "AD_PInstance_Log_UU"),
                      [(100, n, 0, number, msg, fast_uuid(s.rng)) for n, (number, msg) in enumerate(logs, start=1)])
    s.put("I_Product", [
        {"I_Product_ID": 1000, "Value": "ImportedThing", "Name": "Imported thing (sample)", "I_IsImported": "Y",
         "Processed": "Y", "M_Product_ID": 122, "ProductType": "I", "AD_Org_ID": fx.ORG_HQ, "I_ErrorMsg": " "},
    ])
    seed_import_samples(s)


def seed_process_dictionary(s: Seeder, processes: tuple[ProcessDef, ...] | list[ProcessDef]) -> None:
    """AD_Process, AD_Process_Para and AD_Process_Access rows of ``processes``."""
    s.put("AD_Process", [{
        "AD_Process_ID": p.id, "Value": p.value, "Name": p.name, "Description": p.description, "Help": p.help,
        "Classname": p.classname, "IsReport": "Y" if p.is_report else "N", "AD_ReportView_ID": p.report_view,
        "AllowMultipleExecution": p.allow_multiple, "AccessLevel": "3", "ShowHelp": "Y",
        "EntityType": "D" if p.id < 53900 else "U"} for p in processes], client=0)
    s.put("AD_Process_Para", [{
        "AD_Process_Para_ID": a.id, "AD_Process_ID": p.id, "Name": a.name, "Description": a.description,
        "SeqNo": a.seq, "AD_Reference_ID": a.reference, "ColumnName": a.column, "DefaultValue": a.default,
        "IsMandatory": "Y" if a.mandatory else "N", "IsRange": "Y" if a.is_range else "N",
        "FieldLength": 1 if a.reference == 20 else 10 if a.reference in (15, 16) else 22,
        "EntityType": "D" if p.id < 53900 else "U"} for p in processes for a in p.params], client=0)
    s.put("AD_Process_Access", [{"AD_Process_ID": p.id, "AD_Role_ID": role, "IsReadWrite": "Y" if rw else "N"}
                                for p in processes for role, rw in p.access.items()])


def seed_import_samples(s: Seeder) -> None:
    """An imported sample row in I_Order and I_GLJournal (the ones of I_BPartner/I_Product come with the sample run)."""
    s.put("I_Order", [
        {"I_Order_ID": 1000, "BPartnerValue": "JoeBlock", "C_BPartner_ID": 118, "BillTo_ID": 118,
         "C_BPartner_Location_ID": 118, "C_DocType_ID": 132, "IsSOTrx": "Y", "ProductValue": "Elm",
         "M_Product_ID": 123, "QtyOrdered": 2, "C_PaymentTerm_ID": 107, "M_PriceList_ID": 101,
         "M_Warehouse_ID": fx.WAREHOUSE_HQ, "I_IsImported": "Y", "Processed": "Y", "AD_Org_ID": fx.ORG_HQ,
         "I_ErrorMsg": " ", "DocumentNo": "IMP-SAMPLE"},
    ])
    s.put("I_GLJournal", [
        {"I_GLJournal_ID": 1000, "BatchDocumentNo": "1000", "JournalDocumentNo": "1000", "Line": 10,
         "AD_OrgDoc_ID": fx.ORG_HQ, "AD_Org_ID": fx.ORG_HQ, "C_AcctSchema_ID": 101, "DocTypeName": "GL Journal",
         "C_DocType_ID": 115, "CategoryName": "Manual", "GL_Category_ID": 109, "PostingType": "A",
         "DateAcct": "2025-01-01", "C_Period_ID": 202501, "ISO_Code": "USD", "C_Currency_ID": 100,
         "ConversionTypeValue": "S", "C_ConversionType_ID": 114, "CurrencyRate": 1, "AccountValue": "11100",
         "Account_ID": 11100, "C_ValidCombination_ID": 10111, "AmtSourceDr": 1000.0, "AmtSourceCr": 0.0,
         "AmtAcctDr": 1000.0, "AmtAcctCr": 0.0, "GL_JournalBatch_ID": 100, "GL_Journal_ID": 100,
         "GL_JournalLine_ID": 100, "I_IsImported": "Y", "Processed": "Y", "I_ErrorMsg": " "},
    ])
