"""load_articles: every format, every bad row named by file, line and reason, counts that
always reconcile."""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from framing.datasets import load_articles
from framing.io import REJECTED_COLUMNS
from framing.schema import empty_articles, normalize_outlet, validate_articles

MAPPING = {"id": "article_id", "source": "outlet", "headline": "title", "body": "text",
           "published": "date"}

# One small corpus, as a researcher would have it: their own column names, an outlet name
# that is not a key yet, an extra column, a label, a missing date.
ROWS = [
    {"id": "r1", "source": "The Guardian", "headline": "Council votes",
     "body": "The council voted, 5-4, on \"sanctuary\" status.\nA second line.",
     "published": "2019-03-05T10:00:00+02:00", "section": "politics", "label_stance": "pro"},
    {"id": "r2", "source": "Fox News", "headline": "Vote delayed",
     "body": "Café owners — and others — waited.", "published": "2019-03-06",
     "section": "us", "label_stance": "anti"},
    {"id": "r3", "source": "fox-news", "headline": "",
     "body": "No date for this one.", "published": "", "section": "us",
     "label_stance": "anti"},
]


def expected_articles() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "outlet": ["the-guardian", "fox-news", "fox-news"],
            "date": pd.to_datetime(["2019-03-05 08:00", "2019-03-06 00:00", None],
                                   utc=True).as_unit("ns"),
            "title": ["Council votes", "Vote delayed", ""],
            "text": [r["body"] for r in ROWS],
        },
        index=pd.Index(["r1", "r2", "r3"], name="article_id", dtype=object),
    ).astype({"outlet": object, "title": object, "text": object})


def write_jsonl(path: Path, rows, *, raw: dict[int, str] | None = None) -> Path:
    """Write rows as JSONL; ``raw`` puts verbatim text at given 1-based line numbers."""
    lines = [json.dumps(r, ensure_ascii=False) for r in rows]
    for number, text in sorted((raw or {}).items()):
        lines.insert(number - 1, text)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_csv(path: Path, rows, *, delimiter=",", columns=None) -> Path:
    columns = columns or list(dict.fromkeys(k for r in rows for k in r))
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if row.get(c) is None else row.get(c) for c in columns])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(buffer.getvalue(), encoding="utf-8", newline="")
    return path


def write(fmt: str, path_stem: Path, rows) -> Path:
    if fmt == "jsonl":
        return write_jsonl(path_stem.with_suffix(".jsonl"), rows)
    if fmt == "ndjson":
        return write_jsonl(path_stem.with_suffix(".ndjson"), rows)
    if fmt == "csv":
        return write_csv(path_stem.with_suffix(".csv"), rows)
    if fmt == "tsv":
        return write_csv(path_stem.with_suffix(".tsv"), rows, delimiter="\t")
    if fmt in ("jsonl.gz", "csv.gz", "tsv.gz"):
        plain = write(fmt[:-3], path_stem, rows)
        target = plain.with_name(plain.name + ".gz")
        target.write_bytes(gzip.compress(plain.read_bytes()))
        plain.unlink()
        return target
    if fmt == "parquet":
        path = path_stem.with_suffix(".parquet")
        pd.DataFrame(rows).to_parquet(path)
        return path
    raise AssertionError(fmt)


def load(paths, **kwargs) -> pd.DataFrame:
    """load_articles, plus the invariants every result must meet."""
    articles = load_articles(paths, **kwargs)
    validate_articles(articles)
    rejected = articles.attrs["rejected"]
    assert tuple(rejected.columns) == REJECTED_COLUMNS
    assert articles.attrs["n_source_rows"] == len(articles) + len(rejected)
    assert str(articles["date"].dtype) == "datetime64[ns, UTC]"
    return articles


def reasons(articles) -> list[tuple[str, int, str]]:
    table = articles.attrs["rejected"]
    return [(Path(s).name, int(n), r) for s, n, r in
            zip(table["source"], table["line"], table["reason"], strict=True)]


def raises_at(paths, source: str, line: int, reason: str, **kwargs):
    """Assert errors='raise' names ``source``, ``line`` and a reason matching ``reason``."""
    with pytest.raises(ValueError) as info:
        load_articles(paths, **kwargs)
    message = str(info.value)
    head = f"{source}, line {line}: "
    assert head in message, message
    assert re.search(reason, message.split(head, 1)[1]), message
    return message


# --------------------------------------------------------------------------------------
# Formats
# --------------------------------------------------------------------------------------

