"""Request-body parsing the plugin's frameworks do before a resource method runs (spec §1, §7, Open question 2).

``/auth/*`` bodies are bound by Jackson (strict: unknown properties and bad JSON are 400 text/plain);
model write bodies are read by Gson in lenient mode (comments allowed, empty body -> NullPointerException).
"""
from __future__ import annotations

import json

from erp_emulator.messages import Request

from ..errors import EmulatorError


class PlainError(Exception):
    """Jersey/Jackson mapper errors: a text/plain body (spec Open question 2)."""

    def __init__(self, status: int, text: str) -> None:
        super().__init__(text)
        self.status, self.text = status, text


def jackson_object(req: Request, allowed: tuple, cls: str) -> dict:
    """Strict Jackson binding used by /auth/*: unknown properties and bad JSON are 400 text/plain."""
    text = req.body.decode("utf-8", errors="replace").strip()
    if not text:
        raise PlainError(400, "No content to map due to end-of-input")
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise PlainError(400, f"Unexpected character: {exc}") from None
    if not isinstance(value, dict):
        raise PlainError(400, f"Cannot deserialize value of type `{cls}` from non-object value")
    for key in value:
        if key not in allowed:
            raise PlainError(400, f'Unrecognized field "{key}" (class {cls}), not marked as ignorable')
    return value


def string_fields(obj: dict, allowed: tuple, cls: str) -> dict:
    """LoginParameters fields are Java Strings: JSON numbers/booleans coerce, objects do not."""
    out = {}
    for key, value in obj.items():
        if key not in allowed:
            raise PlainError(400, f'Unrecognized field "{key}" (class {cls}), not marked as ignorable')
        if isinstance(value, (dict, list)):
            raise PlainError(400, f"Cannot deserialize value of type `java.lang.String` for {key}")
        out[key] = as_str(value)
    return out


def as_str(value: object) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def jackson_int(value: object, name: str) -> int | None:
    """RefreshParameters ids are Java Integers: numbers and numeric strings bind, anything else is a 400."""
    if value is None:
        return None
    if isinstance(value, (bool, dict, list)):
        raise PlainError(400, f"Cannot deserialize value of type `java.lang.Integer` for {name}")
    try:
        return int(value)
    except ValueError:
        raise PlainError(400, f'Cannot deserialize value of type `java.lang.Integer` from String "{value}"') from None


def gson_object(req: Request, title: str) -> dict:
    """Write bodies: Gson in lenient mode accepts // # /* */ comments (Postman bodies rely on it, §7)."""
    if req.parsed_body is not None:
        return req.parsed_body
    text = req.body.decode("utf-8", errors="replace")
    if not text.strip():
        raise EmulatorError(500, title, "java.lang.NullPointerException")
    try:
        value = json.loads(text)
    except ValueError:
        try:
            value = json.loads(strip_comments(text))
        except ValueError as exc:
            raise EmulatorError(500, title, f"com.google.gson.JsonSyntaxException: {exc}") from None
    if not isinstance(value, dict):
        raise EmulatorError(500, "Server error", "Not a JSON Object: " + text.strip()[:100])
    return value


def strip_comments(text: str) -> str:
    """Remove //, # and /* */ comments outside double-quoted strings."""
    out, i, n, in_str = [], 0, len(text), False
    while i < n:
        ch = text[i]
        if in_str:
            out.append(ch)
            if ch == "\\" and i + 1 < n:
                out.append(text[i + 1])
                i += 1
            elif ch == '"':
                in_str = False
        elif ch == '"':
            in_str = True
            out.append(ch)
        elif ch == "#" or text.startswith("//", i):
            while i < n and text[i] != "\n":
                i += 1
            continue
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            i = n if end < 0 else end + 2
            continue
        else:
            out.append(ch)
        i += 1
    return "".join(out)
