"""The destination's slices against the emulator: key lookups overlap batch writes, and concurrency
changes no outcome (repeated keys in input order, exact counts and rejections, rows written earlier
in the run are found by later records of the same and of other streams)."""
from __future__ import annotations

import json
import threading
from collections import Counter

import pytest

from integration_tests.destination.helpers import (
    GENERATION_IDS,
    GENERATIONS,
    catalog,
    counts,
    record,
    sql,
    state,
    write,
)

BP = "c_bpartner"
USER = "ad_user"
HOLD_SECONDS = 20  # only ever waited out when the behaviour under test is missing


def outcome_counts(dest, stream: str) -> dict[str, int]:
    return {k: v for k, v in counts(dest, stream).items() if v and k != "received"}


def test_key_lookups_are_answered_while_a_batch_write_is_in_flight(emulator_factory) -> None:
    """The first batch of partners is held in the server until a key lookup is handled meanwhile. With
    lookups and writes in strict phases (one chunk's lookups, then its writes) no lookup could come, and
    the hold would run out with ``overlap`` still 0."""
    emu = emulator_factory(rows=3)
    lock = threading.Lock()
    seen = {"lookups": 0, "tried": 0, "held": 0, "overlap": 0}
    released = threading.Event()

    def hook(info: dict) -> None:
        if info["method"] == "GET" and info["table"] == BP and "Value in (" in info["query"]:
            with lock:
                seen["lookups"] += 1
                if seen["held"]:
                    seen["overlap"] += 1
                    released.set()
        elif info["method"] == "POST" and info["path"].endswith("/batch"):
            with lock:
                hold = seen["lookups"] > 0 and not seen["tried"]  # once: the first batch after a lookup
                seen["tried"] += hold  # (not the empty probe at start-up)
                seen["held"] += hold
            if hold:
                released.wait(HOLD_SECONDS)
                with lock:
                    seen["held"] -= 1

    emu.add_hook(hook)
    messages = [record(BP, {"Value": f"OV-{i:04d}", "Name": f"Overlap {i}", "C_BP_Group_ID": "Vendors"})
                for i in range(400)]
    _, dest = write(emu, catalog((BP, "append_dedup", ["Value"])), messages + [state(BP, 1)],
                    batch_size=50, num_workers=2)
    assert seen["overlap"] >= 1, seen
    assert outcome_counts(dest, BP) == {"inserted": 400}
    assert sql(emu, "SELECT COUNT(*), COUNT(DISTINCT Value) FROM C_BPartner WHERE Value LIKE 'OV-%'") == [(400, 400)]
    assert not emu.hook_errors


@pytest.mark.parametrize("legacy", GENERATIONS, ids=GENERATION_IDS)
def test_repeated_keys_across_slices_and_rounds_end_in_input_order(emulator_factory, legacy) -> None:
    """Each key comes three times, in different slices, rounds and flushes; the second record of a key must
    see the row the first one wrote. Expected outcomes are those of writing the records one by one."""
    emu = emulator_factory(rows=3, legacy=legacy)
    keys, n = 45, 135
    data = []
    for i in range(n):
        key = (i * 7) % keys
        name = f"Same {key}" if i % 4 == 0 else f"Name {i}"  # every fourth one repeats a name: unchanged
        data.append({"Value": f"RK-{key:03d}", "Name": name})
    want: Counter = Counter()
    final: dict[str, str] = {}
    for d in data:
        if d["Value"] not in final:
            want["inserted"] += 1
        else:
            want["unchanged" if final[d["Value"]] == d["Name"] else "updated"] += 1
        final[d["Value"]] = d["Name"]
    messages = [record(BP, d) for d in data]
    messages.insert(70, state(BP, 1))
    out, dest = write(emu, catalog((BP, "append_dedup", ["Value"])), messages + [state(BP, 2)],
                      batch_size=3, num_workers=4)
    assert [m.state.stream.stream_state.n for m in out] == [1, 2]
    assert outcome_counts(dest, BP) == dict(want)
    assert dict(sql(emu, "SELECT Value, Name FROM C_BPartner WHERE Value LIKE 'RK-%'")) == final
    assert sql(emu, "SELECT COUNT(*) FROM C_BPartner WHERE Value LIKE 'RK-%'") == [(keys,)]


