"""frappe_emulator: a faithful local Frappe/ERPNext REST server on loopback, backed by SQLite (issue 12).

It imports the shared transport (erp_emulator) and nothing of the clients it is an oracle for.
"""
from .emulator import FrappeEmulator
from .options import FrappeOptions

__all__ = ["FrappeEmulator", "FrappeOptions"]
