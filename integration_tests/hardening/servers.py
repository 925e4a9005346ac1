"""Hostile servers for the hardening tables: a closed port, a redirector, an echoer (loopback only)."""
from __future__ import annotations

import socket

from unit_tests.http.local_server import LocalServer, echo, redirect_to


def closed_port_url() -> str:
    """A loopback URL where nothing listens (a server that is down)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


__all__ = ["LocalServer", "echo", "redirect_to", "closed_port_url"]
