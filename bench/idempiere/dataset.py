"""Seeded emulator databases, built once and cached, so seeding is measured separately from the reads.

Seeding 500k orders (with their 1.5M lines, invoices, payments, facts) takes about two minutes on
this machine; it is not what the benchmarks measure. ``seeded_db(rows)`` starts the emulator once with
``--db <cache file> --rows N``, records how long that took, and reuses the file on later runs as long
as the emulator's data-layer source is unchanged (bench/seed_cache.py; the key hashes
``idempiere_emulator/**/*.py`` minus the HTTP layer). Scenarios that change data get a private copy
(``bench.seed_cache.working_copy``); ``balance_tables`` sizes tables in SQL.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path

from bench import seed_cache
from bench.harness import REPO
from bench.idempiere.emulator import emulator
from bench.seed_cache import code_fingerprint

# HTTP-layer modules: they never change what is stored, so editing them must not invalidate the cache.
_PROTOCOL_ONLY = {"serialize.py", "handlers.py", "server.py", "control_actions.py", "jetty.py", "batch.py", "auth.py",
                  "jwt.py", "session.py", "access.py", "datetime_wire.py", "yaml_schema.py", "__main__.py",
                  "record_plans.py", "child.py"}
# the shared modules that decide what is stored (the rest of erp_emulator is transport)
_SHARED_DATA = ("erp_emulator/store.py", "erp_emulator/clock.py")


def emulator_fingerprint() -> str:
    """Short hash of the emulator's data-layer code: a seeded file is only reused by the code that wrote it."""
    root = REPO / "idempiere_emulator"
    data_files = [path for path in sorted(root.rglob("*.py"))
                  if path.name not in _PROTOCOL_ONLY and path.relative_to(root).parts[0] != "query"]
    return code_fingerprint([*data_files, *(REPO / name for name in _SHARED_DATA)])


def seeded_db(rows: int, seed: int = 42) -> tuple[Path, float | None]:
    """Path of a seeded database with ``rows`` orders, and the seconds seeding took (None = from cache)."""
    return seed_cache.seeded_db("emu", emulator_fingerprint(), rows, seed, lambda partial: emulator(
        rows=rows, db=partial, extra=["--seed", str(seed)], name=f"seed_{rows}", timeout_s=1800))


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
