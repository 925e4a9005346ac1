"""The Frappe measurements of issue 15, by key: what ``python -m bench`` runs after the iDempiere ones."""

from __future__ import annotations

from collections.abc import Callable

from bench.frappe.context import FrappeContext
from bench.frappe.scenarios_change import reads_under_change
from bench.frappe.scenarios_read import memory, read_vs_peer
from bench.frappe.scenarios_write import destination, discovery
from bench.harness import REPO
from bench.results import Measurement

DEFAULT_DOCTYPES = REPO.parent / "shared" / "frappe" / "doctypes.json"
SCENARIOS: dict[str, tuple[str, Callable[[FrappeContext], list[Measurement]]]] = {
    "F5": ("Frappe discovery at scale", discovery),
    "F1": ("Frappe read vs tap-erpnext (+F3 floor)", read_vs_peer),
    "F2": ("Frappe reads under change vs tap-erpnext", reads_under_change),
    "F6": ("Frappe destination", destination),
    "F7": ("Frappe memory", memory),
}
ALIASES = {"F1b": "F1", "F1c": "F1", "F3": "F1", "F3d": "F1", "F2b": "F2", "F6b": "F6", "F6c": "F6"}
