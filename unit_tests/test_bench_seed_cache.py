"""bench.seed_cache: a seeded database is built once per data-layer code version, folded out of WAL, and copied
for measurements that write (no timing is asserted)."""
from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from pathlib import Path

from bench import seed_cache
from bench.harness import REPO


def _wal_seeder(calls: list[Path]):
    """A stand-in for an emulator child: writes a WAL-mode database at the path it is given."""
    @contextmanager
    def seed_into(path: Path):
        calls.append(path)
        conn = sqlite3.connect(path)
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("CREATE TABLE t (id INTEGER)")
        conn.executemany("INSERT INTO t VALUES (?)", [(i,) for i in range(50)])
        conn.commit()
        yield
        conn.close()
    return seed_into


def test_seeded_db_builds_once_then_reuses_and_drops_files_of_other_code(tmp_path: Path) -> None:
    stale = tmp_path / "erp-oldcode-rows5-seed42.sqlite"
    other_erp = tmp_path / "other-abc-rows5-seed42.sqlite"
    stale.write_bytes(b"x")
    other_erp.write_bytes(b"x")
    (tmp_path / "erp-abc-rows5-seed42.partial-wal").write_bytes(b"left by a crashed run")
    calls: list[Path] = []
    path, seconds = seed_cache.seeded_db("erp", "abc", 5, 42, _wal_seeder(calls), cache=tmp_path)
    assert path == tmp_path / "erp-abc-rows5-seed42.sqlite" and seconds is not None
    assert calls == [tmp_path / "erp-abc-rows5-seed42.partial"]
    assert not stale.exists() and other_erp.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["erp-abc-rows5-seed42.sqlite", other_erp.name]
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert conn.execute("SELECT COUNT(*) FROM t").fetchone()[0] == 50
    finally:
        conn.close()
    again, seconds = seed_cache.seeded_db("erp", "abc", 5, 42, _wal_seeder(calls), cache=tmp_path)
    assert again == path and seconds is None and len(calls) == 1


def test_working_copy_is_a_fresh_private_copy(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(seed_cache, "OUT", tmp_path)
    source = tmp_path / "cached.sqlite"
    source.write_bytes(b"pristine")
    (tmp_path / "m1.sqlite-wal").write_bytes(b"stale log of an earlier copy")
    copy = seed_cache.working_copy(source, "m1")
    assert copy == tmp_path / "m1.sqlite" and copy.read_bytes() == b"pristine"
    assert not (tmp_path / "m1.sqlite-wal").exists()
    copy.write_bytes(b"written")
    assert source.read_bytes() == b"pristine"


def test_code_fingerprint_changes_with_content_and_order_of_the_files() -> None:
    a, b = REPO / "bench" / "seed_cache.py", REPO / "bench" / "harness.py"
    assert seed_cache.code_fingerprint([a, b]) == seed_cache.code_fingerprint([a, b])
    assert seed_cache.code_fingerprint([a, b]) != seed_cache.code_fingerprint([b, a])
    assert len(seed_cache.code_fingerprint([a])) == 10
