"""Every connector's ``check`` gives up on an unavailable server after CHECK_MAX_ATTEMPTS attempts of its first
request (a sync's sender makes 6): "Test connection" answers in seconds, and says why it failed."""
from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pytest
from airbyte_cdk.models import Status

from destination_frappe.destination import DestinationFrappe
from destination_idempiere.destination import DestinationIdempiere
from erp_airbyte.failures import CHECK_MAX_ATTEMPTS
from source_frappe.source import SourceFrappe
from source_idempiere.source import SourceIdempiere
from unit_tests.http.local_server import LocalServer

TOKEN = "eyJhbGciOiJIUzUxMiJ9.eyJzdWIiOiJ0In0.c2lnbmF0dXJl"


def _idempiere(url: str) -> dict[str, Any]:
    return {"base_url": url, "credentials": {"auth_type": "token", "token": TOKEN}}


def _frappe(url: str) -> dict[str, Any]:
    return {"site_url": url, "credentials": {"auth_type": "api_key", "api_key": "k", "api_secret": "a-secret-value"}}


def _unavailable(method: str, path: str, headers: dict, body: bytes) -> tuple[int, dict[str, str], bytes]:
    return 503, {"Content-Type": "text/html", "Retry-After": "0"}, b"<html>Service Unavailable</html>"


@pytest.mark.parametrize("connector, config", [
    (SourceIdempiere, _idempiere), (DestinationIdempiere, _idempiere),
    (SourceFrappe, _frappe), (DestinationFrappe, _frappe),
], ids=["source-idempiere", "destination-idempiere", "source-frappe", "destination-frappe"])
def test_check_stops_after_check_max_attempts(connector: Callable[[], Any],
                                              config: Callable[[str], dict[str, Any]]) -> None:
    with LocalServer(_unavailable) as server:
        status = connector().check(logging.getLogger("test"), config(server.url))
    assert status.status == Status.FAILED and "503" in status.message
    paths = [r.path for r in server.received]
    assert len(paths) == CHECK_MAX_ATTEMPTS and len(set(paths)) == 1, paths  # one request, tried 3 times