FORMATS = ["jsonl", "ndjson", "jsonl.gz", "csv", "csv.gz", "tsv", "tsv.gz", "parquet"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_gives_the_same_articles(tmp_path, fmt):
    path = write(fmt, tmp_path / "corpus", ROWS)
    articles = load(path, columns=MAPPING)
    expected = expected_articles()
    pd.testing.assert_frame_equal(articles[["outlet", "date", "title", "text"]], expected)
    assert articles["label_stance"].tolist() == ["pro", "anti", "anti"]
    assert articles["meta_section"].tolist() == ["politics", "us", "us"]
    # The names as given, because two of them differ from their keys.
    assert articles["meta_outlet_name"].tolist() == ["The Guardian", "Fox News", "fox-news"]
    assert list(articles.columns) == ["outlet", "date", "title", "text", "label_stance",
                                      "meta_section", "meta_outlet_name"]
    assert articles.attrs["sources"] == [str(path)]
    assert len(articles.attrs["rejected"]) == 0
    assert articles.attrs["skipped_files"].empty


def test_contract_names_need_no_mapping_and_outlet_keys_add_no_name_column(tmp_path):
    rows = [{"article_id": "a", "outlet": "cnn", "text": "x", "url": "http://x",
             "topic": "immigration", "authors": "A, B", "lang": "en", "meta_k": 1}]
    articles = load(write_jsonl(tmp_path / "a.jsonl", rows))
    assert list(articles.columns) == ["outlet", "date", "title", "text", "url", "topic",
                                      "authors", "lang", "meta_k"]
    assert articles.loc["a", "title"] == ""
    assert articles["date"].isna().all()
    assert articles["meta_k"].tolist() == [1]


def test_jsonl_values_keep_their_types_and_csv_values_stay_strings(tmp_path):
    rows = [{"id": "007", "outlet": "cnn", "text": "x", "n": 5, "flag": True}]
    from_json = load(write_jsonl(tmp_path / "a.jsonl", rows), id_column="id")
    from_csv = load(write_csv(tmp_path / "a.csv", rows), id_column="id")
    assert from_json.index.tolist() == from_csv.index.tolist() == ["007"]
    assert from_json["meta_n"].tolist() == [5] and from_json["meta_flag"].tolist() == [True]
    assert from_csv["meta_n"].tolist() == ["5"] and from_csv["meta_flag"].tolist() == ["True"]


def test_integer_ids_become_strings(tmp_path):
    rows = [{"id": 1, "outlet": "cnn", "text": "a"}, {"id": 2, "outlet": "cnn", "text": "b"}]
    path = tmp_path / "a.parquet"
    pd.DataFrame(rows).to_parquet(path)
    assert load(path, id_column="id").index.tolist() == ["1", "2"]
    assert load(write_jsonl(tmp_path / "a.jsonl", rows), id_column="id").index.tolist() == [
        "1", "2"]


@pytest.mark.parametrize("fmt", ["jsonl", "parquet"])
def test_author_lists_are_joined(tmp_path, fmt):
    rows = [{"outlet": "cnn", "text": "a", "authors": ["Ann Lee", "Bo Chen"]},
            {"outlet": "cnn", "text": "b", "authors": []},
            {"outlet": "cnn", "text": "c", "authors": None}]
    articles = load(write(fmt, tmp_path / "a", rows))
    assert articles["authors"].tolist() == ["Ann Lee, Bo Chen", None, None]


def test_a_column_missing_in_one_file_and_typed_in_another(tmp_path):
    pd.DataFrame({"outlet": ["cnn"], "text": ["a"],
                  "date": pd.to_datetime(["2019-01-01"], utc=True)}).to_parquet(
        tmp_path / "a.parquet")
    write_jsonl(tmp_path / "b.jsonl", [{"outlet": "cnn", "text": "b", "date": None}])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        dates = load(tmp_path)["date"]
    assert dates.isna().tolist() == [False, True]


@pytest.mark.parametrize("fmt", ["csv", "parquet", "jsonl"])
def test_saved_articles_load_back_unchanged(tmp_path, fmt):
    original = load(write_jsonl(tmp_path / "in.jsonl", ROWS), columns=MAPPING)
    saved = original.copy()
    saved.attrs = {}  # parquet cannot store DataFrames in attrs
    path = tmp_path / f"out.{fmt}"
    if fmt == "csv":
        saved.to_csv(path)
    elif fmt == "parquet":
        saved.to_parquet(path)
    else:
        saved.reset_index().to_json(path, orient="records", lines=True, date_format="iso",
                                    force_ascii=False)
    again = load(path)
    pd.testing.assert_frame_equal(again, original, check_dtype=False)


def test_parquet_timestamps_naive_are_utc_and_aware_are_converted(tmp_path):
    frame = pd.DataFrame({"outlet": ["cnn", "cnn", "cnn"], "text": ["a", "b", "c"],
                          "date": pd.to_datetime(["2019-01-01 12:00", None, "2019-01-02 00:00"])})
    naive = tmp_path / "naive.parquet"
    frame.to_parquet(naive)
    aware = tmp_path / "aware.parquet"
    frame.assign(date=frame["date"].dt.tz_localize("America/New_York")).to_parquet(aware)
    assert load(naive)["date"].tolist()[0] == pd.Timestamp("2019-01-01 12:00", tz="UTC")
    assert load(aware)["date"].tolist()[0] == pd.Timestamp("2019-01-01 17:00", tz="UTC")
    assert load(naive)["date"].isna().tolist() == [False, True, False]


def test_parquet_timestamps_out_of_nanosecond_range_are_bad_rows(tmp_path):
    path = tmp_path / "a.parquet"
    dates = np.array(["2019-01-01", "9999-12-31"], dtype="datetime64[us]")
    pd.DataFrame({"outlet": ["cnn", "cnn"], "text": ["a", "b"], "date": dates}).to_parquet(path)
    articles = load(path, errors="report")
    assert articles["text"].tolist() == ["a"]
    ((_, line, reason),) = reasons(articles)
    assert line == 2 and reason.startswith("date out of range (1677-09-22 to 2262-04-11): ")
    assert "9999-12-31" in reason


def test_parquet_timestamps_and_jsonl_strings_load_together(tmp_path):
    pd.DataFrame({"outlet": ["cnn"], "text": ["a"],
                  "date": pd.to_datetime(["2019-01-01 05:00"], utc=True)}).to_parquet(
        tmp_path / "a.parquet")
    write_jsonl(tmp_path / "b.jsonl", [{"outlet": "cnn", "text": "b", "date": "2019-01-02"},
                                       {"outlet": "cnn", "text": "c"}])
    dates = load(tmp_path)["date"]
    assert dates.tolist()[:2] == [pd.Timestamp("2019-01-01 05:00", tz="UTC"),
                                  pd.Timestamp("2019-01-02", tz="UTC")]
    assert dates.isna().tolist() == [False, False, True]


def test_parquet_rows_are_numbered_from_one(tmp_path):
    path = tmp_path / "a.parquet"
    pd.DataFrame({"outlet": ["cnn", "cnn"], "text": ["a", None]}).to_parquet(path)
    assert reasons(load(path, errors="report")) == [("a.parquet", 2, "missing or empty text")]


# --------------------------------------------------------------------------------------
# Folders and paths
# --------------------------------------------------------------------------------------

def test_folders_are_read_recursively_in_sorted_order_and_skips_are_reported(tmp_path):
    folder = tmp_path / "corpus"
    write_jsonl(folder / "b.jsonl", [{"article_id": "b", "outlet": "cnn", "text": "b"}])
    write_csv(folder / "a" / "z.csv", [{"article_id": "az", "outlet": "cnn", "text": "az"}])
    write_csv(folder / "a.csv", [{"article_id": "a", "outlet": "cnn", "text": "a"}])
    (folder / "README.md").write_text("notes")
    (folder / ".hidden.csv").write_text("article_id,outlet,text\nh,cnn,h\n")
    write_csv(folder / ".ipynb_checkpoints" / "a-checkpoint.csv",
              [{"article_id": "a", "outlet": "cnn", "text": "a"}])
    with pytest.warns(UserWarning, match=r"skipped 1 file.*README\.md") as caught:
        articles = load(folder)
    assert caught[0].filename == __file__  # the caller's line, not framing's
    assert articles.index.tolist() == ["a", "az", "b"]
    assert [Path(s).relative_to(folder).as_posix() for s in articles.attrs["sources"]] == [
        "a.csv", "a/z.csv", "b.jsonl"]
    skipped = articles.attrs["skipped_files"]
    assert list(skipped.columns) == ["source", "reason"]
    assert {Path(s).name: r for s, r in zip(skipped["source"], skipped["reason"], strict=True)
            } == {".hidden.csv": "hidden file", ".ipynb_checkpoints": "hidden folder",
                  "README.md": "not JSONL (.jsonl, .ndjson), CSV (.csv), TSV (.tsv), their "
                               ".gz, or parquet"}


def test_a_list_of_paths_is_read_in_the_order_given(tmp_path):
    first = write_jsonl(tmp_path / "z.jsonl", [{"article_id": "z", "outlet": "cnn", "text": "z"}])
    second = write_jsonl(tmp_path / "a.jsonl", [{"article_id": "a", "outlet": "cnn",
                                                 "text": "a"}])
    assert load([first, str(second)]).index.tolist() == ["z", "a"]


def test_path_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such file or folder"):
        load_articles(tmp_path / "missing.csv")
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(ValueError, match="notes.txt: unsupported file type"):
        load_articles(tmp_path / "notes.txt")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match="no JSONL .* files in this folder"):
        load_articles(tmp_path / "empty")
    path = write_jsonl(tmp_path / "a.jsonl", [{"outlet": "cnn", "text": "a"}])
    with pytest.raises(ValueError, match="given more than once"):
        load_articles([path, tmp_path])
    with pytest.raises(ValueError, match="no paths given"):
        load_articles([])
    with pytest.raises(TypeError, match="expected a path"):
        load_articles(42)


