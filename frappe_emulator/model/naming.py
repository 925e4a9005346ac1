"""Name generation per naming rule (spec §6.4, §8.5; Part II §8 "Create").

naming series (``SAL-ORD-.YYYY.-`` -> ``SAL-ORD-2026-00001``, counters in ``tabSeries``), ``field:x``,
hash (hex in 14/15, time-prefixed base36 in 16), autoincrement (integers; a rolled-back insert still uses
its number), Prompt (the client's ``name`` / ``__newname``), and the ERPNext/Frappe controllers' own
``autoname`` (Customer/Supplier by name, Warehouse ``name - ABBR``, Contact, Address, User = email).
A client ``name`` is honoured only by those rules (and by v2 create in 16).
"""
from __future__ import annotations

import random
import string
import threading
import time

from ..errors import FrappeError

_B36 = string.digits + string.ascii_lowercase
_lock = threading.Lock()
_rng = random.Random()
# names issued in the current 10 ms tick: a seed writes thousands of rows per tick, and 4 random base36
# characters (1.7M values) collide by the birthday bound long before 500k rows; the real server writes far
# slower, so drawing again within a tick keeps the shape without inventing collisions it would not have
_tick: list = [None, set()]


def seed(n: int) -> None:
    _rng.seed(n)


def hash_name(major: int) -> str:
    with _lock:
        if major >= 16:  # time-prefixed: a base36 time component then random characters (Part II §10)
            t = int(time.time() * 1000) // 10
            head = ""
            for _ in range(6):
                t, r = divmod(t, 36)
                head = _B36[r] + head
            if _tick[0] != head:
                _tick[0], _tick[1] = head, set()
            while True:
                name = head[-6:] + "".join(_rng.choice(_B36) for _ in range(4))
                if name not in _tick[1]:
                    _tick[1].add(name)
                    return name
        return "".join(_rng.choice("0123456789abcdef") for _ in range(10))


def series_prefix(pattern: str, today: str) -> tuple[str, int]:
    """``SAL-ORD-.YYYY.-`` -> (``SAL-ORD-2026-``, 5 digits)."""
    if "#" not in pattern:
        pattern = pattern + ".#####"
    y, m, d = today.split("-")
    prefix, digits = "", 5
    for part in pattern.split("."):
        if part.startswith("#") and set(part) == {"#"}:
            digits = len(part)
            break
        prefix += {"YYYY": y, "YY": y[2:], "MM": m, "DD": d}.get(part, part)
    return prefix, digits


class Namer:
    def __init__(self, site):
        self.site = site
        self._auto: dict[str, int] = {}

    def next_autoincrement(self, dt) -> int:
        with self.site.store.lock:
            if dt.name not in self._auto:
                row = self.site.store.query(f'SELECT MAX(name) FROM "{dt.table}"')
                self._auto[dt.name] = int(row[0][0] or 0)
            self._auto[dt.name] += 1
            return self._auto[dt.name]

    def bump_autoincrement(self, dt, value: int) -> None:
        with self.site.store.lock:
            if self._auto.get(dt.name, 0) < value:
                self._auto[dt.name] = value

    def new_name(self, dt, doc: dict, client_name=None, honour_client: bool = False):
        site = self.site
        major = site.options.major
        if honour_client and client_name not in (None, ""):
            return int(client_name) if dt.autoincrement and str(client_name).isdigit() else client_name
        if doc.get("amended_from"):
            return self._amended(dt, str(doc["amended_from"]))
        auto = dt.autoname or ""
        if dt.name in ("Customer", "Supplier"):
            base = str(doc.get(dt.name.lower() + "_name") or "").strip()
            return self._dedupe(dt, base, " - ")
        if dt.name == "Warehouse":
            abbr = site.store.query('SELECT abbr FROM "tabCompany" WHERE name=?', (doc.get("company"),))
            base = str(doc.get("warehouse_name") or "").strip()
            return f"{base} - {abbr[0][0]}" if abbr else base
        if dt.name == "User":
            return str(doc.get("email") or "").strip()
        if dt.name == "Contact":
            full = " ".join(str(doc.get(k)).strip() for k in ("first_name", "last_name") if doc.get(k))
            if doc.get("company_name"):
                full = f"{full}-{doc['company_name']}" if full else str(doc["company_name"])
            return self._dedupe(dt, full or "Contact", "-")
        if dt.name == "Address":
            return self._dedupe(dt, f"{str(doc.get('address_title') or '').strip()}-{doc.get('address_type')}", "-")
        if dt.name == "Custom Field":
            return f"{doc.get('dt')}-{doc.get('fieldname')}"
        if dt.name == "Property Setter":
            return f"{doc.get('doc_type')}-{doc.get('field_name') or 'main'}-{doc.get('property')}"
        if auto.startswith("field:"):
            value = doc.get(auto[6:])
            if value in (None, ""):
                f = dt.get(auto[6:])
                raise FrappeError("ValidationError", f"{f.title if f else auto[6:]} is required")
            return str(value).strip()
        if auto.startswith("naming_series:"):
            pattern = doc.get("naming_series") or (dt.get("naming_series").options or "").split("\n")[0]
            doc["naming_series"] = pattern
            prefix, digits = series_prefix(pattern, site.clock.today())
            return f"{prefix}{site.store.next_series(prefix):0{digits}d}"
        if auto == "autoincrement":
            return self.next_autoincrement(dt)
        if auto.lower() == "prompt":
            name = client_name if client_name not in (None, "") else doc.get("__newname")
            if name in (None, ""):
                raise FrappeError("ValidationError", "Name not set via prompt" if major < 16 else
                                  "Please set the document name")
            return str(name).strip()
        return hash_name(major)

    def _dedupe(self, dt, base: str, sep: str) -> str:
        store = self.site.store
        if not store.query(f'SELECT 1 FROM "{dt.table}" WHERE name=?', (base,)):
            return base
        n = 1
        while store.query(f'SELECT 1 FROM "{dt.table}" WHERE name=?', (f"{base}{sep}{n}",)):
            n += 1
        return f"{base}{sep}{n}"

    def _amended(self, dt, original: str) -> str:
        head, _, tail = original.rpartition("-")
        base = head if tail.isdigit() and head and self._is_amendment(dt, original) else original
        n = 1
        while self.site.store.query(f'SELECT 1 FROM "{dt.table}" WHERE name=?', (f"{base}-{n}",)):
            n += 1
        return f"{base}-{n}"

    def _is_amendment(self, dt, name: str) -> bool:
        row = self.site.store.query(f'SELECT amended_from FROM "{dt.table}" WHERE name=?', (name,))
        return bool(row and row[0][0])
