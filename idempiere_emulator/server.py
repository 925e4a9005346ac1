"""EmulatorServer: the HTTP transport (threaded, HTTP/1.1 keep-alive) around Api, Control and Faults.

Per-request work is kept small on purpose (one socket write per response, TCP_NODELAY, no per-request
logging to stderr): a benchmark of a client must measure the client, not the emulator (issue 3).
"""
from __future__ import annotations

import collections
import socket
import sys
import threading
import time
import traceback
from email.utils import formatdate
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable
from urllib.parse import unquote_plus

from .auth import AuthService
from .backend import Backend
from .batch import run_batch
from .control import PREFIX as CONTROL_PREFIX, Control
from .faults import DROP, FAIL, Faults
from .handlers import Api, Request, Response
from .options import EmulatorOptions

MAX_LOG = 100_000
MAX_URI = 8192  # Jetty's default requestHeaderSize: longer request URIs are refused with 414
IDLE_TIMEOUT = 30  # Jetty's default idle timeout closes quiet keep-alive connections
_URI_TOO_LONG = b"<h1>Bad Message 414</h1><pre>reason: URI Too Long</pre>"
_REASONS = {s.value: s.phrase for s in HTTPStatus}


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256
    block_on_close = False
    emulator: "EmulatorServer"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = IDLE_TIMEOUT
    server: _HTTPServer

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.server.emulator._track(self.connection, True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.emulator._track(self.connection, False)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - silence per-request stderr lines
        pass

    def _serve(self) -> None:
        path, _, query = self.path.partition("?")
        body = self._read_body()
        if body is None:
            return
        emu = self.server.emulator
        if path.startswith(CONTROL_PREFIX):
            self._send(emu.control.handle(self.command, path, query, body))
            return
        if len(self.path) > MAX_URI:  # Jetty refuses before the application sees it
            self.close_connection = True
            emu._record(self.command, path, query, 414, None)
            self._send(Response(414, _URI_TOO_LONG, "text/html;charset=iso-8859-1"))
            return
        headers = {k.lower(): v for k, v in self.headers.items()}
        resp = emu._handle_api(self.command, path, query, headers, body)
        if resp is None:  # injected drop: the request was handled, the answer is never sent
            self.close_connection = True
            return
        self._send(resp)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_HEAD = _serve

    def _read_body(self) -> bytes | None:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                line = self.rfile.readline(65537)
                try:
                    size = int(line.split(b";", 1)[0].strip() or b"0", 16)
                except ValueError:
                    self.close_connection = True
                    return None
                if size == 0:
                    while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline(3)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _send(self, resp: Response) -> None:
        body = resp.body
        lines = [f"HTTP/1.1 {resp.status} {_REASONS.get(resp.status, '')}",
                 "Date: " + formatdate(usegmt=True), f"Content-Length: {len(body)}"]
        if resp.content_type:
            lines.append("Content-Type: " + resp.content_type)
        lines.extend(f"{k}: {v}" for k, v in resp.headers)
        if self.close_connection:
            lines.append("Connection: close")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        self.wfile.write(head if self.command == "HEAD" else head + body)


class EmulatorServer:
    """A faithful iDempiere REST emulator on a loopback port (docs/architecture.md, "Emulator Python API")."""

    def __init__(self, options: EmulatorOptions | None = None, *, backend=None, **overrides):
        self.options = options or EmulatorOptions()
        for key, value in overrides.items():
            setattr(self.options, key, value)
        self.backend = backend if backend is not None else Backend(self.options)
        self.auth = AuthService(self.options)
        self.faults = Faults(self.options)
        self.api = Api(self.backend, self.auth, self.options, batch_runner=run_batch)
        self.control = Control(self)
        self.hook_errors: list[BaseException] = []
        self._hooks: list[Callable[[dict], None]] = []
        self._log: collections.deque = collections.deque(maxlen=MAX_LOG)
        self._log_lock = threading.Lock()
        self._connections: set = set()
        self._conn_lock = threading.Lock()
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> "EmulatorServer":
        """Bind (port 0 = a free port) and serve in a daemon thread; returns self."""
        if self._httpd is not None:
            return self
        httpd = _HTTPServer((self.options.host, int(self.options.port)), _Handler)
        httpd.emulator = self
        self._httpd = httpd
        self._thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        name=f"idempiere-emulator-{self.port}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop accepting, cut open keep-alive connections and release the backend."""
        httpd, self._httpd = self._httpd, None
        if httpd is not None:
            httpd.shutdown()
            httpd.server_close()
            with self._conn_lock:
                for conn in list(self._connections):
                    try:
                        conn.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass
            if self._thread is not None:
                self._thread.join(timeout=5)
        close = getattr(self.backend, "close", None)
        if callable(close):
            close()

    def serve_forever(self) -> None:
        """Run in the foreground (CLI)."""
        self.start()
        assert self._thread is not None
        while self._thread.is_alive():
            self._thread.join(timeout=0.5)

    def __enter__(self) -> "EmulatorServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def port(self) -> int:
        return self._httpd.server_address[1] if self._httpd is not None else int(self.options.port)

    @property
    def base_url(self) -> str:
        """Server root, e.g. ``http://127.0.0.1:PORT``; the API is ``base_url + "/api/v1"``."""
        host = self.options.host if self.options.host not in ("", "0.0.0.0", "::") else "127.0.0.1"
        return f"http://{host}:{self.port}"

    @property
    def api_url(self) -> str:
        return self.base_url + "/api/v1"

    @property
    def s2s_token(self) -> str:
        return self.auth.s2s_token

    # ------------------------------------------------------------------ test controls
    def set_faults(self, fail_rate: float | None = None, drop_rate: float | None = None,
                   latency_ms: int | None = None, token_ttl: int | None = None) -> None:
        """Change faults at runtime; None keeps a setting. ``token_ttl`` applies to tokens issued from now on."""
        self.faults.set(fail_rate=fail_rate, drop_rate=drop_rate, latency_ms=latency_ms)
        if token_ttl is not None:
            if int(token_ttl) < 0:
                raise ValueError("token_ttl must be >= 0")
            self.auth.token_ttl = int(token_ttl)

    def faults_state(self) -> dict:
        return {**self.faults.as_dict(), "token_ttl": self.auth.token_ttl}

    def add_hook(self, fn: Callable[[dict], None]) -> None:
        """``fn(info)`` runs after each API request is handled, before its response is sent."""
        self._hooks.append(fn)

    def remove_hook(self, fn: Callable[[dict], None]) -> None:
        self._hooks.remove(fn)

    def requests(self) -> list[dict]:
        with self._log_lock:
            return list(self._log)

    def clear_requests(self) -> None:
        with self._log_lock:
            self._log.clear()

    # ------------------------------------------------------------------ internals
    def _track(self, conn, opened: bool) -> None:
        with self._conn_lock:
            (self._connections.add if opened else self._connections.discard)(conn)

    def _record(self, method: str, path: str, query: str, status: int, fault: str | None) -> dict:
        """Append to the bounded request log; return the hook info (the log entry minus timestamp/fault)."""
        info = {"method": method, "path": path, "query": unquote_plus(query) if query else "",
                "status": status, "table": _table_of(path)}
        entry = dict(info, timestamp=time.time(), fault=fault)
        with self._log_lock:
            self._log.append(entry)
        return info

    def _handle_api(self, method: str, path: str, query: str, headers: dict, body: bytes) -> Response | None:
        faults = self.faults
        faults.delay()
        kind, status = faults.decide()
        if kind == FAIL:
            code, ctype, page = faults.failure_page(status, path)
            resp = Response(code, page, ctype)
        else:
            resp = self.api.dispatch(Request(method, path, query, headers, body))
        info = self._record(method, path, query, resp.status, kind)
        for hook in list(self._hooks):
            try:
                hook(dict(info))
            except BaseException as exc:  # a failing hook must not kill the request; tests inspect hook_errors
                self.hook_errors.append(exc)
                traceback.print_exc(file=sys.stderr)
        return None if kind == DROP else resp


def _table_of(path: str) -> str | None:
    """Lower-case table of a /api/v1/models/{table}... path (the model-name form), else None."""
    if not path.startswith("/api/v1/models/"):
        return None
    table = path[len("/api/v1/models/"):].split("/", 1)[0]
    return unquote_plus(table).lower() or None
