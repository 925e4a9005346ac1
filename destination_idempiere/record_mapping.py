"""Record -> write body: case-insensitive field matching, dropped fields, value normalisation.

Warehouses lower-case names (PyAirbyte's DuckDB cache turns ``IsActive`` into ``isactive``), while the
server accepts only the exact ColumnName (or its ``toPropertyName`` form) in write bodies (spec §2.5).
So fields are matched case-insensitively against the table's YAML columns and sent under the exact
ColumnName. A field matching no column rejects the record (never a silent loss), unless it holds a list and the
mapper was given a ``NestedRows`` (``child_rows.ChildMapper``): then the list may be child rows (spec §7.4).
What it builds (``PreparedRecord``, ``KeyField``) is defined in ``prepared_record``, shared by the later stages.
"""
from __future__ import annotations

import hashlib
import json
import logging
import uuid
from dataclasses import dataclass
from typing import Any, Protocol

from destination_idempiere.prepared_record import KeyField, PreparedRecord
from destination_idempiere.values import CLEAR_FK, DROP, FkRef, WriteContext, is_uuid, normalize
from erp_airbyte.destination.protocols import RecordRejected
from idempiere_client.metadata import ColumnMeta, TableMeta

# Maintained by the server; echoing them back is at best useless and at worst a 400 (§7.2 guidance).
SERVER_MAINTAINED = frozenset({"created", "createdby", "updated", "updatedby", "processed", "processing", "posted"})
# Envelope keys of read records (§6.1) and of REST views/labels; never columns.
ENVELOPE_FIELDS = frozenset({"id", "uid", "model-name", "view-name", "assigned-labels", "doc-processmsg", "doc-action"})
DROPPED_PREFIXES = ("_airbyte_", "_ab_cdc_")
IDENTIFIER_SUFFIX = "_identifier"
CDC_DELETED_AT = "_ab_cdc_deleted_at"  # set on the source's tombstones (rows deleted in the source)
UU_NAMESPACE = uuid.UUID("5b0f7c1e-2f7a-4d8e-9a53-3a1f0d6c9e21")  # fixed: <Table>_UU must be stable across runs
_UU_NAMESPACE_SHA1 = hashlib.sha1(UU_NAMESPACE.bytes, usedforsecurity=False)  # uuid5's hash, namespace fed once
# json.dumps(list(key), sort_keys=True, default=str, separators=(",", ":")) without building an encoder per call
_KEY_JSON = json.JSONEncoder(sort_keys=True, default=str, separators=(",", ":"))
_json_string = json.encoder.encode_basestring_ascii  # json.dumps(str) with the default ensure_ascii
_VARIANT = "89ab"


class NestedRows(Protocol):
    """Maps a list field that matches no column into ``rec.children`` (``child_rows.ChildMapper``), or raises
    ``RecordRejected``: the field names no table that can hold child rows, or a child row does not map."""

    def take(self, rec: PreparedRecord, name: str, value: list) -> None: ...


def deterministic_uu(stream: str, key: tuple) -> str:
    """uuid5 of (stream, key): a rerun of the same input inserts the same ``<Table>_UU`` (spec §12).

    Equal to ``str(uuid.uuid5(UU_NAMESPACE, name))`` (unit-tested), computed without the ``UUID`` object.
    """
    if len(key) == 1 and type(key[0]) is str:  # the usual key: what json.dumps writes for ["text"]
        text = "[" + _json_string(key[0]) + "]"
    else:
        text = _KEY_JSON.encode(list(key))
    sha = _UU_NAMESPACE_SHA1.copy()
    sha.update((stream.lower() + "\x1f" + text).encode("utf-8"))
    h = sha.hexdigest()
    # the first 16 bytes, with the version nibble set to 5 and the variant bits to 10 (RFC 4122)
    return f"{h[:8]}-{h[8:12]}-5{h[13:16]}-{_VARIANT[int(h[16], 16) & 3]}{h[17:20]}-{h[20:32]}"


# What ``prepare`` does with a field (see ``RecordMapper._plan_for``)
_COLUMN, _DROP, _ID, _UID, _DELETED, _IDENTIFIER_ONLY, _UNKNOWN = (
    "column", "drop", "id", "uid", "deleted", "identifier-only", "unknown")
