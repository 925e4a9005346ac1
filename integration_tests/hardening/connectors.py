"""The connectors the hardening tables run, with a working config for their emulator.

Add a Frappe connector here (and its rows in the tables) when its console script is on main.
"""
from __future__ import annotations

from integration_tests.hardening.cli import Connector

IDEMPIERE_PASSWORD = {"auth_type": "password", "username": "GardenAdmin", "password": "GardenAdmin",
                      "client": "GardenWorld", "role": "GardenWorld Admin", "organization": "HQ"}


def _idempiere_token(emu) -> dict:
    return {"base_url": emu.base_url, "credentials": {"auth_type": "token", "token": emu.s2s_token}}


def _idempiere_password(emu) -> dict:
    return {"base_url": emu.base_url, "credentials": dict(IDEMPIERE_PASSWORD)}


SOURCE_IDEMPIERE = Connector("source-idempiere", "source", _idempiere_token, _idempiere_password)
DESTINATION_IDEMPIERE = Connector(
    "destination-idempiere", "destination",
    lambda emu: {**_idempiere_token(emu), "reject_policy": "continue"},
    lambda emu: {**_idempiere_password(emu), "reject_policy": "continue"})

IDEMPIERE = [SOURCE_IDEMPIERE, DESTINATION_IDEMPIERE]
