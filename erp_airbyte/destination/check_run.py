"""The server part of a destination's ``check``: one shape for every ERP.

A check that reaches the server must answer with a status, never a traceback: a sentence from a step (what
``write`` would refuse, e.g. a table that has no documents) or any ``ErpError`` (bad credentials, no API, a
server that did not answer) is a failed check with that message; the client is closed whatever happens.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from airbyte_cdk.models import AirbyteConnectionStatus, Status

from erp_http.errors import ErpError


class Closable(Protocol):
    """What ``checked`` needs of an ERP client."""

    def close(self) -> None:
        """Release connections and log out (best effort)."""
        ...


def checked(client: Closable, steps: Callable[[], str | None]) -> AirbyteConnectionStatus:
    """Run ``steps`` (returning a problem sentence, or None when all is well) against ``client``."""
    try:
        problem = steps()
    except ErpError as exc:
        problem = str(exc)
    finally:
        client.close()
    if problem:
        return AirbyteConnectionStatus(status=Status.FAILED, message=problem)
    return AirbyteConnectionStatus(status=Status.SUCCEEDED)
