"""closing_client: a read's client is closed however the read ends; request counts are logged only after a clean end."""
from __future__ import annotations

import logging

import pytest

from erp_airbyte.source.client_lifetime import closing_client


class FakeClient:
    def __init__(self) -> None:
        self.closed = 0
        self.stats = {"requests": 3}

    def close(self) -> None:
        self.closed += 1


def _read(client: FakeClient, logger: logging.Logger, fail_at: int | None = None):
    with closing_client(client, logger):
        for n in range(3):
            if n == fail_at:
                raise RuntimeError("stream broke")
            yield n


def test_a_clean_read_closes_the_client_once_and_logs_its_requests(caplog) -> None:
    client = FakeClient()
    with caplog.at_level(logging.INFO, "t"):
        assert list(_read(client, logging.getLogger("t"))) == [0, 1, 2]
    assert client.closed == 1 and "Requests: {'requests': 3}" in caplog.text


def test_a_failing_read_closes_the_client_and_logs_no_counts(caplog) -> None:
    client = FakeClient()
    with caplog.at_level(logging.INFO, "t"), pytest.raises(RuntimeError, match="stream broke"):
        list(_read(client, logging.getLogger("t"), fail_at=1))
    assert client.closed == 1 and "Requests" not in caplog.text


def test_a_read_closed_early_by_its_caller_closes_the_client(caplog) -> None:
    client = FakeClient()
    with caplog.at_level(logging.INFO, "t"):
        read = _read(client, logging.getLogger("t"))
        assert next(read) == 0
        read.close()
    assert client.closed == 1 and "Requests" not in caplog.text
