"""Seed rows of the process dictionary (catalog/processes.py) and a sample imported row per import table.

The dictionary lives in the store because the plugin serializes AD_Process/AD_Process_Para records like any
other record and filters ``/processes`` with the ordinary ``$filter`` converter. The import rows give the
import tables data before any client writes (every served table has rows, like GardenWorld's sample imports).
"""
from __future__ import annotations

from .. import fixtures as fx
from ..catalog import Catalog
from ..catalog.processes import PROCESSES, REFERENCES, REPORT_VIEW_ORDER_DETAIL
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
    s.put("AD_Process", [{
        "AD_Process_ID": p.id, "Value": p.value, "Name": p.name, "Description": p.description, "Help": p.help,
        "Classname": p.classname, "IsReport": "Y" if p.is_report else "N", "AD_ReportView_ID": p.report_view,
        "AllowMultipleExecution": p.allow_multiple, "AccessLevel": "3", "ShowHelp": "Y",
        "EntityType": "D" if p.id < 53900 else "U"} for p in PROCESSES], client=0)
    s.put("AD_Process_Para", [{
        "AD_Process_Para_ID": a.id, "AD_Process_ID": p.id, "Name": a.name, "Description": a.description,
        "SeqNo": a.seq, "AD_Reference_ID": a.reference, "ColumnName": a.column, "DefaultValue": a.default,
        "IsMandatory": "Y" if a.mandatory else "N", "IsRange": "Y" if a.is_range else "N",
        "FieldLength": 1 if a.reference == 20 else 10 if a.reference in (15, 16) else 22,
        "EntityType": "D" if p.id < 53900 else "U"} for p in PROCESSES for a in p.params], client=0)
    s.put("AD_Process_Access", [{"AD_Process_ID": p.id, "AD_Role_ID": role, "IsReadWrite": "Y" if rw else "N"}
                                for p in PROCESSES for role, rw in p.access.items()])
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
