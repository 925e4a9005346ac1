"""Column/Table definitions: the emulator's AD_Table/AD_Column (spec §2, §6.2 display types)."""
from __future__ import annotations

from dataclasses import dataclass, field


class DT:
    """AD_Reference display type ids used by the emulator (iDempiere DisplayType constants)."""

    STRING = 10
    INTEGER = 11
    AMOUNT = 12
    ID = 13
    TEXT = 14
    DATE = 15
    DATETIME = 16
    LIST = 17
    TABLE = 18
    TABLEDIR = 19
    YESNO = 20
    LOCATION = 21
    NUMBER = 22
    BINARY = 23
    TIME = 24
    BUTTON = 28
    QUANTITY = 29
    SEARCH = 30
    MEMO = 34
    COSTPRICE = 37
    UUID = 200231

    NUMERIC = frozenset({AMOUNT, NUMBER, QUANTITY, COSTPRICE})
    LOOKUP = frozenset({TABLE, TABLEDIR, SEARCH, LOCATION})
    # DisplayType.isID: integer-valued references (spec §4.6)
    IDS = frozenset({ID, TABLE, TABLEDIR, SEARCH, LOCATION})
    DATES = frozenset({DATE, DATETIME, TIME})
    TEXTLIKE = frozenset({TEXT, MEMO, UUID})


@dataclass
class Column:
    """One AD_Column. ``ref_table`` is the FK target, ``list_values`` code -> name for lists."""

    name: str
    dt: int
    label: str = ""
    ref_table: str | None = None
    list_values: dict[str, str] | None = None
    mandatory: bool = False
    updateable: bool = True
    default: str | None = None  # DefaultValue: literal or @Org@/@Client@/@User@/@Date@/@Now@/@Warehouse@
    scale: int = 2  # decimals kept for numeric columns
    description: str = ""
    is_key: bool = False
    is_uu: bool = False
    secure: bool = False  # e.g. AD_User.Password: never output, not filterable (spec §4.4, §6.1)

    @property
    def lname(self) -> str:
        return self.name.lower()

    @property
    def is_lookup(self) -> bool:
        return self.dt in DT.LOOKUP and self.ref_table is not None

    @property
    def is_list(self) -> bool:
        return self.dt == DT.LIST

    @property
    def is_button_string(self) -> bool:
        """Button columns without an _ID suffix hold strings and are never serialized (§6.2)."""
        return self.dt == DT.BUTTON and not self.name.endswith("_ID")

    @property
    def sql_type(self) -> str:
        if self.dt in DT.IDS or self.dt == DT.INTEGER or (self.dt == DT.BUTTON and self.name.endswith("_ID")):
            return "INTEGER"
        if self.dt in DT.NUMERIC:
            return "REAL"
        return "TEXT"


@dataclass
class Table:
    """One AD_Table with its columns in AD_Column order (serialization order, spec §6.1)."""

    name: str
    table_id: int
    label: str
    columns: list[Column]
    key_columns: list[str]
    uu_column: str | None
    identifiers: list[str] = field(default_factory=list)
    description: str = ""
    is_document: bool = False  # implements DocAction (doc-action, DocumentNo sequence; §7.3)
    parent_link: str | None = None  # child tables: the parent key column (C_OrderLine -> C_Order_ID)
    access_level: int = 3
    uid: str = ""
    _by_lname: dict[str, Column] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._by_lname = {c.lname: c for c in self.columns}
        self.lname = self.name.lower()
        # the single integer key column, or None for multi-key / UUID-key tables (spec §2.2)
        self.key = self.key_columns[0] if len(self.key_columns) == 1 and self.key_columns[0] != self.uu_column \
            else None

    @property
    def is_uuid_keyed(self) -> bool:
        return self.key_columns == [self.uu_column] and self.uu_column is not None

    def column(self, name: str) -> Column | None:
        """Case-insensitive lookup, like MTable.getColumn (spec §2.5)."""
        return self._by_lname.get(name.strip().lower()) if name else None

    def has(self, name: str) -> bool:
        return name.lower() in self._by_lname

    def add_column(self, col: Column) -> None:
        self.columns.append(col)
        self._by_lname[col.lname] = col

    @property
    def data_columns(self) -> list[Column]:
        """Columns that appear as record properties (key and _UU are emitted as id/uid); built once per
        column count (``add_column`` appends), since every serialized page asks for it."""
        cached = self.__dict__.get("_data_cols")
        if cached is None or cached[0] != len(self.columns):
            cached = self.__dict__["_data_cols"] = (len(self.columns), [c for c in self.columns
                                                                          if not c.is_key and not c.is_uu])
        return cached[1]


class Catalog:
    """All tables known to one emulator instance, looked up case-insensitively (MTable.get)."""

    def __init__(self, tables: list[Table] | None = None) -> None:
        self._tables: dict[str, Table] = {}
        for t in tables or []:
            self.add(t)

    def add(self, table: Table) -> None:
        self._tables[table.lname] = table

    def get(self, name: str) -> Table | None:
        return self._tables.get((name or "").lower())

    def __len__(self) -> int:
        return len(self._tables)

    def __contains__(self, name: str) -> bool:
        return (name or "").lower() in self._tables

    def tables(self) -> list[Table]:
        return sorted(self._tables.values(), key=lambda t: t.name)

    def by_id(self, table_id: int) -> Table | None:
        for t in self._tables.values():
            if t.table_id == table_id:
                return t
        return None
