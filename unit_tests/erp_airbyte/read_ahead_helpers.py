"""What every ERP reader's read-ahead tests check: no helper thread outlives a read, and a read closed
part-way stops there (erp_airbyte.source.read_ahead names its threads ``read-ahead <stream>``)."""
from __future__ import annotations

import threading
from collections.abc import Generator
from typing import Any


def helpers_alive() -> list[threading.Thread]:
    """Read-ahead helper threads still running."""
    return [t for t in threading.enumerate() if t.name.startswith("read-ahead") and t.is_alive()]


def close_after_pages(batches: Generator[Any, None, None], pages: int) -> None:
    """Take batches until ``pages`` of them held rows, then close the read (as a cancelled sync does)."""
    taken = 0
    for batch in batches:
        taken += bool(batch.rows)
        if taken == pages:
            break
    batches.close()
