"""How the sender reads bodies (``erp_http.wire.read_body``), against a real loopback socket: one read per body,
a truncated body is retried and never parsed, and connections are kept alive."""
from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator

import pytest

from erp_http.errors import TransientError
from erp_http.policy import StatusPolicy
from erp_http.sender import Sender

PAGE = json.dumps({"page-count": 1, "records-size": 2, "skip-records": 0, "row-count": 2, "array-count": 2,
                   "records": [{"id": 1, "Name": "a" * 5000}, {"id": 2, "Name": "b"}]}).encode()


class _Server:
    """HTTP/1.1 on loopback answering each request with the next scripted reply ("full" or "truncated")."""

    def __init__(self, replies: list[str]):
        self.replies = replies
        self.connections = 0
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            buf = b""
            while self.replies:
                while b"\r\n\r\n" not in buf:
                    data = conn.recv(65536)
                    if not data:
                        return
                    buf += data
                _, buf = buf.split(b"\r\n\r\n", 1)
                kind = self.replies.pop(0)
                head = (f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {len(PAGE)}\r\n"
                        f"Connection: keep-alive\r\n\r\n").encode()
                if kind == "truncated":
                    conn.sendall(head + PAGE[: len(PAGE) // 2])
                    return  # close mid-body
                conn.sendall(head + PAGE)

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def server() -> Iterator[_Server]:
    srv = _Server([])
    yield srv
    srv.close()


def _sender(srv: _Server, **kw) -> Sender:
    return Sender(f"http://127.0.0.1:{srv.port}/api", StatusPolicy(), sleep=lambda _s: None, **kw)


def _page(sender: Sender) -> list[dict]:
    return sender.request("GET", "resource/x", params={"limit": 2})["records"]


def test_bodies_are_read_whole_and_the_connection_is_reused(server: _Server) -> None:
    server.replies.extend(["full"] * 5)
    sender = _sender(server)
    for _ in range(5):
        records = _page(sender)
        assert [r["id"] for r in records] == [1, 2] and len(records[0]["Name"]) == 5000
    assert server.connections == 1  # keep-alive: the read body released the connection to the pool


def test_a_body_cut_short_is_retried_never_parsed(server: _Server) -> None:
    server.replies.extend(["truncated", "full"])
    sender = _sender(server)
    assert [r["id"] for r in _page(sender)] == [1, 2]
    assert sender.stats["retries"] == 1


def test_a_body_always_cut_short_fails_loudly(server: _Server) -> None:
    server.replies.extend(["truncated"] * 3)
    sender = _sender(server, max_attempts=3)
    with pytest.raises(TransientError, match="truncated"):
        _page(sender)
