"""The frame of a destination's ``write``: one shape for every ERP.

A write must fail as an Airbyte error, never a traceback, and must not leave a client open: the config is parsed
(a bad one is a ``config_error`` before anything is opened), the streams are planned (an unsupported mode is
refused before anything is written), then the ERP's client is opened and the ERP's write runs inside a guard
that turns any ``ErpError`` into an Airbyte error in the ERP's wording (``WriteFailureWording``) and closes the
client however the write ends: finished, failed, or stopped by its consumer (a generator closed early).
The failure type always comes from ``erp_airbyte.failures``; only the sentences are the ERP's.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from airbyte_cdk.models import AirbyteMessage, FailureType

from erp_airbyte.destination.check_run import Closable
from erp_airbyte.failures import failure_type, parsed_config, traced
from erp_http.errors import ErpError

Options = TypeVar("Options")
Connection = TypeVar("Connection")
Plans = TypeVar("Plans")
Client = TypeVar("Client", bound=Closable)


def _user_fixes(exc: ErpError) -> bool:
    """A failure the user fixes (bad config, a role without access) is told in the error's own words."""
    return failure_type(exc) is FailureType.config_error


@dataclass(frozen=True)
class WriteFailureWording:
    """An ERP's sentences for a write that fails as a whole.

    ``in_own_words(exc)``: the error's text is the whole message (by default every failure the user fixes);
    otherwise a server that gave no reliable answer reads ``"<unreliable>: <error>"`` and any other failure
    ``"<failed>: <error>"``.
    """

    unreliable: str
    failed: str
    in_own_words: Callable[[ErpError], bool] = _user_fixes

    def message(self, exc: ErpError) -> str:
        """What the user reads when ``exc`` ends the write."""
        if self.in_own_words(exc):
            return str(exc)
        if failure_type(exc) is FailureType.transient_error:
            return f"{self.unreliable}: {exc}"
        return f"{self.failed}: {exc}"


def guarded_write(
    config: Mapping[str, Any], *,
    parse_options: Callable[[Mapping[str, Any]], Options],
    parse_connection: Callable[[Mapping[str, Any]], Connection],
    plan: Callable[[Options], Plans],
    open_client: Callable[[Connection, Options], Client],
    write: Callable[[Client, Options, Plans], Iterable[AirbyteMessage]],
    wording: WriteFailureWording,
) -> Iterator[AirbyteMessage]:
    """``write(client, options, plans)``'s messages, in the frame the module docstring describes.

    Raises:
        AirbyteTracedException: a bad config or catalog (``config_error``, before the client is opened); an
            ``ErpError`` during the write, with ``wording``'s message; an Airbyte error the write raised, as is.
    """
    options = parsed_config(parse_options, config)
    connection = parsed_config(parse_connection, config)
    plans = plan(options)
    client = open_client(connection, options)
    try:
        yield from write(client, options, plans)
    except ErpError as exc:
        raise traced(exc, wording.message(exc)) from None
    finally:
        client.close()
