"""Seeded emulator databases, built once and cached, so seeding is measured separately from the reads.

Seeding 500k orders (with their 1.5M lines, invoices, payments, facts) takes about two minutes on
this machine; it is not what the benchmarks measure. ``seeded_db(rows)`` starts the emulator once with
``--db <cache file> --rows N``, records how long that took, and reuses the file on later runs as long
as the emulator's source is unchanged (the cache key is a hash of ``idempiere_emulator/**/*.py``).
Scenarios that change data get a private copy.
"""
from __future__ import annotations

import hashlib
import shutil
import sqlite3
import time
from pathlib import Path

from bench.harness import OUT, REPO
from bench.idempiere.emulator import emulator

CACHE = OUT / "cache"


# HTTP-layer modules: they never change what is stored, so editing them must not invalidate the cache.
_PROTOCOL_ONLY = {"serialize.py", "handlers.py", "server.py", "control_actions.py", "jetty.py", "batch.py", "auth.py",
                  "jwt.py", "session.py", "access.py", "datetime_wire.py", "yaml_schema.py", "__main__.py",
                  "record_plans.py", "child.py"}
# the shared modules that decide what is stored (the rest of erp_emulator is transport)
_SHARED_DATA = ("erp_emulator/store.py", "erp_emulator/clock.py")


def emulator_fingerprint() -> str:
    """Short hash of the emulator's data-layer code: a seeded file is only reused by the code that wrote it."""
    digest = hashlib.sha1()
    root = REPO / "idempiere_emulator"
    for path in sorted(root.rglob("*.py")):
        if path.name in _PROTOCOL_ONLY or path.relative_to(root).parts[0] == "query":
            continue
        digest.update(path.relative_to(REPO).as_posix().encode())
        digest.update(path.read_bytes())
    for name in _SHARED_DATA:
        digest.update(name.encode())
        digest.update((REPO / name).read_bytes())
    return digest.hexdigest()[:10]


def seeded_db(rows: int, seed: int = 42) -> tuple[Path, float | None]:
    """Path of a seeded database with ``rows`` orders, and the seconds seeding took (None = from cache)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    fingerprint = emulator_fingerprint()
    for stale in CACHE.glob("emu-*"):
        if not stale.name.startswith(f"emu-{fingerprint}-"):
            stale.unlink(missing_ok=True)  # written by older emulator code: hundreds of MB each
    final = CACHE / f"emu-{fingerprint}-rows{rows}-seed{seed}.sqlite"
    if final.exists():
        return final, None
    partial = final.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    start = time.perf_counter()
    with emulator(rows=rows, extra=["--db", str(partial), "--seed", str(seed)], name=f"seed_{rows}", timeout_s=1800):
        pass  # the listening line is printed once the data set is committed
    seconds = time.perf_counter() - start
    _fold_wal(partial)
    partial.rename(final)
    return final, seconds


def _fold_wal(db: Path) -> None:
    """The emulator writes in WAL mode: fold the log into the main file so the file alone is complete."""
    conn = sqlite3.connect(db)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("PRAGMA journal_mode = DELETE")
    finally:
        conn.close()
    for suffix in ("-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)


def working_copy(source: Path, name: str) -> Path:
    """A private copy for a scenario that writes (touch, inserts), so the cache stays pristine."""
    target = OUT / f"{name}.sqlite"
    for suffix in ("", "-wal", "-shm"):
        Path(str(target) + suffix).unlink(missing_ok=True)
    shutil.copyfile(source, target)
    return target


def balance_tables(db: Path, targets: dict[str, int]) -> dict[str, int]:
    """Bring tables to exactly ``targets`` rows: trim by key, or pad with copies of existing rows.

    Copies get fresh keys (``<T>_ID`` + a stride) and fresh ``<T>_UU`` values and keep everything else,
    so they serialise like the originals. Done in SQL on the emulator's file because the control
    ``insert`` endpoint, one JSON row at a time, would take minutes for 100k rows.
    """
    conn = sqlite3.connect(db)
    counts = {}
    try:
        for table, target in targets.items():
            key = f"{table}_ID"
            uu = f"{table}_UU"
            columns = [row[1] for row in conn.execute(f'PRAGMA table_info("{table}")')]
            count = conn.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
            if count > target:
                conn.execute(f'DELETE FROM "{table}" WHERE "{key}" NOT IN '
                             f'(SELECT "{key}" FROM "{table}" ORDER BY "{key}" LIMIT {target})')
            copy = 0
            while count < target:
                copy += 1
                stride = conn.execute(f'SELECT MAX("{key}") FROM "{table}"').fetchone()[0]
                select = []
                for column in columns:
                    if column == key:
                        select.append(f'"{key}" + {stride}')
                    elif column == uu:
                        select.append("lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || "
                                      "substr(hex(randomblob(2)), 2) || '-a' || substr(hex(randomblob(2)), 2) || '-' || "
                                      "hex(randomblob(6)))")
                    else:
                        select.append(f'"{column}"')
                names = ", ".join(f'"{c}"' for c in columns)
                conn.execute(f'INSERT INTO "{table}" ({names}) SELECT {", ".join(select)} FROM "{table}" '
                             f'ORDER BY "{key}" LIMIT {target - count}')
                count = conn.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
            counts[table] = conn.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
        conn.commit()
        conn.execute("ANALYZE")
        conn.commit()
    finally:
        conn.close()
    return counts
