"""A destination's input lines -> Airbyte messages, and every line that is not one -> a ``BadLine`` with its reason.

The CDK's parser (``Destination._parse_input_stream``) drops a line orjson cannot read with an INFO log:
a record holding ``NaN``, ``Infinity`` or a lone surrogate escape (``"\\ud800"``) vanishes from every count
and rejects file. It also reads an integer beyond 64 bits as a float, silently changing the value. Here
each line is parsed by orjson (fast), a line with a long digit run by ``json`` (exact integers), and a
line neither can take is diagnosed with ``json`` so the reject says which field holds what and names the
stream when the line shows one. The destination pipeline turns each ``BadLine`` into a counted reject.
"""
from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import orjson
from airbyte_cdk.models import AirbyteMessage, AirbyteMessageSerializer

_LONG_INTEGER = re.compile(rb"[-:,\[\s]\d{19,}")  # may exceed 64 bits: orjson would make it a float
_EXCERPT = 200


@dataclass(frozen=True)
class BadLine:
    """An input line that is not an Airbyte message this destination can take.

    Attributes:
        line_no: 1-based line number in the input.
        stream: the record's stream when the line shows one, else None.
        reason: what is wrong, naming the field when one is to blame.
        data: the record's data as far as it could be read ({} when not at all).
    """

    line_no: int
    stream: str | None
    reason: str
    data: dict[str, Any]


class _Constant:
    def __init__(self, text: str):
        self.text = text


def parse_lines(lines: Iterable[str | bytes]) -> Iterator[AirbyteMessage | BadLine]:
    """Messages in input order; a line that cannot be one is a ``BadLine`` in its place (blank lines skipped)."""
    for line_no, line in enumerate(lines, 1):
        raw = line.encode("utf-8", "surrogatepass") if isinstance(line, str) else line
        if not raw.strip():
            continue
        try:
            obj = json.loads(raw) if _LONG_INTEGER.search(raw) else orjson.loads(raw)
            problem = _value_problem(obj)
        except ValueError:
            yield _diagnose(line_no, raw)
            continue
        if problem is not None:
            yield BadLine(line_no, _stream_of(obj), problem, _data_of(obj))
            continue
        if not isinstance(obj, dict) or not isinstance(obj.get("type"), str):
            yield BadLine(line_no, _stream_of(obj), "not an Airbyte message (a JSON object with a \"type\")",
                          _data_of(obj))
            continue
        try:
            yield AirbyteMessageSerializer.load(obj)
        except Exception as exc:  # noqa: BLE001 - the serializer's complaint becomes this line's reason
            text = str(exc).splitlines()[0][:_EXCERPT] if str(exc) else type(exc).__name__
            yield BadLine(line_no, _stream_of(obj), f"not a valid Airbyte {obj.get('type')} message: {text}",
                          _data_of(obj))


def _diagnose(line_no: int, raw: bytes) -> BadLine:
    """Why orjson refused ``raw``: read it leniently with ``json`` to name the field and the value kind."""
    try:
        obj = json.loads(raw.decode("utf-8", "surrogatepass"), parse_constant=_Constant)
    except (ValueError, UnicodeDecodeError) as exc:
        where = f" at column {exc.colno}" if isinstance(exc, json.JSONDecodeError) else ""
        msg = exc.msg if isinstance(exc, json.JSONDecodeError) else "not UTF-8 text"
        return BadLine(line_no, None, f"not valid JSON ({msg}{where})", {})
    problem = _value_problem(obj) or "not valid JSON"
    return BadLine(line_no, _stream_of(obj), problem, _data_of(obj, clean=True))


def _value_problem(obj: Any) -> str | None:
    """A value JSON (and the ERP) cannot carry: NaN/Infinity, a lone surrogate; None when all are fine."""
    data = obj.get("record", {}).get("data") if isinstance(obj, dict) and isinstance(obj.get("record"), dict) else None
    for path, value in _leaves(data if isinstance(data, dict) else obj, ()):
        field = ".".join(path) or "the line"
        if isinstance(value, _Constant):
            return f"field {field} holds {value.text}, which JSON does not allow (send null or a string instead)"
        if isinstance(value, float) and not math.isfinite(value):
            return f"field {field} holds a number too large for a double ({value})"
        if isinstance(value, str) and _has_lone_surrogate(value):
            return f"field {field} holds a lone surrogate escape (e.g. \\ud800), which is not valid Unicode text"
    return None


def _leaves(value: Any, path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], Any]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, (*path, str(key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _leaves(item, (*path, str(index)))
    else:
        yield path, value


def _has_lone_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
        return False
    except UnicodeEncodeError:
        return True


def _stream_of(obj: Any) -> str | None:
    record = obj.get("record") if isinstance(obj, dict) else None
    stream = record.get("stream") if isinstance(record, dict) else None
    return stream if isinstance(stream, str) else None


def _data_of(obj: Any, clean: bool = False) -> dict[str, Any]:
    """The record's data for the rejects file: unreadable values (NaN, surrogates) as their text."""
    record = obj.get("record") if isinstance(obj, dict) else None
    data = record.get("data") if isinstance(record, dict) else None
    if not isinstance(data, dict):
        return {}
    return {str(k): _printable(v) for k, v in data.items()}


def _printable(value: Any) -> Any:
    if isinstance(value, _Constant):
        return value.text
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, str) and _has_lone_surrogate(value):
        return value.encode("utf-8", "backslashreplace").decode("ascii", "replace")
    if isinstance(value, dict):
        return {str(k): _printable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_printable(v) for v in value]
    return value
