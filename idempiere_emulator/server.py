"""EmulatorServer: the iDempiere REST plugin (Api, AuthService, Backend) on the shared transport (erp_emulator).

What is iDempiere's here: the API under ``/api/v1``, Jetty's error pages and URI limit, the control actions,
the request log's ``table`` field, the s2s token and the token lifetime as a runtime fault setting.
"""
from __future__ import annotations

from urllib.parse import unquote_plus

from erp_emulator.server import HttpEmulator, Site

from .emulator_options import EmulatorOptions
from .http.auth import AuthService
from .http.batch import run_batch
from .http.control_actions import action_error, control_actions
from .http.handlers import Api
from .http.jetty import MAX_URI, URI_TOO_LONG, failure_page
from .model.backend import Backend

_MODELS = "/api/v1/models/"


class EmulatorServer(HttpEmulator):
    """A faithful iDempiere REST emulator on a loopback port (docs/architecture.md, "Emulator Python API")."""

    fault_settings = (*HttpEmulator.fault_settings, "token_ttl")

    def __init__(self, options: EmulatorOptions | None = None, *, backend=None, **overrides):
        options = options or EmulatorOptions()
        for key, value in overrides.items():
            setattr(options, key, value)
        self.backend = backend if backend is not None else Backend(options)
        self.auth = AuthService(options)
        self.api = Api(self.backend, self.auth, options, batch_runner=run_batch)
        site = Site(handle=self.api.dispatch, failure_page=failure_page, actions=control_actions(self),
                    action_error=action_error, log_fields=_log_fields, max_uri=MAX_URI, uri_too_long=URI_TOO_LONG)
        super().__init__(options, site, name="idempiere-emulator", on_stop=self._close_backend)

    @property
    def api_url(self) -> str:
        return self.base_url + "/api/v1"

    @property
    def s2s_token(self) -> str:
        return self.auth.s2s_token

    def set_faults(self, fail_rate: float | None = None, drop_rate: float | None = None,
                   latency_ms: int | None = None, token_ttl: int | None = None) -> None:
        """Change faults at runtime; None keeps a setting. ``token_ttl`` applies to tokens issued from now on."""
        super().set_faults(fail_rate=fail_rate, drop_rate=drop_rate, latency_ms=latency_ms)
        if token_ttl is not None:
            if int(token_ttl) < 0:
                raise ValueError("token_ttl must be >= 0")
            self.auth.token_ttl = int(token_ttl)

    def faults_state(self) -> dict:
        return {**super().faults_state(), "token_ttl": self.auth.token_ttl}

    def _close_backend(self) -> None:
        close = getattr(self.backend, "close", None)
        if callable(close):
            close()


def _log_fields(path: str) -> dict:
    """The lower-case table of a /api/v1/models/{table}... path (the model-name form), else None."""
    if not path.startswith(_MODELS):
        return {"table": None}
    table = path[len(_MODELS):].split("/", 1)[0]
    return {"table": unquote_plus(table).lower() or None}
