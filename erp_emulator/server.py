"""HttpEmulator: the threaded HTTP/1.1 keep-alive transport around an ERP's API, with faults, log and control.

Per-request work is kept small on purpose (one socket write per response, TCP_NODELAY, no per-request logging to
stderr): a benchmark of a client must measure the client, not the emulator.
"""
from __future__ import annotations

import collections
import socket
import sys
import threading
import time
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.utils import formatdate
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Protocol, TypeVar
from urllib.parse import unquote_plus

from .control import PREFIX as CONTROL_PREFIX
from .control import Action, Control
from .faults import DROP, FAIL, FaultOptions, Faults, proxy_page
from .messages import Request, Response

MAX_LOG = 100_000
IDLE_TIMEOUT = 30  # Jetty's and gunicorn's keep-alive idle timeouts are of this order: quiet connections close
_REASONS = {s.value: s.phrase for s in HTTPStatus}
E = TypeVar("E", bound="HttpEmulator")


class ServeOptions(FaultOptions, Protocol):
    """The options every ERP emulator carries (its options dataclass has these fields and CLI flags)."""

    host: str
    port: int


def proxy_failure(status: int, _path: str) -> Response:
    """The default page of an injected failure: the reverse proxy's HTML page for every status."""
    code, ctype, body = proxy_page(status)
    return Response(code, body, ctype)


def no_log_fields(_path: str) -> dict:
    """Default ``Site.log_fields``: an ERP that adds nothing to the request log."""
    return {}


@dataclass
class Site:
    """What an ERP plugs into the transport.

    - ``handle(request) -> Response``: the ERP's API for every path outside ``/__emulator__/``; must not raise.
    - ``failure_page(status, path) -> Response``: the body of an injected 500/502/503 (default: nginx pages).
    - ``actions``: the ERP's control endpoints, ``{(method, name): action(payload, params) -> Response}``.
    - ``action_error(exc) -> Response | None``: the answer to an ERP error an action raised (None: not one).
    - ``log_fields(path) -> dict``: extra fields of each request-log entry and hook info (e.g. the table).
    - ``max_uri`` / ``uri_too_long``: request targets longer than this are refused with that answer before the
      API sees them, and the connection is closed (the container's header-buffer limit).
    """

    handle: Callable[[Request], Response]
    failure_page: Callable[[int, str], Response] = proxy_failure
    actions: Mapping[tuple[str, str], Action] = field(default_factory=dict)
    action_error: Callable[[Exception], Response | None] | None = None
    log_fields: Callable[[str], dict] = no_log_fields
    max_uri: int | None = None
    uri_too_long: Response | None = None


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256
    block_on_close = False
    emulator: HttpEmulator


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

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - silence per-request stderr lines
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
        site = emu.site
        if site.max_uri is not None and len(self.path) > site.max_uri:  # refused before the application sees it
            self.close_connection = True
            too_long = site.uri_too_long or Response(414)
            emu._record(self.command, path, query, too_long.status, None)
            self._send(too_long)
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
            chunks: list[bytes] = []
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


