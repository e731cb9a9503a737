"""Loading a corpus gives the same result on every machine and never hangs or loses rows silently.

Both readers are checked: :func:`framing.datasets.load_articles` and the chunked reader of
``framing score`` (:func:`framing.stream.score_corpus`), which must agree row for row.

* time-zone abbreviations ("EST", "CET") are fixed offsets, not the machine's local zone;
* linked sub-folders are read, link loops and special files (named pipes, devices) are
  skipped with a reason;
* a JSONL row that fills two fields of one name is rejected alone;
* ``validate_articles`` refuses outlet names that are not normalised keys;
* UTF-16 or UTF-32 text read as UTF-8 says which encoding to pass.
"""

from __future__ import annotations

import codecs
import json
import os
import time
import warnings
from pathlib import Path

import pandas as pd
import pytest

from framing.datasets import load_articles
from framing.features import LexiconScorer
from framing.lexicons import Lexicon
from framing.schema import SchemaError, validate_articles
from framing.stream import score_corpus

pytestmark = pytest.mark.timeout(120)


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def load_quietly(path, **options) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load_articles(path, errors="report", **options)


def score(path, out: Path, **options) -> tuple[dict, pd.DataFrame, list[dict]]:
    """score_corpus's summary, its output and its rejected rows."""
    scorer = LexiconScorer(Lexicon.from_dict({"any": ["the", "a"]}, name="toy"))
    summary = score_corpus(path, out, scorers=[scorer], **options)
    rejected_path = out.with_name(out.name + ".rejected.jsonl")
    rejected = [json.loads(line) for line in rejected_path.read_text("utf-8").splitlines()]
    return summary, pd.read_parquet(out), rejected


def line_reasons(rejected) -> list[tuple[int, str]]:
    return sorted((int(r["line"]), r["reason"]) for r in rejected)


# --------------------------------------------------------------------------------------
# Time-zone abbreviations
# --------------------------------------------------------------------------------------

@pytest.fixture
def local_zone():
    """Set the process's local time zone (TZ and time.tzset()); restore it afterwards."""
    if not hasattr(time, "tzset"):
        pytest.skip("time.tzset is not available on this platform")
    saved = os.environ.get("TZ")

    def set_zone(name: str) -> None:
        os.environ["TZ"] = name
        time.tzset()

    yield set_zone
    if saved is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = saved
    time.tzset()


# (date as written, the instant it names in UTC)
ZONED_DATES = [
    ("Tue, 05 Mar 2019 10:00:00 EST", "2019-03-05 15:00"),
    ("2019-03-05 10:00:00 PDT", "2019-03-05 17:00"),
    ("March 5, 2019 10:00 AM CST", "2019-03-05 16:00"),
    ("2019-07-05 10:00 CET", "2019-07-05 09:00"),
    ("2019-07-05 10:00 CEST", "2019-07-05 08:00"),
    ("2019-07-05 10:00 BST", "2019-07-05 09:00"),
    ("2019-07-05 10:00 AKDT", "2019-07-05 18:00"),
    ("Tue Mar 05 10:00:00 EET 2019", "2019-03-05 08:00"),
    ("2019-03-05 10:00 -0500 (EST)", "2019-03-05 15:00"),
    ("Tue, 05 Mar 2019 10:00:00 GMT", "2019-03-05 10:00"),
    ("Tue, 05 Mar 2019 10:00:00 GMT+3", "2019-03-05 07:00"),
    ("2019-03-05 10:00 UTC-05:00", "2019-03-05 15:00"),
]


def zoned_rows(dates) -> list[dict]:
    return [{"article_id": f"a{i}", "outlet": "cnn", "text": "The text.", "date": d}
            for i, d in enumerate(dates)]


