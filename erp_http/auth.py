"""The auth interface the sender calls; each ERP implements it (tokens, API key:secret, session cookie, OAuth2).

The sender never sees how credentials are obtained. Per attempt it asks ``apply`` to put the current
credentials into the request headers and gets back a *generation* number that changes whenever the
credentials change. On a 401 it calls ``on_unauthorized(generation, escalate)``: only the first caller
for a generation renews (refresh, re-login); the others find a newer generation and simply resend. So N
threads that hit one expired token cause one renewal, which matters for single-use refresh tokens.
"""
from __future__ import annotations

from collections.abc import MutableMapping
from typing import Protocol

from erp_http.errors import AuthenticationError


class Auth(Protocol):
    """What an ERP's credential holder offers the sender."""

    @property
    def generation(self) -> int:
        """Bumped on every credential change (login, refresh, logout)."""
        ...

    def apply(self, headers: MutableMapping[str, str]) -> int:
        """Put valid credentials into ``headers`` (logging in or refreshing first if needed); return their generation."""
        ...

    def on_unauthorized(self, generation: int, escalate: bool = False) -> None:
        """React to a 401 seen with ``generation``; ``escalate`` asks for the strongest renewal (a fresh login).

        Raises:
            AuthenticationError: the credentials cannot be renewed (fixed token rejected, login failed).
        """
        ...

    def close(self) -> None:
        """End the session (best effort); the sender's pool is closed separately."""
        ...


class StaticHeaderAuth:
    """Fixed credentials in one header (e.g. ``Authorization: token key:secret``); a 401 is final.

    The value is kept out of ``repr`` so it never reaches a log or an exception.
    """

    def __init__(self, header: str, value: str, rejected_message: str = "The credentials were rejected (HTTP 401)."):
        self._header = header
        self._value = value
        self._rejected = rejected_message

    def __repr__(self) -> str:
        """Names the header only: the value is a secret and reprs end up in logs."""
        return f"StaticHeaderAuth({self._header!r})"

    @property
    def generation(self) -> int:
        """Always 0: the credentials never change."""
        return 0

    def apply(self, headers: MutableMapping[str, str]) -> int:
        """Set the header; generation 0."""
        headers[self._header] = self._value
        return 0

    def on_unauthorized(self, generation: int, escalate: bool = False) -> None:
        """Fixed credentials cannot be renewed: a 401 is final.

        Raises:
            AuthenticationError: always, with the configured message (never the value).
        """
        raise AuthenticationError(self._rejected)

    def close(self) -> None:
        """Nothing to end."""
        return None
