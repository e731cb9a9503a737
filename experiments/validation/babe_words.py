"""Word-level bias on BABE SG2: the words behind ``explain`` against the experts' biased words.

Run from the repository root::

    FRAMING_MIRROR=/work/shared/data/mirror python -m experiments.validation.babe_words

Data: the 1,849 BABE SG2 sentences (``fetch_babe("SG2")``) whose annotators marked at least
one biased word (``meta_biased_words``; 3,902 marks). Nothing is trained, so there is no
split: every number is on all of them.

Unit: the sentence's white-space tokens, lower-cased, with surrounding punctuation and a
possessive ``'s`` removed (the unit of BABE's marks, which are single, possibly
hyphenated, words). A token is *predicted* when an ``explain`` span overlaps it (so
``anti`` from ``anti-police`` predicts ``anti-police``). Per sentence, predicted and gold
token sets are compared; micro precision, recall and F1 sum true positives, false
positives and false negatives over sentences. 95% intervals: 1,000 bootstrap resamples of
sentences (seed 0).

Rows: each ``LoadedLanguageScorer`` category alone; the union of the categories with a
positive weight in ``loaded_index`` ("index-positive"); the union of strong subjectivity
and negative words; the union of the evaluative categories (strong subjective, negative,
boosters, intensifiers, moral vices: chosen after seeing the per-category rows, so
descriptive); the union of every category; the BABE lexicon alone and added (a leak:
BABE's authors built that lexicon from BABE's own annotations); and the words VADER gives
a valence (``SentimentScorer.explain``).
Anchor: Spinde et al. 2021 report F1 0.43 for their feature-based detector of bias-inducing
words (MBIC data).

Output: a table on stdout and ``experiments/out/validation/babe_words.csv``.
"""

from __future__ import annotations

import os
import string
import sys
from pathlib import Path

import numpy as np
import pandas as pd

SEED = 0
N_BOOTSTRAP = 1000
OUT = Path("experiments/out/validation")
_STRIP = string.punctuation + "\u201c\u201d\u2018\u2019\u2014\u2013\u2026"


def normalise(token: str) -> str:
    """Lower case, surrounding punctuation and a possessive ``'s`` removed."""
    token = token.lower().strip(_STRIP)
    for suffix in ("'s", "\u2019s"):
        if token.endswith(suffix):
            token = token[: -len(suffix)]
    return token.strip(_STRIP)


def tokens(text: str) -> list[tuple[int, int, str]]:
    """White-space tokens of ``text`` with their spans and normalised form."""
    out, cursor = [], 0
    for raw in text.split():
        start = text.index(raw, cursor)
        cursor = start + len(raw)
        word = normalise(raw)
        if word:
            out.append((start, cursor, word))
    return out


def predicted(text: str, spans: pd.DataFrame) -> set[str]:
    """Normalised tokens of ``text`` that an explain span overlaps."""
    if spans.empty:
        return set()
    starts, ends = spans["start"].to_numpy(), spans["end"].to_numpy()
    return {word for start, end, word in tokens(text)
            if ((starts < end) & (ends > start)).any()}


def _scores(tp, fp, fn) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def main() -> int:
    os.environ.setdefault("FRAMING_MIRROR", str(Path("../shared/data/mirror").resolve()))
    from framing.datasets import fetch_babe
    from framing.features import INDEX_WEIGHTS, LoadedLanguageScorer, SentimentScorer

    babe = fetch_babe("SG2")
    babe = babe[babe["meta_biased_words"].map(len) > 0]
    texts = babe["text"].tolist()
    gold = [{normalise(w) for w in words} - {""} for words in babe["meta_biased_words"]]
    print(f"BABE SG2: {len(texts)} sentences with biased-word marks, "
          f"{sum(map(len, gold))} distinct marked words (per sentence)")

    loaded = LoadedLanguageScorer(babe=True).fit()
    sentiment = SentimentScorer().fit()
    explained = [loaded.explain(text) for text in texts]
    vader = [sentiment.explain(text) for text in texts]

    features = [n.removeprefix("loaded__") for n in loaded.get_feature_names_out()[:-1]]
    positive = [f for f in features if INDEX_WEIGHTS.get(f, 0.0) > 0]
    without_babe = [f for f in features if f != "babe_biased"]
    # Words that evaluate (not epistemic or reporting markers); chosen after seeing the
    # per-category rows, so read this row as descriptive, not as a held-out result.
    evaluative = ["strong_subjective", "negative", "booster", "intensifier",
                  *(f for f in features if f.startswith("mfd_") and f.endswith("_vice"))]
    rows_spec = [(f, [f], "yes" if f == "babe_biased" else "no") for f in features]
    rows_spec += [
        ("index-positive categories", positive, "no"),
        ("index-positive categories + babe_biased", [*positive, "babe_biased"], "yes"),
        ("strong_subjective + negative", ["strong_subjective", "negative"], "no"),
        ("evaluative categories", evaluative, "no"),
        ("all categories except babe_biased", without_babe, "no"),
        ("all categories", features, "yes"),
    ]

    def counts(predictions):
        per_sentence = np.asarray([(len(p & g), len(p - g), len(g - p))
                                   for p, g in zip(predictions, gold, strict=True)])
        return per_sentence

    results = []
    for label, categories, leak in rows_spec:
        predictions = [predicted(text, spans[spans["category"].isin(categories)])
                       for text, spans in zip(texts, explained, strict=True)]
        results.append((label, leak, "LoadedLanguageScorer", counts(predictions)))
    for label, keep in (("VADER words (any valence)", ("positive", "negative")),
                        ("VADER words (negative valence)", ("negative",))):
        predictions = [predicted(text, spans[spans["category"].isin(keep)])
                       for text, spans in zip(texts, vader, strict=True)]
        results.append((label, "no", "SentimentScorer", counts(predictions)))

    rng = np.random.default_rng(SEED)
    draws = rng.integers(0, len(texts), size=(N_BOOTSTRAP, len(texts)))
    rows = []
    for label, leak, scorer, per_sentence in results:
        tp, fp, fn = per_sentence.sum(axis=0)
        precision, recall, f1 = _scores(tp, fp, fn)
        boot = per_sentence[draws].sum(axis=1)  # (N_BOOTSTRAP, 3)
        f1_boot = np.asarray([_scores(*b)[2] for b in boot])
        rows.append({"words": label, "scorer": scorer, "babe_lexicon": leak,
                     "precision": precision, "recall": recall, "f1": f1,
                     "f1_ci_low": float(np.quantile(f1_boot, 0.025)),
                     "f1_ci_high": float(np.quantile(f1_boot, 0.975)),
                     "tp": int(tp), "fp": int(fp), "fn": int(fn),
                     "n_sentences": len(texts)})
    table = pd.DataFrame(rows)
    OUT.mkdir(parents=True, exist_ok=True)
    table.to_csv(OUT / "babe_words.csv", index=False, float_format="%.6g", lineterminator="\n")

    pd.set_option("display.width", 200)
    print(table.drop(columns=["n_sentences"]).round(3).to_string(index=False))
    print(f"\nindex-positive categories: {', '.join(positive)}")
    print(f"evaluative categories: {', '.join(evaluative)}")
    print("anchor: Spinde et al. 2021, F1 0.43 (feature-based, MBIC)")
    print(f"wrote {OUT / 'babe_words.csv'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
