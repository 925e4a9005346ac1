"""Error taxonomy shared by every ERP client, grouped by what the caller should do.

```
ErpError                           base of everything raised on purpose by an ERP client
├── ConfigurationError             the user must change the config (bad URL, unreachable host, wrong
│   │                              password, unknown tenant/role, table not accessible)
│   ├── AuthenticationError        login/refresh failed or credentials were rejected for good
│   ├── ApiNotFound                no API of this ERP answers at the configured URL (wrong path or host)
│   └── RedirectRefused            the server redirected a request that carries credentials (not followed)
├── ApiError                       the server answered with an application error; never retried;
│                                  carries status/title/detail/method/path
├── TransientError                 retries exhausted on a transient failure (5xx/timeout/drop);
│                                  ``maybe_committed`` tells a writer the request may have been applied
├── UnencodableBody (ValueError)   a request body JSON cannot carry (an integer beyond 64 bits, NaN); never sent
├── PagingOrderError               the server's pages break the requested order (a dropped ``$orderby``,
│                                  a row past a frozen bound): reading on would skip or repeat rows
└── UnsafeFilterValue (ValueError) a value that cannot be put in a filter without changing its meaning
```

Messages never contain secrets (password, token, refresh token, API secret): they are built from status,
title, detail, method and path only, and paths never carry credentials. ``ApiError`` has the one text
rendering of a server error (``str(exc)`` with the request, ``exc.reason`` without it), so every
package reports server errors the same way.
"""
from __future__ import annotations

from typing import Any


class ErpError(Exception):
    """Base class for every error an ERP client raises on purpose."""


class ConfigurationError(ErpError):
    """A problem the user fixes in the connector configuration; the message says how."""


class AuthenticationError(ConfigurationError):
    """Credentials or token rejected for good: login failed, or a fixed token expired/was revoked."""


class ApiNotFound(ConfigurationError):
    """No API of the expected kind answers at the URL tried (a wrong path, port or host in the base URL).

    Args:
        api_name: what was expected, in the ERP's words (e.g. "iDempiere REST API").
        url: the URL tried (no query string).
        answer: what came back instead (e.g. "HTTP 404", "an HTML page").
        hint: how to fix the URL, in the ERP's words.
    """

    def __init__(self, api_name: str, url: str, answer: str, hint: str = ""):
        self.url = url
        super().__init__(f"No {api_name} answers at {url} ({answer}). {hint}".strip())


class RedirectRefused(ConfigurationError):
    """The server answered a redirect that the connector does not follow because credentials would go along.

    Args:
        message: names the request, the redirect target and the fix.
        target: where the server redirected to (without credentials or query string).
    """

    def __init__(self, message: str, target: str):
        self.target = target
        super().__init__(message)


def api_reason(status: int | None, title: Any, detail: Any) -> str:
    """The server's reason as users see it: ``HTTP 400 Validation Error: Column Foo does not exist``.

    Used for ``ApiError.reason`` and for per-item errors that arrive inside a 2xx answer (batch results),
    so a reject reads the same whichever way the error came back.
    """
    head = f"HTTP {status}" if status is not None else "error"
    text = ": ".join(str(p) for p in (title, detail) if p not in (None, ""))
    return f"{head} {text}".strip() if text else head


class ApiError(ErpError):
    """An application error answered by the server; not retried.

    Args:
        status: HTTP status code.
        title: short error title from the body (may be None).
        detail: error detail from the body, or a short excerpt of a non-JSON body.
        method: HTTP method of the request.
        path: request path relative to the API root (no query string, so no values leak).
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
    def reason(self) -> str:
        """The error without the request: ``HTTP <status> <title>: <detail>`` (see ``api_reason``)."""
        return api_reason(self.status, self.title, self.detail)

    @property
    def is_access_denied(self) -> bool:
        """True for 403 answers (table/record/role access); connectors map these to config errors."""
        return self.status == 403

    @property
    def is_not_found(self) -> bool:
        """True for 404 answers (unknown table, record or endpoint)."""
        return self.status == 404


class TransientError(ErpError):
    """A transient failure that survived every retry (or a write that must not be retried blindly).

    Args:
        message: what failed, without secrets.
        maybe_committed: True when a write may have reached the server, so the caller must check
            (e.g. by a unique key) before sending it again.
        status: last HTTP status seen, or None for connection errors/timeouts.
        attempts: number of attempts made.
    """

    def __init__(self, message: str, *, maybe_committed: bool = False, status: int | None = None, attempts: int = 1):
        self.maybe_committed = maybe_committed
        self.status = status
        self.attempts = attempts
        super().__init__(message)


class UnencodableBody(ErpError, ValueError):
    """A request body that cannot be encoded as JSON (an integer beyond 64 bits, NaN, an unknown type).

    Raised before anything is sent, so a writer may safely reject the one record that holds the value
    (the message names its field) and send the others again.
    """


class PagingOrderError(ErpError):
    """The server returned rows out of the requested order (e.g. an ``$orderby`` it silently dropped).

    Keyset and cursor paging trust the order to know where to resume; once it is broken, reading on
    would skip or repeat rows, so the read of that table fails loudly instead (the one paging guard).
    """


class UnsafeFilterValue(ErpError, ValueError):
    """A value that cannot be written into a filter without changing its meaning.

    Servers without quote escaping make such values impossible to express safely, so they are refused
    instead of escaped.
    """
