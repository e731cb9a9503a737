"""``framing score`` and :func:`framing.stream.score_corpus` (issue 7, part 2).

Streaming must give what loading the whole corpus gives (the same articles, the same bad
rows with the same lines and reasons, the same features), resume after an interruption to
the same output, refuse a changed input, and keep memory flat as the corpus grows.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from framing.cli import main
from framing.datasets import load_articles
from framing.features import LexiconScorer, extract_features
from framing.lexicons import Lexicon
from framing.stream import StateMismatch, score_corpus

pytestmark = pytest.mark.timeout(300)

TEXTS = ["ICE agents detained him at the courthouse.", "The city council voted on Tuesday.",
         "Sanctuary policies limit cooperation with ICE detainers.",
         "Überraschung: 日本語のテキスト.", "Officials said the deportation was unlawful."]


def _lexicon():
    return Lexicon.from_dict({"enforcement": ["ice", "detain", "deportation"],
                              "local": ["council", "city"]}, name="toy")


def _rows(n: int, *, bad_every: int = 0, duplicate_of: dict | None = None) -> list[dict]:
    rows = []
    for i in range(n):
        row = {"article_id": f"a{i}", "outlet": ["Fox News", "CNN", "Reuters"][i % 3],
               "title": f"Story {i}", "text": TEXTS[i % len(TEXTS)],
               "date": f"2019-0{1 + i % 9}-1{i % 10}"}
        if bad_every and i % bad_every == bad_every - 1:
            row["text"] = ""
        if duplicate_of and i in duplicate_of:
            row["article_id"] = f"a{duplicate_of[i]}"
        rows.append(row)
    return rows


def _write_jsonl(path: Path, rows, extra_lines=()) -> Path:
    lines = [json.dumps(r, ensure_ascii=False) for r in rows]
    for position, line in extra_lines:
        lines.insert(position, line)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _expected(path, scorers, **load):
    articles = load_articles(path, errors="report", **load)
    return articles, extract_features(articles, scorers)


def _rejected(path: Path) -> pd.DataFrame:
    text = path.read_text(encoding="utf-8")
    records = [json.loads(line) for line in text.splitlines()]
    return pd.DataFrame(records, columns=["source", "line", "row_id", "reason"])


def _check_same_as_loading(tmp_path, source, chunk_size, **load):
    out = tmp_path / "scores.parquet"
    scorer = LexiconScorer(_lexicon())
    summary = score_corpus(source, out, scorers=[scorer], chunk_size=chunk_size, **load)
    articles, features = _expected(source, [scorer], **load)
    scores = pd.read_parquet(out)
    rejected = _rejected(out.with_name(out.name + ".rejected.jsonl"))
    expected_rejected = articles.attrs["rejected"]
    assert summary["rows_read"] == articles.attrs["n_source_rows"]
    assert summary["rows_scored"] == len(articles) == len(scores)
    assert summary["rows_rejected"] == len(expected_rejected) == len(rejected)
    assert summary["rows_read"] == summary["rows_scored"] + summary["rows_rejected"]
    assert scores.index.tolist() == articles.index.tolist()
    assert scores.index.name == "article_id"
    np.testing.assert_array_equal(scores[features.columns].to_numpy(), features.to_numpy())
    assert scores["outlet"].tolist() == articles["outlet"].tolist()
    pd.testing.assert_series_equal(scores["date"], articles["date"].dt.as_unit("ns"),
                                   check_names=False, check_index=False)
    got = rejected.sort_values("line")[["line", "reason"]].values.tolist()
    want = pd.DataFrame(list(expected_rejected), columns=rejected.columns).sort_values("line")[
        ["line", "reason"]].values.tolist()
    assert got == want
    return summary, scores


def test_jsonl_in_chunks_equals_loading_whole(tmp_path):
    source = _write_jsonl(tmp_path / "c.jsonl", _rows(50, bad_every=7),
                          extra_lines=[(3, "{not json"), (10, "[1, 2]"), (20, "")])
    summary, _ = _check_same_as_loading(tmp_path, source, chunk_size=8)
    assert summary["chunks"] >= 6


def test_csv_and_parquet_in_chunks_equal_loading_whole(tmp_path):
    frame = pd.DataFrame(_rows(40, bad_every=9))
    frame.loc[5, "text"] = "A quoted,\nmultiline \"text\"\rwith a lone CR."
    csv_path = tmp_path / "c.csv"
    frame.to_csv(csv_path, index=False)
    with open(csv_path, "a", encoding="utf-8") as handle:
        handle.write('a999,CNN,"unterminated,2019-01-01\n')
    _check_same_as_loading(tmp_path, csv_path, chunk_size=7)
    (tmp_path / "scores.parquet").unlink()
    (tmp_path / "scores.parquet.rejected.jsonl").unlink()
    parquet_path = tmp_path / "c.parquet"
    frame.to_parquet(parquet_path)
    _check_same_as_loading(tmp_path, parquet_path, chunk_size=6)


def test_malformed_record_before_the_header_is_rejected_in_its_own_chunk(tmp_path):
    """A bad record ahead of the header fills a chunk of 1 before any header is known."""
    frame = pd.DataFrame(_rows(5))
    csv_path = tmp_path / "c.csv"
    csv_path.write_text('"junk"after the quote,x\n' + frame.to_csv(index=False),
                        encoding="utf-8")
    summary, scores = _check_same_as_loading(tmp_path, csv_path, chunk_size=1)
    assert (summary["rows_rejected"], len(scores)) == (1, 5)


def test_duplicate_ids_across_chunks_are_rejected_with_the_first_line(tmp_path):
    source = _write_jsonl(tmp_path / "c.jsonl", _rows(30, duplicate_of={25: 2, 26: 26}))
    out = tmp_path / "s.parquet"
    summary = score_corpus(source, out, scorers=[LexiconScorer(_lexicon())], chunk_size=5)
    rejected = _rejected(out.with_name(out.name + ".rejected.jsonl"))
    assert summary["rows_rejected"] == 1
    assert rejected.loc[0, "line"] == 26
    assert "duplicate article_id 'a2'" in rejected.loc[0, "reason"]
    assert f"{source} line 3" in rejected.loc[0, "reason"]


class _Interrupt(Exception):
    pass


def _interrupting_score(after: int):
    from framing.features import score_texts as real

    calls = {"n": 0}

    def score(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] > after:
            raise _Interrupt
        return real(*args, **kwargs)

    return score


def test_resume_after_interruption_gives_the_same_output(tmp_path, monkeypatch):
    source = _write_jsonl(tmp_path / "c.jsonl", _rows(60, bad_every=11, duplicate_of={50: 1}))
    scorer = LexiconScorer(_lexicon())
    straight = tmp_path / "straight.parquet"
    score_corpus(source, straight, scorers=[scorer], chunk_size=10)

    out = tmp_path / "resumed.parquet"
    monkeypatch.setattr("framing.stream._score.score_texts", _interrupting_score(3))
    with pytest.raises(_Interrupt):
        score_corpus(source, out, scorers=[scorer], chunk_size=10)
    assert not out.exists()
    assert out.with_name(out.name + ".state.json").exists()
    monkeypatch.undo()
    summary = score_corpus(source, out, scorers=[scorer], chunk_size=10)
    assert summary["resumed_chunks"] == 3
    pd.testing.assert_frame_equal(pd.read_parquet(out), pd.read_parquet(straight))
    assert (_rejected(out.with_name(out.name + ".rejected.jsonl")).values.tolist()
            == _rejected(straight.with_name(straight.name + ".rejected.jsonl")).values.tolist())
    assert not out.with_name(out.name + ".parts").exists()
    assert not out.with_name(out.name + ".state.json").exists()


def test_resume_refuses_a_changed_input_or_options(tmp_path, monkeypatch):
    source = _write_jsonl(tmp_path / "c.jsonl", _rows(40))
    scorer = LexiconScorer(_lexicon())
    out = tmp_path / "s.parquet"
    monkeypatch.setattr("framing.stream._score.score_texts", _interrupting_score(1))
    with pytest.raises(_Interrupt):
        score_corpus(source, out, scorers=[scorer], chunk_size=10)
    monkeypatch.undo()
    with pytest.raises(StateMismatch, match="options differ"):
        score_corpus(source, out, scorers=[scorer], chunk_size=20)
    _write_jsonl(source, _rows(41))
    with pytest.raises(StateMismatch, match="input changed"):
        score_corpus(source, out, scorers=[scorer], chunk_size=10)
    summary = score_corpus(source, out, scorers=[scorer], chunk_size=10, overwrite=True)
    assert summary["rows_scored"] == 41 and summary["resumed_chunks"] == 0


def test_cli_scores_reports_and_refuses_to_clobber(tmp_path, capsys):
    source = _write_jsonl(tmp_path / "c.jsonl", _rows(12, bad_every=5))
    out = tmp_path / "s.parquet"
    argv = ["score", str(source), "--out", str(out), "--scorers", "frames",
            "--chunk-size", "5", "--no-progress"]
    assert main(argv) == 0
    printed = capsys.readouterr().out
    assert "read 12 rows: 10 scored, 2 rejected" in printed
    scores = pd.read_parquet(out)
    assert len(scores) == 10 and all(c.startswith("frames__") for c in scores.columns[2:])
    assert main(argv) == 2  # the output exists
    assert "--overwrite" in capsys.readouterr().err
    assert main([*argv, "--overwrite"]) == 0
    assert main(["score", str(source), "--out", str(out), "--scorers", "nope"]) == 2
    assert main(["score", str(tmp_path / "missing.jsonl"), "--out", str(out)]) == 2


def test_whole_file_problems_name_the_file(tmp_path):
    broken = tmp_path / "c.parquet"
    broken.write_bytes(b"PAR1 this is not parquet")
    with pytest.raises(ValueError, match="c.parquet: could not read as parquet"):
        score_corpus(broken, tmp_path / "o.parquet", scorers=[LexiconScorer(_lexicon())])
    gz = tmp_path / "c.jsonl.gz"
    gz.write_bytes(b"\x1f\x8b\x08\x00garbage")
    with pytest.raises(ValueError, match="c.jsonl.gz: not a valid gzip file"):
        score_corpus(gz, tmp_path / "o2.parquet", scorers=[LexiconScorer(_lexicon())])


def test_utf16_jsonl_and_latin1_csv(tmp_path):
    rows = _rows(6)
    utf16 = tmp_path / "c.jsonl"
    utf16.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows),
                     encoding="utf-16")
    _check_same_as_loading(tmp_path, utf16, chunk_size=4, encoding="utf-16")
    latin = tmp_path / "l.csv"
    pd.DataFrame(rows).assign(text="Café, señor.").to_csv(latin, index=False,
                                                          encoding="latin-1")
    with pytest.raises(ValueError, match="l.csv: the file is not valid UTF-8"):
        score_corpus(latin, tmp_path / "x.parquet", scorers=[LexiconScorer(_lexicon())])
    summary = score_corpus(latin, tmp_path / "y.parquet", encoding="latin-1",
                           scorers=[LexiconScorer(_lexicon())])
    assert summary["rows_scored"] == 6


_MEMORY_SCRIPT = textwrap.dedent("""
    import json, resource, sys
    from framing.stream import score_corpus
    summary = score_corpus(sys.argv[1], sys.argv[2], scorers=["loaded"], chunk_size=500)
    try:  # VmHWM is this process's own peak; ru_maxrss can carry the parent's across exec
        with open("/proc/self/status") as status:
            peak_kb = next(int(line.split()[1]) for line in status if line.startswith("VmHWM"))
    except OSError:
        peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    peak_mb = peak_kb / 1024
    print(json.dumps({"rows": summary["rows_scored"], "peak_mb": peak_mb}))
