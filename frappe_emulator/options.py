"""Emulator settings; every field is also a command-line flag (see __main__.py).

``version`` switches every behaviour that differs between Frappe releases (spec §11; Part II for 16).
"""
from __future__ import annotations

from dataclasses import dataclass

VERSIONS = ("14", "15", "16", "dev")


@dataclass
class FrappeOptions:
    host: str = "127.0.0.1"
    port: int = 0  # 0 = pick a free port
    version: str = "16"  # 14 | 15 | 16 | dev
    rows: int = 200  # number of Sales Orders; invoices and payments scale with it
    tz: str = "Asia/Kolkata"  # System Settings time_zone (Frappe's fallback zone, spec §7.1)
    latency_ms: int = 0
    fail_rate: float = 0.0
    drop_rate: float = 0.0
    rate_limit: str | None = None  # "LIMIT_S:WINDOW_S": the site rate limiter's time budget (spec §9)
    seed: int = 42
    db: str | None = None  # SQLite file; None = in memory
    doctypes: str | None = None  # a doctypes.json whose DocTypes are served too (discovery benchmarks)

    def __post_init__(self) -> None:
        self.version = str(self.version)
        if self.version not in VERSIONS:
            raise ValueError(f"version must be one of {', '.join(VERSIONS)}, not {self.version!r}")

    @property
    def major(self) -> int:
        """14, 15, 16; dev counts as 17 (it has every 16 behaviour plus the dev changes)."""
        return 17 if self.version == "dev" else int(self.version)

    def rate_limit_pair(self) -> tuple[int, int] | None:
        if not self.rate_limit:
            return None
        try:
            limit, window = (int(x) for x in str(self.rate_limit).split(":"))
        except ValueError:
            raise ValueError(f"rate_limit must be LIMIT_S:WINDOW_S (e.g. 1:60), not {self.rate_limit!r}") from None
        if limit <= 0 or window <= 0:
            raise ValueError("rate_limit LIMIT_S and WINDOW_S must be positive")
        return limit, window
