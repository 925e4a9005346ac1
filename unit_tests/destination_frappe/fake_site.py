"""An in-memory stand-in for the Frappe transport, for fast writer tests (the emulator tests are the oracle).

It answers the paths FrappeApi sends with the rules the writer depends on (spec §8, Part II §8): natural
names give 409 on a clash, a unique field gives 417, insert_many is all-or-nothing, PUT replaces child
tables, docstatus transitions are checked, a submitted document cannot be deleted. ``drop_next`` makes
the next matching write commit and then lose its answer.
"""
from __future__ import annotations

import json
import threading
from itertools import count
from typing import Any
from urllib.parse import unquote

from frappe_client.errors import ApiError, TransientError


def FakeApiError(status: int, title: str, detail: str) -> ApiError:  # noqa: N802 - reads like the exception it builds
    return ApiError(status, title, detail)


def FakeLost(message: str) -> TransientError:  # noqa: N802
    return TransientError(message, maybe_committed=True)


class FakeSite:
    def __init__(self, naming: dict[str, str], unique: dict[str, list[str]] | None = None,
                 links: dict[tuple[str, str], str] | None = None):
        self.naming = naming  # doctype -> autoname
        self.unique = unique or {}
        self.links = links or {}  # (doctype, field) -> target doctype, validated on write
        self.docs: dict[str, dict[str, dict]] = {dt: {} for dt in naming}
        self.calls: list[tuple[str, str]] = []
        self.drop_next: list[str] = []  # methods ("POST", "PUT", "insert_many", "DELETE") to drop after commit
        self.unsent_next: list[str] = []  # methods that fail before reaching the site (nothing written)
        self.names_as_set = False  # some releases' insert_many builds a set of names (no order)
        self._seq = count(1)
        self._lock = threading.Lock()

    # ---- transport ----------------------------------------------------------------------------------
    def request(self, method: str, path: str, *, params: Any = None, json_body: Any = None) -> Any:
        if method == "GET":
            return self.get(path, params)
        if method == "DELETE":
            return self.delete(path)
        return (self.post if method == "POST" else self.put)(path, json_body)

    def get(self, path: str, params: dict | None = None) -> Any:
        self.calls.append(("GET", path))
        dt, name = self._split(path)
        if name is None:
            return {"data": self._list(dt, json.loads(params["filters"]), json.loads(params["fields"]),
                                       int(params["limit_page_length"]))}
        doc = self._doc(dt, name)
        return {"data": json.loads(json.dumps(doc))}

    def post(self, path: str, body: Any) -> Any:
        if path == "method/frappe.client.insert_many":
            self.calls.append(("POST", "insert_many"))
            if "insert_many" in self.unsent_next:
                self.unsent_next.remove("insert_many")
                raise TransientError("connection refused; giving up", maybe_committed=False)
            with self._lock:
                snapshot = json.loads(json.dumps(self.docs))
                try:
                    names = [self._insert(d["doctype"], d) for d in body["docs"]]
                except Exception:
                    self.docs = snapshot
                    raise
            self._maybe_drop("insert_many")
            return {"message": sorted(names, reverse=True) if self.names_as_set else names}
        self.calls.append(("POST", path))
        dt, _ = self._split(path)
        with self._lock:
            name = self._insert(dt, body)
        self._maybe_drop("POST")
        return {"data": self.docs[dt][name]}

    def put(self, path: str, body: Any) -> Any:
        self.calls.append(("PUT", path))
        dt, name = self._split(path)
        with self._lock:
            doc = self._doc(dt, name)
            if doc.get("docstatus") == 2:
                raise FakeApiError(417, "ValidationError", "Cannot edit cancelled document")
            new_status = body.get("docstatus", doc.get("docstatus", 0))
            if (doc.get("docstatus", 0), new_status) in ((1, 0), (0, 2)):
                raise FakeApiError(417, "DocstatusTransitionError",
                                   f"Cannot change docstatus from {doc.get('docstatus', 0)} to {new_status}")
            if doc.get("docstatus") == 1 and new_status == 1:
                changed = [k for k, v in body.items() if k != "docstatus" and doc.get(k) != v]
                if changed:
                    raise FakeApiError(417, "UpdateAfterSubmitError",
                                       f"Not allowed to change {changed[0]} after submission")
            self._check_links(dt, body)
            for key, value in body.items():
                if isinstance(value, list):
                    doc[key] = [self._row(dt, key, r, i, doc) for i, r in enumerate(value)]
                else:
                    doc[key] = value
        self._maybe_drop("PUT")
        return {"data": doc}

    def delete(self, path: str) -> Any:
        self.calls.append(("DELETE", path))
        dt, name = self._split(path)
        with self._lock:
            doc = self._doc(dt, name)
            if doc.get("docstatus") == 1:
                raise FakeApiError(417, "ValidationError", "Submitted Record cannot be deleted.")
            del self.docs[dt][doc["name"]]
        self._maybe_drop("DELETE")
        return {"data": "ok"}

    # ---- helpers ------------------------------------------------------------------------------------
    def count(self, doctype: str) -> int:
        return len(self.docs[doctype])

    def _maybe_drop(self, method: str) -> None:
        if method in self.drop_next:
            self.drop_next.remove(method)
            raise FakeLost("connection dropped after commit")

    def _split(self, path: str) -> tuple[str, str | None]:
        parts = path.split("/")
        return unquote(parts[1]), unquote(parts[2]) if len(parts) > 2 else None

    def _doc(self, dt: str, name: Any) -> dict:
        for key, doc in self.docs[dt].items():
            if key.casefold() == str(name).casefold():
                return doc
        raise FakeApiError(404, "DoesNotExistError", f"{dt} {name} not found")

    def _list(self, dt: str, filters: list, fields: list, limit: int) -> list[dict]:
        rows = []
        for doc in self.docs[dt].values():
            if all(self._match(doc.get(f), op, v) for f, op, v in filters):
                rows.append({f: doc.get(f) for f in fields})
        return rows[:limit] if limit else rows

    @staticmethod
    def _match(value: Any, op: str, wanted: Any) -> bool:
        def fold(x: Any) -> str:
            return str(x).casefold()

        if op == "=":
            return fold(value) == fold(wanted)
        if op == "in":
            return fold(value) in {fold(w) for w in wanted}
        raise AssertionError(op)

    def _insert(self, dt: str, body: dict) -> str:
        rule = self.naming[dt]
        body = {k: v for k, v in body.items() if k != "doctype"}
        if rule.startswith("field:"):
            name = str(body.get(rule[6:]))
        elif rule == "Prompt":
            name = str(body["name"])
        else:
            name = f"{dt[:3].upper()}-{next(self._seq):05d}"
        for key in self.docs[dt]:
            if key.casefold() == name.casefold():
                raise FakeApiError(409, "DuplicateEntryError", f"{dt} {name} already exists")
        for fld in self.unique.get(dt, []):
            if body.get(fld) not in (None, "") and any(d.get(fld) == body[fld] for d in self.docs[dt].values()):
                raise FakeApiError(417, "UniqueValidationError", f"{fld} must be unique")
        self._check_links(dt, body)
        doc = {"name": name, "docstatus": body.pop("docstatus", 0), "modified": "2026-12-07 10:00:00"}
        for key, value in body.items():
            rows = isinstance(value, list)
            doc[key] = [self._row(dt, key, r, i, doc) for i, r in enumerate(value)] if rows else value
        self.docs[dt][name] = doc
        return name

    def _row(self, dt: str, table: str, row: dict, i: int, doc: dict) -> dict:
        old = {r["name"]: r for r in doc.get(table) or [] if isinstance(r, dict) and "name" in r}
        name = row.get("name") if row.get("name") in old else f"row-{next(self._seq)}"
        return {**{k: v for k, v in row.items()}, "name": name, "idx": i + 1, "parent": doc["name"]}

    def _check_links(self, dt: str, body: dict) -> None:
        for (ldt, field), target in self.links.items():
            if ldt == dt and body.get(field) not in (None, ""):
                try:
                    self._doc(target, body[field])
                except ApiError:
                    raise FakeApiError(417, "LinkValidationError", f"Could not find {target}: {body[field]}") from None
