"""framing.io: format detection, chunked reading, one validation, records, atomic writes.

The central property: reading a corpus in chunks of any size and checking the chunks gives
the rows and rejections that :func:`framing.datasets.load_articles` gives for the whole
corpus, line for line and reason for reason.
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
from hypothesis import given, settings
from hypothesis import strategies as st

from framing.datasets import load_articles
from framing.datasets._parsing import Report, read_delimited
from framing.features import LexiconScorer
from framing.io import (
    REJECTED_COLUMNS,
    Parsed,
    UndecodableFile,
    atomic_write,
    check_reading_options,
    find_files,
    format_of,
    merge_duplicates,
    read_chunks,
    read_csv_records,
    read_rows,
    rejected_row,
    validate_rows,
)
from framing.lexicons import Lexicon
from framing.stream import score_corpus

OPTIONS = {"columns": {"headline": "title"}, "outlet": "Reuters"}


# --------------------------------------------------------------------------------------
# A mixed corpus: every format, and a bad row of every kind the readers and checks know
# --------------------------------------------------------------------------------------

def _write_mixed_corpus(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    jsonl = [
        json.dumps({"article_id": "j1", "outlet": "CNN", "headline": "One", "text": "ICE deport",
                    "date": "2019-03-05T10:00:00Z", "section": "us"}),
        "",  # a blank line is not a record
        "{not json",
        "[1, 2]",
        json.dumps({"article_id": "j2", "text": "no outlet field in this record"}),
        json.dumps({"article_id": "j3", "outlet": "Fox News", "text": "t",
                    "date": "Mar 5, 2019 10:00 EST"}),
        json.dumps({"article_id": "j4", "outlet": "Fox News", "text": "t",
                    "date": "2019-05-05 10:00 IST"}),
        json.dumps({"article_id": "j5", "outlet": "CNN", "text": "t", "section": "a",
                    "meta_section": "b"}),
        json.dumps({"article_id": "j6", "outlet": "CNN", "text": ""}),
        json.dumps({"article_id": "j1", "outlet": "CNN", "text": "a repeated id"}),
        json.dumps({"article_id": "j7", "outlet": "CNN", "text": "last", "meta_section": "c"}),
    ]
    raw = "\n".join(jsonl).encode("utf-8")
    undecodable = b'{"article_id": "j8", "outlet": "CNN", "text": "caf\xe9"}'
    (folder / "a.jsonl").write_bytes(raw + b"\n" + undecodable + b"\n\n")

    frame = pd.DataFrame({
        "article_id": ["c1", "c2", "c3", "j3", "c5", "c6"],
        "outlet": ["BBC", "BBC", "", "BBC", "BBC", "BBC"],
        "headline": ["H1", "H2", "H3", "H4", "H5", "H6"],
        "text": ["A quoted,\nmultiline \"text\"", "one\rtwo", "x", "dup of j3", "y", "z"],
    })
    csv_text = frame.to_csv()  # with pandas' unnamed index column
    csv_text += '7,c7,BBC,H7,too,many,fields\n8,c8,BBC,"unterminated,x\n'
    (folder / "b.csv").write_text(csv_text, encoding="utf-8", newline="")

    tsv = "article_id\theadline\ttext\nt1\tT1\tno outlet column here\nt2\tT2\t\n"
    (folder / "c.tsv.gz").write_bytes(gzip.compress(tsv.encode("utf-8")))

    parquet = pd.DataFrame({
        "outlet": ["NPR", "NPR", "NPR", "NPR"],
        "text": ["p1 text", "p2 text", "", "p4 text"],
        "date": pd.to_datetime(["2020-01-01", "2020-01-02", None, "2020-01-04"]),
    }, index=pd.Index(["p1", "p2", "p3", "c1"], name="article_id"))
    parquet.to_parquet(folder / "d.parquet", row_group_size=3)

    ndjson = [{"article_id": "n1", "outlet": "AP", "text": "with a byte-order mark"},
              {"article_id": "n2", "outlet": "AP", "text": "and a CRLF line end"}]
    (folder / "e.ndjson").write_bytes(
        codecs.BOM_UTF8 + "\r\n".join(json.dumps(r) for r in ndjson).encode("utf-8"))
    return folder


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = _write_mixed_corpus(tmp_path_factory.mktemp("mixed") / "corpus")
    loaded = load_articles(folder, errors="report", **OPTIONS)
    return folder, loaded


def _rows(articles: pd.DataFrame) -> list[tuple]:
    """Each article as (id, outlet, date as text, title, text, meta_section)."""
    frame = articles.assign(date=articles["date"].astype(str))
    columns = ["outlet", "date", "title", "text", "meta_section"]
    return list(frame[columns].astype(object).where(frame[columns].notna(), None)
                .itertuples(name=None))


def _reasons(rejected) -> list[tuple]:
    return [(r["source"], r["line"], r["row_id"], r["reason"]) for r in rejected]


def test_the_mixed_corpus_has_good_and_bad_rows_in_every_file(corpus):
    """The corpus the properties below run on exercises what they claim to."""
    folder, loaded = corpus
    rejected = loaded.attrs["rejected"]
    assert {Path(s).name for s in rejected["source"]} == {
        "a.jsonl", "b.csv", "c.tsv.gz", "d.parquet"}
    assert {Path(s).name for s in loaded.attrs["sources"]} == {
        "a.jsonl", "b.csv", "c.tsv.gz", "d.parquet", "e.ndjson"}
    assert len(loaded) >= 12 and len(rejected) >= 12
    reasons = " | ".join(rejected["reason"])
    for expected in ("not valid JSON", "expected a JSON object", "missing outlet",
                     "ambiguous time zone", "would both become", "missing or empty text",
                     "duplicate article_id", "not valid UTF-8", "expected 5 fields",
                     "malformed CSV"):
        assert expected in reasons
    assert loaded.loc["t1", "outlet"] == "reuters"  # the constant, for a file without outlets
    assert loaded.loc["c2", "text"] == "one\rtwo"


@settings(max_examples=25, deadline=None)
@given(chunk_size=st.integers(min_value=1, max_value=30))
def test_chunks_of_any_size_give_the_rows_and_rejections_of_load_articles(corpus, chunk_size):
    folder, loaded = corpus
    mapping = check_reading_options(encoding="utf-8", outlet=OPTIONS["outlet"],
                                    columns=OPTIONS["columns"], id_column=None)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        files, _ = find_files(folder)
    chunks = list(read_chunks(files, chunk_size=chunk_size))
    assert all(c.rows.n_rows <= chunk_size for c in chunks)
    articles, rejected, lines, n_rows = validate_rows(
        [c.rows for c in chunks], mapping=mapping, outlet=OPTIONS["outlet"])
    assert _rows(articles) == _rows(loaded)
    assert _reasons(rejected) == _reasons(loaded.attrs["rejected"])
    assert n_rows == loaded.attrs["n_source_rows"] == len(articles) + len(rejected)
    assert len(lines) == len(articles)


@pytest.mark.parametrize("chunk_size", [1, 4, 1000])
def test_framing_score_in_chunks_scores_the_rows_load_articles_keeps(corpus, tmp_path,
                                                                    chunk_size):
    """The stream's path (one chunk checked at a time, ids remembered across chunks)."""
    folder, loaded = corpus
    out = tmp_path / "scores.parquet"
    lexicon = Lexicon.from_dict({"enforcement": ["ice", "deport"]}, name="toy")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        summary = score_corpus(folder, out, scorers=[LexiconScorer(lexicon)],
                               chunk_size=chunk_size, **OPTIONS)
    scores = pd.read_parquet(out)
    assert scores.index.tolist() == loaded.index.tolist()
    assert scores["outlet"].tolist() == loaded["outlet"].tolist()
    written = [json.loads(line) for line in
               out.with_name(out.name + ".rejected.jsonl").read_text().splitlines()]
    order = {s: i for i, s in enumerate(loaded.attrs["sources"])}
    written.sort(key=lambda r: (order[r["source"]], r["line"]))
    assert _reasons(written) == _reasons(loaded.attrs["rejected"])
    assert summary["rows_read"] == loaded.attrs["n_source_rows"]


