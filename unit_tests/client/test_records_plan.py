"""RecordConverter's one-lookup plan (FK objects split inline) gives what the per-column setters gave.

The reference is the conversion as it was before the plan: a setter per column that needs work, built
from the same ``_make_setter``, and the text check for string-like columns. Random records with every
column kind, both spellings of column names (``REST_COLUMNNAME_TOLOWERCASE``), bare ids, nulls, JSON
values in text columns and unknown keys are converted by both in both FK modes and compared as JSON text
(values, types and key order). ``column_value`` (a reader's fetch stage) is checked against ``convert``.
"""
from __future__ import annotations

import json
import random
from typing import Any

import pytest

from idempiere_client import records
from idempiere_client.column_names import to_property_name
from idempiere_client.metadata import KINDS, ColumnMeta, TableMeta
from idempiere_client.records import RecordConverter
from idempiere_client.timeutil import ServerClock

COLUMNS = [ColumnMeta(f"{kind.title()}Col", kind) for kind in sorted(KINDS)] + [
    ColumnMeta("C_BPartner_ID", "fk", ref_table="c_bpartner"), ColumnMeta("DocStatus", "list"),
    ColumnMeta("Updated", "datetime"), ColumnMeta("Name", "string"), ColumnMeta("Logo_ID", "image"),
]
META = TableMeta("C_Order", "c_order", {c.name: c for c in COLUMNS}, key_column="C_Order_ID")


def reference(meta: TableMeta, fk_mode: str, clock: ServerClock, record: dict[str, Any]) -> dict[str, Any]:
    """The converter before the plan: setters per column, then the text check."""
    setters: dict[str, Any] = {}
    texty: set[str] = set()
    for col in meta.columns.values():
        variant = to_property_name(col.name)
        if col.kind in records._PASS_KINDS[fk_mode]:
            if variant != col.name:
                setters[variant] = records._renamer(col.name)
            continue
        if col.kind in records._TEXT_KINDS or (col.kind == "other" and fk_mode == "flatten"):
            texty.add(col.name)
            if variant != col.name:
                setters[variant] = records._make_setter(col, fk_mode, clock)
            continue
        setter = records._make_setter(col, fk_mode, clock)
        setters[col.name] = setter
        setters.setdefault(variant, setter)
    setters["model-name"] = records._drop
    out: dict[str, Any] = {}
    for key, value in record.items():
        setter = setters.get(key)
        if setter is not None:
            setter(out, value)
        elif key in texty and value.__class__ is not str and value is not None:
            out[key] = records._json_text(value)
        else:
            out[key] = value
    return out


def value_for(rng: random.Random, kind: str) -> Any:
    fk = {"propertyLabel": "X", "id": rng.choice([7, "CO", None]), "identifier": rng.choice(["Joe", None]),
          "model-name": "x"}
    if rng.random() < 0.5:
        fk.pop("identifier")
    shapes = {
        "fk": [fk, 7, None, "7"], "list": [fk, "CO", None], "location": [fk, 125, None], "image": [fk, 3, None],
        "datetime": ["2024-07-01T12:00:00Z", "2024-07-01T12:00:00+02:00", "2024-07-01 12:00:00", "bad", None, 5],
        "timestamptz": ["2024-07-01T10:00:00.123Z", "2024-07-01T10:00:00+01:00", "bad", None],
        "string": ["text", None, 5, {"a": [1, 2]}, [1, "é"], True],
    }
    default = ["text", 5, 2.5, True, None, {"a": 1}, [1, 2], "2024-07-01"]
    return rng.choice(shapes.get(kind, shapes["string"] if kind in ("binary", "time", "other") else default))


def random_record(rng: random.Random) -> dict[str, Any]:
    record: dict[str, Any] = {"id": rng.randrange(1000), "uid": "u"}
    for col in rng.sample(COLUMNS, len(COLUMNS)):  # any key order
        if rng.random() < 0.85:
            spellings = [col.name, to_property_name(col.name)]
            rng.shuffle(spellings)
            for spelling in spellings[:rng.choice([1, 1, 1, 2])]:  # either spelling, sometimes both
                record[spelling] = value_for(rng, col.kind)
    if rng.random() < 0.5:
        record["model-name"] = "c_order"
    if rng.random() < 0.3:
        record["Unknown"] = rng.choice([1, {"a": 1}, "x"])
    return record


@pytest.mark.parametrize("fk_mode", ["flatten", "object"])
@pytest.mark.parametrize("zone", ["UTC", "Europe/Berlin"])
def test_plan_gives_the_per_column_setters_output(fk_mode: str, zone: str) -> None:
    rng = random.Random(f"{fk_mode}{zone}")
    conv = RecordConverter(META, fk_mode, ServerClock(zone))
    ref_clock = ServerClock(zone)
    for _ in range(3000):
        record = random_record(rng)
        original = json.dumps(record)
        got = conv.convert(record)
        assert json.dumps(record) == original  # input not modified
        assert json.dumps(got) == json.dumps(reference(META, fk_mode, ref_clock, record)), record


@pytest.mark.parametrize("fk_mode", ["flatten", "object"])
@pytest.mark.parametrize("current_generation", [False, True])
def test_column_value_is_what_convert_gives_for_that_column(fk_mode: str, current_generation: bool) -> None:
    """With the server generation settled (the start-up time-zone check learns it), one column converted alone
    equals that column of the whole record converted. (While it is being learned, a value with an offset
    changes how later trailing Zs read, so the order of conversions matters there, as it always did.)"""
    rng = random.Random(f"{fk_mode}{current_generation}")
    clock = ServerClock("Europe/Berlin")
    if current_generation:
        clock.mark_current_generation()
    conv = RecordConverter(META, fk_mode, clock)
    for _ in range(3000):
        record = random_record(rng)
        if not current_generation:  # no value with an offset: the generation stays unknown
            record = {k: v for k, v in record.items() if not (isinstance(v, str) and v.endswith("+02:00"))}
        for column in ("Updated", "C_BPartner_ID", "Name", "DatetimeCol", "TimestamptzCol", "Missing"):
            alone = conv.column_value(record, column)
            assert json.dumps(alone) == json.dumps(conv.convert(record).get(column)), (column, record)
        assert clock.zulu_is_real is current_generation
