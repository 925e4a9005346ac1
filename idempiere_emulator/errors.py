"""Typed errors the emulator backend raises; the HTTP layer only translates them (moto style)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass
class EmulatorError(Exception):
    """An error response of the REST plugin.

    ``title`` may be None: the real ErrorBuilder always emits the key, so it becomes ``"title":null``
    (spec §4.8). ``empty_body`` reproduces responses that carry no body at all (spec §1.7, §2.4).
    """

    status: int
    title: str | None = None
    detail: str | None = None
    empty_body: bool = False

    def body(self) -> dict | None:
        if self.empty_body:
            return None
        out: dict = {"title": self.title, "status": self.status}
        if self.detail:
            out["detail"] = self.detail
        return out

    def __str__(self) -> str:  # pragma: no cover - debugging aid
        return f"{self.status} {self.title}: {self.detail}"
