"""Each framing scorer against the lexicon tools a researcher would otherwise use, side by side.

Usage (from the repository root)::

    FRAMING_MIRROR=../shared/data/mirror python -m benchmarks.lexicon_tools [--repeats 3]

On the AllSides immigration corpus (2,027 articles), in one process and one run, every
contestant scores every article; each is timed ``--repeats`` times after one warm-up and
the median CPU time of this process (``time.process_time``) is reported, wall time beside
it. Ratios compare medians: ``ratio`` = the tool's seconds / the framing scorer's seconds,
so above 1 means framing is faster.

Contestants
-----------
framing
    ``LoadedLanguageScorer``, ``SentimentScorer``, ``TermChoiceScorer``,
    ``FrameScorer(method="lexicon")``, ``SourcingScorer``, and all five through
    ``extract_features`` (fitted beforehand; fitting is not timed for anyone).
vaderSentiment
    ``SentimentIntensityAnalyzer.polarity_scores`` on each whole article (how it is most
    often called) and on each sentence (what ``SentimentScorer`` does; sentences split
    beforehand, untimed: the fairest case for VADER).
empath
    ``Empath().analyze(text, normalize=True)``: its 194 built-in categories per article.
NRCLex
    ``NRCLex().load_token_list(tokens)`` with the article lower-cased and split on word
    characters, once with that split untimed and once timed. Its raw-text mode
    (``load_raw_text``) needs TextBlob's NLTK data (punkt, wordnet), which cannot be
    downloaded here: that mode is reported as not measurable, with the error.
CountVectorizer
    scikit-learn's ``CountVectorizer.transform`` with each framing scorer's single-word
    lexicon terms as a fixed vocabulary: matching only, no phrases, inflections, negation,
    categories or rates (less work than the scorer does).

Results go to ``benchmarks/out/lexicon_tools.csv`` (contestants) and
``benchmarks/out/lexicon_tools_ratios.csv`` (pairs), summarised in ``benchmarks/README.md``.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import time
from pathlib import Path

import pandas as pd

_WORD = re.compile(r"\w+")


def _time(function, repeats: int) -> tuple[float, float]:
    function()  # warm-up: caches, lazily built tables
    cpu, wall = [], []
    for _ in range(repeats):
        started_cpu, started_wall = time.process_time(), time.perf_counter()
        function()
        cpu.append(time.process_time() - started_cpu)
        wall.append(time.perf_counter() - started_wall)
    return statistics.median(cpu), statistics.median(wall)


def _vocabulary(scorer) -> list[str]:
    """The single-word terms of every lexicon matcher the fitted scorer holds."""
    from framing.lexicons import LexiconMatcher

    matchers = [v for v in vars(scorer).values() if isinstance(v, LexiconMatcher)]
    return sorted({str(t).lower() for m in matchers for lex in m.lexicons
                   for t in lex.entries["term"] if re.fullmatch(r"\w+", str(t))})


def run(repeats: int = 3):
    from empath import Empath
    from nrclex import NRCLex
    from sklearn.feature_extraction.text import CountVectorizer
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    from framing.datasets import fetch_allsides
    from framing.features import default_scorers, extract_features
    from framing.features._sentences import split_sentences

    texts = fetch_allsides(progress=False)["text"].tolist()
    n = len(texts)
    scorers = {s.name: s.fit() for s in default_scorers()}
    analyzer = SentimentIntensityAnalyzer()
    sentences = [split_sentences(t) for t in texts]
    empath = Empath()
    nrc = NRCLex()
    tokens = [_WORD.findall(t.lower()) for t in texts]

    def nrc_tokens():
        for article in tokens:
            nrc.load_token_list(article)

    def nrc_tokenising():
        for text in texts:
            nrc.load_token_list(_WORD.findall(text.lower()))

    try:
        NRCLex().load_raw_text(texts[0])
        nrc_raw_error = None
    except Exception as err:  # LookupError: NLTK data missing offline
        nrc_raw_error = f"{type(err).__name__}: {' '.join(str(err).split())[:120]}"

    contestants = {
        "framing LoadedLanguageScorer": lambda: scorers["loaded"].transform(texts),
        "framing SentimentScorer": lambda: scorers["sentiment"].transform(texts),
        "framing TermChoiceScorer": lambda: scorers["term_choice"].transform(texts),
        "framing FrameScorer(lexicon)": lambda: scorers["frames"].transform(texts),
        "framing SourcingScorer": lambda: scorers["sourcing"].transform(texts),
        "framing extract_features (all five)":
            lambda: extract_features(pd.Series(texts), list(scorers.values())),
        "vaderSentiment, whole articles": lambda: [analyzer.polarity_scores(t) for t in texts],
        "vaderSentiment, per sentence (pre-split)":
            lambda: [analyzer.polarity_scores(s) for a in sentences for s in a],
        "empath, 194 categories": lambda: [empath.analyze(t, normalize=True) for t in texts],
        "NRCLex, token lists": nrc_tokens,
        "NRCLex, token lists with tokenising": nrc_tokenising,
    }
    counters = {}
    for name, scorer in scorers.items():
        vocabulary = _vocabulary(scorer)
        if vocabulary:
            counters[name] = CountVectorizer(vocabulary=vocabulary, lowercase=True)
            contestants[f"CountVectorizer, {name} vocabulary ({len(vocabulary)} words)"] = (
                lambda c=counters[name]: c.transform(texts))

    rows = []
    for name, function in contestants.items():
        cpu, wall = _time(function, repeats)
        rows.append({"contestant": name, "cpu_seconds": cpu, "wall_seconds": wall,
                     "articles_per_second": n / cpu, "ms_per_article": 1000 * cpu / n})
        print(f"{name:62s} {cpu:7.3f} s CPU {wall:7.3f} s wall {n / cpu:8.0f} articles/s",
              flush=True)
    rows.append({"contestant": "NRCLex, raw text (load_raw_text)", "cpu_seconds": float("nan"),
                 "wall_seconds": float("nan"), "articles_per_second": float("nan"),
                 "ms_per_article": float("nan"),
                 "note": f"not measurable offline: {nrc_raw_error}" if nrc_raw_error else ""})
    table = pd.DataFrame(rows)
    seconds = table.set_index("contestant")["cpu_seconds"]

    pairs = []
    tools = ["vaderSentiment, whole articles", "vaderSentiment, per sentence (pre-split)",
             "empath, 194 categories", "NRCLex, token lists",
             "NRCLex, token lists with tokenising"]
    for name, label in (("loaded", "framing LoadedLanguageScorer"),
                        ("sentiment", "framing SentimentScorer"),
                        ("term_choice", "framing TermChoiceScorer"),
                        ("frames", "framing FrameScorer(lexicon)"),
                        ("sourcing", "framing SourcingScorer"),
                        (None, "framing extract_features (all five)")):
        against = list(tools)
        against += [c for c in seconds.index if c.startswith(f"CountVectorizer, {name} ")]
        for tool in against:
            pairs.append({"framing": label, "tool": tool,
                          "framing_articles_per_second": n / seconds[label],
                          "tool_articles_per_second": n / seconds[tool],
                          "ratio": seconds[tool] / seconds[label]})
    ratios = pd.DataFrame(pairs)
    meta = {"articles": n, "sentences": sum(map(len, sentences)), "repeats": repeats,
            "python": platform.python_version(), "machine": platform.machine(),
            "cpus": os.cpu_count()}
    print(f"\n{n} articles, {meta['sentences']} sentences, median of {repeats} runs")
    print(ratios.assign(ratio=ratios["ratio"].round(2))[["framing", "tool", "ratio"]]
          .to_string(index=False))
    if nrc_raw_error:
        print(f"NRCLex raw text: not measurable offline ({nrc_raw_error})")
    return table, ratios, meta


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/out"))
    args = parser.parse_args(argv)
    table, ratios, _ = run(args.repeats)
    args.out.mkdir(parents=True, exist_ok=True)
    table.to_csv(args.out / "lexicon_tools.csv", index=False, float_format="%.4g")
    ratios.to_csv(args.out / "lexicon_tools_ratios.csv", index=False, float_format="%.4g")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