@pytest.mark.parametrize("zone", ["UTC", "America/New_York", "Europe/Paris", "Asia/Kolkata"])
def test_time_zone_abbreviations_do_not_depend_on_the_local_zone(tmp_path, local_zone, zone):
    path = write_jsonl(tmp_path / "c.jsonl", zoned_rows(d for d, _ in ZONED_DATES))
    local_zone(zone)
    articles = load_articles(path)
    expected = pd.to_datetime([utc for _, utc in ZONED_DATES], utc=True).as_unit("ns")
    assert articles["date"].tolist() == expected.tolist()


def test_csv_dates_with_one_guessed_format_read_each_zone_from_the_table(tmp_path, local_zone):
    """The first date fixes a strptime format with %Z; pandas would read CET as Paris time."""
    dates = ["2019-07-05 10:00:00 UTC", "2019-07-05 10:00:00 CET", "2019-07-05 10:00:00 EST",
             "2019-07-05 10:00:00 GMT", "2019-07-05 10:00:00 PDT"]
    path = tmp_path / "c.csv"
    pd.DataFrame(zoned_rows(dates)).to_csv(path, index=False)
    results = []
    for zone in ("UTC", "America/New_York"):
        local_zone(zone)
        results.append(load_articles(path)["date"].dt.strftime("%H:%M").tolist())
    assert results[0] == results[1] == ["10:00", "09:00", "15:00", "10:00", "17:00"]


def test_ambiguous_and_unknown_zone_names_reject_the_row(tmp_path, local_zone):
    dates = ["2019-03-05 10:00 IST", "2019-03-05 10:00 FOO", "2019-03-05 10:00 EST"]
    path = write_jsonl(tmp_path / "c.jsonl", zoned_rows(dates))
    # IST is the local zone's own abbreviation here: dateutil alone would read it as local time.
    local_zone("Asia/Kolkata")
    articles = load_articles(path, errors="report")
    assert articles.index.tolist() == ["a2"]
    reasons = line_reasons(articles.attrs["rejected"])
    assert [line for line, _ in reasons] == [1, 2]
    assert "ambiguous time zone 'IST'" in reasons[0][1] and "UTC offset" in reasons[0][1]
    assert "unknown time zone 'FOO'" in reasons[1][1]
    with pytest.raises(ValueError, match=r"c\.jsonl, line 1: ambiguous time zone 'IST'"):
        load_articles(path)


def test_streaming_reads_zone_names_as_loading_does(tmp_path, local_zone):
    dates = [d for d, _ in ZONED_DATES] + ["2019-03-05 10:00 IST"]
    path = write_jsonl(tmp_path / "c.jsonl", zoned_rows(dates))
    outputs = []
    for zone in ("UTC", "America/New_York"):
        local_zone(zone)
        out = tmp_path / zone.replace("/", "_") / "scores.parquet"
        out.parent.mkdir()
        summary, scores, rejected = score(path, out, chunk_size=5)
        loaded = load_articles(path, errors="report")
        assert scores.index.tolist() == loaded.index.tolist()
        assert scores["date"].tolist() == loaded["date"].tolist()
        assert line_reasons(rejected) == line_reasons(loaded.attrs["rejected"])
        outputs.append(scores["date"].tolist())
    assert outputs[0] == outputs[1]
    assert len(outputs[0]) == len(ZONED_DATES)


# --------------------------------------------------------------------------------------
# Linked folders, link loops and special files
# --------------------------------------------------------------------------------------

def corpus_with_linked_year(tmp_path) -> Path:
    """corpus/a.jsonl (1 row) and corpus/2019 -> elsewhere/2019 (100 rows)."""
    corpus = tmp_path / "corpus"
    write_jsonl(corpus / "a.jsonl", [{"article_id": "a", "outlet": "cnn", "text": "a"}])
    rows = [{"article_id": f"y{i}", "outlet": "cnn", "text": f"t{i}"} for i in range(100)]
    write_jsonl(tmp_path / "elsewhere" / "2019" / "part.jsonl", rows)
    (corpus / "2019").symlink_to(tmp_path / "elsewhere" / "2019", target_is_directory=True)
    return corpus


