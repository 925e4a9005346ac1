"""Token lifecycle (spec §1): two-step password login with name resolution, refresh, s2s tokens. (stub)"""
from __future__ import annotations

from idempiere_client.config import ConnectionConfig


class TokenManager:
    """Holds the current access token; refreshes are serialised (stub until implemented)."""

    def __init__(self, cfg: ConnectionConfig, send=None, logger=None):
        self.cfg = cfg

    def auth_header(self) -> dict[str, str]:
        raise NotImplementedError

    def on_unauthorized(self, generation: int) -> None:
        raise NotImplementedError

    def logout(self) -> None:
        return None
