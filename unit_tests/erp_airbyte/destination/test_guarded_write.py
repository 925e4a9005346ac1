"""erp_airbyte.destination.guarded_write: a destination's write fails as an Airbyte error in the ERP's wording, and
its client is closed however the write ends."""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import pytest
from airbyte_cdk.models import AirbyteMessage, FailureType
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from erp_airbyte.destination.guarded_write import WriteFailureWording, guarded_write
from erp_airbyte.failures import config_error
from erp_airbyte.messages import log_message
from erp_http.errors import ApiError, ConfigurationError, ErpError, TransientError

WORDING = WriteFailureWording(unreliable="The ERP did not answer reliably", failed="Writing to the ERP failed")
FORBIDDEN = ApiError(403, "Forbidden", "role", "GET", "models/c_bpartner")


class Client:
    def __init__(self, connection: str, options: str) -> None:
        self.opened_with = (connection, options)
        self.closed = 0

    def close(self) -> None:
        self.closed += 1


class Run:
    """One guarded write whose ERP part yields ``messages`` and then raises ``fail`` (if given)."""

    def __init__(self, messages: list[AirbyteMessage], fail: BaseException | None = None,
                 wording: WriteFailureWording = WORDING) -> None:
        self.messages, self.fail = messages, fail
        self.client: Client | None = None
        self.planned_with: str | None = None
        self.write_finished = False
        self.wording = wording

    def _parse(self, part: str):
        def parse(config: Mapping[str, Any]) -> str:
            if config.get(f"bad_{part}"):
                raise ConfigurationError(f"{part} is wrong")
            return f"{part} of {config['name']}"
        return parse

    def _plan(self, options: str) -> list[str]:
        self.planned_with = options
        return ["plan"]

    def _open(self, connection: str, options: str) -> Client:
        self.client = Client(connection, options)
        return self.client

    def _write(self, client: Client, options: str, plans: list[str]) -> Iterator[AirbyteMessage]:
        assert (client, options, plans) == (self.client, "options of demo", ["plan"])
        try:
            yield from self.messages
            if self.fail is not None:
                raise self.fail
        finally:
            self.write_finished = True

    def __call__(self, **config: Any) -> Iterator[AirbyteMessage]:
        return guarded_write({"name": "demo", **config}, parse_options=self._parse("options"),
                             parse_connection=self._parse("connection"), plan=self._plan, open_client=self._open,
                             write=self._write, wording=self.wording)


def test_the_writes_messages_pass_through_and_the_client_is_closed_once() -> None:
    run = Run([log_message("one"), log_message("two")])
    out = run()
    assert run.client is None  # nothing is opened before the first message is asked for
    assert [m.log.message for m in out] == ["one", "two"]
    assert run.client is not None and run.client.opened_with == ("connection of demo", "options of demo")
    assert run.planned_with == "options of demo" and run.client.closed == 1


@pytest.mark.parametrize(("config", "message"), [
    ({"bad_options": True, "bad_connection": True}, "options is wrong"),  # options are parsed first
    ({"bad_connection": True}, "connection is wrong"),
])
def test_a_bad_config_is_a_config_error_before_the_client_is_opened(config, message) -> None:
    run = Run([log_message("never")])
    with pytest.raises(AirbyteTracedException) as err:
        list(run(**config))
    assert (err.value.failure_type, err.value.message) == (FailureType.config_error, message)
    assert run.client is None and run.planned_with is None


def test_a_refused_catalog_stops_before_the_client_is_opened() -> None:
    run = Run([log_message("never")])

    def refuse(options: str) -> list[str]:
        raise config_error("overwrite is not supported")
    run._plan = refuse  # type: ignore[method-assign]
    with pytest.raises(AirbyteTracedException, match="overwrite is not supported"):
        list(run())
    assert run.client is None


@pytest.mark.parametrize(("exc", "kind", "message"), [
    (ConfigurationError("Login failed"), FailureType.config_error, "Login failed"),
    (FORBIDDEN, FailureType.config_error, "GET models/c_bpartner: HTTP 403: Forbidden: role"),
    (TransientError("502 after 5 attempts"), FailureType.transient_error,
     "The ERP did not answer reliably: 502 after 5 attempts"),
    (ApiError(400, "Bad Request", "syntax", "GET", "models/c_bpartner"), FailureType.system_error,
     "Writing to the ERP failed: GET models/c_bpartner: HTTP 400: Bad Request: syntax"),
])
def test_an_erp_error_mid_write_is_an_airbyte_error_in_the_erps_wording(exc: ErpError, kind, message) -> None:
    run = Run([log_message("before")], fail=exc)
    out = run()
    assert next(out).log.message == "before"
    with pytest.raises(AirbyteTracedException) as err:
        next(out)
    assert (err.value.failure_type, err.value.message) == (kind, message)
    assert err.value._exception is exc and err.value.internal_message == repr(exc)
    assert err.value.__cause__ is None and err.value.__suppress_context__  # no chained traceback for the user
    assert run.client is not None and run.client.closed == 1 and run.write_finished


def test_an_erp_may_tell_fewer_errors_in_their_own_words() -> None:
    wording = WriteFailureWording(unreliable="unreliable", failed="Writing to the ERP failed",
                                  in_own_words=lambda exc: isinstance(exc, ConfigurationError))
    run = Run([], fail=FORBIDDEN, wording=wording)
    with pytest.raises(AirbyteTracedException) as err:
        list(run())
    assert (err.value.failure_type, err.value.message) == (
        FailureType.config_error, "Writing to the ERP failed: GET models/c_bpartner: HTTP 403: Forbidden: role")
    assert run.client is not None and run.client.closed == 1


@pytest.mark.parametrize("exc", [config_error("a target table is missing"), KeyError("bug")])
def test_any_other_exception_propagates_unchanged_after_closing_the_client(exc: Exception) -> None:
    run = Run([log_message("before")], fail=exc)
    with pytest.raises(type(exc)) as err:
        list(run())
    assert err.value is exc
    assert run.client is not None and run.client.closed == 1


def test_a_consumer_that_stops_early_closes_the_write_and_the_client() -> None:
    run = Run([log_message("one"), log_message("two")])
    out = run()
    assert next(out).log.message == "one"
    out.close()
    assert run.client is not None and run.client.closed == 1 and run.write_finished
