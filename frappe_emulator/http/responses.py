"""Response bodies: compact JSON, v1/v2 error shapes, werkzeug/nginx HTML pages, Frappe cookies
(spec §1 "Response encoding", §3.2-§3.4; Part II §1, §3).
"""
from __future__ import annotations

import html
import json
import secrets

import orjson

from erp_emulator.messages import Response

from ..errors import FrappeError

JSON = "application/json"
NO_STORE = ("Cache-Control", "no-store,no-cache,must-revalidate,max-age=0")


def dumps(value) -> bytes:
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS)


def json_response(status: int, value, headers: list | None = None) -> Response:
    return Response(status, None, JSON, list(headers or []), value, encode=dumps)


def html_page(status: int, title: str, message: str, headers: list | None = None) -> Response:
    body = (f"<!doctype html>\n<html lang=en>\n<title>{status} {html.escape(title)}</title>\n"
            f"<h1>{html.escape(title)}</h1>\n<p>{message}</p>\n").encode()
    return Response(status, body, "text/html; charset=utf-8", list(headers or []))


def error_page(status: int, err: FrappeError) -> Response:
    """A desk-style HTML error page (``Accept: text/html`` on an API call)."""
    message = html.escape(err.message or err.exc_type)
    body = (f"<!DOCTYPE html><html><head><title>Error</title></head><body><div class='page-card'>"
            f"<h3>{html.escape(err.exc_type)}</h3><p>{message}</p></div></body></html>").encode()
    return Response(status, body, "text/html; charset=utf-8")


def _traceback(err: FrappeError) -> str:
    line = f"{err.module}.{err.exc_type}: {err.message or ''}".rstrip(": ")
    return f"Traceback (most recent call last):\n  File \"apps/frappe/frappe/app.py\", line 115, in application\n{line}\n"


def v1_error(err: FrappeError, tracebacks: bool, extra: dict | None = None, exc_type: bool = True) -> dict:
    """``exc_type=False``: F14, where only ``frappe.throw`` sets it (a bare ``raise`` leaves it out; spec §3.2)."""
    body: dict = dict(extra or {})
    body.update({k: v for k, v in err.extra.items() if not k.startswith("_exc")})
    if tracebacks and err.traceback:
        body["exception"] = f"{err.module}.{err.exc_type}: {err.message or ''}".rstrip(": ")
    if exc_type:
        body["exc_type"] = err.exc_type
    if tracebacks and err.traceback:
        body["exc"] = json.dumps([_traceback(err)])
    if err.messages:
        msgs = []
        for m in err.messages:
            m = dict(m)
            m.setdefault("title", "Message")
            m.setdefault("as_table", False)
            if m.get("raise_exception"):
                m["__frappe_exc_id"] = secrets.token_hex(8)
            msgs.append(json.dumps(m))
        body["_server_messages"] = json.dumps(msgs)
    return body


def v2_error(err: FrappeError, tracebacks: bool) -> dict:
    first = dict(err.messages[0]) if err.messages else {}
    entry = {"type": err.exc_type}
    if tracebacks and err.traceback:
        entry["exception"] = _traceback(err)
    if first or err.message:
        entry.update({"message": first.get("message", err.message), "as_table": False,
                      "title": first.get("title", "Message"), "indicator": first.get("indicator", "red")})
    body = {"errors": [entry]}
    rest = [dict(m) for m in err.messages[1:]]
    if rest:
        body["messages"] = rest
    return body


def cookie(name: str, value: str, max_age: int | None = None, http_only: bool = False) -> tuple[str, str]:
    parts = [f"{name}={value}"]
    if max_age is not None:
        parts.append(f"Max-Age={max_age}")
    parts.append("Path=/")
    if http_only:
        parts.append("HttpOnly")
    parts.append("SameSite=Lax")
    return ("Set-Cookie", "; ".join(parts))


def guest_cookies() -> list[tuple[str, str]]:
    return [cookie("sid", "Guest", 612000, True), cookie("system_user", "no"), cookie("full_name", "Guest"),
            cookie("user_id", "Guest"), cookie("user_lang", "en")]


def clear_cookies() -> list[tuple[str, str]]:
    return [("Set-Cookie", f"{n}=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/")
            for n in ("sid", "system_user", "full_name", "user_id", "user_lang")]
