"""The Frappe emulator for a measurement (frappe_emulator.child) and seeded databases cached between runs.

Seeding 200k Sales Orders takes ~18 s and 500k about a minute: never part of a figure. ``seeded_db(rows)``
seeds once and reuses the file while the emulator's data-layer code is unchanged (bench/seed_cache.py; the cache
key hashes the modules below); measurements that write get a private copy (``working_copy``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path

from bench import seed_cache
from bench.harness import OUT, REPO
from bench.seed_cache import code_fingerprint
from frappe_emulator.child import FrappeChild

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
    return code_fingerprint(file for entry in _DATA_CODE for file in _files(REPO / entry))


def _files(path: Path) -> list[Path]:
    return sorted(path.rglob("*.py")) if path.is_dir() else [path]


def seeded_db(rows: int, seed: int = 42) -> tuple[Path, float | None]:
    """Path of a seeded database with ``rows`` Sales Orders, and the seconds seeding took (None = cached)."""
    return seed_cache.seeded_db("frappe", fingerprint(), rows, seed, lambda partial: emulator(
        rows=rows, db=partial, extra=["--seed", str(seed)], name=f"frappe_seed_{rows}", timeout_s=1800))


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
