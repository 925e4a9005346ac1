"""Seeded emulator databases, built once and cached between benchmark runs, for every ERP's measurements.

Seeding hundreds of thousands of documents takes a minute or more; it is not what a benchmark measures.
``seeded_db`` starts the ERP's emulator once with ``--db <partial file>``, times it, and keeps the file under
a name that carries a hash of the emulator's data-layer code (``code_fingerprint``): a cached file is only
reused by the code that wrote it, and files written by older code are deleted (hundreds of MB each).
A measurement that writes gets a private copy (``working_copy``), so the cache stays pristine.
"""
from __future__ import annotations

import hashlib
import shutil
import sqlite3
import time
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from bench.harness import OUT, REPO

CACHE = OUT / "cache"


def code_fingerprint(files: Iterable[Path]) -> str:
    """Short hash of ``files`` (their repository paths and contents, in the order given)."""
    digest = hashlib.sha1()
    for file in files:
        digest.update(file.relative_to(REPO).as_posix().encode())
        digest.update(file.read_bytes())
    return digest.hexdigest()[:10]


def seeded_db(prefix: str, fingerprint: str, rows: int, seed: int,
              seed_into: Callable[[Path], AbstractContextManager[Any]], *,
              cache: Path = CACHE) -> tuple[Path, float | None]:
    """Path of the cached ``<prefix>-<fingerprint>-rows<rows>-seed<seed>.sqlite``, and the seconds seeding took
    (None: it was cached).

    ``seed_into(path)`` is an unstarted emulator child seeding ``path``: its ready line is printed once the
    data set is committed, so entering and leaving it is the whole seeding.
    """
    cache.mkdir(parents=True, exist_ok=True)
    for stale in cache.glob(f"{prefix}-*"):
        if not stale.name.startswith(f"{prefix}-{fingerprint}-"):
            stale.unlink(missing_ok=True)
    final = cache / f"{prefix}-{fingerprint}-rows{rows}-seed{seed}.sqlite"
    if final.exists():
        return final, None
    partial = final.with_suffix(".partial")
    _remove_with_logs(partial)
    start = time.perf_counter()
    with seed_into(partial):
        pass
    seconds = time.perf_counter() - start
    fold_wal(partial)
    partial.rename(final)
    return final, seconds


def fold_wal(db: Path) -> None:
    """Fold SQLite's write-ahead log into the main file and leave WAL mode, so the file alone is complete
    and copyable (the emulators switch WAL on again when they open it)."""
    conn = sqlite3.connect(db)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("PRAGMA journal_mode = DELETE")
    finally:
        conn.close()
    for suffix in ("-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)


def working_copy(source: Path, name: str) -> Path:
    """A private copy ``bench/out/<name>.sqlite`` for a measurement that writes, so the cache stays pristine."""
    target = OUT / f"{name}.sqlite"
    _remove_with_logs(target)
    shutil.copyfile(source, target)
    return target


def _remove_with_logs(db: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
