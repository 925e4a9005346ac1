"""What a record becomes on its way to the server: ``PreparedRecord`` (and its nested ``ChildRows``), ``KeyField``.

``record_mapping.RecordMapper`` builds them; FK resolution, row lookup, child sync, write requests and the
post-write processes read and fill them. They live apart from the mapper so those stages depend on the shape
of a prepared record, not on how one is mapped.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from destination_idempiere.values import FkRef
from idempiere_client.metadata import ColumnMeta, TableMeta


@dataclass(frozen=True)
class KeyField:
    """One primary-key field of the stream: ``id``, ``uid`` or a column."""

    name: str  # as configured in the catalog
    role: str  # "id" | "uid" | "column"
    column: ColumnMeta | None = None


@dataclass
class PreparedRecord:
    """A record mapped to exact column names, FKs still possibly unresolved.

    Attributes:
        values: exact ColumnName -> JSON value (``-1`` clears an FK).
        fk_refs: ColumnName -> reference to resolve (its column is absent from ``values`` until resolved).
        key: primary-key values as received (None for streams without a key).
        record_id / record_uid: the ``id``/``uid`` fields (or key/_UU columns) of the record, if any.
        uu: ``<Table>_UU`` sent on insert (deterministic per key, else random, kept for retry checks).
    """

    seq: int
    stream: str
    data: dict[str, Any]
    values: dict[str, Any] = field(default_factory=dict)
    fk_refs: dict[str, FkRef] = field(default_factory=dict)
    key: tuple | None = None
    record_id: int | None = None
    record_uid: str | None = None
    uu: str | None = None
    new_row: bool = False  # upsert keyed by id/uid without one: a row the warehouse has not seen an id for
    deleted: bool = False  # a tombstone (``_ab_cdc_deleted_at`` set): deactivate the row, never insert it
    children: list[ChildRows] = field(default_factory=list)  # nested child arrays (child_rows.py), in field order

    _group: Any = field(default=None, init=False, repr=False, compare=False)

    @property
    def group_key(self) -> Any:
        """What makes two records "the same row" within a run (key, else the content UUID).

        Taken once, when first asked for (after ``RecordMapper.prepare`` has set ``key`` and ``uu``)."""
        group = self._group
        if group is None:
            group = self._group = repr(self.key) if self.key is not None else self.uu
        return group


@dataclass
class ChildRows:
    """One nested child array of a record (spec §7.4): rows of the child ``table``, mapped like its records."""

    field: str  # as received (reasons name it)
    table: TableMeta  # matched case-insensitively, sent under its exact name
    link: str  # the child's column holding the parent's key: set by the server, never sent
    rows: list[PreparedRecord]  # their own ``children`` are grandchildren