def test_argument_errors(tmp_path):
    path = write_jsonl(tmp_path / "a.jsonl", [{"outlet": "cnn", "text": "a"}])
    with pytest.raises(ValueError, match="errors must be 'raise' or 'report', got 'ignore'"):
        load_articles(path, errors="ignore")
    with pytest.raises(ValueError, match="unknown encoding"):
        load_articles(path, encoding="no-such-codec")
    with pytest.raises(ValueError, match="'body' to 'content', which is not an articles col"):
        load_articles(path, columns={"body": "content"})
    with pytest.raises(ValueError, match="outlet must be an outlet name"):
        load_articles(path, outlet="---")
    with pytest.raises(ValueError, match="conflicts with columns"):
        load_articles(path, id_column="id", columns={"key": "article_id"})


# --------------------------------------------------------------------------------------
# Column mapping
# --------------------------------------------------------------------------------------

def test_unknown_columns_get_a_meta_prefix_and_prefixed_ones_are_kept(tmp_path):
    rows = [{"outlet": "cnn", "text": "a", "label": "x", "label_y": 1, "meta_z": 2,
             "Section Name": "s"}]
    articles = load(write_jsonl(tmp_path / "a.jsonl", rows))
    assert list(articles.columns[4:]) == ["label_y", "meta_label", "meta_z", "meta_Section Name"]


