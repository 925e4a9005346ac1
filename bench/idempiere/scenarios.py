"""The iDempiere measurements of issue 6, by key: what ``python -m bench`` runs (bench/README.md)."""
from __future__ import annotations

from collections.abc import Callable

from bench.harness import REPO
from bench.idempiere.context import Context
from bench.idempiere.scenarios_destination import destination
from bench.idempiere.scenarios_source import concurrency, discovery, memory, read_and_incremental
from bench.results import Measurement

DEFAULT_DICTIONARY = REPO.parent / "shared" / "idempiere" / "dictionary.json"
# key -> (title, measurement); run in this order. 6 runs with 1, 4b with 4, 5b and 5c with 5.
SCENARIOS: dict[str, tuple[str, Callable[[Context], list[Measurement]]]] = {
    "3": ("discovery at scale", discovery),
    "1": ("source read cost (+6 incremental)", read_and_incremental),
    "2": ("memory", memory),
    "4": ("concurrency (4 tables, then one table in time windows)", concurrency),
    "5": ("destination throughput", destination),
}
ALIASES = {"6": "1", "4b": "4", "5b": "5", "5c": "5"}
