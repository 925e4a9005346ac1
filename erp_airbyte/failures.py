"""Client errors -> Airbyte errors: the one mapping from ``erp_http``'s taxonomy to a ``FailureType``.

The failure type decides what the platform does: a config error asks the user to fix the connection
(no retry), a transient error is retried, a system error is a bug or an unexpected server answer.

* ``ConfigurationError`` (bad URL, password, role...) and an ``ApiError`` 403 (the role may not read or
  write a table: the user grants access or deselects it) -> ``config_error``;
* ``TransientError`` (retries exhausted) -> ``transient_error``;
* anything else -> ``system_error``.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, TypeVar

from airbyte_cdk.models import FailureType, StreamDescriptor
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from erp_http.errors import ApiError, ConfigurationError, TransientError

T = TypeVar("T")


def failure_type(exc: BaseException) -> FailureType:
    """The Airbyte failure type of a client error (see the module docstring)."""
    if isinstance(exc, AirbyteTracedException) and exc.failure_type is not None:
        return exc.failure_type
    if isinstance(exc, ConfigurationError) or (isinstance(exc, ApiError) and exc.is_access_denied):
        return FailureType.config_error
    if isinstance(exc, TransientError):
        return FailureType.transient_error
    return FailureType.system_error


def config_error(cause: Exception | str) -> AirbyteTracedException:
    """A user-actionable error (never a traceback for the user): an exception's text, or a message."""
    if isinstance(cause, str):
        return AirbyteTracedException(message=cause, internal_message=cause, failure_type=FailureType.config_error)
    return AirbyteTracedException(message=str(cause), internal_message=repr(cause),
                                  failure_type=FailureType.config_error, exception=cause)


def parsed_config(parse: Callable[[Mapping[str, Any]], T], config: Mapping[str, Any]) -> T:
    """``parse(config)`` (a connector's ``Options.from_airbyte``); a ``ConfigurationError`` becomes ``config_error``."""
    try:
        return parse(config)
    except ConfigurationError as exc:
        raise config_error(exc) from None


def traced(exc: Exception, message: str) -> AirbyteTracedException:
    """``exc`` as an Airbyte error with ``message`` for the user and the mapped failure type."""
    return AirbyteTracedException(message=message, internal_message=repr(exc), failure_type=failure_type(exc),
                                  exception=exc)


@contextmanager
def setup_errors(unreliable: str) -> Iterator[None]:
    """Errors of a connector's set-up steps (login, metadata, discovery) as Airbyte errors, never tracebacks.

    A ``ConfigurationError`` or ``ApiError`` -> ``config_error`` (the user fixes the config or the role's
    access); a ``TransientError`` -> ``"<unreliable> (<error>)"`` as a transient error (the platform retries).
    """
    try:
        yield
    except (ConfigurationError, ApiError) as exc:
        raise config_error(exc) from None
    except TransientError as exc:
        raise traced(exc, f"{unreliable} ({exc})") from None


def stream_failure(exc: Exception, stream: str) -> AirbyteTracedException:
    """A failed stream's error (``Stream <name> failed: ...``); an Airbyte error passes through as it is."""
    if isinstance(exc, AirbyteTracedException):
        return exc
    return AirbyteTracedException(
        message=f"Stream {stream} failed: {exc}", internal_message=repr(exc), failure_type=failure_type(exc),
        exception=exc, stream_descriptor=StreamDescriptor(name=stream),
    )


# Attempts per request in every connector's ``check`` (a sync's sender makes 6): "Test connection" is a person
# waiting at a form, so a server that is down is reported in seconds, while one blip is still tolerated.
CHECK_MAX_ATTEMPTS = 3


def unreachable_check(url: str, exc: TransientError, fix: str) -> str:
    """A failed check's message for a server that gave no reliable answer.

    Reported as a failed check, not as a config error: a server that is down may come back.
    """
    return f"Could not get a reliable answer from {url}: {str(exc).rstrip('.')}. {fix}"