def test_mapping_two_columns_to_one_name_in_a_row_fails_naming_its_line(tmp_path):
    rows = [{"outlet": "cnn", "text": "a", "body": "b"}]
    with pytest.raises(ValueError, match=r"a\.jsonl, line 1: columns 'text' and 'body' would "
                                         r"both become 'text'"):
        load_articles(write_jsonl(tmp_path / "a.jsonl", rows), columns={"body": "text"})
    rows = [{"outlet": "cnn", "text": "a", "id": 1, "meta_id": 2}]
    with pytest.raises(ValueError, match="would both become 'meta_id'"):
        load_articles(write_jsonl(tmp_path / "b.jsonl", rows))


def test_the_same_mapping_serves_files_with_different_names(tmp_path):
    write_jsonl(tmp_path / "a.jsonl", [{"outlet": "cnn", "body": "a"}])
    write_jsonl(tmp_path / "b.jsonl", [{"outlet": "cnn", "content": "b"}])
    articles = load(tmp_path, columns={"body": "text", "content": "text"})
    assert articles["text"].tolist() == ["a", "b"]


def test_a_mapping_key_in_no_file_warns(tmp_path):
    path = write_jsonl(tmp_path / "a.jsonl", [{"outlet": "cnn", "text": "a"}])
    with pytest.warns(UserWarning, match=r"columns names \['headlne'\] but no file"):
        load_articles(path, columns={"headlne": "title"})


def test_id_column(tmp_path):
    path = write_csv(tmp_path / "a.csv", [{"key": "k1", "outlet": "cnn", "text": "a"}])
    assert load(path, id_column="key").index.tolist() == ["k1"]
    with pytest.raises(ValueError, match=r"a.csv: no column 'id' \(id_column\)"):
        load_articles(path, id_column="id")


def test_outlet_names_in_the_file_are_kept_and_completed(tmp_path):
    write_jsonl(tmp_path / "a.jsonl", [{"outlet": "cnn", "text": "a",
                                        "meta_outlet_name": "CNN (Web)"}])
    write_jsonl(tmp_path / "b.jsonl", [{"outlet": "Fox News", "text": "b"}])
    articles = load(tmp_path)
    assert articles["meta_outlet_name"].tolist() == ["CNN (Web)", "Fox News"]


# --------------------------------------------------------------------------------------
# Outlets, ids, dates
# --------------------------------------------------------------------------------------

def test_constant_outlet_fills_files_without_an_outlet_column_only(tmp_path):
    write_jsonl(tmp_path / "a.jsonl", [{"article_id": "a", "text": "a"}])
    write_jsonl(tmp_path / "b.jsonl", [{"article_id": "b", "text": "b", "outlet": "BBC"},
                                       {"article_id": "c", "text": "c", "outlet": ""}])
    articles = load(tmp_path, outlet="Reuters", errors="report")
    assert articles["outlet"].tolist() == ["reuters", "bbc"]
    assert articles["meta_outlet_name"].tolist() == ["Reuters", "BBC"]
    assert reasons(articles) == [("b.jsonl", 2, "missing outlet")]


def test_without_outlet_column_or_constant_the_reason_says_how_to_fix_it(tmp_path):
    path = write_jsonl(tmp_path / "a.jsonl", [{"text": "a"}])
    raises_at(path, str(path), 1, r"no outlet: the file has no 'outlet' column .*outlet=")


def test_generated_ids_do_not_depend_on_file_or_row_order(tmp_path):
    rows = [{"outlet": "CNN", "title": "t1", "text": "a"},
            {"outlet": "cnn", "title": "t2", "text": "b", "url": "http://x/2"},
            {"outlet": "BBC", "title": "t1", "text": "a"}]
    one = load(write_jsonl(tmp_path / "one.jsonl", rows))
    other = load(write_csv(tmp_path / "sub" / "other.csv", rows[::-1]))
    assert all(re.fullmatch(r"a-[0-9a-f]{16}", i) for i in one.index)
    assert one.index.is_unique
    assert sorted(one.index) == sorted(other.index)
    assert one.loc[one.index[0], "text"] == other.loc[one.index[0], "text"]
    # With a URL the id depends on outlet and URL only.
    moved = load(write_jsonl(tmp_path / "moved.jsonl", [dict(rows[1], title="new", text="c")]))
    assert moved.index[0] == one.index[1]


def test_the_same_article_twice_is_a_duplicate(tmp_path):
    row = {"outlet": "cnn", "title": "t", "text": "same"}
    articles = load(write_jsonl(tmp_path / "a.jsonl", [row, row]), errors="report")
    assert len(articles) == 1
    ((source, line, reason),) = reasons(articles)
    assert (source, line) == ("a.jsonl", 2)
    assert reason == f"duplicate article_id {articles.index[0]!r} (first at " \
                     f"{tmp_path / 'a.jsonl'} line 1)"


