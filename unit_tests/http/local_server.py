"""A tiny hostile HTTP server on a free loopback port for tests: redirects, echoes, plain HTTP.

``LocalServer(answer)`` calls ``answer(method, path, headers, body) -> (status, headers, body bytes)`` for
every request and records what it received, so a test can prove what was (not) sent to it.
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Answer = Callable[[str, str, dict, bytes], "tuple[int, dict[str, str], bytes]"]


@dataclass
class Received:
    method: str
    path: str
    headers: dict
    body: bytes


class LocalServer:
    """Serve ``answer`` on 127.0.0.1:<free port> in a daemon thread (a context manager)."""

    def __init__(self, answer: Answer):
        self.received: list[Received] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                headers = {k: v for k, v in self.headers.items()}
                server.received.append(Received(self.command, self.path, headers, body))
                status, out_headers, out = answer(self.command, self.path, headers, body)
                self.send_response(status)
                for name, value in out_headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

            do_GET = do_POST = do_PUT = do_DELETE = _handle

            def log_message(self, *args: Any) -> None:
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self.port = self._httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    def __enter__(self) -> LocalServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def bodies(self) -> bytes:
        """Everything the server received (headers and bodies), for "was the secret sent here?" checks."""
        return b"\n".join(repr(r.headers).encode() + r.body for r in self.received)


def json_answer(status: int, text: str) -> tuple[int, dict[str, str], bytes]:
    return status, {"Content-Type": "application/json"}, text.encode()


def redirect_to(location: str, status: int = 307) -> Answer:
    """Every request is redirected to ``location`` + the request path."""
    def answer(method: str, path: str, headers: dict, body: bytes) -> tuple[int, dict[str, str], bytes]:
        return status, {"Location": location + path}, b""
    return answer


def echo(status: int = 401) -> Answer:
    """Answers with an error whose detail is the request body: a server that echoes what it got."""
    def answer(method: str, path: str, headers: dict, body: bytes) -> tuple[int, dict[str, str], bytes]:
        import json
        return json_answer(status, json.dumps({"title": "Authenticate error", "status": status,
                                               "detail": f"could not process {body.decode()} "
                                                         f"with {headers.get('Authorization', '')}"}))
    return answer
