"""Error taxonomy of the iDempiere client, grouped by what the caller should do.

```
IdempiereError                     base of everything raised on purpose by idempiere_client
├── ConfigurationError             the user must change the config (bad URL, unreachable host, wrong
│   │                              password, unknown client/role/org/warehouse, table not accessible)
│   └── AuthenticationError        login/refresh failed or a token was rejected for good (spec §1.7)
├── ApiError                       the server answered with an application error (JSON body §8, or a
│                                  non-transient status); never retried; carries status/title/detail
├── TransientError                 retries exhausted on a transient failure (5xx/timeout/drop);
│                                  ``maybe_committed`` tells a writer the request may have been applied
├── PaginationLoopError            the server returned the same page token twice (stuck paging)
└── UnsafeFilterValue (ValueError) a value that cannot be put in a $filter without changing it (§4.1, §4.6)
```

Messages never contain secrets (password, access token, refresh token): they are built from
status, title, detail, method and path only, and paths never carry credentials.
"""
from __future__ import annotations


class IdempiereError(Exception):
    """Base class for every error raised by ``idempiere_client``."""


class ConfigurationError(IdempiereError):
    """A problem the user fixes in the connector configuration; the message says how."""


class AuthenticationError(ConfigurationError):
    """Credentials or token rejected for good: login failed, or a token-mode token expired/revoked."""


class ApiError(IdempiereError):
    """An application error answered by the server (spec §8); not retried.

    Args:
        status: HTTP status code.
        title: ``title`` of the error body (may be None: the plugin emits ``"title":null``, §4.8).
        detail: ``detail`` of the error body, or a short excerpt of a non-JSON body.
        method: HTTP method of the request.
        path: request path relative to ``/api/v1`` (no query string, so no values leak).
    """

    def __init__(self, status: int, title: str | None, detail: str | None, method: str = "", path: str = ""):
        self.status = status
        self.title = title
        self.detail = detail
        self.method = method
        self.path = path
        super().__init__(self._text())

    def _text(self) -> str:
        parts = [f"{self.method} {self.path}".strip(), f"HTTP {self.status}"]
        if self.title:
            parts.append(str(self.title))
        if self.detail:
            parts.append(str(self.detail))
        return ": ".join(p for p in parts if p)

    @property
    def is_access_denied(self) -> bool:
        """True for 403 answers (table/record/role access); connectors map these to config errors."""
        return self.status == 403

    @property
    def is_not_found(self) -> bool:
        """True for 404 answers (unknown table, record or endpoint)."""
        return self.status == 404


class TransientError(IdempiereError):
    """A transient failure that survived every retry (or a write that must not be retried blindly).

    Args:
        message: what failed, without secrets.
        maybe_committed: True when a write (POST/PUT/DELETE) may have reached the server, so the
            caller must check (e.g. by ``<Table>_UU``) before sending it again (spec §12).
        status: last HTTP status seen, or None for connection errors/timeouts.
        attempts: number of attempts made.
    """

    def __init__(self, message: str, *, maybe_committed: bool = False, status: int | None = None, attempts: int = 1):
        self.maybe_committed = maybe_committed
        self.status = status
        self.attempts = attempts
        super().__init__(message)


class PaginationLoopError(IdempiereError):
    """The same page token came back twice: the server (or the caller's cursor) is stuck."""


class UnsafeFilterValue(IdempiereError, ValueError):
    """A value that cannot be written into a ``$filter`` without changing its meaning (spec §4.1, §4.5-4.7).

    The server has no quote escaping, so such values are refused instead of escaped.
    """