def test_duplicate_ids_across_files_name_the_first_occurrence(tmp_path):
    a = write_jsonl(tmp_path / "a.jsonl", [{"article_id": "x", "outlet": "cnn", "text": "1"},
                                           {"article_id": "y", "outlet": "cnn", "text": "2"}])
    b = write_csv(tmp_path / "b.csv", [{"article_id": "z", "outlet": "cnn", "text": "3"},
                                       {"article_id": "y", "outlet": "cnn", "text": "4"},
                                       {"article_id": "y", "outlet": "cnn", "text": "5"}])
    articles = load([a, b], errors="report")
    assert articles.index.tolist() == ["x", "y", "z"]
    assert articles.loc["y", "text"] == "2"
    assert reasons(articles) == [
        ("b.csv", 3, f"duplicate article_id 'y' (first at {a} line 2)"),
        ("b.csv", 4, f"duplicate article_id 'y' (first at {a} line 2)"),
    ]
    assert articles.attrs["rejected"]["row_id"].tolist() == ["y", "y"]
    raises_at([a, b], str(b), 3, re.escape(f"duplicate article_id 'y' (first at {a} line 2)"))


def test_a_bad_row_does_not_make_a_later_one_with_its_id_a_duplicate(tmp_path):
    path = write_jsonl(tmp_path / "a.jsonl", [{"article_id": "x", "outlet": "cnn", "text": ""},
                                              {"article_id": "x", "outlet": "cnn", "text": "b"}])
    articles = load(path, errors="report")
    assert articles["text"].tolist() == ["b"]
    assert reasons(articles) == [("a.jsonl", 1, "missing or empty text")]


@pytest.mark.parametrize(("value", "expected"), [
    ("2019-03-05", "2019-03-05 00:00"),
    ("2019-03-05T10:30:00", "2019-03-05 10:30"),             # naive: taken as UTC
    ("2019-03-05T10:30:00Z", "2019-03-05 10:30"),
    ("2019-03-05 10:30:00-05:00", "2019-03-05 15:30"),        # converted to UTC
    ("2019-03", "2019-03-01 00:00"),                          # ISO reduced precision
    ("March 5, 2019", "2019-03-05 00:00"),
    ("Tue, 05 Mar 2019 10:30:00 GMT", "2019-03-05 10:30"),   # RSS
    ("03/04/2019", "2019-03-04 00:00"),                       # month first, as documented
    ("", None),
    ("   ", None),
    (None, None),
])
def test_dates(tmp_path, value, expected):
    path = write_jsonl(tmp_path / "a.jsonl", [{"outlet": "cnn", "text": "a", "date": value}])
    date = load(path)["date"].iloc[0]
    assert (pd.isna(date) if expected is None else date == pd.Timestamp(expected, tz="UTC"))


def test_one_file_may_mix_date_formats(tmp_path):
    rows = [{"outlet": "cnn", "text": str(i), "date": d} for i, d in enumerate(
        ["2019-03-05", "March 6, 2019", "2019-03-07T01:00:00+01:00", "Mar 8 2019", ""])]
    dates = load(write_csv(tmp_path / "a.csv", rows))["date"]
    assert dates.dt.strftime("%Y-%m-%d %H:%M").fillna("-").tolist() == [
        "2019-03-05 00:00", "2019-03-06 00:00", "2019-03-07 00:00", "2019-03-08 00:00", "-"]


@pytest.mark.parametrize(("value", "reason"), [
    ("not a date", "unparseable date: 'not a date'"),
    ("May", r"incomplete date \(needs a year, a month and a day\): 'May'"),
    ("2019-02-30", "unparseable date: '2019-02-30'"),
    ("1500-01-01", r"date out of range \(1677-09-22 to 2262-04-11\): '1500-01-01'"),
    (1551744000, r"date is not a date or a string \(got int: 1551744000\)"),
])
def test_bad_dates_are_bad_rows(tmp_path, value, reason):
    path = write_jsonl(tmp_path / "a.jsonl", [{"outlet": "cnn", "text": "ok"},
                                              {"outlet": "cnn", "text": "a", "date": value}])
    articles = load(path, errors="report")
    assert len(articles) == 1
    ((_, line, got),) = reasons(articles)
    assert line == 2 and re.fullmatch(reason, got), got
    raises_at(path, str(path), 2, reason)


# --------------------------------------------------------------------------------------
# Bad rows, line by line
# --------------------------------------------------------------------------------------

JSONL_BAD = [
    ('{"outlet": "cnn", "text": ', r"not valid JSON: Expecting value \(column 27\)"),
    ('["cnn", "text"]', "expected a JSON object, got a JSON array"),
    ('"just a string"', "expected a JSON object, got a JSON string"),
    ('{"outlet": "cnn"}', "missing or empty text"),
    ('{"outlet": "cnn", "text": "  \\n "}', "missing or empty text"),
    ('{"outlet": "cnn", "text": 42}', r"text is not a string \(got int: 42\)"),
    ('{"outlet": "cnn", "text": "a", "title": ["x"]}',
     r"title is not a string \(got list: \['x'\]\)"),
    ('{"outlet": "cnn", "text": "a", "url": 3}', r"url is not a string \(got int: 3\)"),
    ('{"text": "a", "outlet": null}', "missing outlet"),
    ('{"text": "a", "outlet": "  "}', "missing outlet"),
    ('{"text": "a", "outlet": "---"}', "outlet '---' has no letters or digits"),
    ('{"text": "a", "outlet": 7}', r"outlet is not a string \(got int: 7\)"),
    ('{"outlet": 1, "text": 2}', r"outlet is not a string \(got int: 1\); "
                                 r"text is not a string \(got int: 2\)"),
]


