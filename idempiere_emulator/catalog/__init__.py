"""The emulator's data dictionary: built-in GardenWorld-like tables (spec §2, §6)."""
from __future__ import annotations

from .model import DT, Catalog, Column, Table
from .tables_attachment import attachment_table
from .tables_docs import document_tables
from .tables_import import import_tables
from .tables_master import master_tables
from .tables_process import process_tables


def builtin_catalog() -> Catalog:
    """A fresh Catalog holding every built-in table (each Backend owns its own copy)."""
    catalog = Catalog(master_tables() + document_tables() + import_tables() + process_tables() + [attachment_table()])
    # AD_User.Password is an encrypted/secure column: never output, not filterable (spec §4.4, §6.1)
    catalog.get("AD_User").column("Password").secure = True
    return catalog


__all__ = ["DT", "Catalog", "Column", "Table", "builtin_catalog"]
