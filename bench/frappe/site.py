"""The Frappe emulator for a measurement (frappe_emulator.child) and seeded databases cached between runs.

Seeding 200k Sales Orders takes ~18 s and 500k about a minute: never part of a figure. ``seeded_db(rows)``
seeds once with ``--db <cache file>`` and reuses the file while the emulator's data-layer code is unchanged
(the cache key hashes it); measurements that write get a private copy (``working_copy``).
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import time
from collections.abc import Sequence
from pathlib import Path

from bench.harness import OUT, REPO
from frappe_emulator.child import FrappeChild

CACHE = OUT / "cache"
CONTROL_TIMEOUT_S = 600.0
# what decides what is stored: the model, the seed data and the stores (the HTTP layer is left out)
_DATA_CODE = (
    "frappe_emulator/model",
    "frappe_emulator/data",
    "frappe_emulator/store.py",
    "frappe_emulator/site.py",
    "frappe_emulator/clock.py",
    "erp_emulator/store.py",
    "erp_emulator/clock.py",
)


def emulator(
    *,
    rows: int = 200,
    latency_ms: int = 0,
    db: Path | None = None,
    doctypes: Path | None = None,
    extra: Sequence[str] = (),
    name: str = "frappe_emu",
    timeout_s: float = 900.0,
) -> FrappeChild:
    """An unstarted emulator child (``with emulator(...) as emu``) logging to ``bench/out/<name>.log``."""
    args = ["--rows", str(rows)]
    if db is not None:
        args += ["--db", str(db)]
    if latency_ms:
        args += ["--latency-ms", str(latency_ms)]
    if doctypes is not None:
        args += ["--doctypes", str(doctypes)]
    return FrappeChild(
        OUT / f"{name}.log", *args, *extra, startup_timeout_s=timeout_s, control_timeout_s=CONTROL_TIMEOUT_S, cwd=REPO
    )


def fingerprint() -> str:
    """Short hash of the emulator's data-layer code: a seeded file is only reused by the code that wrote it."""
    digest = hashlib.sha1()
    for entry in _DATA_CODE:
        path = REPO / entry
        for file in sorted(path.rglob("*.py")) if path.is_dir() else [path]:
            digest.update(file.relative_to(REPO).as_posix().encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()[:10]


def seeded_db(rows: int, seed: int = 42) -> tuple[Path, float | None]:
    """Path of a seeded database with ``rows`` Sales Orders, and the seconds seeding took (None = cached)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    key = fingerprint()
    for stale in CACHE.glob("frappe-*"):
        if not stale.name.startswith(f"frappe-{key}-"):
            stale.unlink(missing_ok=True)
    final = CACHE / f"frappe-{key}-rows{rows}-seed{seed}.sqlite"
    if final.exists():
        return final, None
    partial = final.with_suffix(".partial")
    for suffix in ("", "-wal", "-shm"):
        Path(str(partial) + suffix).unlink(missing_ok=True)
    start = time.perf_counter()
    with emulator(rows=rows, db=partial, extra=["--seed", str(seed)], name=f"frappe_seed_{rows}", timeout_s=1800):
        pass  # the ready line is printed once the data set is committed
    seconds = time.perf_counter() - start
    _fold_wal(partial)
    partial.rename(final)
    return final, seconds


def _fold_wal(db: Path) -> None:
    """Fold SQLite's write-ahead log into the main file, so the file alone is complete and copyable."""
    conn = sqlite3.connect(db)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    for suffix in ("-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)


def working_copy(source: Path, name: str) -> Path:
    """A private copy for a measurement that writes, so the cache stays pristine."""
    target = OUT / f"{name}.sqlite"
    for suffix in ("", "-wal", "-shm"):
        Path(str(target) + suffix).unlink(missing_ok=True)
    shutil.copyfile(source, target)
    return target


def pad_orders(db: Path, target: int) -> int:
    """Bring ``tabSales Order`` to ``target`` rows with copies of existing orders (names ``<name>-P<k>``).

    The emulator cannot seed 500k orders: the 10-character hash names of 1.5M child rows collide
    (``UNIQUE constraint failed: tabSales Order Item.name``, reported). A Sales-Order-only read (``child_tables:
    streams``, measurement 7) needs only the parent table, so copies done in SQL on the file serve it: every
    column but ``name`` is the original's, so a copy serialises like its original. Returns the row count.
    """
    conn = sqlite3.connect(db)
    try:
        columns = [row[1] for row in conn.execute('PRAGMA table_info("tabSales Order")')]
        names = ", ".join(f'"{c}"' for c in columns)
        count = conn.execute('SELECT COUNT(*) FROM "tabSales Order"').fetchone()[0]
        copy = 0
        while count < target:
            copy += 1
            select = ", ".join(f"\"name\" || '-P{copy}'" if c == "name" else f'"{c}"' for c in columns)
            conn.execute(
                f'INSERT INTO "tabSales Order" ({names}) SELECT {select} FROM "tabSales Order" '
                f"WHERE name NOT LIKE '%-P%' ORDER BY name LIMIT {target - count}"
            )
            count = conn.execute('SELECT COUNT(*) FROM "tabSales Order"').fetchone()[0]
        conn.commit()
    finally:
        conn.close()
    return count
