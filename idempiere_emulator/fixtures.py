"""GardenWorld demo facts shared by the emulator, the tests and the demo (docs/architecture.md)."""
from __future__ import annotations

SYSTEM_CLIENT_ID = 0
CLIENT_ID = 11
CLIENT_VALUE = "GardenWorld"
CLIENT_NAME = "GardenWorld"

ORG_STAR = 0
ORG_HQ = 11
ORG_STORE = 12
ORGS = {ORG_STAR: "*", ORG_HQ: "HQ", ORG_STORE: "Store"}

WAREHOUSE_HQ = 103
WAREHOUSE_STORE = 104
WAREHOUSES = {WAREHOUSE_HQ: ("HQ Warehouse", ORG_HQ), WAREHOUSE_STORE: ("Store Warehouse", ORG_STORE)}
# M_Warehouse.Value (search key); login accepts a warehouse by Name or Value (spec §1.2)
WAREHOUSE_VALUES = {WAREHOUSE_HQ: "HQ", WAREHOUSE_STORE: "Store"}

ROLE_ADMIN = 102
ROLE_USER = 103
ROLES = {ROLE_ADMIN: "GardenWorld Admin", ROLE_USER: "GardenWorld User"}
# Tables the restricted role may not read at all (403 / omitted from /models), and may only read.
ROLE_DENIED_TABLES = {ROLE_USER: {"fact_acct", "c_payment"}}
ROLE_READONLY_TABLES = {ROLE_USER: {"c_bpartner"}}

USER_SUPER = 100
USER_ADMIN = 101
USER_RESTRICTED = 102
# name -> (id, password, role ids (WS type), org ids)
USERS = {
    "SuperUser": (USER_SUPER, "System", [], [0]),
    "GardenAdmin": (USER_ADMIN, "GardenAdmin", [ROLE_ADMIN, ROLE_USER], [ORG_HQ, ORG_STORE]),
    "GardenUser": (USER_RESTRICTED, "GardenUser", [ROLE_USER], [ORG_HQ]),
}

LANGUAGE = "en_US"
DEFAULT_S2S_TOKEN_USER = USER_ADMIN
DEFAULT_S2S_TOKEN_ROLE = ROLE_ADMIN
DEFAULT_S2S_TOKEN_ORG = ORG_HQ
