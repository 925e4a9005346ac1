"""Pure parts of frappe_emulator: filter SQL and parameters, value rendering, naming, coercion, serialization."""
from __future__ import annotations

import pytest

from frappe_emulator.errors import FrappeError
from frappe_emulator.model.coerce import to_stored
from frappe_emulator.model.dsl import Field, parse_field
from frappe_emulator.model.naming import series_prefix
from frappe_emulator.model.registry import Registry
from frappe_emulator.query.filters import FilterBuilder, normalize
from frappe_emulator.query.timespans import relative, timespan
from frappe_emulator.query.values import cint, datetime_text, flt, time_text
from frappe_emulator.serialize import fmt_datetime, fmt_time

REG = Registry()


def build(filters, major=16, doctype="ToDo"):
    fb = FilterBuilder(REG, REG.get(doctype), major, "2026-12-07")
    fb.add(filters)
    return fb.where.conds, fb.where.params


def test_ifnull_wrapping_rules():
    assert build([["sender", "!=", "a"]]) == (['COALESCE("tabToDo"."sender", \'\') != ?'], ["a"])
    assert build([["sender", "=", "a"]]) == (['"tabToDo"."sender" = ?'], ["a"])
    assert build([["sender", "=", ""]])[0] == ['("tabToDo"."sender" IS NULL OR "tabToDo"."sender" = \'\')']
    assert build([["date", ">", "2026-01-01"]])[0] == ['"tabToDo"."date" > ?']
    assert build([["date", "<", "2026-01-01"]])[0] == ['COALESCE("tabToDo"."date", \'0001-01-01\') < ?']
    assert build([["modified", "<", "2026-01-01"]])[0] == ['"tabToDo"."modified" < ?']
    assert build([["status", "in", ["Open"]]])[0] == ['"tabToDo"."status" IN (?)']
    assert build([["status", "not in", ["Open"]]])[0] == ['COALESCE("tabToDo"."status", \'\') NOT IN (?)']
    assert build([["status", "in", []]]) == (['COALESCE("tabToDo"."status", \'\') IN (?)'], [""])


def test_values_are_parameters_and_datetimes_are_wall_time():
    conds, params = build([["modified", ">", "2026-12-07T10:10:17.9Z"]])
    assert params == ["2026-12-07 10:10:17.900000"] and "?" in conds[0]
    assert build([["modified", ">", "2026-12-07 10:10:17+05:00"]])[1] == ["2026-12-07 10:10:17.000000"]
    assert build([["date", "between", ["2026-01-01", None]]])[1] == ["2026-01-01", "2026-12-07"]
    assert build([["Note", "expire_notification_on", "between", ["2026-01-01", "2026-01-02"]]], doctype="Note")[1] == [
        "2026-01-01 00:00:00.000000", "2026-01-02 23:59:59.999999"]


def test_forms_and_errors():
    assert normalize({"a": 1, "b": ["!=", 2]}, "ToDo", 16) == [("ToDo", "a", "=", 1), ("ToDo", "b", "!=", 2)]
    assert normalize([["ToDo", "a", "=", 1]], "ToDo", 16) == [("ToDo", "a", "=", 1)]
    with pytest.raises(FrappeError) as err:
        build([["status", "previous", "1 week"]], major=16)
    assert err.value.status == 417
    assert build([["date", "previous", "1 week"]], major=15)[1] == ["2026-11-30", "2026-12-07"]
    assert build([["date", "previous", "1 month"]], major=15)[1] == ["2026-11-07", "2026-12-07"]
    with pytest.raises(FrappeError) as err:
        build([["nosuch", "=", 1]], major=16)
    assert err.value.status == 403


def test_child_four_tuple_joins_the_child_table():
    fb = FilterBuilder(REG, REG.get("Sales Order"), 16, "2026-12-07")
    fb.add([["Sales Order Item", "item_code", "like", "ITEM-%"]])
    assert list(fb.where.joins) == ['"tabSales Order Item"']
    assert "parentfield = 'items'" in fb.where.joins['"tabSales Order Item"']


