"""Injected faults: added latency, failures answered with non-JSON error pages, answers dropped after handling.

A real deployment sits behind an application container and usually a reverse proxy; their error pages are HTML,
never the ERP's own JSON error shape, which is how a client tells a transient failure from an application error.
A failure replaces the request (nothing is written); a drop comes after it (a write IS committed, the answer is
lost), which is the case a client must prove before it retries a write.
"""
from __future__ import annotations

import random
import threading
import time
from typing import Protocol

FAIL = "fail"
DROP = "drop"
FAILURE_STATUSES = (500, 502, 503)

_PROXY_PAGE = """<html>
<head><title>{status} {reason}</title></head>
<body>
<center><h1>{status} {reason}</h1></center>
<hr><center>nginx</center>
</body>
</html>
"""
_PROXY_REASONS = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Temporarily Unavailable",
                  504: "Gateway Time-out"}


class FaultOptions(Protocol):
    """The start-up fault settings an ERP's options carry (its CLI flags ``--latency-ms`` etc.)."""

    latency_ms: int
    fail_rate: float
    drop_rate: float
    seed: int


def proxy_page(status: int) -> tuple[int, str, bytes]:
    """An nginx-style error page (the server behind the proxy is down or restarting): status, type, body."""
    body = _PROXY_PAGE.format(status=status, reason=_PROXY_REASONS.get(status, "Error"))
    return status, "text/html", body.encode("ascii")


class Faults:
    """Fault settings, changeable at runtime; one seeded RNG under a lock keeps runs reproducible."""

    def __init__(self, options: FaultOptions):
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
        """The settings as the ``/__emulator__/faults`` endpoint answers them."""
        return {"fail_rate": self.fail_rate, "drop_rate": self.drop_rate, "latency_ms": self.latency_ms}

    def delay(self) -> None:
        """Sleep the configured latency, so clients meet a slow server."""
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
                return FAIL, self._rng.choice(FAILURE_STATUSES)
            if draw < fail + drop:
                return DROP, 0
        return None, 0


def _rate(value: float, name: str) -> float:
    rate = float(value)
    if not 0.0 <= rate <= 1.0:
        raise ValueError(f"{name} must be between 0 and 1")
    return rate
