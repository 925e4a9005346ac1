"""The only HTTP sender of the project (stub; full implementation follows)."""
from __future__ import annotations

import logging
from typing import Any

from idempiere_client.config import ConnectionConfig
from idempiere_client.paging import Page


class IdempiereClient:
    """Client for ``<base_url>/api/v1`` (stub)."""

    def __init__(self, cfg: ConnectionConfig, max_in_flight: int = 4, logger: logging.Logger | None = None, session=None):
        self.cfg = cfg
        self.max_in_flight = max_in_flight
        self.logger = logger or logging.getLogger("idempiere_client")
        self.stats: dict[str, int] = {"requests": 0, "retries": 0, "refreshes": 0, "logins": 0}

    def get(self, path: str, params: dict[str, Any] | None = None) -> dict:
        raise NotImplementedError

    def post(self, path: str, json_body: Any, params: dict[str, Any] | None = None) -> Any:
        raise NotImplementedError

    def put(self, path: str, json_body: Any) -> Any:
        raise NotImplementedError

    def delete(self, path: str) -> Any:
        raise NotImplementedError

    def get_page(self, table: str, *, filter: str | None, orderby: str | None, select: str | None = None, top: int = 100, skip: int = 0) -> Page:
        raise NotImplementedError

    def list_models(self) -> list[dict]:
        raise NotImplementedError

    def get_yaml(self, table: str) -> str:
        raise NotImplementedError

    def has_batch_endpoint(self) -> bool:
        raise NotImplementedError

    def batch(self, items: list[dict], transaction: bool = False) -> list[dict]:
        raise NotImplementedError

    def close(self) -> None:
        return None
