"""The shared SQLite store: savepoint transactions, per-table versions for caches, cached MAX(key), LIKE."""
from __future__ import annotations

import pytest

from erp_emulator.store import SqliteStore


@pytest.fixture
def store():
    s = SqliteStore()
    s.query('CREATE TABLE "Item" (Item_ID INTEGER PRIMARY KEY, Name TEXT)')
    s.query('CREATE TABLE "Other" (Other_ID INTEGER PRIMARY KEY)')
    yield s
    s.close()


def test_a_failed_inner_transaction_rolls_back_only_itself(store) -> None:
    with store.transaction():
        store.insert("Item", {"Item_ID": 1, "Name": "kept"})
        with pytest.raises(RuntimeError):
            with store.transaction():
                store.insert("Item", {"Item_ID": 2, "Name": "undone"})
                raise RuntimeError("boom")
    assert store.query('SELECT Item_ID FROM "Item"') == [(1,)]


def test_an_absorbing_transaction_undoes_everything_inside_it(store) -> None:
    with pytest.raises(RuntimeError):
        with store.transaction(absorbs=True):
            with store.transaction():
                store.insert("Item", {"Item_ID": 3, "Name": "x"})
            raise RuntimeError("item failed")
    assert store.query('SELECT COUNT(*) FROM "Item"') == [(0,)]


def test_a_write_changes_only_its_own_tables_stamp(store) -> None:
    item, other = store.stamp(("item",)), store.stamp(("other",))
    store.execute('UPDATE "Item" SET Name = ? WHERE Item_ID = ?', ("n", 1))
    assert store.stamp(("item",)) != item and store.stamp(("other",)) == other
    store.query('DELETE FROM "Other"')  # raw SQL may write anything: every stamp changes
    assert store.stamp(("other",)) != other


def test_max_key_is_kept_up_to_date_by_inserts_and_re_read_after_other_writes(store) -> None:
    assert store.max_key("Item", "Item_ID") == 0
    store.insert("Item", {"Item_ID": 10, "Name": "a"})
    assert store.max_key("Item", "Item_ID") == 10
    store.execute('INSERT INTO "Item" (Item_ID, Name) VALUES (?, ?)', (40, "b"))
    assert store.max_key("Item", "Item_ID") == 40


def test_count_is_cached_per_data_version(store) -> None:
    store.insert_many("Item", ("Item_ID", "Name"), [(1, "a"), (2, "b")])
    assert store.count("Item", "Name LIKE ?", ("%",)) == 2
    store.insert("Item", {"Item_ID": 3, "Name": "c"})
    assert store.count("Item", "Name LIKE ?", ("%",)) == 3


def test_like_is_case_sensitive_only_when_asked() -> None:
    for sensitive, expected in ((False, 1), (True, 0)):
        s = SqliteStore(case_sensitive_like=sensitive)
        s.query("CREATE TABLE t (v TEXT)")
        s.execute("INSERT INTO t VALUES (?)", ("Abc",))
        assert s.query("SELECT COUNT(*) FROM t WHERE v LIKE 'abc'") == [(expected,)]
        s.close()


def test_meta_values_persist_in_the_store(tmp_path) -> None:
    path = str(tmp_path / "s.db")
    s = SqliteStore(path)
    assert s.get_meta("seeded") is None
    s.set_meta("seeded", "1")
    s.close()
    again = SqliteStore(path)
    assert again.get_meta("seeded") == "1" and again.table_exists("_emulator_meta")
    again.close()