def skipped_reasons(articles, folder: Path) -> dict[str, str]:
    skipped = articles.attrs["skipped_files"]
    return {Path(s).relative_to(folder).as_posix(): r
            for s, r in zip(skipped["source"], skipped["reason"], strict=True)}


def test_symlinked_subfolder_is_read_by_load_and_score(tmp_path):
    corpus = corpus_with_linked_year(tmp_path)
    articles = load_articles(corpus)
    assert len(articles) == 101
    assert [Path(s).relative_to(corpus).as_posix() for s in articles.attrs["sources"]] == [
        "2019/part.jsonl", "a.jsonl"]
    summary, scores, _ = score(corpus, tmp_path / "scores.parquet")
    assert summary["rows_read"] == summary["rows_scored"] == 101
    assert scores.index.tolist() == articles.index.tolist()


def test_link_loop_and_second_link_are_skipped_with_a_reason(tmp_path):
    corpus = corpus_with_linked_year(tmp_path)
    (tmp_path / "elsewhere" / "2019" / "back").symlink_to(corpus, target_is_directory=True)
    (corpus / "latest").symlink_to(tmp_path / "elsewhere" / "2019", target_is_directory=True)
    with pytest.warns(UserWarning, match=r"skipped 2 file\(s\) or folder\(s\): .*link loop"):
        articles = load_articles(corpus)
    assert len(articles) == 101  # each file read once
    reasons = skipped_reasons(articles, corpus)
    assert reasons.keys() == {"2019/back", "latest"}
    assert reasons["2019/back"].startswith("link loop: leads back to ")
    assert reasons["2019/back"].endswith("corpus, which contains it")
    assert reasons["latest"] == f"same folder as {corpus / '2019'}, read there"
    with pytest.warns(UserWarning, match="link loop"):
        summary, _, _ = score(corpus, tmp_path / "scores.parquet")
    assert summary["rows_read"] == 101


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes need os.mkfifo")
@pytest.mark.timeout(30)
def test_named_pipe_is_skipped_not_waited_on(tmp_path):
    corpus = tmp_path / "corpus"
    write_jsonl(corpus / "a.jsonl", [{"article_id": "a", "outlet": "cnn", "text": "a"}])
    os.mkfifo(corpus / "pipe.jsonl")
    with pytest.warns(UserWarning, match=r"pipe\.jsonl \(not a regular file but a named pipe"):
        articles = load_articles(corpus)
    assert articles.index.tolist() == ["a"]
    assert skipped_reasons(articles, corpus) == {
        "pipe.jsonl": "not a regular file but a named pipe (FIFO)"}
    with pytest.raises(ValueError, match=r"pipe\.jsonl: not a regular file but a named pipe"):
        load_articles(corpus / "pipe.jsonl")
    with pytest.warns(UserWarning, match="named pipe"):
        summary, _, _ = score(corpus, tmp_path / "scores.parquet")
    assert summary["rows_read"] == 1


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_link_to_a_device_and_broken_link_are_skipped(tmp_path):
    corpus = tmp_path / "corpus"
    write_jsonl(corpus / "a.jsonl", [{"article_id": "a", "outlet": "cnn", "text": "a"}])
    (corpus / "zero.jsonl").symlink_to("/dev/zero")
    (corpus / "gone.csv").symlink_to(tmp_path / "missing.csv")
    articles = load_quietly(corpus)
    assert articles.index.tolist() == ["a"]
    reasons = skipped_reasons(articles, corpus)
    assert reasons["zero.jsonl"] == "not a regular file but a character device"
    assert reasons["gone.csv"].startswith("a broken link")
    with pytest.raises(ValueError, match=r"zero\.jsonl: not a regular file but a character"):
        load_articles(corpus / "zero.jsonl")
    with pytest.raises(FileNotFoundError, match=r"gone\.csv \(a broken link to "):
        load_articles(corpus / "gone.csv")


