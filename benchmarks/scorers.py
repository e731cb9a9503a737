"""Scorer speed against the tools a researcher would otherwise use, side by side in one run.

Usage (from the repository root)::

    FRAMING_MIRROR=../shared/data/mirror python -m benchmarks.scorers [--repeats 5]

On the AllSides immigration corpus (2,027 articles), each contestant scores every article;
each is timed ``--repeats`` times after one warm-up, in the same process, and the median CPU
time of this process (``time.process_time``: less sensitive than wall time to other jobs on
a shared machine) is reported with wall time beside it. Ratios compare medians.

Contestants
-----------
``LoadedLanguageScorer``
    all its categories (12 lexicons, 22 features + ``loaded_index``), one pass.
``vaderSentiment``
    ``SentimentIntensityAnalyzer.polarity_scores`` on every sentence of the same articles,
    the sentences split beforehand (splitting not timed: the fairest case for VADER), and
    again with splitting timed.
``CountVectorizer``
    scikit-learn's ``CountVectorizer`` with the same lexicons' words as a fixed vocabulary
    (what a researcher would write to count lexicon words), unigrams only and no inflections,
    negation or categories: less work than the scorer does.
``SentimentScorer``, ``TermChoiceScorer``, ``SourcingScorer``, ``FrameScorer(method="lexicon")``
    framing's other lexicon scorers, for reference.

Every scorer is fitted before timing; only ``transform`` is timed. ``ratio_to_loaded`` in the
CSV is the contestant's CPU seconds / ``LoadedLanguageScorer``'s (above 1: the scorer is faster).

Results go to ``benchmarks/out/scorers.csv`` and are summarised in ``benchmarks/README.md``.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from pathlib import Path

import pandas as pd


def _time(function, repeats: int) -> tuple[float, float]:
    function()  # warm-up: caches, lazily built tables
    cpu, wall = [], []
    for _ in range(repeats):
        started_cpu, started_wall = time.process_time(), time.perf_counter()
        function()
        cpu.append(time.process_time() - started_cpu)
        wall.append(time.perf_counter() - started_wall)
    return statistics.median(cpu), statistics.median(wall)


def run(repeats: int = 5) -> pd.DataFrame:
    from sklearn.feature_extraction.text import CountVectorizer
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    from framing.datasets import fetch_allsides
    from framing.features import (
        FrameScorer,
        LoadedLanguageScorer,
        SentimentScorer,
        SourcingScorer,
        TermChoiceScorer,
    )
    from framing.features._sentences import split_sentences

    texts = fetch_allsides(progress=False)["text"].tolist()
    n = len(texts)
    loaded = LoadedLanguageScorer().fit()
    analyzer = SentimentIntensityAnalyzer()
    sentences = [split_sentences(t) for t in texts]
    n_sentences = sum(map(len, sentences))

    def vader_presplit():
        for article in sentences:
            for sentence in article:
                analyzer.polarity_scores(sentence)

    def vader_with_split():
        for text in texts:
            for sentence in split_sentences(text):
                analyzer.polarity_scores(sentence)

    vocabulary = sorted({term.lower() for lex in loaded.matcher_.lexicons
                         for term in lex.entries["term"] if " " not in term})
    counter = CountVectorizer(vocabulary=vocabulary, lowercase=True)

    # Fitted here, untimed, like LoadedLanguageScorer: only transform is timed for any scorer.
    sentiment = SentimentScorer().fit()
    term_choice = TermChoiceScorer().fit()
    sourcing = SourcingScorer().fit()
    frames = FrameScorer(method="lexicon").fit()

    contestants = {
        "LoadedLanguageScorer (all categories)": lambda: loaded.transform(texts),
        "vaderSentiment, sentences pre-split": vader_presplit,
        "vaderSentiment, with sentence splitting": vader_with_split,
        "CountVectorizer, fixed lexicon vocabulary": lambda: counter.transform(texts),
        "SentimentScorer (VADER per sentence)": lambda: sentiment.transform(texts),
        "TermChoiceScorer": lambda: term_choice.transform(texts),
        "SourcingScorer": lambda: sourcing.transform(texts),
        "FrameScorer(method='lexicon')": lambda: frames.transform(texts),
    }
    rows = []
    for name, function in contestants.items():
        cpu, wall = _time(function, repeats)
        rows.append({"contestant": name, "cpu_seconds": cpu, "wall_seconds": wall,
                     "articles_per_second": n / cpu, "ms_per_article": 1000 * cpu / n})
        print(f"{name:45s} {cpu:7.3f} s CPU {wall:7.3f} s wall {n / cpu:9.0f} articles/s")
    table = pd.DataFrame(rows)
    reference = table.set_index("contestant").loc["LoadedLanguageScorer (all categories)",
                                                  "cpu_seconds"]
    table["ratio_to_loaded"] = table["cpu_seconds"] / reference
    table.attrs.update({"articles": n, "sentences": n_sentences, "repeats": repeats,
                        "python": platform.python_version(), "machine": platform.machine(),
                        "cpus": os.cpu_count()})
    print(f"\n{n} articles, {n_sentences} sentences, median of {repeats} runs")
    for name in ("vaderSentiment, sentences pre-split", "vaderSentiment, with sentence splitting",
                 "CountVectorizer, fixed lexicon vocabulary"):
        ratio = table.set_index("contestant").loc[name, "ratio_to_loaded"]
        if ratio >= 1:
            print(f"LoadedLanguageScorer is {ratio:.1f}x faster than {name}")
        else:
            print(f"LoadedLanguageScorer is {1 / ratio:.1f}x slower than {name}")
    return table


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/out"))
    args = parser.parse_args(argv)
    table = run(args.repeats)
    args.out.mkdir(parents=True, exist_ok=True)
    table.to_csv(args.out / "scorers.csv", index=False, float_format="%.4g")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
