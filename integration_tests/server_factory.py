"""Factory fixtures for in-process emulators: start as many as a test asks for, stop every one at teardown."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, Protocol, TypeVar


class Stoppable(Protocol):
    def stop(self) -> Any: ...


S = TypeVar("S", bound=Stoppable)


def started_servers(start: Callable[..., S]) -> Iterator[Callable[..., S]]:
    """Yield ``make(**kwargs) -> start(**kwargs)`` (a started server); afterwards stop each one it made.

    A fixture body: ``yield from started_servers(lambda **kw: XEmulator(XOptions(**kw)).start())``.
    """
    started: list[S] = []

    def make(**kwargs: Any) -> S:
        server = start(**kwargs)
        started.append(server)
        return server

    yield make
    for server in started:
        server.stop()
