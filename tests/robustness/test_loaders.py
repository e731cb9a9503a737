"""Loaders under hostile input: every row comes out as an article or a named rejection.

Properties, on random rows written as JSONL, CSV and parquet (hypothesis):

* ``errors="report"``: ``len(articles) + len(rejected) == n_source_rows ==`` the records
  written; every rejection names the file, a line that holds a record, and a reason.
* ``errors="raise"``: the same articles with nothing rejected, or a ``ValueError`` naming
  the file and the line of the first bad row.
* the streaming path (:func:`framing.stream.score_corpus`) reads the same file into the
  same articles and the same rejections (line and reason).

And by hand: random bytes as JSONL lines, latin-1 in a UTF-8 file, UTF-16 with a BOM,
duplicate ids within and across files, empty files, damaged parquet and gzip.
"""

from __future__ import annotations

import codecs
import gzip
import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from framing.datasets import load_articles
from framing.features import LexiconScorer
from framing.lexicons import Lexicon
from framing.stream import score_corpus

SETTINGS = settings(max_examples=25, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])

# Field values a scraped corpus really contains: text, blanks, numbers, nulls, lists.
_text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)),
                max_size=40)
_value = st.one_of(_text, st.just(""), st.just("   "), st.none(),
                   st.integers(-5, 10**6), st.floats(allow_nan=True),
                   st.lists(_text, max_size=2), st.booleans())
_id = st.one_of(st.sampled_from(["a1", "a2", "a3", "007", "x y"]), st.integers(0, 3), _text,
                st.none())
_date = st.one_of(st.sampled_from(["2019-03-05", "2019-03-05T10:00:00+02:00", "05/03/2019",
                                   "March 5, 2019", "2019", "yesterday", "", "1500-01-01",
                                   "2019-13-45"]), _text, st.none())
_row = st.fixed_dictionaries({"article_id": _id, "outlet": _value, "text": _value},
                             optional={"title": _value, "date": _date, "url": _value,
                                       "label_x": _value, "section": _value})


def _lexicon_scorer():
    return LexiconScorer(Lexicon.from_dict({"any": ["the", "a"]}, name="toy"))


def _check_report(articles, path: Path, n_records: int):
    rejected = articles.attrs["rejected"]
    assert len(articles) + len(rejected) == articles.attrs["n_source_rows"] == n_records
    for record in rejected:
        assert record["source"] == str(path)
        assert isinstance(record["line"], int) and record["line"] >= 1
        assert record["reason"]
    assert articles.index.is_unique


def _check_raise(path: Path, report, **kwargs):
    try:
        raised = load_articles(path, errors="raise", **kwargs)
    except ValueError as err:
        first = report.attrs["rejected"][0] if len(report.attrs["rejected"]) else None
        assert first is not None, f"raised although nothing was rejected: {err}"
        assert str(err).startswith(f"{path}, line {first['line']}: ")
    else:
        assert len(report.attrs["rejected"]) == 0
        pd.testing.assert_frame_equal(raised, report)


def _check_stream(path: Path, report, tmp: Path, **kwargs):
    out = tmp / f"{path.name}.scores.parquet"
    summary = score_corpus(path, out, scorers=[_lexicon_scorer()], chunk_size=3,
                           overwrite=True, **kwargs)
    assert summary["rows_read"] == report.attrs["n_source_rows"]
    assert summary["rows_scored"] == len(report)
    streamed = pd.read_parquet(out)
    assert streamed.index.tolist() == report.index.tolist()
    text = out.with_name(out.name + ".rejected.jsonl").read_text(encoding="utf-8")
    got = sorted((r["line"], r["reason"]) for r in map(json.loads, text.splitlines()))
    want = sorted((r["line"], r["reason"]) for r in report.attrs["rejected"])
    assert got == want


