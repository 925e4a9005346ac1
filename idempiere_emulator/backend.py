"""Backend facade: everything below HTTP (moto-style model layer; never sees HTTP).

The protocol layer (handlers.py) calls these methods with a ``Session`` and raises nothing
itself: every API error comes out of here as ``EmulatorError`` (docs/architecture.md).
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Iterator

from .errors import EmulatorError
from .options import EmulatorOptions
from .session import Session


@dataclass
class QueryResult:
    """One collection page (spec §3.1); records are already serialized (§6)."""

    records: list[dict] = field(default_factory=list)
    row_count: int = 0
    records_size: int = 0


class Backend:
    """Emulated iDempiere data layer: catalog + SQLite store + query/serialize/write logic."""

    def __init__(self, options: EmulatorOptions) -> None:
        self.options = options

    # ---- models -------------------------------------------------------------------------
    def list_models(self, session: Session, filter: str | None = None) -> list[dict]:
        raise NotImplementedError

    def table_yaml(self, session: Session, table: str) -> str:
        raise NotImplementedError

    def query(self, session: Session, table: str, *, filter: str | None = None,
              orderby: str | None = None, select: str | None = None, top: int = 0,
              skip: int = 0, expand: str | None = None) -> QueryResult:
        raise NotImplementedError

    def get_record(self, session: Session, table: str, record_id: str, *,
                   select: str | None = None, expand: str | None = None) -> dict:
        raise NotImplementedError

    def get_record_column(self, session: Session, table: str, record_id: str, column: str) -> dict:
        raise NotImplementedError

    def create(self, session: Session, table: str, body: dict) -> dict:
        raise NotImplementedError

    def update(self, session: Session, table: str, record_id: str, body: dict) -> dict:
        raise NotImplementedError

    def delete(self, session: Session, table: str, record_id: str) -> dict:
        raise NotImplementedError

    @contextmanager
    def transaction(self) -> Iterator[None]:
        raise NotImplementedError
        yield

    # ---- control ------------------------------------------------------------------------
    def touch(self, table: str, ids: list[int] | None = None, count: int | None = None) -> int:
        raise NotImplementedError

    def insert_raw(self, table: str, rows: list[dict]) -> list[int]:
        raise NotImplementedError

    def hard_delete(self, table: str, ids: list[int]) -> int:
        raise NotImplementedError

    def count(self, table: str) -> int:
        raise NotImplementedError

    def sql(self, query: str, params: tuple | list = ()) -> list[tuple]:
        raise NotImplementedError

    def close(self) -> None:
        """Release the SQLite connection (the server calls it on shutdown)."""


__all__ = ["Backend", "QueryResult", "EmulatorError"]