@pytest.mark.parametrize(("line", "reason"), JSONL_BAD)
def test_jsonl_bad_rows(tmp_path, line, reason):
    good = [{"outlet": "cnn", "text": f"good {i}"} for i in range(3)]
    path = write_jsonl(tmp_path / "a.jsonl", good, raw={3: line})
    articles = load(path, errors="report")
    assert articles["text"].tolist() == ["good 0", "good 1", "good 2"]
    ((source, number, got),) = reasons(articles)
    assert (source, number) == ("a.jsonl", 3) and re.fullmatch(reason, got), got
    message = raises_at(path, str(path), 3, reason)
    assert "errors='report'" in message


@pytest.mark.parametrize(("value", "reason"), [
    (1.5, r"article_id is not a string or an integer \(got float: 1.5\)"),
    (True, r"article_id is not a string or an integer \(got bool: True\)"),
    ("", "missing article_id"),
    (" ", "missing article_id"),
    (None, "missing article_id"),
])
def test_bad_article_ids(tmp_path, value, reason):
    rows = [{"article_id": "a", "outlet": "cnn", "text": "a"},
            {"article_id": value, "outlet": "cnn", "text": "b"},
            {"article_id": 3.0, "outlet": "cnn", "text": "c"}]  # an integral float is fine
    articles = load(write_jsonl(tmp_path / "a.jsonl", rows), errors="report")
    assert articles.index.tolist() == ["a", "3"]
    ((_, line, got),) = reasons(articles)
    assert line == 2 and re.fullmatch(reason, got), got


def test_report_lists_every_bad_row_in_file_order_and_raise_names_the_first(tmp_path):
    a = write_jsonl(tmp_path / "a.jsonl", [{"outlet": "cnn", "text": "a"},
                                           {"outlet": "cnn", "text": "b"}],
                    raw={2: "{oops", 4: "[]"})
    b = write_jsonl(tmp_path / "b.jsonl", [{"outlet": "cnn", "text": ""}])
    articles = load([b, a], errors="report")
    assert [(s, n) for s, n, _ in reasons(articles)] == [("b.jsonl", 1), ("a.jsonl", 2),
                                                         ("a.jsonl", 4)]
    message = raises_at([b, a], str(b), 1, "missing or empty text")
    assert "(3 bad rows in all)" in message