def test_a_chunk_whose_jsonl_records_lack_a_field_reads_as_the_whole_file(tmp_path):
    """Regression: chunks used their own records' fields, not the file's.

    With ``outlet=``, a record without an outlet field in a file that has one was scored
    under the constant outlet when its chunk held no outlet field at all (load_articles
    rejects it); with ``id_column``, such a chunk failed the whole run.
    """
    path = tmp_path / "c.jsonl"
    rows = [{"id": "a", "outlet": "CNN", "text": "t"}, {"id": "b", "text": "t"},
            {"outlet": "CNN", "text": "no id"}]
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    options = {"outlet": "Reuters", "id_column": "id"}
    loaded = load_articles(path, errors="report", **options)
    assert loaded.index.tolist() == ["a"]
    assert [r[3] for r in _reasons(loaded.attrs["rejected"])] == ["missing outlet",
                                                                  "missing article_id"]
    out = tmp_path / "scores.parquet"
    lexicon = Lexicon.from_dict({"x": ["t"]}, name="toy")
    summary = score_corpus(path, out, scorers=[LexiconScorer(lexicon)], chunk_size=1,
                           **options)
    assert (summary["rows_scored"], summary["rows_rejected"]) == (1, 2)
    written = [json.loads(line) for line in
               out.with_name(out.name + ".rejected.jsonl").read_text().splitlines()]
    assert _reasons(written) == _reasons(loaded.attrs["rejected"])


