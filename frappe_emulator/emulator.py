"""FrappeEmulator: the site and its REST API on the shared erp_emulator transport (docs/frappe-emulator.md).

    with FrappeEmulator(FrappeOptions(rows=500)) as emu:
        emu.base_url, emu.api_key, emu.api_secret, emu.backend.sql("SELECT COUNT(*) FROM `tabSales Order`")
"""
from __future__ import annotations

import itertools
import json
from urllib.parse import unquote

from erp_emulator.faults import proxy_page
from erp_emulator.messages import Response
from erp_emulator.server import HttpEmulator
from erp_emulator.server import Site as Plug

from .auth.users import DEFAULT_USERS
from .http.api import Api
from .http.control import Control
from .options import FrappeOptions
from .site import Site

API_USER = "api@example.com"
# nginx in front of a bench refuses a request line over its large_client_header_buffers (8 KB) with 414
MAX_URI = 8192
URI_TOO_LONG = Response(414, b"<html>\r\n<head><title>414 Request-URI Too Large</title></head>\r\n<body>\r\n"
                             b"<center><h1>414 Request-URI Too Large</h1></center>\r\n<hr><center>nginx</center>\r\n"
                             b"</body>\r\n</html>\r\n", "text/html")
_RETRYABLE = (("QueryDeadlockError", "(1213, 'Deadlock found when trying to get lock; try restarting transaction')"),
              ("QueryTimeoutError", "(1205, 'Lock wait timeout exceeded; try restarting transaction')"))


class FrappeEmulator(HttpEmulator):
    """A faithful Frappe/ERPNext REST server on a loopback port, backed by SQLite."""

    def __init__(self, options: FrappeOptions | None = None, **overrides):
        options = options or FrappeOptions()
        for key, value in overrides.items():
            setattr(options, key, value)
        options.__post_init__()
        options.rate_limit_pair()  # a bad --rate-limit fails here, before the site is built
        self.backend = Site(options)
        self.api = Api(self.backend)
        self.control_actions = Control(self)
        self._retryable = itertools.cycle(_RETRYABLE)
        super().__init__(options, Plug(handle=self.api.handle, failure_page=self._failure_page,
                                       actions=self.control_actions.actions(), action_error=Control.error,
                                       log_fields=_log_fields, max_uri=MAX_URI, uri_too_long=URI_TOO_LONG),
                         name="frappe-emulator", on_stop=self.backend.close)

    # ---- credentials ---------------------------------------------------------------------------
    @property
    def api_key(self) -> str:
        """The System Manager API user's key (``api@example.com``)."""
        return self.backend.keys[API_USER][0]

    @property
    def api_secret(self) -> str:
        return self.backend.keys[API_USER][1]

    @property
    def users(self) -> dict[str, dict]:
        """name -> {"password", "api_key", "api_secret", "roles"} for the demo users."""
        out = {}
        for name, _first, pwd, roles, _tz in DEFAULT_USERS:
            key, secret = self.backend.keys.get(name, ("", ""))
            out[name] = {"password": pwd, "api_key": key, "api_secret": secret, "roles": list(roles)}
        return out

    @property
    def oauth(self) -> dict:
        """The pre-issued OAuth tokens of the API user: access_token, refresh_token, expires_in, client "demo-client"."""
        return {**self.backend.oauth, "client_id": "demo-client"}

    def token_header(self, user: str = API_USER) -> dict:
        key, secret = self.backend.keys[user]
        return {"Authorization": f"token {key}:{secret}"}

    # ---- faults --------------------------------------------------------------------------------
    def _failure_page(self, status: int, _path: str) -> Response:
        """500: a retryable JSON QueryDeadlockError/QueryTimeoutError; 502/503: the proxy's HTML page."""
        if status == 500:
            exc_type, text = next(self._retryable)
            body = {"exception": f"frappe.exceptions.{exc_type}: {text}", "exc_type": exc_type,
                    "exc": json.dumps([f"Traceback (most recent call last):\nfrappe.exceptions.{exc_type}: {text}\n"])}
            return Response(500, json.dumps(body, separators=(",", ":")).encode(), "application/json")
        code, ctype, page = proxy_page(status)
        return Response(code, page, ctype)


def _log_fields(path: str) -> dict:
    for prefix in ("/api/resource/", "/api/v1/resource/", "/api/v2/document/"):
        if path.startswith(prefix):
            return {"doctype": unquote(path[len(prefix):].split("/", 1)[0])}
    return {"doctype": None}