def test_blank_lines_are_not_records_but_lines_stay_physical(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_text('\n{"outlet": "cnn", "text": "a"}\n   \n\n{"outlet": "cnn"}\n\n')
    articles = load(path, errors="report")
    assert articles.attrs["n_source_rows"] == 2
    assert reasons(articles) == [("a.jsonl", 5, "missing or empty text")]


def test_jsonl_lines_split_on_newline_only(tmp_path):
    # U+2028 and U+0085 are line breaks to str.splitlines, but may stand raw in JSON strings.
    text = "one\u2028two\x85three\rfour"
    path = tmp_path / "a.jsonl"
    path.write_bytes(json.dumps({"outlet": "cnn", "text": text}, ensure_ascii=False)
                     .encode() + b"\n")
    assert load(path)["text"].tolist() == [text]


def test_csv_lines_count_quoted_newlines_and_the_header(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text(
        'article_id,outlet,text\n'                    # 1
        '1,cnn,"two\nlines"\n'                        # 2-3
        '2,cnn\n'                                     # 4: too few fields
        '\n'                                          # 5: blank
        '3,cnn,"three\r\nmore\nlines",extra\n'        # 6-8: too many fields
        '4,cnn,"a ""quoted"" word"\n'                 # 9
        '5,cnn,"bad"quote\n'                          # 10: malformed
        '6,cnn,ok\n',                                 # 11
        newline="")
    articles = load(path, errors="report")
    assert articles["text"].tolist() == ["two\nlines", 'a "quoted" word', "ok"]
    assert reasons(articles) == [
        ("a.csv", 4, "expected 3 fields (as in the header on line 1), got 2"),
        ("a.csv", 6, "expected 3 fields (as in the header on line 1), got 4"),
        ("a.csv", 10, "malformed CSV: ',' expected after '\"'"),
    ]
    raises_at(path, str(path), 4, r"expected 3 fields \(as in the header on line 1\), got 2")


def test_csv_unterminated_quote_is_one_bad_row_that_says_so(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text('outlet,text\ncnn,ok\ncnn,"never closed\ncnn,swallowed\n')
    articles = load(path, errors="report")
    assert articles["text"].tolist() == ["ok"]
    ((_, line, reason),) = reasons(articles)
    assert line == 3 and "is never closed" in reason


def test_csv_lone_carriage_returns_are_text(tmp_path):
    path = tmp_path / "a.csv"
    pd.DataFrame({"outlet": ["cnn", "cnn"], "text": ["one\rtwo", "three"]}).to_csv(
        path, index=False)
    assert b"one\rtwo\n" in path.read_bytes()  # unquoted, as pandas writes it
    assert load(path)["text"].tolist() == ["one\rtwo", "three"]
    mac = tmp_path / "mac.csv"
    mac.write_bytes(b"outlet,text\rcnn,a\rcnn,b\r")
    assert load(mac)["text"].tolist() == ["a", "b"]


def test_csv_with_a_pandas_index_column(tmp_path):
    path = tmp_path / "a.csv"
    pd.DataFrame({"outlet": ["cnn"], "text": ["a"]}).to_csv(path)  # header starts with ","
    assert list(load(path).columns) == ["outlet", "date", "title", "text", "meta_unnamed_0"]


def test_csv_duplicate_header_fails_the_file(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("outlet,text,text\ncnn,a,b\n")
    with pytest.raises(ValueError, match=r"a.csv: column 'text' appears more than once in "
                                         r"the header \(line 1\)"):
        load_articles(path, errors="report")


def test_csv_fields_longer_than_the_csv_module_default(tmp_path):
    before = csv.field_size_limit()
    text = "word " * 60_000  # 300,000 characters
    path = write_csv(tmp_path / "a.csv", [{"outlet": "cnn", "text": text}])
    assert load(path)["text"].tolist() == [text]
    assert csv.field_size_limit() == before


def test_tsv_reads_tabs(tmp_path):
    path = tmp_path / "a.tsv"
    path.write_text("outlet\ttext\ttitle\ncnn\ta, b and c\tT\n")
    articles = load(path)
    assert articles["text"].tolist() == ["a, b and c"]
    assert articles["title"].tolist() == ["T"]


# --------------------------------------------------------------------------------------
# Encodings, compression, empty files
# --------------------------------------------------------------------------------------

def test_jsonl_undecodable_line_is_a_bad_row(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_bytes(b'{"outlet": "cnn", "text": "ok"}\n'
                     b'{"outlet": "cnn", "text": "caf\xe9"}\n'
                     b'{"outlet": "cnn", "text": "fine"}\n')
    articles = load(path, errors="report")
    assert articles["text"].tolist() == ["ok", "fine"]
    ((_, line, reason),) = reasons(articles)
    assert line == 2 and reason.startswith("not valid UTF-8 (try encoding=")
    raises_at(path, str(path), 2, r"not valid UTF-8 \(try encoding=")
    assert load(path, encoding="cp1252")["text"].tolist() == ["ok", "café", "fine"]


def test_csv_undecodable_byte_fails_the_file_with_offset_and_line(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes(b"outlet,text\ncnn,ok\ncnn,caf\xe9\n")
    for errors in ("raise", "report"):
        with pytest.raises(ValueError, match=r"a.csv: the file was not loaded, it is not "
                                             r"valid UTF-8: undecodable byte at offset 26 "
                                             r"\(line 3\) \(try encoding="):
            load_articles(path, errors=errors)
    assert load(path, encoding="latin-1")["text"].tolist() == ["ok", "café"]


@pytest.mark.parametrize("suffix", ["csv", "jsonl"])
def test_byte_order_marks_are_ignored(tmp_path, suffix):
    path = tmp_path / f"a.{suffix}"
    body = ('outlet,text\ncnn,é\n' if suffix == "csv" else '{"outlet": "cnn", "text": "é"}\n')
    path.write_bytes(b"\xef\xbb\xbf" + body.encode())
    assert load(path)["text"].tolist() == ["é"]
    path.write_bytes(body.encode("utf-16"))
    assert load(path, encoding="utf-16")["text"].tolist() == ["é"]


def test_damaged_gzip_fails_the_file(tmp_path):
    path = tmp_path / "a.csv.gz"
    path.write_bytes(gzip.compress(b"outlet,text\ncnn,a\n")[:-12])
    with pytest.raises(ValueError, match="a.csv.gz: not a valid gzip file"):
        load_articles(path, errors="report")


def test_damaged_parquet_fails_the_file(tmp_path):
    path = tmp_path / "a.parquet"
    path.write_bytes(b"PAR1 not really")
    with pytest.raises(ValueError, match="a.parquet: could not read as parquet"):
        load_articles(path, errors="report")


@pytest.mark.parametrize(("name", "content"), [
    ("a.jsonl", b""), ("a.jsonl", b"\n\n  \n"), ("a.csv", b""), ("a.csv", b"outlet,text\n"),
    ("a.tsv", b"\n"), ("a.jsonl.gz", gzip.compress(b"")),
])
def test_empty_files_give_an_empty_valid_table(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    articles = load(path)
    assert articles.shape == (0, 4)
    assert articles.attrs["n_source_rows"] == 0
    pd.testing.assert_frame_equal(articles, empty_articles())


def test_empty_parquet(tmp_path):
    path = tmp_path / "a.parquet"
    pd.DataFrame({"outlet": pd.Series([], dtype=object),
                  "text": pd.Series([], dtype=object)}).to_parquet(path)
    assert load(path).shape == (0, 4)


def test_all_rows_bad_gives_an_empty_valid_table(tmp_path):
    path = write_jsonl(tmp_path / "a.jsonl", [{"outlet": "cnn"}] * 3)
    articles = load(path, errors="report")
    assert len(articles) == 0 and len(articles.attrs["rejected"]) == 3


# --------------------------------------------------------------------------------------
# Speed
# --------------------------------------------------------------------------------------

@pytest.mark.slow
def test_a_100k_row_csv_loads_in_a_few_seconds(tmp_path):
    n = 100_000
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({
        "id": [f"x{i}" for i in range(n)],
        "source": rng.choice(["CNN", "Fox News", "The Guardian"], n),
        "published": pd.date_range("2019-01-01", periods=n, freq="min")
                       .strftime("%b %d, %Y %H:%M"),  # not ISO: the slower path
        "headline": [f"Title {i}" for i in range(n)],
        "body": ['Body, with "quotes"\nand newlines. ' * 10] * n,
    })
    path = tmp_path / "big.csv"
    frame.to_csv(path, index=False)
    start = time.perf_counter()
    articles = load(path, columns=MAPPING)
    elapsed = time.perf_counter() - start
    assert len(articles) == n
    assert elapsed < 15, f"{elapsed:.1f}s"


# --------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------

# Any Unicode text but surrogates (which cannot be written as UTF-8).
texts = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
# Mostly real names; sometimes any text, which may normalise to nothing (a bad row).
outlets = st.one_of(st.sampled_from(["CNN", "Fox News", "fox-news", "Le Monde", "Süddeutsche"]),
                    texts)
good_rows = st.fixed_dictionaries({"outlet": outlets, "title": texts, "text": texts})

JSONL_BAD_LINES = ["{not json", "[1, 2]", "null", '{"outlet": "cnn"}', '{"text": "x"}',
                   '{"outlet": "cnn", "text": 5}', '{"outlet": "cnn", "text": "x", '
                   '"date": "never"}']
CSV_BAD_LINES = ["cnn,only two", "cnn,x,y,too many", '"cnn","bad"quote,x']


def expected_bad(rows) -> list[bool]:
    """Which generated rows are bad: empty text, an outlet without letters or digits, or a
    repeat (same outlet key, title and text) of an earlier good article."""
    seen, bad = set(), []
    for row in rows:
        if not row["text"].strip() or not normalize_outlet(row["outlet"]):
            bad.append(True)
            continue
        key = (normalize_outlet(row["outlet"]), row["title"], row["text"])
        bad.append(key in seen)
        seen.add(key)
    return bad


def place(rows, bad_lines, positions):
    """Interleave rows and bad lines: [("row", row) or ("bad", line), ...]."""
    items = [("row", r) for r in rows]
    for position, line in sorted(zip(positions, bad_lines, strict=True), reverse=True):
        items.insert(min(position, len(items)), ("bad", line))
    return items


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(rows=st.lists(good_rows, max_size=12),
       bad=st.lists(st.tuples(st.integers(0, 12), st.sampled_from(JSONL_BAD_LINES)),
                    max_size=5))
def test_jsonl_report_always_reconciles_and_raise_names_the_first_bad_line(tmp_path, rows,
                                                                            bad):
    items = place(rows, [b for _, b in bad], [p for p, _ in bad])
    lines, expected = [], []
    row_bad = iter(expected_bad(rows))
    for kind, item in items:
        if kind == "row":
            lines.append(json.dumps(item, ensure_ascii=False))
            expected.append(next(row_bad))
        else:
            lines.append(item)
            expected.append(True)
    path = tmp_path / "p.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    articles = load(path, errors="report")
    assert articles.attrs["n_source_rows"] == len(items)
    bad_lines = [i + 1 for i, b in enumerate(expected) if b]
    assert articles.attrs["rejected"]["line"].tolist() == bad_lines
    assert articles["text"].tolist() == [item["text"] for (kind, item), b in
                                         zip(items, expected, strict=True)
                                         if kind == "row" and not b]
    if bad_lines:
        raises_at(path, str(path), bad_lines[0], ".")
    else:
        assert len(load(path)) == len(items)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(rows=st.lists(good_rows, max_size=12),
       bad=st.lists(st.tuples(st.integers(0, 12), st.sampled_from(CSV_BAD_LINES)),
                    max_size=4))
def test_csv_report_always_reconciles_and_raise_names_the_first_bad_line(tmp_path, rows, bad):
    items = place(rows, [b for _, b in bad], [p for p, _ in bad])
    buffer = io.StringIO(newline="")
    # "\r\n" line ends make the writer quote any field holding "\r": an unquoted one at the
    # end of a field could not be told from a line end.
    writer = csv.writer(buffer)
    buffer.write("outlet,title,text\n")
    expected_lines, kept_texts = [], []
    row_bad = iter(expected_bad(rows))
    for kind, item in items:
        line = buffer.getvalue().count("\n") + 1  # text may hold quoted newlines
        if kind == "row":
            writer.writerow([item["outlet"], item["title"], item["text"]])
            if next(row_bad):
                expected_lines.append(line)
            else:
                kept_texts.append(item["text"])
        else:
            buffer.write(item + "\r\n")
            expected_lines.append(line)
    path = tmp_path / "p.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8", newline="")

    articles = load(path, errors="report")
    assert articles.attrs["n_source_rows"] == len(items)
    assert articles.attrs["rejected"]["line"].tolist() == expected_lines
    # An empty CSV field is missing, so a title of "" and a missing title are the same.
    assert articles["text"].tolist() == kept_texts
    if expected_lines:
        raises_at(path, str(path), expected_lines[0], ".")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(rows=st.lists(good_rows, min_size=1, max_size=8), fmt=st.sampled_from(FORMATS))
def test_any_unicode_text_survives_every_format(tmp_path, rows, fmt):
    rows = [dict(r, text=r["text"] + "x", outlet=r["outlet"] + "x", article_id=f"id{i}")
            for i, r in enumerate(rows)]
    path = write(fmt, tmp_path / f"u-{fmt.replace('.', '-')}", rows)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        articles = load(path)
    assert articles["text"].tolist() == [r["text"] for r in rows]
    assert articles["title"].tolist() == [r["title"] for r in rows]
