"""What one tokenizer (framing.tokenize) changed in the default scores on AllSides.

Before the lexicon matcher took its words from :mod:`framing.tokenize`, every punctuation
mark was a word boundary: "U.S." was the words "U" and "S" (and the bias lexicon's "s"
matched inside it), "don't" one word. The scores of the old code were saved once, before
the change, in ``experiments/results/features_before_tokenizer.csv.gz`` (all 2,027 AllSides
articles, the default scorers of :func:`framing.features.extract_features`, rounded to 6
decimals) with the old matches counted per (scorer, matched text, term, category) in
``experiments/results/matches_before_tokenizer.csv.gz``. This script scores the same
articles with the current code and writes ``experiments/results/tokenizer_change.json``:
per feature the Pearson correlation old vs new, the mean absolute change and the share of
articles whose score changed; and the matches lost and gained, by term.

Usage (from the repository root)::

    FRAMING_MIRROR=../shared/data/mirror python -m experiments.validation.tokenizer_change
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import pandas as pd

RESULTS = Path(__file__).resolve().parents[1] / "results"
BEFORE = RESULTS / "features_before_tokenizer.csv.gz"
MATCHES_BEFORE = RESULTS / "matches_before_tokenizer.csv.gz"
OUT = RESULTS / "tokenizer_change.json"


def match_counts(articles: pd.DataFrame, scorers) -> pd.DataFrame:
    """Every explained match, counted per (scorer, matched text lower-cased, term, category)."""
    rows = []
    for scorer in scorers:
        name = type(scorer).__name__
        for text in articles["text"]:
            spans = scorer.explain(text)
            rows.append(pd.DataFrame({"scorer": name, "text": spans["text"].astype(str).str.lower(),
                                      "term": spans["term"].astype(str),
                                      "category": spans["category"].astype(str)}))
    found = pd.concat(rows, ignore_index=True)
    return found.value_counts().rename("count").reset_index()


def main() -> dict:
    from framing.datasets import fetch_allsides
    from framing.features import extract_features, fitted_scorer
    from framing.features._extract import default_scorers

    articles = fetch_allsides()
    before = pd.read_csv(BEFORE, index_col="article_id")
    started = time.process_time()
    after = extract_features(articles).round(6)
    seconds = time.process_time() - started
    after = after.loc[before.index, before.columns]
    features = {}
    for column in before.columns:
        old, new = before[column].to_numpy(), after[column].to_numpy()
        same = np.isclose(old, new, rtol=0, atol=1e-6)
        corr = (float(np.corrcoef(old, new)[0, 1]) if old.std() > 0 and new.std() > 0
                else None)
        features[column] = {"pearson": None if corr is None else round(corr, 6),
                            "mean_abs_change": round(float(np.abs(new - old).mean()), 6),
                            "mean_before": round(float(old.mean()), 6),
                            "mean_after": round(float(new.mean()), 6),
                            "share_changed": round(float((~same).mean()), 4)}
    # By term, not by matched text: "Sen." now matches the term "Sen" with its full stop.
    key = ["scorer", "term", "category"]
    old_matches = pd.read_csv(MATCHES_BEFORE, keep_default_na=False)
    new_matches = match_counts(articles, [fitted_scorer(s) for s in default_scorers()])
    old_matches = old_matches.groupby(key, as_index=False)["count"].sum()
    new_matches = new_matches.groupby(key, as_index=False)["count"].sum()
    merged = old_matches.merge(new_matches, on=key, how="outer",
                               suffixes=("_before", "_after")).fillna(
                                   {"count_before": 0, "count_after": 0})
    merged["change"] = merged["count_after"] - merged["count_before"]
    merged = merged[merged["change"] != 0]
    merged = merged.reindex(merged["change"].abs().sort_values(ascending=False,
                                                               kind="stable").index)
    top = [{**{k: r[k] for k in key}, "before": int(r["count_before"]),
            "after": int(r["count_after"])} for _, r in merged.head(10).iterrows()]
    per_scorer = {name: [{**{k: r[k] for k in key[1:]}, "before": int(r["count_before"]),
                          "after": int(r["count_after"])}
                         for _, r in group.head(5).iterrows()]
                  for name, group in merged.groupby("scorer", sort=True)}
    result = {"n_articles": len(articles), "extract_features_cpu_seconds": round(seconds, 1),
              "features": features, "matches_changed_most": top,
              "matches_changed_most_by_scorer": per_scorer,
              "matches_before": int(old_matches["count"].sum()),
              "matches_after": int(new_matches["count"].sum())}
    OUT.write_text(json.dumps(result, indent=1, sort_keys=False) + "\n")
    changed = sorted(features.items(), key=lambda kv: kv[1]["pearson"] or 1.0)
    print(f"{len(articles)} articles; matches {result['matches_before']} -> "
          f"{result['matches_after']}")
    for column, stats in changed[:8]:
        print(f"{column:45s} r={stats['pearson']}  |change|={stats['mean_abs_change']}  "
              f"changed={stats['share_changed']:.0%}")
    for row in top:
        print(f"{row['scorer']:22s} term={row['term']!r:16s} {row['category']:24s} "
              f"{row['before']} -> {row['after']}")
    return result


if __name__ == "__main__":
    main()