def _load_quietly(path, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return load_articles(path, errors="report", **kwargs)


@pytest.mark.slow
@pytest.mark.timeout(240)
@SETTINGS
@given(rows=st.lists(_row, max_size=12))
def test_random_jsonl_rows_are_all_accounted_for(rows, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("jsonl")
    path = tmp / "c.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows),
                    encoding="utf-8")
    report = _load_quietly(path)
    _check_report(report, path, len(rows))
    _check_raise(path, report)
    _check_stream(path, report, tmp)


@pytest.mark.slow
@pytest.mark.timeout(240)
@SETTINGS
@given(rows=st.lists(_row, max_size=12))
def test_random_csv_rows_are_all_accounted_for(rows, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("csv")
    path = tmp / "c.csv"
    frame = pd.DataFrame(rows, columns=["article_id", "outlet", "text", "title", "date",
                                        "url", "label_x", "section"])
    frame.to_csv(path, index=False)
    report = _load_quietly(path)
    _check_report(report, path, len(rows))
    _check_raise(path, report)
    _check_stream(path, report, tmp)


_scalar = st.one_of(_text, st.none())


@pytest.mark.slow
@pytest.mark.timeout(240)
@SETTINGS
@given(rows=st.lists(st.fixed_dictionaries({"article_id": _scalar, "outlet": _scalar,
                                            "text": _scalar, "date": _date}), max_size=12))
def test_random_parquet_rows_are_all_accounted_for(rows, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("parquet")
    path = tmp / "c.parquet"
    pd.DataFrame(rows, columns=["article_id", "outlet", "text", "date"],
                 dtype=object).to_parquet(path)
    report = _load_quietly(path)
    _check_report(report, path, len(rows))
    _check_raise(path, report)
    _check_stream(path, report, tmp)


@pytest.mark.slow
@pytest.mark.timeout(120)
@SETTINGS
@given(lines=st.lists(st.binary(max_size=30).map(lambda b: b.replace(b"\n", b"")),
                      max_size=15))
def test_random_bytes_as_jsonl_lines(lines, tmp_path_factory):
    path = tmp_path_factory.mktemp("bytes") / "c.jsonl"
    path.write_bytes(b"\n".join(lines))
    expected = 0
    for number, line in enumerate(lines):
        if number == 0 and line.startswith(codecs.BOM_UTF8):
            line = line[3:]
        try:
            expected += bool(line.decode("utf-8").strip())
        except UnicodeDecodeError:
            expected += 1
    report = _load_quietly(path, outlet="x")
    _check_report(report, path, expected)


def test_latin1_bytes_in_a_utf8_file(tmp_path):
    jsonl = tmp_path / "c.jsonl"
    good = json.dumps({"article_id": "a", "outlet": "x", "text": "fine"}).encode()
    bad = '{"article_id": "b", "outlet": "x", "text": "caf\u00e9"}'.encode("latin-1")
    jsonl.write_bytes(good + b"\n" + bad + b"\n")
    report = load_articles(jsonl, errors="report")
    assert report.index.tolist() == ["a"]
    assert report.attrs["rejected"][0]["line"] == 2
    assert "not valid UTF-8" in report.attrs["rejected"][0]["reason"]
    csv_path = tmp_path / "c.csv"
    csv_path.write_bytes(b"article_id,outlet,text\na,x,fine\nb,x,caf\xe9\n")
    with pytest.raises(ValueError, match=r"c\.csv: .*not valid UTF-8: undecodable byte at "
                                         r"offset 39 \(line 3\)"):
        load_articles(csv_path, errors="report")
    assert len(load_articles(csv_path, encoding="latin-1")) == 2


def test_utf16_with_a_bom(tmp_path):
    rows = [{"article_id": "a", "outlet": "x", "text": "Grüße, 日本"},
            {"article_id": "b", "outlet": "y", "text": "second"}]
    jsonl = tmp_path / "c.jsonl"
    jsonl.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows),
                     encoding="utf-16")
    assert jsonl.read_bytes()[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
    loaded = load_articles(jsonl, encoding="utf-16")
    assert loaded["text"].tolist() == ["Grüße, 日本", "second"]
    # Read as UTF-8 by mistake: every line is reported, none is silently lost.
    wrong = load_articles(jsonl, errors="report")
    assert len(wrong) + len(wrong.attrs["rejected"]) == wrong.attrs["n_source_rows"] == 2
    csv_path = tmp_path / "c.csv"
    pd.DataFrame(rows).to_csv(csv_path, index=False, encoding="utf-16")
    assert load_articles(csv_path, encoding="utf-16")["text"].tolist()[0] == "Grüße, 日本"
    with pytest.raises(ValueError, match="c.csv"):
        load_articles(csv_path)


def test_duplicate_ids_within_and_across_files(tmp_path):
    first = tmp_path / "a.jsonl"
    second = tmp_path / "b.csv"
    first.write_text("\n".join(json.dumps({"article_id": i, "outlet": "x", "text": "t"})
                               for i in ["1", "2", "1"]), encoding="utf-8")
    pd.DataFrame({"article_id": ["2", "3"], "outlet": "y", "text": "u"}).to_csv(second,
                                                                              index=False)
    report = load_articles([first, second], errors="report")
    assert report.index.tolist() == ["1", "2", "3"]
    reasons = [(r["source"], r["line"], r["reason"]) for r in report.attrs["rejected"]]
    assert reasons == [(str(first), 3, f"duplicate article_id '1' (first at {first} line 1)"),
                       (str(second), 2, f"duplicate article_id '2' (first at {first} line 2)")]
    with pytest.raises(ValueError, match=r"a\.jsonl, line 3: duplicate article_id '1'"):
        load_articles([first, second])


@pytest.mark.parametrize("name, content", [("e.jsonl", b""), ("e.csv", b""),
                                           ("h.csv", b"article_id,outlet,text\n"),
                                           ("w.jsonl", b"\n \n\t\n")])
def test_empty_files_give_empty_articles(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    articles = load_articles(path)
    assert len(articles) == 0 and articles.attrs["n_source_rows"] == 0


def test_damaged_parquet_and_gzip_name_the_file(tmp_path):
    good = tmp_path / "good.parquet"
    pd.DataFrame({"article_id": ["a"], "outlet": ["x"], "text": ["t"]}).to_parquet(good)
    truncated = tmp_path / "cut.parquet"
    truncated.write_bytes(good.read_bytes()[:-20])
    with pytest.raises(ValueError, match="cut.parquet: could not read as parquet"):
        load_articles(truncated)
    random_bytes = tmp_path / "noise.parquet"
    random_bytes.write_bytes(np.random.default_rng(0).bytes(500))
    with pytest.raises(ValueError, match="noise.parquet: could not read as parquet"):
        load_articles(random_bytes, errors="report")
    gz = tmp_path / "c.jsonl.gz"
    gz.write_bytes(gzip.compress(b'{"a": 1}\n')[:-6])
    with pytest.raises(ValueError, match="c.jsonl.gz: not a valid gzip file"):
        load_articles(gz)


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_a_10_mb_article_loads_whole(tmp_path):
    text = ("Sanctuary cities limit cooperation with ICE. " * 230_000)[:10_000_000]
    path = tmp_path / "big.jsonl"
    path.write_text(json.dumps({"article_id": "big", "outlet": "x", "text": text}) + "\n"
                    + "{broken\n", encoding="utf-8")
    report = load_articles(path, errors="report")
    assert report.loc["big", "text"] == text
    assert [r["line"] for r in report.attrs["rejected"]] == [2]
    csv_path = tmp_path / "big.csv"
    pd.DataFrame({"article_id": ["big"], "outlet": ["x"], "text": [text]}).to_csv(
        csv_path, index=False)
    assert load_articles(csv_path).loc["big", "text"] == text
