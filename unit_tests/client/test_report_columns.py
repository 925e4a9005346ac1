"""report_columns: conservative type sniffing, the schema it writes, and rows typed by a (catalog) schema."""
from __future__ import annotations

import jsonschema
import pytest

from idempiere_client.process_output import ReportOutputError, Table, json_table, parse_csv
from idempiere_client.report_columns import (
    convert_rows,
    kinds_of_schema,
    sniff,
    stream_schema,
    text_kind,
)


@pytest.mark.parametrize(("value", "kind"), [
    ("0", "integer"), ("-12", "integer"), ("9223372036854775807", "integer"),
    ("9223372036854775808", "string"),  # beyond 64 bits: not an integer a destination can hold
    ("007", "string"), ("+5", "string"), ("1,234", "string"), ("1e5", "string"),
    ("12.50", "number"), ("-0.5", "number"), ("1,234.56", "string"), (".5", "string"), ("5.", "string"),
    ("true", "boolean"), ("FALSE", "boolean"), ("Y", "string"), ("Yes", "string"),
    ("2026-01-15", "date"), ("2026-02-30", "string"), ("01/15/2026", "string"),
    ("2026-01-15T10:11:12", "date-time"), ("2026-01-15 10:11", "date-time"),
    ("2026-01-15T10:11:12.123Z", "date-time-tz"), ("2026-01-15T10:11:12+02:00", "date-time-tz"),
    ("2026-01-15T25:00:00", "string"), ("hello", "string"),
])
def test_text_values_are_typed_conservatively(value, kind):
    assert text_kind(value) == kind


def test_a_column_that_disagrees_later_falls_back_to_string_and_ints_with_decimals_are_numbers():
    table = parse_csv(b"Id,Qty,Code,Day,Empty,Flag,When\n"
                      b"1,2,10,2026-01-01,,true,2026-01-01 10:00:00\n"
                      b"2,2.5,A7,2026-01-02,,false,2026-01-01T10:00:00Z\n"
                      b"3,,11,,,true,\n")
    assert sniff(table) == {"Id": "integer", "Qty": "number", "Code": "string", "Day": "date", "Empty": "string",
                            "Flag": "boolean", "When": "string"}


def test_json_values_keep_their_json_types():
    table = json_table([{"i": 1, "n": 1, "s": "x", "b": True, "d": "2026-01-01", "o": {"k": 1}, "a": [1], "m": 1},
                        {"i": 2, "n": 2.5, "s": "y", "b": False, "d": None, "o": None, "a": [], "m": "one"}])
    assert sniff(table) == {"i": "integer", "n": "number", "s": "string", "b": "boolean", "d": "date",
                            "o": "object", "a": "array", "m": "string"}
    assert sniff(json_table([{"x": "12"}])) == {"x": "string"}  # a JSON string stays a string


def test_schema_round_trips_through_kinds_and_validates_the_converted_records():
    table = parse_csv(b"Id,Qty,Day,At,AtTz,Flag,Name\n"
                      b"1,2.5,2026-01-01,2026-01-01 10:00:00,2026-01-01T10:00:00Z,true,\" -x\"\n"
                      b"2,3,,,,,\n")
    kinds = sniff(table)
    schema = stream_schema(kinds)
    assert kinds_of_schema(schema) == kinds
    assert schema["properties"]["At"]["airbyte_type"] == "timestamp_without_timezone"
    assert schema["properties"]["AtTz"]["airbyte_type"] == "timestamp_with_timezone"
    records = list(convert_rows(table, kinds))
    assert records[0] == {"Id": 1, "Qty": 2.5, "Day": "2026-01-01", "At": "2026-01-01T10:00:00",
                          "AtTz": "2026-01-01T10:00:00Z", "Flag": True, "Name": "-x"}
    assert records[1] == {"Id": 2, "Qty": 3, "Day": None, "At": None, "AtTz": None, "Flag": None, "Name": None}
    for record in records:
        jsonschema.validate(record, schema)


def test_a_value_that_contradicts_the_catalog_schema_fails_naming_line_and_column():
    table = parse_csv(b"Id,Hours\n1,8\n2,7.5\n")
    with pytest.raises(ReportOutputError, match=r"line 3, column 'Hours': '7.5' is not an integer"):
        list(convert_rows(table, {"Id": "integer", "Hours": "integer"}, what="Report x"))
    with pytest.raises(ReportOutputError, match="is not a date-time with an offset"):
        list(convert_rows(parse_csv(b"At\n2026-01-01T10:00:00\n"), {"At": "date-time-tz"}))


def test_columns_missing_from_the_output_are_null_and_new_ones_pass_through():
    table = parse_csv(b"A,New\n1,x\n")
    assert list(convert_rows(table, {"A": "integer", "Gone": "string"})) == [{"A": 1, "Gone": None, "New": "x"}]


def test_json_values_in_a_string_column_arrive_as_json_text():
    table = json_table([{"m": 1}, {"m": {"k": [1, 2]}}, {"m": "s"}])
    assert [r["m"] for r in convert_rows(table, sniff(table))] == ["1", '{"k":[1,2]}', "s"]
    with pytest.raises(ReportOutputError, match=r"item|line 1, column 'm'"):
        list(convert_rows(json_table([{"m": "x"}]), {"m": "integer"}))


def test_declared_or_unknown_schema_shapes_read_as_kinds():
    schema = {"properties": {"a": {"type": "integer"}, "b": {}, "c": {"type": ["null", "string"], "format": "date-time"},
                             "d": {"type": ["null", "weird"]}, "e": "nonsense"}}
    assert kinds_of_schema(schema) == {"a": "integer", "b": "string", "c": "date-time-tz", "d": "string",
                                       "e": "string"}


def test_an_empty_table_has_no_columns_and_a_valueless_column_is_a_string():
    assert sniff(Table([], [])) == {}
    assert sniff(parse_csv(b"A\n\n")) == {"A": "string"}