""")


@pytest.mark.slow
def test_memory_stays_flat_as_the_corpus_grows(tmp_path):
    """Peak RSS scoring 40,000 articles is within 100 MB of scoring 4,000 (chunks of 500)."""
    long_text = " ".join(TEXTS) * 20  # about 4,000 characters, a news article's length
    peaks = {}
    for n in (4_000, 40_000):
        source = tmp_path / f"c{n}.jsonl"
        with open(source, "w", encoding="utf-8") as handle:
            for i in range(n):
                handle.write(json.dumps({"article_id": f"a{i}", "outlet": "cnn",
                                         "text": f"{i} {long_text}"}) + "\n")
        env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
        done = subprocess.run([sys.executable, "-c", _MEMORY_SCRIPT, str(source),
                               str(tmp_path / f"o{n}.parquet")], capture_output=True,
                              text=True, env=env, timeout=280, check=True)
        result = json.loads(done.stdout.strip().splitlines()[-1])
        assert result["rows"] == n
        peaks[n] = result["peak_mb"]
    assert peaks[40_000] < peaks[4_000] + 100, peaks
    assert peaks[40_000] < 1024, peaks


def test_parquet_chunks_do_not_hold_the_row_groups_already_read(tmp_path):
    """Arrow memory after the last chunk is that of one row group, not of the file read.

    The layout is benchmarks/memory.py's (distinct texts repeated, dictionary-encoded,
    zstd, row groups of 10,000), under which arrow's pre-buffering kept every row group.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    from framing.io import read_chunks

    rng = np.random.default_rng(0)
    letters = np.frombuffer(b"abcdefghijklmnopqrstuvwxyz ", dtype="S1")
    texts = np.array([rng.choice(letters, 5_000).tobytes().decode() for _ in range(2_000)],
                     dtype=object)
    path = tmp_path / "c.parquet"
    schema = pa.schema([("article_id", pa.string()), ("text", pa.string())])
    with pq.ParquetWriter(path, schema, compression="zstd",
                          dictionary_pagesize_limit=64 << 20) as writer:
        for group in range(12):
            rows = np.arange(group * 10_000, (group + 1) * 10_000)
            writer.write_table(pa.table({"article_id": [f"r{i}" for i in rows],
                                         "text": texts[rows % len(texts)]}))
    allocated = []
    for chunk in read_chunks([(path, "parquet")], chunk_size=2_000):
        allocated.append(pa.total_allocated_bytes())
        del chunk
    assert len(allocated) == 60
    assert allocated[-1] - allocated[1] < 8 * 2**20, [a >> 20 for a in allocated]


def test_rejected_file_keeps_one_record_per_line_with_unicode_line_breaks(tmp_path):
    """Regression: reasons quoting U+0085 or U+2028 split records for line readers."""
    rows = [{"article_id": "a\x85b", "outlet": "\u2028", "text": "t"},
            {"article_id": "ok", "outlet": "cnn", "text": "t"}]
    source = _write_jsonl(tmp_path / "c.jsonl", rows)
    out = tmp_path / "s.parquet"
    score_corpus(source, out, scorers=[LexiconScorer(_lexicon())])
    raw = out.with_name(out.name + ".rejected.jsonl").read_text(encoding="utf-8")
    assert raw.isascii()
    assert len(raw.splitlines()) == 1 and json.loads(raw)["row_id"] == "a\x85b"
