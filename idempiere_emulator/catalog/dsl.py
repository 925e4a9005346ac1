"""A compact DSL for built-in table definitions (so tables read like AD_Column listings).

A column token is ``Name:CODE`` followed by modifiers, e.g. ``C_BPartner_ID:TD!`` or
``DocStatus:L!~=DR``:

* CODE: S String, T Text, M Memo, Y YesNo, I Integer, A Amount, N Number, Q Quantity, P CostPrice,
  D Date, DT DateTime, L List, TD TableDir, TB Table, SR Search, B Button, LOC Location.
* ``>Ref`` FK target (TableDir derives it from the name), ``%List`` list reference name (default: the
  column name), ``!`` mandatory, ``~`` not updateable, ``#n`` numeric scale, ``=default`` (last; ``%20`` = space).
"""
from __future__ import annotations

import re
import uuid
from urllib.parse import unquote

from .elements import label_for
from .lists import LISTS
from .model import DT, Column, Table

_CODES = {
    "S": DT.STRING, "T": DT.TEXT, "M": DT.MEMO, "Y": DT.YESNO, "I": DT.INTEGER, "A": DT.AMOUNT,
    "N": DT.NUMBER, "Q": DT.QUANTITY, "P": DT.COSTPRICE, "D": DT.DATE, "DT": DT.DATETIME, "L": DT.LIST,
    "TD": DT.TABLEDIR, "TB": DT.TABLE, "SR": DT.SEARCH, "B": DT.BUTTON, "LOC": DT.LOCATION,
}
_TOKEN = re.compile(r"^(?P<name>\w+):(?P<code>[A-Z]+)(?P<mods>[^=]*)(?:=(?P<default>.*))?$")
_DEFAULT_SCALE = {DT.AMOUNT: 2, DT.QUANTITY: 0, DT.NUMBER: 2, DT.COSTPRICE: 4}


def parse_column(token: str) -> Column:
    """Turn one DSL token into a Column."""
    m = _TOKEN.match(token)
    if not m:
        raise ValueError(f"bad column token {token!r}")
    name, code, mods = m.group("name"), m.group("code"), m.group("mods")
    dt = _CODES[code]
    ref = re.search(r">(\w+)", mods)
    lst = re.search(r"%(\w+)", mods)
    scale = re.search(r"#(\d+)", mods)
    ref_table = ref.group(1) if ref else None
    if ref_table is None and dt in (DT.TABLEDIR, DT.SEARCH):
        ref_table = name[:-3]
    if dt == DT.LOCATION:
        ref_table = "C_Location"
    list_values = None
    if dt == DT.LIST or (dt == DT.BUTTON and (lst or name in LISTS)):
        list_values = LISTS[lst.group(1) if lst else name]
    return Column(
        name=name, dt=dt, label=label_for(name), ref_table=ref_table, list_values=list_values,
        mandatory="!" in mods, updateable="~" not in mods,
        default=unquote(m.group("default")) if m.group("default") is not None else None,
        scale=int(scale.group(1)) if scale else _DEFAULT_SCALE.get(dt, 0),
    )


def _standard_columns() -> list[Column]:
    return [parse_column(t) for t in (
        "AD_Client_ID:TD!~=@Client@", "AD_Org_ID:TD!=@Org@", "IsActive:Y!=Y", "Created:DT!~",
        "CreatedBy:TB>AD_User!~", "Updated:DT!~", "UpdatedBy:TB>AD_User!~")]


def table(name: str, table_id: int, label: str, spec: str, *, identifiers: str = "Name",
          keys: str | None = None, document: bool = False, parent: str | None = None,
          description: str = "", access_level: int = 3) -> Table:
    """Build a Table: key, standard columns, ``spec`` columns, then ``<Table>_UU``.

    ``keys``: None -> single ``<Table>_ID`` key; ``"uuid"`` -> UUID-keyed; ``"A_ID,B_ID"`` -> multi-key
    (those columns must appear in ``spec``), addressable only by uuid (spec §2.2).
    """
    cols: list[Column] = []
    uu = f"{name}_UU"
    if keys is None:
        key_cols = [f"{name}_ID"]
        cols.append(Column(name=f"{name}_ID", dt=DT.ID, label=label_for(f"{name}_ID"), mandatory=True,
                           updateable=False, is_key=True))
    elif keys == "uuid":
        key_cols = [uu]
    else:
        key_cols = [k.strip() for k in keys.split(",")]
    cols.extend(c for c in _standard_columns() if c.name not in key_cols or keys is not None)
    for tok in spec.split():
        col = parse_column(tok)
        if col.name in key_cols:
            col.updateable = False
            col.mandatory = True
        cols.append(col)
    cols.append(Column(name=uu, dt=DT.STRING, label="Immutable Universally Unique Identifier", is_uu=True,
                       updateable=False, is_key=(keys == "uuid")))
    t = Table(name=name, table_id=table_id, label=label, columns=cols, key_columns=key_cols, uu_column=uu,
              identifiers=identifiers.split(",") if identifiers else [], description=description or label,
              is_document=document, parent_link=parent, access_level=access_level,
              uid=str(uuid.uuid5(uuid.NAMESPACE_URL, f"ad_table/{name}")))
    return t
