"""A compact DSL for built-in DocTypes, so definitions read like DocField listings (spec §6.2-§6.4).

A field token is ``fieldname:CODE`` followed by modifiers, e.g. ``customer:L>Customer!`` or
``status:S>Open|Closed|Cancelled=Open``:

* CODE: D Data, L Link, DL Dynamic Link, S Select, C Check, I Int, F Float, CU Currency, PC Percent,
  DA Date, DT Datetime, TI Time, TX Text, ST Small Text, TE Text Editor, CO Code, LT Long Text, J JSON,
  TB Table, RO Read Only, PW Password, AI Attach Image, HE HTML Editor, CL Color.
* ``>options`` (``+`` stands for a space; Select choices separated by ``|``), ``!`` reqd, ``^`` unique, ``*`` set_only_once,
  ``@`` allow_on_submit, ``~`` read_only, ``=default`` (last).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

CODES = {
    "D": "Data", "L": "Link", "DL": "Dynamic Link", "S": "Select", "C": "Check", "I": "Int", "F": "Float",
    "CU": "Currency", "PC": "Percent", "DA": "Date", "DT": "Datetime", "TI": "Time", "TX": "Text",
    "ST": "Small Text", "TE": "Text Editor", "CO": "Code", "LT": "Long Text", "J": "JSON", "TB": "Table",
    "RO": "Read Only", "PW": "Password", "AI": "Attach Image", "HE": "HTML Editor", "CL": "Color",
}
NUMERIC = {"Int", "Float", "Currency", "Percent", "Check", "Long Int", "Duration", "Rating"}
INTEGER = {"Int", "Check", "Long Int"}
TABLE = {"Table", "Table MultiSelect"}
VARCHAR = {"Data", "Link", "Dynamic Link", "Select", "Read Only", "Color", "Phone", "Autocomplete", "Icon"}
# layout types never hold a value (spec §6.3)
NO_VALUE = {"Section Break", "Column Break", "Tab Break", "HTML", "Button", "Image", "Fold", "Heading"}

_TOKEN = re.compile(r"^(?P<name>\w+):(?P<code>[A-Z]+)(?:>(?P<opts>[^!^*@~=]*))?(?P<mods>[!^*@~]*)(?:=(?P<default>.*))?$")


@dataclass
class Field:
    fieldname: str
    fieldtype: str
    options: str | None = None
    reqd: int = 0
    unique: int = 0
    set_only_once: int = 0
    allow_on_submit: int = 0
    read_only: int = 0
    default: str | None = None
    length: int = 0
    permlevel: int = 0
    is_custom_field: int = 0
    label: str | None = None

    @property
    def title(self) -> str:
        return self.label or self.fieldname.replace("_", " ").title().replace("Id", "ID")

    def as_docfield(self) -> dict:
        out = {"fieldname": self.fieldname, "label": self.title, "fieldtype": self.fieldtype,
               "options": self.options, "reqd": self.reqd, "unique": self.unique,
               "set_only_once": self.set_only_once, "allow_on_submit": self.allow_on_submit,
               "read_only": self.read_only, "default": self.default, "length": self.length,
               "permlevel": self.permlevel, "hidden": 0, "in_list_view": 0, "precision": "",
               "is_virtual": 0, "no_copy": 0, "non_negative": 0}
        if self.is_custom_field:
            out["is_custom_field"] = 1
        return out


@dataclass
class DocType:
    name: str
    module: str
    fields: list[Field]
    istable: int = 0
    issingle: int = 0
    is_submittable: int = 0
    is_tree: int = 0
    autoname: str | None = None
    naming_rule: str | None = None
    sort_field: str = "creation"
    sort_order: str = "DESC"
    track_changes: int = 1
    custom: int = 0
    title_field: str | None = None
    search_fields: str | None = None
    custom_fields: list[Field] = field(default_factory=list)

    @property
    def table(self) -> str:
        return "tab" + self.name

    def all_fields(self, custom: bool = True) -> list[Field]:
        return self.fields + self.custom_fields if custom else list(self.fields)

    def get(self, fieldname: str, custom: bool = True) -> Field | None:
        for f in self.all_fields(custom):
            if f.fieldname == fieldname:
                return f
        return None

    def data_fields(self) -> list[Field]:
        """Fields with a column (no tables, no layout)."""
        return [f for f in self.all_fields() if f.fieldtype not in TABLE and f.fieldtype not in NO_VALUE]

    def table_fields(self) -> list[Field]:
        return [f for f in self.all_fields() if f.fieldtype in TABLE]

    @property
    def autoincrement(self) -> bool:
        return self.autoname == "autoincrement"


def parse_field(token: str) -> Field:
    m = _TOKEN.match(token)
    if not m:
        raise ValueError(f"bad field token {token!r}")
    ftype = CODES[m.group("code")]
    opts = m.group("opts")
    if opts is not None:
        opts = opts.replace("+", " ")
    if opts is not None and ftype == "Select":
        opts = opts.replace("|", "\n")
    mods = m.group("mods")
    return Field(fieldname=m.group("name"), fieldtype=ftype, options=opts or None,
                 reqd=int("!" in mods), unique=int("^" in mods), set_only_once=int("*" in mods),
                 allow_on_submit=int("@" in mods), read_only=int("~" in mods), default=_default(m.group("default")))


def doctype(name: str, module: str, spec: str, **flags) -> DocType:
    """``spec`` is whitespace-separated field tokens; ``flags`` are DocType properties."""
    return DocType(name=name, module=module, fields=[parse_field(t) for t in spec.split()], **flags)


def _default(text: str | None) -> str | None:
    return text.replace("+", " ") if text is not None and not text.startswith("#") else text
