"""Which redirects the sender follows: never one that would carry credentials somewhere else.

Every request the sender makes may carry a token, a session cookie or (a login) a password, and ``requests``
would resend them to wherever a 3xx points. So redirects are decided here, before anything is resent: only a
read (GET/HEAD) that is not a login, refresh or logout call is followed, only to the same origin (scheme, host
and port, so https is never downgraded to http), and at most ``MAX_REDIRECTS`` times. Anything else is a
``RedirectRefused`` that names the target and says why, because a server that moved needs a new URL in the
connector's config, not a silent resend. Pure: the sender logs and resends.
"""
from __future__ import annotations

from urllib.parse import SplitResult, urljoin, urlsplit

from erp_http.errors import RedirectRefused
from erp_http.secrets import shown_url

MAX_REDIRECTS = 5


def redirect_target(method: str, path: str, url: str, location: str, *, auth_request: bool, redirects: int,
                    server_label: str) -> str:
    """The URL to resend ``method`` to after an answer redirected ``url`` to ``location``.

    Args:
        method, path: the request as messages name it.
        url: the URL that was answered with the redirect (``location`` may be relative to it).
        auth_request: a login, refresh or logout call (never redirected).
        redirects: how many redirects this request has already followed.
        server_label: how messages name the server.

    Raises:
        RedirectRefused: the redirect is not followed (the message says why and names the target).
    """
    target = urljoin(url, location)
    here, there = urlsplit(url), urlsplit(target)
    same_origin = _origin(here) == _origin(there)
    if method in ("GET", "HEAD") and not auth_request and same_origin and redirects < MAX_REDIRECTS:
        return target
    if auth_request:
        why = "a login or token request is never redirected (the credentials would be sent to the new address)"
    elif not same_origin:
        why = "the request carries credentials and the new address is another scheme, host or port"
    elif redirects >= MAX_REDIRECTS:
        why = f"more than {MAX_REDIRECTS} redirects"
    else:
        why = "only reads are redirected (a write would be sent again or turned into a read)"
    downgrade = " (from https down to plain http)" if here.scheme == "https" and there.scheme == "http" else ""
    raise RedirectRefused(
        f"The server at {server_label} redirected {method} {path} to {shown_url(target)}{downgrade}; not "
        f"followed: {why}. If the server has moved, set the connector's URL to the new address.",
        shown_url(target))


def _origin(parts: SplitResult) -> tuple[str, str | None, int | None]:
    """(scheme, host, port) with the scheme's default port filled in, so ``host`` and ``host:443`` compare equal."""
    default = {"http": 80, "https": 443}.get(parts.scheme)
    return parts.scheme, parts.hostname, parts.port or default
