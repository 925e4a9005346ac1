"""Finding the stored document of each record by the stream's key (``name`` or a unique field).

By ``name``: one GET of the document (404 = not there); the GET is needed anyway, because an update is
compared with the stored document and its child rows. By another field: ``in`` lookups of up to
``LOOKUP_CHUNK`` values (``fields=["name", key]``), then one GET per found document. The server
compares (case-insensitive collation); rows are attributed to input values exactly, else by case
folding. More than one document per value is an "ambiguous key" reject.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from destination_frappe.api import FrappeApi, reason_of
from destination_frappe.doctype import TargetDocType
from destination_frappe.links import ParallelMap
from destination_frappe.payload import PreparedRecord
from frappe_client.errors import ApiError, UnsafeFilterValue

LOOKUP_CHUNK = 100  # values per `in` filter: a GET query string stays far below proxies' 8 kB line limit


@dataclass(frozen=True)
class Hit:
    doc: dict[str, Any] | None = None
    error: str | None = None


class KeyFinder:
    """Finds stored documents by ``key_field``; a record without a key value is found by ``ext_field`` when
    it carries one, else (``keyless_inserts``, i.e. ``append_dedup``) it is new: PyAirbyte's ``merge`` of
    rows made in the warehouse sends them without ``name``."""

    def __init__(self, api: FrappeApi, dt: TargetDocType, key_field: str, pmap: ParallelMap, *,
                 ext_field: str | None = None, keyless_inserts: bool = False):
        self.api = api
        self.dt = dt
        self.key_field = key_field
        self.ext_field = ext_field
        self.keyless_inserts = keyless_inserts
        self.pmap = pmap

    def find(self, recs: Sequence[PreparedRecord]) -> dict[int, Hit]:
        """Record seq -> its stored document (``doc`` None when there is none) or an error reason."""
        out: dict[int, Hit] = {}
        by_field: dict[str, list[tuple[PreparedRecord, Any]]] = {}
        for rec in recs:
            ext = rec.body.get(self.ext_field) if self.ext_field else None
            if rec.key_value not in (None, ""):
                by_field.setdefault(self.key_field, []).append((rec, rec.key_value))
            elif ext not in (None, ""):
                by_field.setdefault(self.ext_field or "", []).append((rec, ext))
            elif self.keyless_inserts:
                out[rec.seq] = Hit()
            else:
                out[rec.seq] = Hit(error=f"key field {self.key_field!r} is empty: the document to change cannot be "
                                         f"found")
        for fieldname, pairs in by_field.items():
            names = self._names(fieldname, list(dict.fromkeys(v for _, v in pairs)))
            to_get = list(dict.fromkeys(n for n in names.values() if isinstance(n, (str, int))))
            docs = dict(zip(to_get, self.pmap(self._get, to_get), strict=True))
            for rec, value in pairs:
                found = names[value]
                out[rec.seq] = found if isinstance(found, Hit) else Hit() if found is None else docs[found]
        return out

    def _get(self, name: Any) -> Hit:
        try:
            return Hit(doc=self.api.get_doc(self.dt.name, name))
        except ApiError as exc:  # a refusal (403) rejects the records with this key
            return Hit(error=f"reading the stored {self.dt.name} {name!r} failed: {exc.reason}")

    def _names(self, fieldname: str, values: list[Any]) -> dict[Any, Any]:
        """value -> stored name, None (no document) or a Hit carrying an error."""
        if fieldname == "name":
            return {v: v for v in values}
        chunks = [values[i:i + LOOKUP_CHUNK] for i in range(0, len(values), LOOKUP_CHUNK)]
        out: dict[Any, Any] = {}
        for part in self.pmap(lambda chunk: self._lookup_chunk(fieldname, chunk), chunks):
            out.update(part)
        return out

    def _lookup_chunk(self, fieldname: str, values: list[Any]) -> dict[Any, Any]:
        limit = 2 * len(values) + 1
        try:
            rows = self.api.find(self.dt.name, [(fieldname, "in", values)], ["name", fieldname], limit)
        except (ApiError, UnsafeFilterValue) as exc:
            error = Hit(error=f"looking up {fieldname} in {self.dt.name} failed: {reason_of(exc) or exc}")
            return {v: error for v in values}
        if len(rows) >= limit and len(values) > 1:  # a very duplicated key: ask value by value
            out: dict[Any, Any] = {}
            for v in values:
                out.update(self._lookup_chunk(fieldname, [v]))
            return out
        return {v: self._attribute(fieldname, v, rows) for v in values}

    def _attribute(self, fieldname: str, value: Any, rows: list[dict[str, Any]]) -> Any:
        exact = [r for r in rows if r.get(fieldname) == value]
        matches = exact or [r for r in rows if str(r.get(fieldname)).casefold() == str(value).casefold()]
        if len(matches) > 1:
            return Hit(error=f"ambiguous key: {len(matches)} {self.dt.name} documents have {fieldname} = "
                             f"{value!r} ({', '.join(str(r['name']) for r in matches[:5])}); the key must be unique")
        return matches[0]["name"] if matches else None