_MAX_PLANS = 256  # distinct field-name sets remembered per stream
_MAX_FK_FORMS = 4096  # parsed FK values remembered per stream
_IDENTIFIER_OBJECT = object()  # marks ``{"identifier": v}`` in that memo (no plain value can equal it)


@dataclass
class _FieldPlan:
    """Per field (in record order): (action, column, name of its ``X_identifier`` field or None)."""

    steps: tuple[tuple[str, ColumnMeta | None, str | None], ...]
    dropped: tuple[str, ...]
    noted: bool = False  # dropped names logged (after the first record mapped without rejection)


class RecordMapper:
    """Maps the records of one stream onto one table.

    Args:
        meta: the target table.
        stream: stream name (for messages and ``<Table>_UU``).
        key_names: primary-key field names from the configured catalog (empty: no key).
        ctx: date-time conventions of the server generation.
        deterministic_uu: derive ``<Table>_UU`` from the key (upsert modes); random otherwise.
        logger: the dropped-field note is logged once per stream (and once more per new field).
        keyless_inserts: with an ``id``/``uid`` key, a record without one is a new row (upsert mode);
            its ``<Table>_UU`` is then derived from its content, so rerunning the same input finds it.
        key_required: whether an empty key value rejects the record. ``append`` never looks rows up, so
            there the key only labels reports and an empty one is no reason to refuse a row.
        nested: maps list fields that match no column as child rows (None: they are rejected).

    Raises:
        RecordRejected: never from ``__init__``; ValueError when a key field is not a column.
    """

    def __init__(self, meta: TableMeta, stream: str, key_names: list[str], ctx: WriteContext,
                 deterministic_uu: bool, logger: logging.Logger, keyless_inserts: bool = False,
                 key_required: bool = True, nested: NestedRows | None = None):
        self.meta = meta
        self.nested = nested
        self.key_required = key_required
        self.stream = stream
        self.ctx = ctx
        self.deterministic = deterministic_uu
        self.keyless_inserts = keyless_inserts
        self.logger = logger
        self.key_fields = [self._key_field(name) for name in key_names]
        self._keyless_possible = keyless_inserts and all(k.role in ("id", "uid") for k in self.key_fields)
        self._logged_drops: set[str] = set()
        self._plans: dict[tuple[str, ...], _FieldPlan] = {}
        self._fk_forms: dict[tuple, Any] = {}
        self._id_names = {"id"} | ({meta.key_column.lower()} if meta.key_column else set())
        self._uid_names = {"uid"} | ({meta.uu_column.lower()} if meta.uu_column else set())

    def _key_field(self, name: str) -> KeyField:
        low = name.lower()
        if low == "id" or (self.meta.key_column and low == self.meta.key_column.lower()):
            if not self.meta.key_column:
                raise ValueError(f"primary key 'id' of stream {self.stream!r}: table {self.meta.name} has no integer key")
            return KeyField(name, "id")
        if low == "uid" or (self.meta.uu_column and low == self.meta.uu_column.lower()):
            if not self.meta.uu_column:
                raise ValueError(f"primary key 'uid' of stream {self.stream!r}: table {self.meta.name} has no _UU column")
            return KeyField(name, "uid")
        col = self.meta.column_ci(name)
        if col is None:
            raise ValueError(f"primary key field {name!r} of stream {self.stream!r} is not a column of {self.meta.name}")
        return KeyField(col.name, "column", col)

    # ---- main entry ---------------------------------------------------------------------------
    def prepare(self, seq: int, data: dict[str, Any]) -> PreparedRecord:
        """Map one record.

        Raises:
            RecordRejected: unknown field, value that does not fit its column, missing key value.
        """
        rec = PreparedRecord(seq=seq, stream=self.stream, data=data)
        names = tuple(data)
        plan = self._plans.get(names)
        if plan is None:
            plan = self._plan_for(names)
        for (name, value), (action, col, extra) in zip(data.items(), plan.steps):
            if action is _COLUMN:
                self._map_value(rec, col, value, data[extra] if extra is not None else None)
            elif action is _DROP:
                continue
            elif action is _ID:
                rec.record_id = self._record_id(name, value)
            elif action is _UID:
                rec.record_uid = self._record_uid(name, value)
            elif action is _DELETED:
                if value not in (None, ""):
                    rec.deleted = True
            elif action is _IDENTIFIER_ONLY:
                self._map_value(rec, col, None, value)  # only the identifier was given
            elif self.nested is not None and isinstance(value, list):
                self.nested.take(rec, name, value)  # child rows (spec §7.4)
            else:
                raise RecordRejected(f"field {name!r} matches no column of table {self.meta.name}")
        if not plan.noted:
            self._note_drops(plan.dropped)
            plan.noted = True
        rec.key = self._key(rec)
        if self.meta.uu_column:
            if rec.record_uid and any(k.role == "uid" for k in self.key_fields):
                rec.uu = rec.record_uid  # keep the source row's UUID when it is the key
            elif self.deterministic and rec.key is not None:
                rec.uu = deterministic_uu(self.stream, rec.key)
            elif self.deterministic and rec.new_row:
                content = sorted([*((k, v) for k, v in rec.values.items()),
                                  *((k, r.describe()) for k, r in rec.fk_refs.items())], key=lambda kv: kv[0])
                rec.uu = deterministic_uu(self.stream, ("content", *content))
            else:
                rec.uu = str(uuid.uuid4())
        return rec

    def _plan_for(self, names: tuple[str, ...]) -> _FieldPlan:
        """What to do with each field of records that have exactly these field names (cached: a stream's
        records nearly always share them, so names are matched once, not once per record)."""
        lower = {k.lower(): k for k in names}
        steps: list[tuple[str, ColumnMeta | None, str | None]] = []
        dropped: list[str] = []
        for name in names:
            low = name.lower()
            if low.startswith(DROPPED_PREFIXES) or low in ENVELOPE_FIELDS or low in SERVER_MAINTAINED:
                if low == "id" or low in self._id_names:
                    steps.append((_ID, None, None))
                elif low == "uid" or low in self._uid_names:
                    steps.append((_UID, None, None))
                elif low == CDC_DELETED_AT:
                    steps.append((_DELETED, None, None))
                else:
                    steps.append((_DROP, None, None))
                dropped.append(name)
                continue
            if low in self._id_names:
                steps.append((_ID, None, None))
                dropped.append(name)
                continue
            if low in self._uid_names:
                steps.append((_UID, None, None))
                dropped.append(name)
                continue
            col = self.meta.column_ci(name)
            if col is None:
                base = self._identifier_base(low)
                if base is not None:
                    dropped.append(name)  # consumed with its column (flattened FK pair) or informational
                    base_col = self.meta.column_ci(base)
                    if base not in lower and base_col is not None and base_col.kind in ("fk", "list"):
                        steps.append((_IDENTIFIER_ONLY, base_col, None))
                    else:
                        steps.append((_DROP, None, None))
                    continue
                steps.append((_UNKNOWN, None, None))
                continue
            steps.append((_COLUMN, col, lower.get(low + IDENTIFIER_SUFFIX)))  # with its X_identifier, if any
        if len(self._plans) >= _MAX_PLANS:
            self._plans.clear()
        plan = self._plans[names] = _FieldPlan(tuple(steps), tuple(dropped))
        return plan

    def _identifier_base(self, low: str) -> str | None:
        if low.endswith(IDENTIFIER_SUFFIX):
            base = low[: -len(IDENTIFIER_SUFFIX)]
            if self.meta.column_ci(base) is not None or base in self._id_names:
                return base
        return None

    def _map_value(self, rec: PreparedRecord, col: ColumnMeta, value: Any, companion: Any) -> None:
        if col.read_only:
            # AD_Client_ID is the session tenant; on insert the server checks it (403 for another tenant),
            # on update it is never changed. Other read-only columns are audit columns (dropped above).
            if col.name.lower() != "ad_client_id" or value is None:
                return
        if value is None and (companion in (None, "") or col.kind not in ("fk", "list")):
            if col.kind == "fk":
                rec.values[col.name] = CLEAR_FK
            return  # JSON null is not sent for other columns: absent = unchanged / server default
        if value is None and col.kind == "list":
            value = companion  # a label; mapped to its code below
        if col.kind == "fk":
            out = self._fk_value(col, value, companion)
        else:
            try:
                out = normalize(col, value, self.ctx, companion)
            except ValueError as exc:
                raise RecordRejected(f"column {col.name}: {exc}") from None
        if out is DROP:
            return
        if isinstance(out, FkRef):
            rec.fk_refs[col.name] = out
        else:
            rec.values[col.name] = out

    def _fk_value(self, col: ColumnMeta, value: Any, companion: Any) -> Any:
        """``normalize`` for an FK column, remembered per (column, value, identifier) for the plain forms
        (a string, an int, ``{"identifier": ...}``): a stream repeats the same few references."""
        kind = type(value)
        key: tuple | None = None
        if kind is dict:
            ident = value.get("identifier")
            if len(value) == 1 and type(ident) is str and companion is None:
                key = (col.name, _IDENTIFIER_OBJECT, ident)
        elif (kind is str or kind is int) and (companion is None or type(companion) is str):
            key = (col.name, value, companion)  # bool is not int here, so True never meets 1
        if key is not None:
            out = self._fk_forms.get(key)
            if out is not None:
                return out
        try:
            out = normalize(col, value, self.ctx, companion)
        except ValueError as exc:
            raise RecordRejected(f"column {col.name}: {exc}") from None
        if key is not None:
            if len(self._fk_forms) >= _MAX_FK_FORMS:
                self._fk_forms.clear()
            self._fk_forms[key] = out  # an int, a string or a frozen FkRef: safe to share between records
        return out

    def _record_id(self, name: str, value: Any) -> int | None:
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            raise RecordRejected(f"field {name!r}: {value!r} is not an id")
        try:
            return int(str(value).strip())
        except ValueError:
            raise RecordRejected(f"field {name!r}: {value!r} is not an integer id") from None

    def _record_uid(self, name: str, value: Any) -> str | None:
        if value is None or value == "":
            return None
        if not is_uuid(value):
            raise RecordRejected(f"field {name!r}: {value!r} is not a UUID")
        return value.strip()

    def _key(self, rec: PreparedRecord) -> tuple | None:
        if not self.key_fields:
            return None
        if (self._keyless_possible and not rec.deleted
                and rec.record_id is None and rec.record_uid is None):
            rec.new_row = True
            return None
        out = []
        for kf in self.key_fields:
            if kf.role == "id":
                value: Any = rec.record_id
            elif kf.role == "uid":
                value = rec.record_uid
            else:
                value = rec.values.get(kf.column.name)
                ref = rec.fk_refs.get(kf.column.name)
                if ref is not None:
                    value = ref.value if ref.form != "pair" else ref.pair_id
                if value == CLEAR_FK and kf.column.kind == "fk":
                    value = None
            if value is None or value == "":
                if not self.key_required:
                    return None
                raise RecordRejected(f"primary key field {kf.name!r} is empty")
            out.append(value)
        return tuple(out)

    def raw_key(self, data: dict[str, Any]) -> tuple | None:
        """Key values straight from the data (for reporting records rejected before mapping finished)."""
        if not self.key_fields:
            return None
        lower = {k.lower(): v for k, v in data.items()}
        out = []
        for kf in self.key_fields:
            if kf.role == "id":
                value = lower.get("id", lower.get((self.meta.key_column or "").lower()))
            elif kf.role == "uid":
                value = lower.get("uid", lower.get((self.meta.uu_column or "").lower()))
            else:
                value = lower.get(kf.column.name.lower())
            if isinstance(value, dict):
                value = value.get("id", value.get("identifier"))
            out.append(value)
        return tuple(out)

    def _note_drops(self, dropped: list[str]) -> None:
        new = [d for d in dropped if d.lower() not in self._logged_drops]
        if not new:
            return
        self._logged_drops.update(d.lower() for d in new)
        self.logger.info(
            "Stream %s: not sent as columns (server-maintained, envelope or used for lookups only): %s",
            self.stream, ", ".join(sorted(new, key=str.lower)),
        )
