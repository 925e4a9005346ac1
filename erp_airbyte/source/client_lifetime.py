"""The ERP client of one read: closed whatever happens, its request counts logged when the read ends cleanly.

A source's ``read`` is a generator: it may end normally, fail in its set-up or in a stream, or be closed
early by the caller. In each case the client (its pooled connections, an iDempiere login token) must be
released; only a read that ran to its end has request counts worth a log line.
"""
from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any, Protocol, TypeVar


class ClosableClient(Protocol):
    """What the read needs of an ERP client here: its request counters and ``close``."""

    @property
    def stats(self) -> Mapping[str, Any]:
        """Request counters (requests, retries, ...), logged after the read."""
        ...

    def close(self) -> None:
        """Release connections and log out (best effort)."""
        ...


C = TypeVar("C", bound=ClosableClient)


@contextmanager
def closing_client(client: C, logger: logging.Logger) -> Iterator[C]:
    """``with closing_client(client, logger):`` around a read's set-up and messages (see the module docstring)."""
    try:
        yield client
    finally:
        client.close()
    logger.info(f"Requests: {client.stats}")
