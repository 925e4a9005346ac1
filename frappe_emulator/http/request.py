"""Request arguments (``form_dict``) and the per-request context (spec §1 "How form_dict is built").

A non-empty JSON body is the only source of arguments (the query string is then ignored); a JSON list
becomes ``data``; otherwise query and form fields merge. ``_`` is dropped. F16: an invalid JSON body is
417 ``DataError``; F14/F15: a 500 JSON decode error.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import parse_qs

from erp_emulator.messages import Request

from ..auth.sessions import Identity
from ..errors import FrappeError


@dataclass
class Ctx:
    req: Request
    v2: bool
    form: dict = field(default_factory=dict)
    cookies: dict = field(default_factory=dict)
    ident: Identity | None = None
    headers_out: list = field(default_factory=list)
    extra: dict = field(default_factory=dict)  # keys added to the response body (session_expired, ...)

    @property
    def user(self):
        return self.ident.user

    @property
    def method(self) -> str:
        return self.req.method


def parse_cookies(header: str | None) -> dict:
    if not header:
        return {}
    jar = SimpleCookie()
    try:
        jar.load(header)
    except Exception:  # noqa: BLE001 - a malformed Cookie header is ignored, as werkzeug does
        return {}
    return {k: m.value for k, m in jar.items()}


def build_form(req: Request, major: int) -> dict:
    form: dict = {}
    body = req.body or b""
    ctype = (req.headers.get("content-type") or "").lower()
    if body.strip() and "json" in ctype:
        try:
            data = json.loads(body.decode("utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            if major >= 16:
                raise FrappeError("DataError", "Invalid request body") from None
            raise FrappeError("JSONDecodeError", str(exc), module="json.decoder") from None
        if isinstance(data, dict):
            form.update(data)
        else:
            form["data"] = data
    else:
        for k, v in parse_qs(req.query, keep_blank_values=True).items():
            form[k] = v[0]
        if body and "form-urlencoded" in ctype:
            for k, v in parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True).items():
                form[k] = v[0]
    form.pop("_", None)
    return form


def json_arg(value, name: str, default=None):
    """A JSON-encoded argument (``fields``, ``filters``...): a non-JSON string is a 500 (``json.loads``)."""
    if value is None or value == "":
        return default
    if isinstance(value, (list, dict, int, float)):
        return value
    try:
        return json.loads(value)
    except ValueError:
        raise FrappeError("JSONDecodeError", f"Expecting value: line 1 column 1 (char 0) [{name}]",
                          module="json.decoder") from None


def sbool(value) -> bool:
    if isinstance(value, str):
        return value.lower() not in ("0", "false", "no", "off", "")
    return bool(value)
