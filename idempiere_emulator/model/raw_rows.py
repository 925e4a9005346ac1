"""Raw inserts for the control plane (``/__emulator__/insert``): no validation, standard columns defaulted."""
from __future__ import annotations

import uuid
from typing import Any

from erp_emulator.clock import now_text

from .. import fixtures as fx
from ..catalog import DT, Column, Table
from ..data.store import Store
from ..errors import EmulatorError
from ..session import Session
from .write_plans import WritePlans
from .write_values import stored_datetime


def insert_raw(store: Store, plans: WritePlans, table: Table, rows: list[dict]) -> list[Any]:
    """FK ints, list codes, Y/N or bools, ISO datetimes; missing standard columns defaulted (architecture.md).

    ``plans`` gives the literal column defaults, as for an API POST."""
    ids = []
    system = Session(fx.CLIENT_ID, fx.USER_SUPER, 0, fx.ORG_HQ)
    with store.transaction():
        for raw in rows:
            values: dict[str, Any] = {}
            for col in table.columns:
                if col.mandatory and col.default and not col.default.startswith("@"):
                    values[col.name] = plans.default(system, col)
            now = now_text()
            values.update({"AD_Client_ID": fx.CLIENT_ID, "AD_Org_ID": fx.ORG_HQ, "IsActive": "Y", "Created": now,
                           "Updated": now, "CreatedBy": fx.USER_SUPER, "UpdatedBy": fx.USER_SUPER})
            for name, v in raw.items():
                col = table.column(name)
                if col is None:
                    raise EmulatorError(400, "Bad request", f"Column {name} does not exist")
                values[col.name] = raw_value(col, v)
            if table.key and values.get(table.key) is None:
                values[table.key] = store.next_id(table)
            if table.uu_column and not values.get(table.uu_column):
                values[table.uu_column] = str(uuid.uuid4())
            rowid = store.insert(table.name, values)
            ids.append(values[table.key] if table.key else rowid)
    return ids


def raw_value(col: Column, v: Any) -> Any:
    """Control-plane value -> stored value (datetimes accept ISO with or without a zone, as UTC, whatever the
    server's generation: the current generation's parser, chosen by argument)."""
    if v is None:
        return None
    if col.dt == DT.YESNO:
        return "Y" if v is True or v in ("Y", "true") else "N"
    if col.dt == DT.DATETIME and isinstance(v, str) and "T" in v:
        zoned = v if v[-1] == "Z" or "+" in v[10:] or "-" in v[10:] else v + "Z"
        return stored_datetime(zoned, legacy=False, tz="UTC")
    if col.dt == DT.DATETIME and isinstance(v, str) and len(v) == 19:
        return v + ".000"
    if isinstance(v, bool):
        return "Y" if v else "N"
    return v
