"""Emulator settings; every field is also a command-line flag (see __main__.py)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass
class EmulatorOptions:
    host: str = "127.0.0.1"
    port: int = 0  # 0 = pick a free port
    db: str | None = None  # SQLite file; None = in memory
    rows: int = 200  # number of C_Order rows; lines and accounting facts scale with it
    legacy: bool = False  # reproduce the older plugin generation (spec §13)
    tz: str = "UTC"  # server JVM time zone (IANA name)
    tolowercase: bool = False  # REST_COLUMNNAME_TOLOWERCASE=Y
    max_records: int = 100  # REST_MAX_RECORDS_SIZE; 0 = unlimited
    token_ttl: int = 3600  # access token lifetime in seconds (REST_TOKEN_EXPIRE_IN_MINUTES)
    latency_ms: int = 0
    fail_rate: float = 0.0
    drop_rate: float = 0.0
    s2s_token: str | None = None
    dictionary: str | None = None  # path to a dictionary.json; serves every table in it as well
    dictionary_rows: int = 0  # generated rows per dictionary table
    seed: int = 42
    job_delay_ms: int = 1000  # a background process job starts this long after it was submitted (plugin: 1000)
    administrators: str | None = None  # users with the System Administrator role (comma-separated names): /files
