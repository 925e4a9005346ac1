"""Reliability proved by injecting faults: 5,000 documents sharing one ``modified`` with page_size 100,
resume after a kill at a random page, session and OAuth expiry, retryable 500s, dropped connections and
the site rate limiter -- nothing lost."""
from __future__ import annotations

import ast
import random
import threading

import pytest

from frappe_emulator import FrappeEmulator, FrappeOptions
from integration_tests.frappe_source.helpers import Sync, Warehouse, catalog, config, control, db_rows, run

SO = "Sales Order"


@pytest.mark.parametrize("version", ["14", "16"])
def test_5000_documents_sharing_one_modified_sync_completely_with_page_size_100(version: str) -> None:
    with FrappeEmulator(FrappeOptions(rows=5, version=version)) as emu:
        control(emu, "insert", {"doctype": "ToDo", "modified": "2026-06-01 12:00:00.123456",
                                "docs": [{"name": f"bulk-{i:05d}", "description": f"bulk {i}"} for i in range(5000)]})
        cfg = config(emu, page_size=100)
        truth = set(db_rows(emu, "ToDo"))
        assert len(truth) >= 5000
        for mode in ("full_refresh", "incremental"):
            from airbyte_cdk.models import SyncMode
            sync = run(cfg, catalog(cfg, ["ToDo"], SyncMode(mode)))
            names = sync.names("ToDo")
            assert len(names) == len(set(names)) == len(truth), mode
            assert set(names) == truth


@pytest.mark.parametrize("seed", [3, 11])
def test_resume_after_a_kill_at_a_random_page_ends_with_the_full_set(seed: int) -> None:
    with FrappeEmulator(FrappeOptions(rows=60)) as emu:
        cfg = config(emu, page_size=6, child_tables="both")
        cat = catalog(cfg, [SO, "Sales Order Item", "Customer"])
        full = run(cfg, cat)
        states = [i for i, (kind, _s, _d) in enumerate(full.ordered) if kind == "state"]
        cut = random.Random(seed).choice(states[1:-3])
        # What a destination committed before the kill: every record before the last state it received.
        before = Sync()
        last_state: dict = {}
        for kind, stream, data in full.ordered[:cut + 1]:
            if kind == "record":
                before.records.setdefault(stream, []).append(data)
            else:
                last_state[stream] = data
        control(emu, "touch", {"doctype": SO, "count": 3})  # the site moves on meanwhile
        resumed = run(cfg, cat, list(last_state.values()))
        house = Warehouse().apply(before).apply(resumed)
        for doctype in (SO, "Customer"):
            assert set(house.tables[doctype]) == set(db_rows(emu, doctype)), doctype
        assert set(house.tables["Sales Order Item"]) == set(db_rows(emu, "Sales Order Item", "WHERE parenttype = ?",
                                                                    (SO,)))


@pytest.mark.parametrize("auth", ["password", "oauth2"])
def test_expiring_credentials_retryable_failures_drops_and_rate_limit_lose_nothing(auth: str) -> None:
    with FrappeEmulator(FrappeOptions(rows=60, rate_limit="1:2")) as emu:
        if auth == "password":
            creds = {"auth_type": "password", "username": "api@example.com",
                     "password": emu.users["api@example.com"]["password"]}
        else:
            tokens = control(emu, "oauth", {"user": "api@example.com", "client_id": "demo-client", "ttl": 2})
            creds = {"auth_type": "oauth2", "client_id": "demo-client", "refresh_token": tokens["refresh_token"],
                     "access_token": tokens["access_token"]}
        cfg = {**config(emu, page_size=7, child_tables="both", num_workers=3), "credentials": creds}
        cat = catalog(cfg, [SO, "Sales Order Item", "Customer", "ToDo"])
        seen = [0]
        lock = threading.Lock()

        def expire(info: dict) -> None:  # credentials die every 25 requests (every few seconds on a real site)
            with lock:
                seen[0] += 1
                if seen[0] % 25:
                    return
            if auth == "password":
                emu.backend.auth.expire_sessions()
            else:
                emu.backend.auth.access_tokens.clear()

        emu.add_hook(expire)
        emu.set_faults(fail_rate=0.05, drop_rate=0.01)
        sync = run(cfg, cat)
        emu.set_faults(fail_rate=0, drop_rate=0)
        emu.remove_hook(expire)
        for doctype in (SO, "Customer", "ToDo"):
            assert set(sync.names(doctype)) == set(db_rows(emu, doctype)), doctype
        assert set(sync.names("Sales Order Item")) == set(db_rows(emu, "Sales Order Item", "WHERE parenttype = ?",
                                                                     (SO,)))
        faults = [r for r in emu.requests() if r.get("fault")]
        assert faults, "no fault was injected"
        stats = ast.literal_eval(next(line for line in sync.logs if line.startswith("Requests: ")).split(": ", 1)[1])
        assert stats["retries"] > 0 and stats["renewals"] > 1, stats  # faults and expiries really happened


def test_a_rotated_oauth2_refresh_token_is_handed_to_the_platform(capsys) -> None:
    """The emulator's refresh tokens are single-use, like many OAuth servers': every command that refreshes
    prints the new one at once as a CONNECTOR_CONFIG control message, and the next command works with it."""
    import json

    def rotated() -> str:
        out = capsys.readouterr().out
        controls = [json.loads(line) for line in out.splitlines() if line.startswith('{"type":"CONTROL"')]
        assert len(controls) == 1, out[-2000:]
        return controls[0]["control"]["connectorConfig"]["config"]["credentials"]["refresh_token"]

    with FrappeEmulator(FrappeOptions(rows=5)) as emu:
        tokens = control(emu, "oauth", {"user": "api@example.com", "client_id": "demo-client", "ttl": 3600})
        creds = {"auth_type": "oauth2", "client_id": "demo-client", "refresh_token": tokens["refresh_token"]}
        cfg = {**config(emu), "credentials": creds}  # no access token: the first request refreshes
        capsys.readouterr()
        cat = catalog(cfg, ["Customer"])  # discover
        second = rotated()
        assert second != tokens["refresh_token"]
        cfg["credentials"] = {**creds, "refresh_token": second}
        sync = run(cfg, cat)  # read
        assert set(sync.names("Customer")) == set(db_rows(emu, "Customer"))
        third = rotated()
        cfg["credentials"] = {**creds, "refresh_token": third}
        assert set(run(cfg, cat).names("Customer")) == set(db_rows(emu, "Customer"))
