"""A ``--db`` file seeded by an older emulator: what later versions added is seeded once when the file is opened.

Without this, such a file would serve the new tables empty and unlisted (no AD_Table row, so ``GET /models`` does
not show them) and answer 404 for the new processes. Tables, processes and sample rows already there are left
alone; the seeding runs only while a built-in table is not yet described in AD_Table.
"""
from __future__ import annotations

from ..catalog import Catalog, builtin_catalog
from ..catalog.processes import PROCESSES
from .dataset import Seeder, seed_ad_table
from .dataset_gl import seed_gl
from .dataset_processes import seed_import_samples, seed_process_dictionary
from .store import Store


def seed_what_an_older_file_lacks(store: Store, catalog: Catalog, seed: int) -> None:
    """AD_Table rows of undescribed built-in tables, the GL data, missing processes and import samples."""
    described = {row[0] for row in store.query("SELECT AD_Table_ID FROM AD_Table")}
    builtin = {t.name for t in builtin_catalog().tables()}
    missing = [t for t in catalog.tables() if t.name in builtin and t.table_id not in described]
    if not missing:
        return
    with store.transaction():
        seed_ad_table(store, catalog, missing)
        if not store.query("SELECT 1 FROM C_AcctSchema LIMIT 1"):
            seed_gl(store, catalog, seed)
        known = {row[0] for row in store.query("SELECT AD_Process_ID FROM AD_Process")}
        s = Seeder(store, catalog, seed + 16)
        new = [p for p in PROCESSES if p.id not in known]
        if new:
            seed_process_dictionary(s, new)
        if not store.query("SELECT 1 FROM I_Order LIMIT 1") and not store.query("SELECT 1 FROM I_GLJournal LIMIT 1"):
            seed_import_samples(s)
