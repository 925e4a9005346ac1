"""erp_airbyte.destination.check_run.checked: a check's server steps answer with a status, and the client is
closed whatever happens."""
from __future__ import annotations

import pytest
from airbyte_cdk.models import Status

from erp_airbyte.destination.check_run import checked
from erp_http.errors import AuthenticationError


class Client:
    def __init__(self) -> None:
        self.closed = 0

    def close(self) -> None:
        self.closed += 1


def test_steps_without_a_problem_succeed_and_close_the_client():
    client = Client()
    status = checked(client, lambda: None)
    assert status.status == Status.SUCCEEDED and client.closed == 1


def test_a_problem_sentence_is_the_failed_checks_message():
    client = Client()
    status = checked(client, lambda: "doc_action on c_bpartner: it has no documents")
    assert (status.status, status.message) == (Status.FAILED, "doc_action on c_bpartner: it has no documents")
    assert client.closed == 1


def test_an_erp_error_is_a_failed_check_not_a_traceback():
    client = Client()

    def steps() -> str | None:
        raise AuthenticationError("Login failed: wrong user name or password.")

    status = checked(client, steps)
    assert (status.status, status.message) == (Status.FAILED, "Login failed: wrong user name or password.")
    assert client.closed == 1


def test_any_other_exception_propagates_after_closing_the_client():
    client = Client()

    def steps() -> str | None:
        raise KeyError("bug")

    with pytest.raises(KeyError):
        checked(client, steps)
    assert client.closed == 1
