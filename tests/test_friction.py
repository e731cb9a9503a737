"""Errors a researcher meets on a first try with their own corpus: each names what is wrong.

A CSV whose text column is ``body``, a misspelt group, a text or outlet column under
another name: each must fail (or warn) with the column or group asked for, the ones
present, and the option that fixes it.
"""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from framing.cli import main
from framing.compare import fightin_words, leave_out_partisanship
from framing.datasets import load_articles
from framing.features import LexiconScorer, extract_features
from framing.lexicons import Lexicon


def _body_csv(path, n=30):
    pd.DataFrame({"id": range(n), "source": ["Fox News"] * n,
                  "body": [f"text number {i}" for i in range(n)]}).to_csv(path, index=False)
    return path


def _articles():
    return pd.DataFrame({
        "outlet": ["a", "b", "c", "d"],
        "label_allsides": ["left", "left", "right", "right"],
        "text": ["undocumented families", "undocumented workers", "illegal aliens",
                 "illegal crime"]}, index=pd.Index(["1", "2", "3", "4"], name="article_id"))


def test_score_cli_exits_1_with_columns_hint_when_every_row_is_rejected(tmp_path, capsys):
    source = _body_csv(tmp_path / "export.csv")
    status = main(["score", str(source), "--out", str(tmp_path / "scores.parquet"),
                   "--scorers", "loaded", "--no-progress"])
    captured = capsys.readouterr()
    assert status == 1
    assert "0 scored, 30 rejected" in captured.out
    error = captured.err.strip()
    assert "\n" not in error
    assert "--columns body=text,source=outlet" in error
    assert "id, source, body" in error
    assert "columns={" not in error  # CLI syntax, not Python's


def test_score_cli_still_exits_0_when_some_rows_are_scored(tmp_path, capsys):
    source = tmp_path / "export.csv"
    pd.DataFrame({"outlet": ["cnn", "cnn"], "text": ["a text", ""]}).to_csv(source,
                                                                          index=False)
    status = main(["score", str(source), "--out", str(tmp_path / "scores.parquet"),
                   "--scorers", "loaded", "--no-progress"])
    assert status == 0
    assert "1 scored, 1 rejected" in capsys.readouterr().out


def test_load_articles_report_warns_when_every_row_is_rejected(tmp_path):
    source = _body_csv(tmp_path / "export.csv")
    with pytest.warns(UserWarning, match=r"every row was rejected \(30 rows") as caught:
        articles = load_articles(source, errors="report")
    assert len(articles) == 0 and len(articles.attrs["rejected"]) == 30
    message = str(caught[0].message)
    assert "no text: the file has no 'text' column" in message
    assert "['id', 'source', 'body']" in message
    assert 'columns={"body": "text", "source": "outlet"}' in message


def test_load_articles_report_does_not_warn_when_some_rows_load(tmp_path):
    source = tmp_path / "export.csv"
    pd.DataFrame({"outlet": ["cnn", "cnn"], "text": ["a text", ""]}).to_csv(source,
                                                                          index=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        articles = load_articles(source, errors="report")
    assert len(articles) == 1


def test_fightin_words_names_unknown_groups_and_the_groups_present():
    with pytest.raises(ValueError, match=r"\['Left', 'Right'\] not found in column "
                                         r"'label_allsides'.*\['left', 'right'\]"):
        fightin_words(_articles(), "label_allsides", groups=["Left", "Right"],
                      max_outlet_share=None)


def test_fightin_words_names_only_the_unknown_group():
    with pytest.raises(ValueError, match=r"groups \['centre'\] not found"):
        fightin_words(_articles(), "label_allsides", groups=["left", "centre"],
                      max_outlet_share=None)


def test_extract_features_missing_text_column_names_it_and_the_columns_present():
    scorer = LexiconScorer(Lexicon.from_dict({"water": ["flood"]}, name="metaphor"))
    with pytest.raises(KeyError, match=r"no column 'body'.*\['outlet', 'label_allsides', "
                                       r"'text'\]"):
        extract_features(_articles(), [scorer], text_column="body")


def test_leave_out_partisanship_without_outlet_column_names_it_and_the_fix():
    articles = _articles().drop(columns="outlet")
    with pytest.raises(KeyError, match=r"no column 'outlet'.*unit=None.*"
                                       r"\['label_allsides', 'text'\]"):
        leave_out_partisanship(articles, "label_allsides", n_perm=10, n_boot=10)


def test_leave_out_partisanship_missing_text_column_names_it():
    with pytest.raises(KeyError, match=r"no column 'body'.*text_column"):
        leave_out_partisanship(_articles(), "label_allsides", text_column="body", n_perm=10,
                               n_boot=10)