class HttpEmulator:
    """An ERP emulator on a loopback port: lifecycle, faults, request log, hooks and control endpoints.

    An ERP's emulator class derives from it (one level), builds its backend and API first, then calls
    ``HttpEmulator.__init__(self, options, Site(...), name=...)``; everything else here is shared.
    """

    fault_settings: tuple[str, ...] = ("fail_rate", "drop_rate", "latency_ms")  # what /__emulator__/faults takes

    def __init__(self, options: ServeOptions, site: Site, *, name: str = "erp-emulator",
                 on_stop: Callable[[], None] | None = None) -> None:
        """``on_stop`` runs after the server has stopped (e.g. closing the ERP's database)."""
        self.options = options
        self.site = site
        self.name = name
        self.faults = Faults(options)
        self.control = Control(self, site.actions, site.action_error)
        self.hook_errors: list[BaseException] = []
        self._on_stop = on_stop
        self._hooks: list[Callable[[dict], None]] = []
        self._log: collections.deque = collections.deque(maxlen=MAX_LOG)
        self._log_lock = threading.Lock()
        self._connections: set = set()
        self._conn_lock = threading.Lock()
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ lifecycle
    def start(self: E) -> E:
        """Bind (port 0 = a free port) and serve in a daemon thread; returns self."""
        if self._httpd is not None:
            return self
        httpd = _HTTPServer((self.options.host, int(self.options.port)), _Handler)
        httpd.emulator = self
        self._httpd = httpd
        self._thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        name=f"{self.name}-{self.port}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop accepting, cut open keep-alive connections, then run ``on_stop``."""
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
        if self._on_stop is not None:
            self._on_stop()

    def serve_forever(self) -> None:
        """Run in the foreground (CLI)."""
        self.start()
        assert self._thread is not None
        while self._thread.is_alive():
            self._thread.join(timeout=0.5)

    def __enter__(self: E) -> E:
        """Start serving in a background thread."""
        return self.start()

    def __exit__(self, *exc: object) -> None:
        """Stop serving, also when the block raised."""
        self.stop()

    @property
    def port(self) -> int:
        """The bound port (the real one when the options asked for port 0)."""
        return self._httpd.server_address[1] if self._httpd is not None else int(self.options.port)

    @property
    def base_url(self) -> str:
        """Server root, e.g. ``http://127.0.0.1:PORT``."""
        host = self.options.host if self.options.host not in ("", "0.0.0.0", "::") else "127.0.0.1"
        return f"http://{host}:{self.port}"

    # ------------------------------------------------------------------ test controls
    def set_faults(self, fail_rate: float | None = None, drop_rate: float | None = None,
                   latency_ms: int | None = None) -> None:
        """Change faults at runtime; None keeps a setting."""
        self.faults.set(fail_rate=fail_rate, drop_rate=drop_rate, latency_ms=latency_ms)

    def faults_state(self) -> dict:
        """The current fault settings (``Controlled`` for the control endpoints)."""
        return self.faults.as_dict()

    def add_hook(self, fn: Callable[[dict], None]) -> None:
        """``fn(info)`` runs after each API request is handled, before its response is sent."""
        self._hooks.append(fn)

    def remove_hook(self, fn: Callable[[dict], None]) -> None:
        """Undo ``add_hook``; ``ValueError`` if ``fn`` was never added."""
        self._hooks.remove(fn)

    def requests(self) -> list[dict]:
        """A copy of the request log, oldest first, safe to read while requests arrive."""
        with self._log_lock:
            return list(self._log)

    def clear_requests(self) -> None:
        """Forget the logged requests."""
        with self._log_lock:
            self._log.clear()

    # ------------------------------------------------------------------ internals
    def _track(self, conn: socket.socket, opened: bool) -> None:
        with self._conn_lock:
            (self._connections.add if opened else self._connections.discard)(conn)

    def _record(self, method: str, path: str, query: str, status: int, fault: str | None) -> dict:
        """Append to the bounded request log; return the hook info (the log entry minus timestamp/fault)."""
        info = {"method": method, "path": path, "query": unquote_plus(query) if query else "",
                "status": status, **self.site.log_fields(path)}
        entry = dict(info, timestamp=time.time(), fault=fault)
        with self._log_lock:
            self._log.append(entry)
        return info

    def _handle_api(self, method: str, path: str, query: str, headers: dict, body: bytes) -> Response | None:
        faults = self.faults
        faults.delay()
        kind, status = faults.decide()
        if kind == FAIL:
            resp = self.site.failure_page(status, path)
        else:
            resp = self.site.handle(Request(method, path, query, headers, body))
        info = self._record(method, path, query, resp.status, kind)
        for hook in list(self._hooks):
            try:
                hook(dict(info))
            except BaseException as exc:  # a failing hook must not kill the request; tests inspect hook_errors
                self.hook_errors.append(exc)
                traceback.print_exc(file=sys.stderr)
        return None if kind == DROP else resp
