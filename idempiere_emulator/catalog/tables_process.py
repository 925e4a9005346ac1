"""Process dictionary and process instances as tables (AD_Process ... AD_PInstance_Log).

The plugin's ``/processes`` endpoints serialize AD_Process and AD_Process_Para records with the ordinary record
serializer (spec §9), and a finished background job leaves its outcome only in AD_PInstance (Result, ErrorMsg)
and AD_PInstance_Log: a client polls ``/processes/jobs/{id}`` and then reads those through ``/models``. So the
emulator keeps them in its store like any table. Column sets follow core's generated classes (trimmed to the
columns the emulator fills); AD_Process/AD_Process_Para/AD_Reference are System-only (access level 4), so a
tenant role reads them only through ``/processes``, as on a real server.
"""
from __future__ import annotations

import uuid

from .dsl import parse_column, table
from .elements import label_for
from .model import DT, Column, Table


def _log_table() -> Table:
    """AD_PInstance_Log has no client/org/audit columns in core: built without the DSL's standard columns."""
    cols = [parse_column(t) for t in (
        "AD_PInstance_ID:TD!~ Log_ID:I!~ P_ID:I~ P_Date:DT~ P_Number:N#0~ P_Msg:S~ AD_Table_ID:TD Record_ID:I "
        "PInstanceLogType:L JsonData:T").split()]
    cols.append(Column(name="AD_PInstance_Log_UU", dt=DT.STRING, label=label_for("AD_PInstance_Log_UU"),
                       is_uu=True, updateable=False))
    return Table(name="AD_PInstance_Log", table_id=578, label="Process Instance Log", columns=cols,
                 key_columns=["AD_PInstance_ID", "Log_ID"], uu_column="AD_PInstance_Log_UU", identifiers=[],
                 description="Process Instance Log", access_level=6,
                 uid=str(uuid.uuid5(uuid.NAMESPACE_URL, "ad_table/AD_PInstance_Log")))


def process_tables() -> list[Table]:
    """AD_Reference, AD_ReportView, AD_Process(+_Para, _Access), AD_PInstance(+_Para, _Log)."""
    return [
        table("AD_Reference", 102, "Reference", """
            Name:S! Description:S Help:T ValidationType:L!=D VFormat:S EntityType:S!=D IsOrderByValue:Y=N""",
            access_level=4),
        table("AD_ReportView", 361, "Report View", """
            Name:S! Description:S AD_Table_ID:TD! WhereClause:S OrderByClause:S EntityType:S!=D""",
            access_level=6),
        table("AD_Process", 284, "Report & Process", """
            Value:S! Name:S! Description:S Help:T AccessLevel:L!=3 EntityType:S!=D ProcedureName:S
            IsReport:Y!=N IsDirectPrint:Y=N AD_ReportView_ID:TD Classname:S Statistic_Count:I Statistic_Seconds:I
            AD_PrintFormat_ID:TD WorkflowValue:S AD_Workflow_ID:TD IsBetaFunctionality:Y!=N ShowHelp:L=Y
            JasperReport:S AD_Form_ID:TD CopyFromProcess:S ExecutionType:L AllowMultipleExecution:L
            FileNamePattern:S""", access_level=4),
        table("AD_Process_Para", 285, "Process Parameter", """
            Name:S! Description:S Help:T AD_Process_ID:TD!~ SeqNo:I! AD_Reference_ID:TD!
            AD_Reference_Value_ID:TB>AD_Reference AD_Val_Rule_ID:I ColumnName:S! IsCentrallyMaintained:Y!=Y
            FieldLength:I!=0 IsMandatory:Y!=N IsRange:Y!=N DefaultValue:S DefaultValue2:S VFormat:S ValueMin:S
            ValueMax:S AD_Element_ID:I EntityType:S!=D ReadOnlyLogic:S DisplayLogic:S IsEncrypted:Y!=N
            MandatoryLogic:S IsAutocomplete:Y!=N Placeholder:S Placeholder2:S IsShowNegateButton:Y!=N
            DateRangeOption:L!=D""", access_level=4),
        table("AD_Process_Access", 197, "Process Access", """
            AD_Process_ID:TD!~ AD_Role_ID:TD!~ IsReadWrite:Y!=Y""", keys="AD_Process_ID,AD_Role_ID",
            identifiers="", access_level=6),
        table("AD_PInstance", 282, "Process Instance", """
            AD_Process_ID:TD! Record_ID:I!~=0 IsProcessing:Y!=N Result:I ErrorMsg:S AD_User_ID:TD
            AD_Table_ID:TD~ Record_UU:S~ Name:S ReportType:S IsSummary:Y AD_PrintFormat_ID:TD
            IsRunAsJob:Y!=N NotificationType:L JsonData:T AD_Session_ID:I~ ExternalTraceId:S""",
            identifiers="", access_level=6),
        table("AD_PInstance_Para", 283, "Process Instance Parameter", """
            AD_PInstance_ID:TD!~ SeqNo:I!~ ParameterName:S P_String:S P_String_To:S P_Number:N#0 P_Number_To:N#0
            P_Date:DT P_Date_To:DT Info:S Info_To:S IsNotClause:Y!=N""", keys="AD_PInstance_ID,SeqNo",
            identifiers="ParameterName", access_level=6),
        _log_table(),
    ]