# --------------------------------------------------------------------------------------
# Two fields that become one column
# --------------------------------------------------------------------------------------

CLASHING_ROWS = [
    {"article_id": "a", "outlet": "cnn", "text": "a", "section": "us"},
    {"article_id": "b", "outlet": "cnn", "text": "b", "section": "us", "meta_section": "world"},
    {"article_id": "c", "outlet": "cnn", "text": "c", "meta_section": "politics"},
    {"article_id": "d", "outlet": "cnn", "text": "d", "section": None, "meta_section": "arts"},
    {"article_id": "e", "outlet": "cnn", "text": "e"},
]


def test_jsonl_row_with_section_and_meta_section_is_rejected_alone(tmp_path):
    path = write_jsonl(tmp_path / "c.jsonl", CLASHING_ROWS)
    articles = load_articles(path, errors="report")
    assert articles.index.tolist() == ["a", "c", "d", "e"]
    assert articles["meta_section"].tolist()[:3] == ["us", "politics", "arts"]
    assert pd.isna(articles["meta_section"].iloc[3])
    assert line_reasons(articles.attrs["rejected"]) == [
        (2, "columns 'section' and 'meta_section' would both become 'meta_section' (both "
            "have a value in this row); map or rename one of them")]
    assert articles.attrs["n_source_rows"] == 5
    with pytest.raises(ValueError, match=r"c\.jsonl, line 2: columns 'section' and "
                                         r"'meta_section' would both become 'meta_section'"):
        load_articles(path)


def test_streaming_rejects_the_same_clashing_row(tmp_path):
    path = write_jsonl(tmp_path / "c.jsonl", CLASHING_ROWS)
    loaded = load_articles(path, errors="report")
    summary, scores, rejected = score(path, tmp_path / "scores.parquet", chunk_size=2)
    assert scores.index.tolist() == loaded.index.tolist()
    assert line_reasons(rejected) == line_reasons(loaded.attrs["rejected"])
    assert summary["rows_read"] == 5


def test_jsonl_field_mapped_onto_another_rejects_only_rows_with_both(tmp_path):
    rows = [{"outlet": "cnn", "text": "a", "body": "b"}, {"outlet": "cnn", "body": "only"}]
    path = write_jsonl(tmp_path / "a.jsonl", rows)
    with pytest.raises(ValueError, match=r"a\.jsonl, line 1: columns 'text' and 'body' would "
                                         r"both become 'text'"):
        load_articles(path, columns={"body": "text"})
    articles = load_articles(path, columns={"body": "text"}, errors="report")
    assert articles["text"].tolist() == ["only"]


def test_csv_columns_that_become_one_name_fail_the_file_naming_it(tmp_path):
    path = tmp_path / "c.csv"
    pd.DataFrame(CLASHING_ROWS).to_csv(path, index=False)
    message = (r"c\.csv: columns 'section' and 'meta_section' would both become "
               r"'meta_section'; map or rename one of them")
    with pytest.raises(ValueError, match=message):
        load_articles(path, errors="report")
    with pytest.raises(ValueError, match=message):
        score(path, tmp_path / "scores.parquet")


# --------------------------------------------------------------------------------------
# Outlet keys in the contract
# --------------------------------------------------------------------------------------

def articles_with_outlets(outlets) -> pd.DataFrame:
    n = len(outlets)
    return pd.DataFrame(
        {"outlet": outlets, "date": pd.to_datetime(["2019-01-01"] * n, utc=True),
         "title": [""] * n, "text": ["t"] * n},
        index=pd.Index([f"a{i}" for i in range(n)], name="article_id"))


