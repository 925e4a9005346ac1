"""The one thing an ERP source supplies to the shared read pipeline: a reader per table.

The pipeline (``pipeline.py``) turns what a reader yields into Airbyte messages; a reader knows only
its ERP (how a page is requested, how a row is converted, what its cursor means) and never builds an
Airbyte message. The contract is a sequence of ``Batch`` objects:

* ``rows`` are emitted as RECORD messages, in order;
* ``notes`` become log lines (``Stream <name>: <note>``) after those rows;
* ``state`` (optional) is emitted as the stream's STATE *after* those rows, so it may only cover rows
  of this batch and earlier batches. A reader that reads parts of a table in parallel must still
  yield a state no further than what it has already yielded (``windows.contiguous_checkpoint``).

``incremental`` receives the stream's saved state (``{}`` on a first sync) and must end with a batch
whose ``state`` is the final one; ``full_refresh`` yields no state at all (the pipeline emits the
CDK's "no cursor" state when it ends). A reader reports a failure by raising: the pipeline marks that
stream INCOMPLETE with the mapped error while the other streams go on.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass
class Batch:
    """One page worth of output: converted rows, then (optionally) the state to emit after them."""

    rows: list[dict[str, Any]]
    state: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)


class TableReader(Protocol):
    """Reads one table of one ERP as batches of rows plus state (see the module docstring)."""

    def incremental(self, state: Mapping[str, Any]) -> Iterable[Batch]:
        """Rows changed since ``state`` (``{}``: from the configured start); the last batch has the final state."""
        ...

    def full_refresh(self) -> Iterable[Batch]:
        """Every row of the table; batches carry no state."""
        ...
