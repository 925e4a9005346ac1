"""A column's JSON property name (``toPropertyName``): what reads print and what writes accept (§2.5)."""
from __future__ import annotations


def property_name(column_name: str, tolowercase: bool) -> str:
    """REST_COLUMNNAME_TOLOWERCASE: only underscore-free names get a lower-case first letter (§2.5)."""
    if tolowercase and "_" not in column_name and column_name:
        return column_name[0].lower() + column_name[1:]
    return column_name
