"""Raw inserts for the control plane (``/__emulator__/insert``): no validation, standard columns defaulted."""
from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from erp_emulator.clock import now_text

from . import fixtures as fx
from .catalog import DT, Column, Table
from .errors import EmulatorError
from .session import Session

if TYPE_CHECKING:
    from .writes import Writer


def insert_raw(writer: "Writer", table: Table, rows: list[dict]) -> list[Any]:
    """FK ints, list codes, Y/N or bools, ISO datetimes; missing standard columns defaulted (architecture.md)."""
    store = writer.store
    ids = []
    system = Session(fx.CLIENT_ID, fx.USER_SUPER, 0, fx.ORG_HQ)
    with store.transaction():
        for raw in rows:
            values: dict[str, Any] = {}
            for col in table.columns:
                if col.mandatory and col.default and not col.default.startswith("@"):
                    values[col.name] = writer._default(system, col)
            now = now_text()
            values.update({"AD_Client_ID": fx.CLIENT_ID, "AD_Org_ID": fx.ORG_HQ, "IsActive": "Y", "Created": now,
                           "Updated": now, "CreatedBy": fx.USER_SUPER, "UpdatedBy": fx.USER_SUPER})
            for name, v in raw.items():
                col = table.column(name)
                if col is None:
                    raise EmulatorError(400, "Bad request", f"Column {name} does not exist")
                values[col.name] = raw_value(writer, col, v)
            if table.key and values.get(table.key) is None:
                values[table.key] = store.next_id(table)
            if table.uu_column and not values.get(table.uu_column):
                values[table.uu_column] = str(uuid.uuid4())
            rowid = store.insert(table.name, values)
            ids.append(values[table.key] if table.key else rowid)
    return ids


def raw_value(writer: "Writer", col: Column, v: Any) -> Any:
    """Control-plane value -> stored value (datetimes accept ISO with or without a zone, as UTC)."""
    if v is None:
        return None
    if col.dt == DT.YESNO:
        return "Y" if v is True or v in ("Y", "true") else "N"
    if col.dt == DT.DATETIME and isinstance(v, str) and "T" in v:
        conv = writer.values
        legacy, conv.legacy = conv.legacy, False
        try:
            return conv.datetime(v if v[-1] == "Z" or "+" in v[10:] or "-" in v[10:] else v + "Z")
        finally:
            conv.legacy = legacy
    if col.dt == DT.DATETIME and isinstance(v, str) and len(v) == 19:
        return v + ".000"
    if isinstance(v, bool):
        return "Y" if v else "N"
    return v
