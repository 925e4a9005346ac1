"""The requests/urllib3 layer under the sender: its connection pool and how a body comes off the wire.

``requests`` defaults suit a script, not a connector that keeps a few requests in flight for hours: its pool
is not sized to that bound, urllib3 would retry on its own (the sender owns the retry policy, and a write
must never be resent blindly), proxy and CA settings are looked up from the environment on every request,
and a body is read in small chunks. This module sets those up once; ``sender.py`` decides what to send.
"""
from __future__ import annotations

import os

import requests
import urllib3
from requests.adapters import HTTPAdapter


def pooled_session(api_url: str, max_in_flight: int) -> requests.Session:
    """A ``requests.Session`` for ``api_url`` with a pool of ``max_in_flight`` connections and no urllib3 retries.

    The pool is sized to the in-flight bound so no request waits for (or discards) a connection. Proxy settings
    are read from the environment once instead of per request (that lookup cost ~3 ms per request), and
    ``trust_env`` is off so ~/.netrc cannot replace the credential header (see ``tls_verify`` for the CA bundle).
    """
    session = requests.Session()
    adapter = HTTPAdapter(pool_connections=1, pool_maxsize=max_in_flight, max_retries=0)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.proxies.update(requests.utils.get_environ_proxies(api_url))
    session.trust_env = False
    return session


def tls_verify(verify_tls: bool, session: requests.Session) -> bool | str:
    """The ``verify`` argument for each request: a session that does not read the environment per request
    (``pooled_session``) still honours ``REQUESTS_CA_BUNDLE`` / ``CURL_CA_BUNDLE``, read here once."""
    if verify_tls and not session.trust_env:
        return os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or True
    return verify_tls


def read_body(response: requests.Response) -> None:
    """Read the whole body in one call and hand it to ``response.content``.

    ``requests`` reads a body in 10 KB chunks through a generator: for a 311 KB page that costs ~0.7 ms
    more CPU than one ``read()`` (~7 µs per record, about a tenth of the source's CPU per record; issue 6).
    Errors become the exceptions ``Response.content`` raises, so ``policy`` sees the same types; a body
    shorter than its Content-Length raises (urllib3 enforces it), it is never passed on truncated.
    """
    raw = response.raw
    if raw is None or response._content_consumed:  # a body already in hand (adapters, test doubles)
        return
    try:
        response._content = raw.read(decode_content=True) or b""  # what Response.content caches
    except urllib3.exceptions.ProtocolError as exc:  # includes IncompleteRead
        raise requests.exceptions.ChunkedEncodingError(exc) from None
    except urllib3.exceptions.DecodeError as exc:
        raise requests.exceptions.ContentDecodingError(exc) from None
    except urllib3.exceptions.ReadTimeoutError as exc:
        raise requests.exceptions.ConnectionError(exc) from None
    except urllib3.exceptions.SSLError as exc:
        raise requests.exceptions.SSLError(exc) from None
    finally:
        response._content_consumed = True
    raw.release_conn()  # keep-alive: the connection goes back to the pool