def test_timespans():
    assert timespan("last month", "2026-12-07") == ("2026-11-01", "2026-11-30")
    assert timespan("this quarter", "2026-12-07") == ("2026-10-01", "2026-12-31")
    assert timespan("this week", "2026-12-09") == ("2026-12-06", "2026-12-12")  # Sunday to Saturday
    assert relative("previous", "1 month", "2026-03-31") == ("2026-02-28", "2026-03-31")
    assert relative("next", "1 year", "2026-12-07") == ("2026-12-07", "2027-12-07")


def test_naming_series_prefix():
    assert series_prefix("SAL-ORD-.YYYY.-", "2026-12-07") == ("SAL-ORD-2026-", 5)
    assert series_prefix("INV-.YY.-.MM.-.####", "2026-12-07") == ("INV-26-12-", 4)


def test_coercion():
    check, integer, date_f, dt_f, t_f = (Field("c", "Check"), Field("i", "Int"), Field("d", "Date"),
                                         Field("x", "Datetime"), Field("t", "Time"))
    assert to_stored(check, "true") == 0 and to_stored(check, True) == 1
    assert to_stored(integer, "12.7") == 12 and to_stored(integer, "abc") == 0
    assert to_stored(date_f, "2026/12/01") == "2026-12-01" and to_stored(date_f, "") is None
    assert to_stored(dt_f, "2026-12-01T09:30:00") == "2026-12-01 09:30:00.000000"
    assert to_stored(t_f, "7:5") == "07:05:00.000000"
    with pytest.raises(FrappeError) as err:
        to_stored(dt_f, "2026-12-01T09:30:00Z")
    assert err.value.status == 500
    with pytest.raises(FrappeError):
        to_stored(Field("s", "Data"), ["a"])


def test_serialization_helpers():
    assert fmt_datetime("2026-12-07 10:10:18.000000") == "2026-12-07 10:10:18"
    assert fmt_datetime("2026-12-07 10:10:18.000002") == "2026-12-07 10:10:18.000002"
    assert fmt_time("06:05:00.000000") == "6:05:00" and fmt_time("00:05:00.5") == "0:05:00.5"
    assert datetime_text("garbage") == "garbage" and time_text("9:5") == "09:05:00.000000"
    assert flt("1,234.5") == 1234.5 and cint("x") == 0


def test_dsl():
    f = parse_field("naming_series:S>SAL-ORD-.YYYY.-!*")
    assert (f.fieldtype, f.options, f.reqd, f.set_only_once) == ("Select", "SAL-ORD-.YYYY.-", 1, 1)
    g = parse_field("customer_group:L>Customer+Group")
    assert g.options == "Customer Group"


def test_check_string_true_matches_zero_rows():
    assert build([["public", "=", "true"]], doctype="Note")[1] == [0]
    assert build([["public", "=", True]], doctype="Note")[1] == [1]


def test_a_dictionary_field_named_like_a_standard_column_is_that_column(tmp_path) -> None:
    """--doctypes with the real file: Communication declares ``_user_tags``, which every table already has."""
    import json as _json

    from frappe_emulator.model.registry import Registry

    path = tmp_path / "doctypes.json"
    path.write_text(_json.dumps({"doctypes": [{"name": "Mail Thing", "fields": [
        {"fieldname": "subject", "fieldtype": "Data"}, {"fieldname": "_user_tags", "fieldtype": "Data"},
        {"fieldname": "modified", "fieldtype": "Datetime"}]}]}))
    registry = Registry(str(path))
    columns = registry.columns(registry.get("Mail Thing"))
    assert len(columns) == len(set(columns))
    assert "subject" in columns and columns.count("_user_tags") == 1


def test_version_16_hash_names_never_repeat_within_one_time_tick(monkeypatch) -> None:
    """A seed writes thousands of child rows per 10 ms tick: 20k names in one tick would collide ~100 times."""
    from frappe_emulator.model import naming

    monkeypatch.setattr(naming.time, "time", lambda: 1_765_000_000.0)
    names = [naming.hash_name(16) for _ in range(20_000)]
    assert len(set(names)) == len(names)
    assert all(len(n) == 10 and n[:6] == names[0][:6] for n in names)
