"""The connectors the hardening tables run, with a working config for their emulator.

``erp`` picks the emulator a row runs against; add a connector here (and its rows in the tables) when its
console script is on main (destination-frappe is not yet).
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

FRAPPE_PASSWORD = {"auth_type": "password", "username": "Administrator", "password": "admin"}


def _frappe_key(emu) -> dict:
    return {"site_url": emu.base_url, "credentials": {"auth_type": "api_key", "api_key": emu.api_key,
                                                      "api_secret": emu.api_secret}}


def _frappe_password(emu) -> dict:
    return {"site_url": emu.base_url, "credentials": dict(FRAPPE_PASSWORD)}


SOURCE_FRAPPE = Connector("source-frappe", "source", _frappe_key, _frappe_password, url_key="site_url", erp="frappe")

FRAPPE = [SOURCE_FRAPPE]
