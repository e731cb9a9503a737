"""The shared parsing helpers: line numbers, guarded list parsing, typed cells, table checks."""

from __future__ import annotations

import pandas as pd
import pytest

from framing.datasets._parsing import (
    Report,
    as_record,
    check_table,
    parse_bool,
    parse_int,
    parse_str_list,
    parse_utc_day,
    read_delimited,
    read_sheet,
)
from framing.schema import SchemaError


def test_read_delimited_tracks_the_first_line_of_multiline_records(tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes(b'\xef\xbb\xbfa;b\r\n1;"two\nlines"\r\n\r\n3;4\r\n5\r\n')
    header, records = read_delimited(path, delimiter=";")
    assert header == ["a", "b"]  # the byte-order mark is gone
    assert records == [(2, ["1", "two\nlines"]), (5, ["3", "4"]), (6, ["5"])]
    assert as_record(header, records[2][1]) == (None, "expected 2 fields, found 1")


def test_read_delimited_skips_an_excel_separator_hint(tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes(b"sep=,\na,b\r\n1,2\r\n")
    header, records = read_delimited(path, skip_if=lambda line: line.startswith("sep="))
    assert header == ["a", "b"] and records == [(3, ["1", "2"])]


def test_read_sheet_numbers_data_rows_below_the_header(tmp_path):
    path = tmp_path / "x.xlsx"
    pd.DataFrame({"a": ["x", None, "z"], "b": [1, 2, None]}).to_excel(path, index=False)
    header, rows = read_sheet(path)
    assert header == ["a", "b"]
    assert rows == [(1, {"a": "x", "b": 1}), (2, {"a": None, "b": 2}),
                    (3, {"a": "z", "b": None})]


@pytest.mark.parametrize("text, expected", [
    ("['bizarre', 'characteristically']", ["bizarre", "characteristically"]),
    ('["it\'s", "fine"]', ["it's", "fine"]),
    ("[]", []),
    ("  ['a']  ", ["a"]),
])
def test_parse_str_list_accepts_lists_of_strings(text, expected):
    assert parse_str_list(text) == (expected, None)


@pytest.mark.parametrize("text, reason", [
    ("__import__('os').system('true')", "not a list literal"),
    ("[__import__('os')]", "not a list of strings"),
    ("['a', 1]", "not a list of strings"),
    ("[['a']]", "not a list of strings"),
    ("['a',", "not a list literal"),
    ("['a' 'b' +]", "not a valid list literal: SyntaxError"),
    ("[" * 5000 + "]" * 5000, "not a valid list literal"),  # too deep for the parser
])
def test_parse_str_list_rejects_anything_else_without_evaluating_it(text, reason):
    value, why = parse_str_list(text)
    assert value is None and why.startswith(reason.split(":")[0])


def test_cell_conversions():
    assert parse_int("07") == (7, None) and parse_int(2.0) == (2, None)
    assert parse_int(None) == (None, None) and parse_int("x")[0] is None
    assert parse_bool("TRUE") == (True, None) and parse_bool("False)")[1]
    assert parse_utc_day("2019-01-25")[0] == pd.Timestamp("2019-01-25", tz="UTC")
    assert parse_utc_day("2019-02-30")[1].startswith("invalid date")
    assert parse_utc_day("") == (pd.NaT, None) or pd.isna(parse_utc_day("")[0])


def test_report_reconciles_or_raises():
    report = Report()
    report.reject("f.csv", 3, "r1", "broken")
    report.coerce("f.csv", 4, "r2", "date", "x", "bad date")
    frame = pd.DataFrame({"a": [1]}, index=pd.Index(["r2"], name="id"))
    report.attach(frame, 2)
    assert frame.attrs["rejected"]["line"].tolist() == [3]
    assert frame.attrs["coerced"]["column"].tolist() == ["date"]
    with pytest.raises(AssertionError, match="do not reconcile"):
        report.attach(frame, 3)


def test_check_table_names_column_and_row():
    table = pd.DataFrame({"name": ["a", ""], "n": [1, 2]},
                         index=pd.Index(["x", "y"], name="key"))
    with pytest.raises(SchemaError) as err:
        check_table(table, index="key", non_empty=("name",), integers=("n",))
    assert (err.value.column, err.value.row, err.value.position) == ("name", "y", 1)
    with pytest.raises(SchemaError, match="unique"):
        check_table(table.set_axis(pd.Index(["x", "x"], name="key")), index="key")
    with pytest.raises(SchemaError, match="integers"):
        check_table(table.assign(n=[1.5, 2.0]), index="key", integers=("n",))
