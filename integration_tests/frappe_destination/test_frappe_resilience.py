"""Faults against destination-frappe: answers lost after commit, retryable 500s, a rerun after a failure."""
from __future__ import annotations

import logging

import pytest

from frappe_emulator import FrappeEmulator, FrappeOptions
from integration_tests.frappe_destination.helpers import catalog, config, count, rec, state, write


def customer(i: int, **kw) -> dict:
    return {"naming_series": "CUST-.YYYY.-", "customer_name": f"Fault Co {i:03d}", "customer_type": "Company",
            "customer_group": "Commercial", "territory": "India", "custom_external_id": f"FAULT-{i:03d}", **kw}


def dropped_posts(emu) -> int:
    return len([r for r in emu.requests() if r.get("method") == "POST" and r.get("fault") == "drop"])


def test_committed_then_dropped_inserts_with_external_id_field_leave_zero_duplicates():
    with FrappeEmulator(FrappeOptions(rows=3, seed=7)) as emu:
        cfg = config(emu, batch_size=5, num_workers=1,
                     streams=[{"stream": "Customer", "external_id_field": "custom_external_id"}])
        emu.set_faults(drop_rate=0.3)
        run = write(cfg, catalog(("Customer", "append")), [rec("Customer", customer(i)) for i in range(40)])
        emu.set_faults(drop_rate=0)
        assert dropped_posts(emu) > 0  # the fault did hit inserts whose work was committed
        assert run.counts("Customer") == {"inserted": 40}
        assert emu.backend.sql("SELECT COUNT(*), COUNT(DISTINCT custom_external_id) FROM `tabCustomer` "
                               "WHERE custom_external_id LIKE 'FAULT-%'") == [(40, 40)]
        assert run.dest.last_prover.unverified_resends == {}


def test_dropped_inserts_without_an_external_id_are_resent_counted_and_logged(caplog):
    with FrappeEmulator(FrappeOptions(rows=3, seed=11)) as emu:
        emu.set_faults(drop_rate=0.3)
        with caplog.at_level(logging.WARNING, "airbyte"):
            run = write(config(emu, batch_size=4, num_workers=1), catalog(("ToDo", "append")),
                        [rec("ToDo", {"description": f"fault todo {i}"}) for i in range(30)])
        emu.set_faults(drop_rate=0)
        resent = run.dest.last_prover.unverified_resends.get("ToDo", 0)
        assert resent > 0 and run.counts("ToDo") == {"inserted": 30}
        # every resend without proof followed a committed insert: exactly that many duplicates, all reported
        assert count(emu, "ToDo", "description LIKE 'fault todo %'") == 30 + resent
        assert "MAY NOW EXIST TWICE" in caplog.text
        assert f"stream ToDo: {resent} insert(s) were sent again after a lost answer without proof" in caplog.text


def test_natural_names_survive_dropped_answers_through_409():
    with FrappeEmulator(FrappeOptions(rows=3, seed=6)) as emu:
        emu.set_faults(drop_rate=0.3)
        run = write(config(emu, batch_size=4, num_workers=1), catalog(("Item Group", "append")),
                    [rec("Item Group", {"item_group_name": f"Fault Group {i}", "parent_item_group": "All Item Groups"})
                     for i in range(12)])
        emu.set_faults(drop_rate=0)
        assert dropped_posts(emu) > 0
        assert run.counts("Item Group") == {"inserted": 12}
        assert count(emu, "Item Group", "name LIKE 'Fault Group %'") == 12


def test_updates_and_deletes_with_dropped_answers_and_retryable_500s_end_exact():
    with FrappeEmulator(FrappeOptions(rows=3, seed=3)) as emu:
        cfg = config(emu, batch_size=5, num_workers=1,
                     streams=[{"stream": "Customer", "key_field": "custom_external_id",
                                                  "external_id_field": "custom_external_id"}])
        cat = catalog(("Customer", "append_dedup"))
        write(cfg, cat, [rec("Customer", customer(i)) for i in range(20)])
        emu.set_faults(drop_rate=0.1, fail_rate=0.1)
        run = write(cfg, cat, [rec("Customer", customer(i, tax_id=f"T{i}")) for i in range(20)]
                    + [rec("Customer", customer(i, _ab_cdc_deleted_at="2026-12-01T00:00:00Z")) for i in range(15, 20)])
        emu.set_faults(drop_rate=0, fail_rate=0)
        assert run.counts("Customer") == {"updated": 20, "deactivated": 5}
        assert emu.backend.sql("SELECT COUNT(*), COUNT(DISTINCT tax_id) FROM `tabCustomer` "
                               "WHERE custom_external_id LIKE 'FAULT-%'") == [(15, 15)]


@pytest.mark.parametrize("mode", ["append", "append_dedup"])
def test_a_rerun_after_a_failed_sync_adds_nothing_twice(mode):
    with FrappeEmulator(FrappeOptions(rows=3)) as emu:
        cfg = config(emu, reject_policy="fail", streams=[{"stream": "Customer", "key_field": "custom_external_id"}])
        cat = catalog(("Customer", mode))
        good = [customer(i) for i in range(6)]
        bad = dict(good[4], customer_type="Alien")
        first = [rec("Customer", good[0]), rec("Customer", good[1]), state("Customer", 1),
                 rec("Customer", good[2]), rec("Customer", good[3]), state("Customer", 2),
                 rec("Customer", bad), rec("Customer", good[5]), state("Customer", 3)]
        failed = write(cfg, cat, first, expect_error=True)
        assert failed.states == [1, 2]
        assert "reject_policy is 'fail'" in str(failed.error)
        # the platform resends everything after the last emitted state (append), or the whole input (upsert)
        again = first[6:] if mode == "append" else first
        again = [rec("Customer", good[4]) if m.record is not None and m.record.data is bad else m for m in again]
        rerun = write(cfg, cat, again)
        assert rerun.states[-1] == 3
        assert emu.backend.sql("SELECT COUNT(*), COUNT(DISTINCT custom_external_id) FROM `tabCustomer` "
                               "WHERE custom_external_id LIKE 'FAULT-%'") == [(6, 6)]


def test_the_site_rate_limiter_is_waited_out_and_every_record_lands_once():
    with FrappeEmulator(FrappeOptions(rows=3, rate_limit="1:2")) as emu:
        limited: list[int] = []

        def exhaust_budget(info: dict) -> None:
            """Until the site has answered one 429, every request uses up its window's time budget (so the next
            request in that window is refused, wherever the window boundaries fall)."""
            if info["status"] == 429:
                limited.append(1)
            elif not limited and info["method"] == "POST":
                emu.api.limiter.charge(5_000_000)

        emu.add_hook(exhaust_budget)
        run = write(config(emu, batch_size=5, num_workers=2), catalog(("ToDo", "append")),
                    [rec("ToDo", {"description": f"limited {i}"}) for i in range(30)])
        assert [r for r in emu.requests() if r["status"] == 429]
        assert run.counts("ToDo") == {"inserted": 30}
        assert count(emu, "ToDo", "description LIKE 'limited %'") == 30