@pytest.mark.parametrize("legacy", GENERATIONS, ids=GENERATION_IDS)
def test_rejections_and_counts_are_exact_with_many_slices(emulator_factory, legacy, tmp_path) -> None:
    emu = emulator_factory(rows=3, legacy=legacy)
    cat = catalog((BP, "append_dedup", ["Value"]))
    first = [{"Value": f"RC-{i:03d}", "Name": f"First {i}", "C_BP_Group_ID": "Vendors"} for i in range(40)]
    write(emu, cat, [record(BP, d) for d in first], batch_size=4, num_workers=4)
    second = []
    for i in range(40):  # half renamed (updated), half as before (unchanged)
        second.append({**first[i], "Name": f"Renamed {i}"} if i % 2 else first[i])
    second += [{"Value": f"RC-N{i:02d}", "Name": f"New {i}", "C_BP_Group_ID": "Staff"} for i in range(10)]
    bad = {"server": [{"Value": f"RC-S{i}", "Name": "Bad group id", "C_BP_Group_ID": 999999} for i in range(5)],
           "mapping": [{"Value": f"RC-M{i}", "Name": "Unknown field", "Colour": "red"} for i in range(5)],
           "identifier": [{"Value": f"RC-F{i}", "Name": "No such group", "C_BP_Group_ID": "Nope"} for i in range(5)]}
    for kind, records in bad.items():  # spread through the input
        for j, d in enumerate(records):
            second.insert(7 + 13 * j + len(kind), d)
    path = tmp_path / "rejects.jsonl"
    _, dest = write(emu, cat, [record(BP, d) for d in second], batch_size=4, num_workers=4,
                    rejected_records_path=str(path))
    assert counts(dest, BP)["received"] == 65
    assert outcome_counts(dest, BP) == {"inserted": 10, "updated": 20, "unchanged": 20, "rejected": 15}
    lines = [json.loads(x) for x in path.read_text().splitlines()]
    assert sorted(line["key"] for line in lines) == sorted(d["Value"] for records in bad.values() for d in records)
    reasons = {line["key"]: line["reason"] for line in lines}
    assert all("999999" in reasons[f"RC-S{i}"] for i in range(5))
    assert all("'Colour' matches no column" in reasons[f"RC-M{i}"] for i in range(5))
    assert all("identifier 'Nope' not found" in reasons[f"RC-F{i}"] for i in range(5))
    assert sql(emu, "SELECT COUNT(*) FROM C_BPartner WHERE Value LIKE 'RC-%'") == [(50,)]
    assert sql(emu, "SELECT COUNT(*) FROM C_BPartner WHERE Value LIKE 'RC-%' AND Name LIKE 'Renamed %'") == [(20,)]


def test_records_of_another_stream_find_the_rows_written_before_them(emulator_factory) -> None:
    """Users name partners that the same run inserts just before them. The response to the partners' first
    batch is held until the input is read to the end, so their first slice is still running when the users
    come: the users' slices must not start meanwhile (the rest of the partners is not even sent yet)."""
    emu = emulator_factory(rows=3)
    reading, input_read, held = threading.Event(), threading.Event(), threading.Lock()

    def hook(info: dict) -> None:  # the first batch once input is read (the endpoint probe comes before)
        if info["method"] == "POST" and info["path"].endswith("/batch") and reading.is_set() and held.acquire(False):
            input_read.wait(HOLD_SECONDS)

    partners = [record(BP, {"Value": f"XS-{i:03d}", "Name": f"Cross {i}", "C_BP_Group_ID": "Vendors"})
                for i in range(150)]
    users = [record(USER, {"Name": f"XS user {i}", "C_BPartner_ID": {"identifier": f"Cross {i * 10}"}})
             for i in range(12)]

    def messages():
        reading.set()
        yield from partners
        yield from users
        input_read.set()  # every record has been added (and no flush has waited for the held batch)
        yield state(BP, 1)

    emu.add_hook(hook)
    out, dest = write(emu, catalog((BP, "append_dedup", ["Value"]), (USER, "append", None)), messages(),
                      batch_size=5, num_workers=4)
    assert len(out) == 1
    assert outcome_counts(dest, BP) == {"inserted": 150} and outcome_counts(dest, USER) == {"inserted": 12}
    linked = sql(emu, "SELECT u.Name, b.Name FROM AD_User u JOIN C_BPartner b ON b.C_BPartner_ID = u.C_BPartner_ID "
                      "WHERE u.Name LIKE 'XS user %'")
    assert sorted(linked) == sorted((f"XS user {i}", f"Cross {i * 10}") for i in range(12))


@pytest.mark.parametrize("legacy", GENERATIONS, ids=GENERATION_IDS)
def test_a_record_naming_a_row_of_its_own_table_inserted_earlier_in_the_run_finds_it(emulator_factory,
                                                                                     legacy) -> None:
    """AD_User.Supervisor_ID references AD_User: the supervisors are in earlier slices that may still be
    running when the staff's slices start (unit_tests/destination/test_writer_slices.py pins the wait)."""
    emu = emulator_factory(rows=3, legacy=legacy)
    bosses = [record(USER, {"Name": f"SV boss {i}"}) for i in range(40)]
    staff = [record(USER, {"Name": f"SV staff {i}", "Supervisor_ID": f"SV boss {i % 40}"}) for i in range(40)]
    _, dest = write(emu, catalog((USER, "append", None)), bosses + staff, batch_size=4, num_workers=4)
    assert outcome_counts(dest, USER) == {"inserted": 80}
    linked = sql(emu, "SELECT s.Name, b.Name FROM AD_User s JOIN AD_User b ON b.AD_User_ID = s.Supervisor_ID "
                      "WHERE s.Name LIKE 'SV staff %'")
    assert sorted(linked) == sorted((f"SV staff {i}", f"SV boss {i % 40}") for i in range(40))
