"""What every Frappe measurement is given: the data sizes, the DocType dictionary, a logger and per-run results."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class FrappeSizes:
    """Data sizes; the defaults are issue 15's. ``quick()`` is for trying the harness, not for figures."""

    read_rows: int = 200_000  # 1 and 3: Sales Order, fields *
    latency_ms: int = 20  # 1, 2 and 5: every request waits this long (a network)
    default_workers: int = 4  # source-frappe's default num_workers (its spec)
    peer_default_page: int = 200  # tap-erpnext's default limit_page_length (its config schema)
    peer_page_sweep: tuple[int, ...] = (500, 1000, 2000, 5000)  # candidates for its best page size
    sweep_rows: int = 20_000  # the page-size sweep runs on a smaller copy of the same data
    churn_rows: int = 50_000  # 2: correctness under change
    churn_ops_per_s: float = 40.0  # 2: the background writer's fixed rate
    churn_seed: int = 15  # 2: the writer's schedule (the same for both readers)
    discover_target: int = 1_000  # 5: DocTypes served (dictionary + synthetic copies)
    dest_records: int = 20_000  # 6: insert_many run
    dest_single_records: int = 2_000  # 6: single POSTs (linear in rows: a slice gives the rate)
    dest_network_latency_ms: int = 10  # 6c: the same comparison over a network (informational)
    dest_network_records: int = 10_000
    dest_network_single_records: int = 600
    mem_small: int = 10_000  # 7
    mem_large: int = 500_000  # 7

    @classmethod
    def quick(cls) -> FrappeSizes:
        return cls(
            read_rows=3_000,
            sweep_rows=1_000,
            churn_rows=2_000,
            churn_ops_per_s=20.0,
            discover_target=400,
            dest_records=300,
            dest_single_records=100,
            dest_network_records=200,
            dest_network_single_records=60,
            mem_small=1_000,
            mem_large=5_000,
        )


@dataclass
class FrappeContext:
    sizes: FrappeSizes
    doctypes: Path  # ../shared/frappe/doctypes.json (measurement 5 is skipped without it)
    log: Callable[[str], None] = print
    shared: dict[str, Any] = field(default_factory=dict)
