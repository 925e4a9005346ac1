"""Injected faults (latency, failures, dropped connections) and the non-JSON error pages they produce.

A real deployment sits behind Jetty and usually a reverse proxy; their error pages are HTML, never the plugin's
JSON shape, which is how a client tells a transient failure from an application error (docs/architecture.md).
"""
from __future__ import annotations

import html
import random
import threading
import time

from .options import EmulatorOptions

FAIL = "fail"
DROP = "drop"

_JETTY_PAGE = """<html>
<head>
<meta http-equiv="Content-Type" content="text/html;charset=ISO-8859-1"/>
<title>Error {status} {reason}</title>
</head>
<body><h2>HTTP ERROR {status} {reason}</h2>
<table>
<tr><th>URI:</th><td>{uri}</td></tr>
<tr><th>STATUS:</th><td>{status}</td></tr>
<tr><th>MESSAGE:</th><td>{message}</td></tr>
<tr><th>SERVLET:</th><td>com.trekglobal.idempiere.rest.api.v1.ApplicationV1</td></tr>
</table>
<hr><a href="https://eclipse.org/jetty">Powered by Jetty:// 9.4.51.v20230217</a><hr/>

</body>
</html>
"""

_PROXY_PAGE = """<html>
<head><title>{status} {reason}</title></head>
<body>
<center><h1>{status} {reason}</h1></center>
<hr><center>nginx</center>
</body>
</html>
"""

class ContainerError(Exception):
    """An exception that escapes the resource method: Jetty answers with its HTML error page (spec §8)."""

    def __init__(self, status: int = 500, message: str = "Server Error"):
        super().__init__(message)
        self.status = status


_PROXY_REASONS = {502: "Bad Gateway", 503: "Service Temporarily Unavailable", 504: "Gateway Time-out"}


def jetty_page(status: int, uri: str, message: str = "Server Error") -> tuple[int, str, bytes]:
    """Jetty's default error page, as for exceptions escaping a resource method (spec §8)."""
    reason = "Server Error" if status == 500 else message
    body = _JETTY_PAGE.format(status=status, reason=reason, uri=html.escape(uri), message=html.escape(message))
    return status, "text/html;charset=iso-8859-1", body.encode("iso-8859-1", "replace")


def proxy_page(status: int) -> tuple[int, str, bytes]:
    """An nginx-style gateway error page (the server behind the proxy is down or restarting)."""
    body = _PROXY_PAGE.format(status=status, reason=_PROXY_REASONS.get(status, "Error"))
    return status, "text/html", body.encode("ascii")


class Faults:
    """Fault settings, changeable at runtime; one seeded RNG under a lock keeps runs reproducible."""

    def __init__(self, options: EmulatorOptions):
        self.latency_ms = int(options.latency_ms or 0)
        self.fail_rate = float(options.fail_rate or 0.0)
        self.drop_rate = float(options.drop_rate or 0.0)
        self._rng = random.Random(options.seed)
        self._lock = threading.Lock()

    def set(self, fail_rate: float | None = None, drop_rate: float | None = None,
            latency_ms: int | None = None) -> None:
        """Change the settings given (None keeps the current value)."""
        if fail_rate is not None:
            self.fail_rate = _rate(fail_rate, "fail_rate")
        if drop_rate is not None:
            self.drop_rate = _rate(drop_rate, "drop_rate")
        if latency_ms is not None:
            if int(latency_ms) < 0:
                raise ValueError("latency_ms must be >= 0")
            self.latency_ms = int(latency_ms)

    def as_dict(self) -> dict:
        return {"fail_rate": self.fail_rate, "drop_rate": self.drop_rate, "latency_ms": self.latency_ms}

    def delay(self) -> None:
        if self.latency_ms > 0:
            time.sleep(self.latency_ms / 1000.0)

    def decide(self) -> tuple[str | None, int]:
        """Return (FAIL, status) to answer an error page instead of handling, (DROP, 0), or (None, 0)."""
        fail, drop = self.fail_rate, self.drop_rate
        if fail <= 0 and drop <= 0:
            return None, 0
        with self._lock:
            draw = self._rng.random()
            if draw < fail:
                return FAIL, self._rng.choice((500, 502, 503))
            if draw < fail + drop:
                return DROP, 0
        return None, 0

    @staticmethod
    def failure_page(status: int, uri: str) -> tuple[int, str, bytes]:
        """500 comes from Jetty itself, 502/503 from the proxy in front of it."""
        return jetty_page(500, uri) if status == 500 else proxy_page(status)


def _rate(value: float, name: str) -> float:
    rate = float(value)
    if not 0.0 <= rate <= 1.0:
        raise ValueError(f"{name} must be between 0 and 1")
    return rate
