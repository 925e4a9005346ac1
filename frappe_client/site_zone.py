"""Which time zone the site writes ``modified`` in: System Settings ``time_zone``, checked against config.

Read at check and at every read start. A configured ``site_timezone`` that disagrees with the server is
an error (cursors and datetimes would be shifted by the difference); a user who cannot read System
Settings must configure it (``frappe.client.get_time_zone`` answers the *user's* zone, Part II §2).
"""
from __future__ import annotations

from frappe_client.client import FrappeClient
from frappe_client.errors import ConfigurationError
from frappe_client.timeutil import SiteClock


def resolve_site_clock(client: FrappeClient, configured: str | None) -> tuple[SiteClock, str]:
    """The site clock and a sentence saying where its zone came from.

    Raises:
        ConfigurationError: the configured zone disagrees with System Settings, or neither is available.
    """
    server = client.system_time_zone()
    if server is None:
        if not configured:
            raise ConfigurationError(
                "The API user cannot read System Settings, so the site time zone (the zone 'modified' is written "
                "in) is unknown: set site_timezone in the connector config (System Settings > Time Zone), or give "
                "the user the System Manager role.")
        return SiteClock(configured), f"site_timezone {configured} (System Settings not readable: not verified)"
    clock = SiteClock(server)
    if configured:
        mine = SiteClock(configured)
        if mine.name != clock.name and str(mine.tz) != str(clock.tz):
            raise ConfigurationError(
                f"site_timezone is {configured!r} but the site's System Settings time zone is {server!r}: "
                "remove site_timezone or set it to the server's value.")
    return clock, f"System Settings time zone {server}"
