"""iDempiere's lower-case column rule, both directions, in one place (spec §2.5).

A server with ``REST_COLUMNNAME_TOLOWERCASE=Y`` sends a column whose name has no underscore with its
first letter lowered (``Name`` -> ``name``, ``DocumentNo`` -> ``documentNo``); ``C_Order_ID`` stays as
it is. Readers map property names back to ColumnNames, writers and lookups do the same for rows they
read back. (The emulator keeps its own copy on purpose: an oracle shares no code with its client.)
"""
from __future__ import annotations

from collections.abc import Container, Mapping
from typing import Any


def to_property_name(column: str) -> str:
    """The server's lower-case variant of a column name: first letter lowered if no underscore."""
    if "_" in column or not column:
        return column
    return column[0].lower() + column[1:]


def column_for(key: str, columns: Container[str]) -> str:
    """The exact ColumnName a record key stands for (``name`` -> ``Name``), or ``key`` unchanged."""
    if key in columns or "_" in key or not key[:1].islower():
        return key
    exact = key[:1].upper() + key[1:]
    return exact if exact in columns else key


def value_of(row: Mapping[str, Any], column: str) -> Any:
    """A column's value in a record: exact ColumnName, else the lower-case property name, else any case."""
    if column in row:
        return row[column]
    prop = to_property_name(column)
    if prop in row:
        return row[prop]
    lower = column.lower()
    return next((v for k, v in row.items() if isinstance(k, str) and k.lower() == lower), None)
