"""RecordConverter's fast paths (values already of their output type, canonical dates) change no output.

The reference is the conversion loop as it was before them, run over the same converter's field plan:
rows of random values of every shape for every field kind are converted by both and compared as JSON
text (types and key order included), with the issue counts.
"""
from __future__ import annotations

import json
import random
from collections import Counter
from typing import Any

import pytest

from frappe_client.meta import parse_getdoctype
from frappe_client.records import RecordConverter, _Bad
from frappe_client.timeutil import SiteClock, format_date


def _f(fieldname: str, fieldtype: str, options: str | None = None) -> dict[str, Any]:
    return {"fieldname": fieldname, "fieldtype": fieldtype, "options": options, "label": fieldname}


FIELDS = [_f("c1", "Check"), _f("i1", "Int"), _f("n1", "Float"), _f("n2", "Currency"), _f("n3", "Percent"),
          _f("d1", "Date"), _f("dt1", "Datetime"), _f("t1", "Time"), _f("j1", "JSON"), _f("s1", "Data"),
          _f("l1", "Link", "Customer"), _f("sel", "Select", "A\nB")]


def meta(autoname: str | None = None):
    return parse_getdoctype({"docs": [{"name": "X", "autoname": autoname, "fields": FIELDS}]}, "X")["X"]


def reference_convert(conv: RecordConverter, row: dict[str, Any], issues: Counter[str]) -> dict[str, Any]:
    """The loop before the fast paths: every field through its function; dates through format_date."""
    out: dict[str, Any] = dict(conv._defaults)
    out.update(row)
    out.pop("doctype", None)
    for key, fn in conv._convert.items():
        if getattr(fn, "__name__", "") == "_date":
            fn = format_date
        value = out.get(key)
        if value is None or (value == "" and key not in ("name",)):
            out[key] = None
            continue
        try:
            out[key] = fn(value)
        except _Bad:
            issues[key] += 1
            out[key] = None
    return out


SHAPES: list[Any] = [
    None, "", " ", 0, 1, 2, -1, 0.0, 1.0, 2.5, -0.0, True, False, "0", "1", "2", "1.5", " 3 ", "1e3", "abc", "true",
    "no", "2024-03-15", "2024-02-30", "0000-01-01", "2024-3-5", " 2024-03-15", "2024-03-15 ", "2024-03-15T10:00:00",
    "2024-W11-5", "2024031500", "20240315  ", "2024-0315x", "2024-03-1\u0665", "\uff12024-03-15", "XX-XX-XXXX", "2024/03/15", "2024-03-15 10:23:45",
    "2024-03-15 10:23:45.120000", "9:05:00", "09:05:00.500000", "25:00:00", '{"a": 1}', "[1, 2]", "{bad", [1, 2],
    {"a": 1}, 10**20, float("inf"), 1.0e-7,
]


def random_row(rng: random.Random, autoincrement: bool) -> dict[str, Any]:
    row: dict[str, Any] = {"name": rng.choice([1, 7, "7", "x", "", None]) if autoincrement else rng.choice(["A-1", ""])}
    for key in ("creation", "modified", "docstatus", "idx", *(f["fieldname"] for f in FIELDS)):
        if rng.random() < 0.9:  # sometimes absent: absent keys are null in the output
            row[key] = rng.choice(SHAPES)
    if rng.random() < 0.3:
        row["doctype"] = "X"
    if rng.random() < 0.3:
        row["extra"] = rng.choice(SHAPES)
    return row


@pytest.mark.parametrize("autoname", [None, "autoincrement"])
def test_fast_paths_give_the_reference_output_and_issues(autoname: str | None) -> None:
    rng = random.Random(autoname or "plain")
    conv = RecordConverter(meta(autoname), SiteClock("America/New_York"))
    ref = RecordConverter(meta(autoname), SiteClock("America/New_York"))
    issues: Counter[str] = Counter()
    for _ in range(5000):
        row = random_row(rng, meta(autoname).autoincrement)
        original = dict(row)
        got = conv.convert(row)
        want = reference_convert(ref, dict(row), issues)
        assert row == original  # the input row is not modified
        assert json.dumps(got) == json.dumps(want), row
    assert conv.issues == issues and sum(issues.values()) > 300


def test_every_shape_meets_every_field_kind() -> None:
    conv = RecordConverter(meta(), SiteClock("UTC"))
    issues: Counter[str] = Counter()
    for shape in SHAPES:
        row = {"name": "A", **{f["fieldname"]: shape for f in FIELDS}, "creation": shape, "modified": shape,
               "docstatus": shape, "idx": shape}
        want = reference_convert(conv, row, issues)
        got = conv.convert(row)
        assert json.dumps(got) == json.dumps(want), shape
