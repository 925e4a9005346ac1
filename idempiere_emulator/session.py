"""The login context the REST plugin derives from a valid final token (spec §1.5)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Session:
    client_id: int
    user_id: int
    role_id: int
    org_id: int
    warehouse_id: int = 0
    language: str = "en_US"
    session_id: int = 0
