"""Helpers for source-frappe tests against frappe_emulator over HTTP: configs, catalogs, reads, and an
oracle that reads the emulator's database with conversions written here (not the connector's)."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone
from typing import Any
from zoneinfo import ZoneInfo

from airbyte_cdk.models import (
    AirbyteStateMessage,
    ConfiguredAirbyteCatalog,
    ConfiguredAirbyteStream,
    DestinationSyncMode,
    SyncMode,
)
from airbyte_cdk.test.entrypoint_wrapper import discover, read

from source_frappe.source import SourceFrappe

DELETED = "_ab_cdc_deleted_at"


def config(emu, **extra: Any) -> dict[str, Any]:
    return {"site_url": emu.base_url, "credentials": {"auth_type": "api_key", "api_key": emu.api_key,
                                                       "api_secret": emu.api_secret}, **extra}


def catalog(cfg: dict, names: list[str], sync_mode: SyncMode = SyncMode.incremental) -> ConfiguredAirbyteCatalog:
    out = discover(SourceFrappe(), cfg)
    assert not out.errors, [e.trace.error.message for e in out.errors]
    streams = {s.name: s for s in out.catalog.catalog.streams}
    missing = [n for n in names if n not in streams]
    assert not missing, f"not discovered: {missing}"
    return ConfiguredAirbyteCatalog(streams=[
        ConfiguredAirbyteStream(stream=streams[n], sync_mode=sync_mode,
                                destination_sync_mode=DestinationSyncMode.append_dedup, primary_key=[["name"]],
                                cursor_field=["modified"] if sync_mode == SyncMode.incremental else None)
        for n in names])


@dataclass
class Sync:
    records: dict[str, list[dict]] = field(default_factory=dict)
    states: list[AirbyteStateMessage] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    logs: list[str] = field(default_factory=list)
    ordered: list[tuple[str, str, dict]] = field(default_factory=list)  # ("record"|"state", stream, data)

    def final_state(self) -> list[AirbyteStateMessage]:
        last: dict[str, AirbyteStateMessage] = {}
        for message in self.states:
            last[message.stream.stream_descriptor.name] = message
        return list(last.values())

    def names(self, stream: str) -> list:
        return [r["name"] for r in self.records.get(stream, [])]


def run(cfg: dict, cat: ConfiguredAirbyteCatalog, state: list | None = None, *, expect_errors: bool = False,
        now=None) -> Sync:
    result = read(SourceFrappe(now=now), cfg, cat, state=state, expecting_exception=expect_errors)
    sync = Sync()
    for message in result.records:
        sync.records.setdefault(message.record.stream, []).append(message.record.data)
    sync.states = [m.state for m in result.state_messages]
    sync.errors = [m.trace.error.message for m in result.errors]
    sync.logs = [m.log.message for m in result.logs]
    for m in result.records_and_state_messages:
        if m.record is not None:
            sync.ordered.append(("record", m.record.stream, m.record.data))
        else:
            sync.ordered.append(("state", m.state.stream.stream_descriptor.name, m.state))
    if not expect_errors:
        assert not sync.errors, sync.errors
    return sync


def state_blobs(states: list[AirbyteStateMessage]) -> dict[str, dict]:
    return {m.stream.stream_descriptor.name: dict(m.stream.stream_state.__dict__) for m in states}


class Warehouse:
    """What a de-duplicating destination holds after applying syncs in order (markers delete)."""

    def __init__(self) -> None:
        self.tables: dict[str, dict[str, dict]] = {}

    def apply(self, sync: Sync) -> Warehouse:
        for stream, rows in sync.records.items():
            table = self.tables.setdefault(stream, {})
            for row in rows:
                key = str(row["name"])
                if row.get(DELETED):
                    table.pop(key, None)
                else:
                    table[key] = row
        return self


# ---- the oracle ------------------------------------------------------------------------------------
def db_rows(emu, doctype: str, where: str = "", params=()) -> dict[str, dict]:
    cols = [c[1] for c in emu.backend.sql(f'PRAGMA table_info("tab{doctype}")')]
    rows = emu.backend.sql(f'SELECT * FROM "tab{doctype}" {where}', params)
    return {str(r[0]): dict(zip(cols, r, strict=True)) for r in rows}


def fieldtypes(emu, doctype: str) -> dict[str, str]:
    dt = emu.backend.registry.get(doctype)
    types = {f.fieldname: f.fieldtype for f in dt.all_fields()}
    types.update({"creation": "Datetime", "modified": "Datetime", "docstatus": "Int", "idx": "Int"})
    return types


def utc_of(text: str, tz: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(tz)).astimezone(timezone.utc)


def expected(value: Any, fieldtype: str, tz: str) -> Any:
    """The DB value as the record should carry it (conversions written independently of the connector)."""
    if value is None or (value == "" and fieldtype in ("Date", "Datetime", "Time")):
        return None
    if fieldtype == "Datetime":
        return utc_of(str(value), tz)
    if fieldtype == "Check":
        return bool(int(value))
    if fieldtype in ("Int", "Long Int"):
        return int(value)
    if fieldtype in ("Float", "Currency", "Percent", "Duration", "Rating"):
        return float(value)
    if fieldtype == "Date":
        return date.fromisoformat(str(value)[:10])
    if fieldtype == "Time":
        h, m, s = str(value).split(":")
        sec = float(s)
        return time(int(h), int(m), int(sec), round((sec - int(sec)) * 1e6))
    if fieldtype == "JSON" and isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def as_record_value(value: Any, fieldtype: str) -> Any:
    if value is None:
        return None
    if fieldtype == "Datetime":
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    if fieldtype == "Date":
        return date.fromisoformat(value)
    if fieldtype == "Time":
        return time.fromisoformat(value)
    if fieldtype in ("Float", "Currency", "Percent", "Duration", "Rating"):
        return float(value)
    return value


SKIP_COLUMNS = {"_user_tags", "_comments", "_assign", "_liked_by", "_seen"}


def mismatches(emu, doctype: str, records: list[dict], tz: str, *, child_of: str | None = None) -> list[str]:
    """Every (row, column) where the records differ from the database (rows missing or extra included)."""
    where, params = ("WHERE parenttype = ?", (child_of,)) if child_of else ("", ())
    truth = db_rows(emu, doctype, where, params)
    types = fieldtypes(emu, doctype)
    got = {str(r["name"]): r for r in records}
    out = [f"missing {n}" for n in sorted(set(truth) - set(got))] + [f"extra {n}" for n in sorted(set(got) - set(truth))]
    for name in sorted(set(truth) & set(got)):
        for column, raw in truth[name].items():
            if column in SKIP_COLUMNS:
                continue
            ftype = types.get(column, "Data")
            want = expected(raw, ftype, tz)
            have = as_record_value(got[name].get(column), ftype)
            if column == "name":
                want, have = str(want), str(have)
            if want != have:
                out.append(f"{doctype} {name}.{column}: db {raw!r} -> {want!r}, record {got[name].get(column)!r}")
    return out


# ---- changing the site over its REST API (as users would) -------------------------------------------
def api(emu, method: str, path: str, **kwargs: Any) -> Any:
    import requests

    response = requests.request(method, emu.base_url + "/api/" + path, headers=emu.token_header(), timeout=30,
                                **kwargs)
    assert response.status_code < 300, (method, path, response.status_code, response.text[:500])
    return response.json()


def control(emu, action: str, payload: dict | None = None, method: str = "POST") -> Any:
    import requests

    response = requests.request(method, f"{emu.base_url}/__emulator__/{action}", json=payload or {}, timeout=30)
    assert response.status_code < 300, (action, response.status_code, response.text[:500])
    return response.json()


def new_order(emu, *, items: int = 2, submit: bool = False) -> str:
    body = {"naming_series": "SAL-ORD-.YYYY.-", "customer": "Customer 0002", "company": "Demo Company",
            "transaction_date": "2026-12-01", "delivery_date": "2026-12-20", "currency": "USD",
            "selling_price_list": "Standard Selling", "order_type": "Sales",
            "items": [{"item_code": "ITEM-0001", "qty": i + 1, "rate": 5, "uom": "Nos", "delivery_date": "2026-12-20"}
                      for i in range(items)]}
    if submit:
        body["docstatus"] = 1
    return api(emu, "POST", "resource/Sales Order", json=body)["data"]["name"]


def new_invoice(emu, *, taxes: bool = True, submit: bool = False) -> str:
    body = {"customer": "Customer 0001", "company": "Demo Company", "due_date": "2026-12-31",
            "naming_series": "ACC-SINV-.YYYY.-", "posting_date": "2026-12-01", "currency": "USD",
            "items": [{"item_code": "ITEM-0001", "qty": 2, "rate": 5, "uom": "Nos"}],
            "taxes": [{"charge_type": "On Net Total", "account_head": "VAT - DC", "description": "VAT", "rate": 10}]
            if taxes else []}
    if submit:
        body["docstatus"] = 1
    return api(emu, "POST", "resource/Sales Invoice", json=body)["data"]["name"]