# --------------------------------------------------------------------------------------
# Format detection and chunking
# --------------------------------------------------------------------------------------

@pytest.mark.parametrize("name, kind", [
    ("a.jsonl", "jsonl"), ("A.NDJSON", "jsonl"), ("a.ndjson.gz", "jsonl"),
    ("a.csv", "csv"), ("a.csv.gz", "csv"), ("a.tsv.GZ", "tsv"), ("a.parquet", "parquet"),
    (".csv", None), ("a.gz", None), ("a.json", None), ("a.csv.bak", None), ("notes", None),
])
def test_format_is_told_by_the_name_longest_suffix_first(name, kind):
    assert format_of(name) == kind


def test_find_files_reads_folders_in_path_order_and_says_what_it_skipped(tmp_path):
    for name in ("b/z.csv", "a.jsonl", "b/a.tsv", ".hidden.csv", "notes.txt"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("", encoding="utf-8")
    with pytest.warns(UserWarning, match=r"skipped 1 file\(s\).*notes\.txt"):
        files, skipped = find_files(tmp_path)
    assert [(p.relative_to(tmp_path).as_posix(), k) for p, k in files] == [
        ("a.jsonl", "jsonl"), ("b/a.tsv", "tsv"), ("b/z.csv", "csv")]
    assert sorted(Path(s["source"]).name for s in skipped) == [".hidden.csv", "notes.txt"]


@pytest.mark.parametrize("name", ["a.jsonl", "b.csv", "c.tsv.gz", "d.parquet", "e.ndjson"])
@pytest.mark.parametrize("chunk_size", [1, 2, 3, 7])
def test_chunks_cover_the_file_once_and_a_resume_after_any_chunk_reads_the_rest(
        corpus, name, chunk_size):
    folder, _ = corpus
    files = [(folder / name, format_of(name))]
    (whole,) = read_rows(files)
    chunks = list(read_chunks(files, chunk_size=chunk_size))
    assert [c.end for c in chunks] == sorted({c.end for c in chunks})  # strictly increasing
    lines = np.concatenate([c.rows.lines for c in chunks])
    np.testing.assert_array_equal(lines, whole.lines)
    assert [r for c in chunks for r in c.rows.rejected] == whole.rejected
    joined = pd.concat([c.rows.frame for c in chunks], ignore_index=True)
    pd.testing.assert_frame_equal(joined[list(whole.frame.columns)], whole.frame,
                                  check_dtype=False)
    for done, chunk in enumerate(chunks):
        rest = list(read_chunks(files, chunk_size=chunk_size, start=(0, chunk.end)))
        assert [c.end for c in rest] == [c.end for c in chunks[done + 1:]]


def test_a_parquet_file_without_rows_still_gives_its_columns(tmp_path):
    path = tmp_path / "empty.parquet"
    pd.DataFrame({"article_id": pd.Series([], dtype=object),
                  "text": pd.Series([], dtype=object)}).to_parquet(path)
    (rows,) = read_rows([(path, "parquet")])
    assert rows.raw_columns == ("article_id", "text") and rows.n_rows == 0
    assert list(read_chunks([(path, "parquet")], chunk_size=5)) == []


# --------------------------------------------------------------------------------------
# Decoding
# --------------------------------------------------------------------------------------

def test_undecodable_byte_offset_counts_the_byte_order_mark(tmp_path):
    """Regression: decoding as utf-8-sig dropped the mark's 3 bytes from the offset."""
    path = tmp_path / "a.csv"
    data = codecs.BOM_UTF8 + b"outlet,text\ncnn,caf\xe9\n"
    path.write_bytes(data)
    with pytest.raises(UndecodableFile, match=r"offset 22 \(line 2\)") as err:
        list(read_chunks([(path, "csv")]))
    assert data[22:23] == b"\xe9"
    assert err.value.source == str(path)
    assert str(err.value).startswith(f"{path}: the file was not loaded, it is not valid UTF-8")


def test_decoding_across_blocks_keeps_characters_whole_and_finds_the_bad_byte(tmp_path):
    """A character split by the 1 MiB block boundary decodes; a later bad byte is exact."""
    head = b"outlet,text\n"
    filler = b"cnn," + b"x" * ((1 << 20) - len(head) - 5) + b"\xc3"  # first byte of "é"
    bad_at = len(head) + len(filler) + len(b"\xa9\ncnn,ok\ncnn,")
    data = head + filler + b"\xa9\ncnn,ok\ncnn,\xff\n"
    path = tmp_path / "big.csv"
    path.write_bytes(data)
    assert data[bad_at:bad_at + 1] == b"\xff"
    with pytest.raises(UndecodableFile, match=rf"offset {bad_at} \(line 4\)"):
        list(read_chunks([(path, "csv")]))
    path.write_bytes(data.replace(b"\xff", b"fine"))
    (rows,) = read_rows([(path, "csv")])
    assert rows.frame["text"].str.endswith("é").tolist() == [True, False, False]


def test_a_utf16_file_that_breaks_names_the_offset_and_line(tmp_path):
    path = tmp_path / "a.jsonl"
    good = '{"outlet": "cnn", "text": "one"}\n{"outlet": "cnn", "text": "two"}\n'
    data = good.encode("utf-16-le") + b"\x00\xdc" + "x".encode("utf-16-le")  # lone surrogate
    path.write_bytes(data)
    with pytest.raises(UndecodableFile, match=rf"offset {len(good) * 2} \(line 3\)"):
        list(read_chunks([(path, "jsonl")], encoding="utf-16-le"))
    with pytest.raises(ValueError, match=r"a\.jsonl: the file was not loaded, it is not "
                                         r"valid utf-16-le: undecodable byte"):
        load_articles(path, encoding="utf-16-le")


def test_resource_csv_readers_number_records_by_their_first_line(tmp_path):
    """read_delimited keeps line ends as written; read_csv_records reads them as text mode."""
    path = tmp_path / "a.csv"
    path.write_bytes(b'term,note\r\n\r\nhope,"two\r\nlines"\r\nfear,x,extra\r\n')
    header, records = read_delimited(path)
    assert header == ["term", "note"]
    assert records == [(3, ["hope", "two\r\nlines"]), (5, ["fear", "x", "extra"])]
    header, records = read_csv_records(path)
    assert list(records) == [(3, ["hope", "two\nlines"]), (5, ["fear", "x", "extra"])]


def test_csv_fields_past_the_csv_module_cap_read_in_dataset_parsers(tmp_path):
    """Regression: read_delimited kept the csv module's 131,072-character cap."""
    path = tmp_path / "a.csv"
    text = "word " * 30_000
    path.write_text(f"id;text\n1;{text}\n", encoding="utf-8")
    header, records = read_delimited(path, delimiter=";")
    assert header == ["id", "text"] and records == [(2, ["1", text])]


# --------------------------------------------------------------------------------------
# The rejected-row record and the atomic writer
# --------------------------------------------------------------------------------------

def test_rejected_row_has_the_report_columns_and_a_string_id():
    record = rejected_row("a.csv", 3, "bad", row_id=7)
    assert tuple(record) == REJECTED_COLUMNS
    assert record["row_id"] == "7" and rejected_row("a", None, "r")["row_id"] is None


def test_every_report_collector_builds_the_same_rejected_record():
    parsed, report = Parsed(), Report()
    parsed.reject("a.tff", 4, 12, "len=2 (only len=1 is read)")
    report.reject("a.tff", 4, 12, "len=2 (only len=1 is read)")
    assert parsed.rejected == report.rejected == [
        rejected_row("a.tff", 4, "len=2 (only len=1 is read)", row_id=12)]
    records = [{"term": "hope", "source": "a", "line": 1, "weight": 1.0},
               {"term": "hope", "source": "a", "line": 7, "weight": 1.0}]
    assert merge_duplicates(records, ["term"], parsed) == records[:1]
    assert parsed.rejected[-1] == rejected_row("a", 7, "duplicate of a line 1 (merged)",
                                               row_id="hope")


def test_atomic_write_replaces_the_file_only_when_the_block_succeeds(tmp_path):
    target = tmp_path / "state.json"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic_write(target) as tmp:
        tmp.write_text("half", encoding="utf-8")
        raise RuntimeError("interrupted")
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"]
    fixed = tmp_path / "state.json.tmp"
    with atomic_write(target, temporary=fixed) as tmp:
        assert tmp == fixed
        tmp.write_text("new", encoding="utf-8")
    assert target.read_text(encoding="utf-8") == "new" and not fixed.exists()
