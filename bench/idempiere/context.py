"""What every iDempiere measurement is given: the data sizes, the dictionary, a logger and per-run shared results."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class Sizes:
    """Data sizes; the defaults are the issue's. ``quick()`` is for trying the harness, not for figures."""

    read_rows: int = 200_000
    mem_small: int = 10_000
    mem_large: int = 500_000
    conc_rows: int = 50_000
    conc_tables: tuple[str, ...] = ("c_order", "c_orderline", "c_invoice", "fact_acct")
    conc_latency_ms: int = 50
    window_table: str = "c_order"
    discover_latency_ms: int = 20
    dest_records: int = 20_000
    dest_single_records: int = 4_000  # single requests are linear: throughput from a slice (README)
    dest_latency_ms: int = 0  # --dest-latency-ms: the same comparison over a network with this RTT
    dest_network_latency_ms: int = 10  # 5c: the comparison again over a network (0: skip 5c)
    dest_network_single_records: int = 2_000
    dest_repeats: int = 2  # runs per mode in 5 and 5c; the fastest is kept (noise, see _batch_vs_single)
    touch_fraction: float = 0.01
    repeats: int = 1

    @classmethod
    def quick(cls) -> Sizes:
        return cls(read_rows=5_000, mem_small=1_000, mem_large=20_000, conc_rows=2_000, dest_records=1_000,
                   dest_single_records=300, dest_network_single_records=300)


@dataclass
class Context:
    sizes: Sizes
    dictionary: Path
    log: Callable[[str], None] = print
    shared: dict[str, Any] = field(default_factory=dict)
