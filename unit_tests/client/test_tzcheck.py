"""tzcheck.check_server_timezone with a fake client (the emulator version is in integration_tests/client)."""
from __future__ import annotations

import pytest

from idempiere_client.errors import ConfigurationError
from idempiere_client.paging import Page
from idempiere_client.timeutil import ServerClock
from idempiere_client.tzcheck import check_server_timezone


class FakeClient:
    """Answers the sample query with ``sample`` and the probe with ``probe_rows`` rows."""

    def __init__(self, sample: str | None, probe_rows: int):
        self.sample, self.probe_rows, self.filters = sample, probe_rows, []

    def get_page(self, table, *, filter, orderby, select=None, top=100, skip=0):
        self.filters.append(filter)
        if len(self.filters) == 1:
            records = [] if self.sample is None else [{"id": 7, "Updated": self.sample}]
        else:
            records = [{"id": 7}] * self.probe_rows
        return Page(records, len(records), 100, 0)


@pytest.mark.parametrize(
    ("tz", "sample", "probe_rows", "expected"),
    [("Europe/Berlin", "2024-07-01T12:00:00+02:00", 0, "offset"), ("UTC", "2024-07-01T12:00:00Z", 0, "utc"),
     ("Europe/Berlin", "2024-07-01T12:00:00Z", 1, "legacy"), ("Europe/Berlin", None, 0, "empty")],
    ids=["real-offset-agrees", "utc-configured", "old-server-fake-z", "empty-table"],
)
def test_accepted_configurations(tz, sample, probe_rows, expected):
    assert check_server_timezone(FakeClient(sample, probe_rows), ServerClock(tz), "c_order", "C_Order_ID") == expected


def test_probe_uses_an_iso_literal_that_old_servers_truncate_to_the_date():
    client = FakeClient("2024-07-01T12:00:00Z", 1)
    check_server_timezone(client, ServerClock("Europe/Berlin"), "c_order", "C_Order_ID")
    assert client.filters[1] == "IsActive neq null and C_Order_ID eq 7 and Updated ge '2024-07-01T23:59:59Z'"


@pytest.mark.parametrize(
    ("tz", "sample", "probe_rows"),
    [("Europe/Berlin", "2024-07-01T12:00:00Z", 0), ("UTC", "2024-07-01T12:00:00+02:00", 0)],
    ids=["current-utc-server-configured-berlin", "current-berlin-server-configured-utc"],
)
def test_wrong_configurations_are_refused(tz, sample, probe_rows):
    with pytest.raises(ConfigurationError, match="server_timezone"):
        check_server_timezone(FakeClient(sample, probe_rows), ServerClock(tz), "c_order", "C_Order_ID")