def test_validate_articles_refuses_outlet_names_that_are_not_keys():
    validate_articles(articles_with_outlets(["fox-news", "cnn"]))
    with pytest.raises(SchemaError, match=r"outlet 'Fox News' is not a normalised key "
                                          r"\(normalize_outlet gives 'fox-news'\)") as err:
        validate_articles(articles_with_outlets(["cnn", "Fox News"]))
    assert (err.value.column, err.value.row, err.value.position) == ("outlet", "a1", 1)
    with pytest.raises(SchemaError, match="no letters or digits"):
        validate_articles(articles_with_outlets(["cnn", "!!!"]))


def test_loading_outlet_names_still_gives_valid_keys(tmp_path):
    rows = [{"outlet": "Fox News", "text": "a"}, {"outlet": "CNN (Web News)", "text": "b"}]
    articles = load_articles(write_jsonl(tmp_path / "c.jsonl", rows))
    assert articles["outlet"].tolist() == ["fox-news", "cnn-web-news"]
    assert articles["meta_outlet_name"].tolist() == ["Fox News", "CNN (Web News)"]


# --------------------------------------------------------------------------------------
# UTF-16 and UTF-32 read as UTF-8
# --------------------------------------------------------------------------------------

WIDE_ROWS = [{"article_id": "a", "outlet": "x", "text": "Grüße"},
             {"article_id": "b", "outlet": "y", "text": "second"}]


@pytest.mark.parametrize("encoding, hint", [
    ("utf-16", 'encoding="utf-16"'),
    ("utf-16-le", 'encoding="utf-16-le"'),
    ("utf-16-be", 'encoding="utf-16-be"'),
    ("utf-32", 'encoding="utf-32"'),
    ("utf-32-le", 'encoding="utf-32-le"'),
])
def test_wide_jsonl_read_as_utf8_says_which_encoding_to_pass(tmp_path, encoding, hint):
    path = tmp_path / "c.jsonl"
    path.write_bytes("\n".join(json.dumps(r, ensure_ascii=False) for r in WIDE_ROWS)
                     .encode(encoding))
    wrong = load_articles(path, errors="report")
    assert len(wrong) == 0 and len(wrong.attrs["rejected"]) == wrong.attrs["n_source_rows"]
    assert all(hint in r["reason"] for r in wrong.attrs["rejected"])
    summary, _, rejected = score(path, tmp_path / "scores.parquet")
    assert line_reasons(rejected) == line_reasons(wrong.attrs["rejected"])
    assert load_articles(path, encoding=hint.split('"')[1])["text"].tolist() == [
        "Grüße", "second"]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-32-be"])
def test_wide_csv_read_as_utf8_fails_naming_the_file_and_the_encoding(tmp_path, encoding):
    path = tmp_path / "c.csv"
    path.write_bytes(pd.DataFrame(WIDE_ROWS).to_csv(index=False).encode(encoding))
    message = rf'c\.csv: the file was not loaded.*looks like UTF-.. text.*encoding="{encoding}"'
    with pytest.raises(ValueError, match=message):
        load_articles(path, errors="report")
    with pytest.raises(ValueError, match=message):
        load_articles(path, encoding="latin-1")
    with pytest.raises(ValueError, match=message):
        score(path, tmp_path / "scores.parquet")
    assert load_articles(path, encoding=encoding)["text"].tolist() == ["Grüße", "second"]


def test_utf8_with_nul_bytes_or_non_latin_text_gets_no_wide_hint(tmp_path):
    path = tmp_path / "c.jsonl"
    good = json.dumps({"article_id": "a", "outlet": "x", "text": "日本語のテキスト" * 50},
                      ensure_ascii=False)
    path.write_bytes(codecs.BOM_UTF8 + good.encode() + b"\n\x00\x00bad\x00\n")
    articles = load_articles(path, errors="report")
    assert articles.index.tolist() == ["a"]
    (reason,) = articles.attrs["rejected"]["reason"]
    assert reason.startswith("not valid JSON") and "encoding=" not in reason
