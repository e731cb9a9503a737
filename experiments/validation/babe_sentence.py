"""Sentence-level bias on BABE SG2 from lexicon features alone, and the ``loaded_index`` fit.

Run from the repository root::

    FRAMING_MIRROR=/work/shared/data/mirror python -m experiments.validation.babe_sentence

Data: BABE SG2 (``fetch_babe("SG2")``, Spinde et al. 2021), the 3,673 sentences with an
expert majority label (the one "No agreement" sentence is dropped): Biased 1,810,
Non-biased 1,863. Target: Biased = 1.

What it reports (table on stdout, CSV at ``experiments/out/validation/babe_sentence.csv``):

1. Logistic regression (standardised features, C=1) on ``LoadedLanguageScorer`` features
   (plus ``TermChoiceScorer`` when importable; plus counts and sentence length; plus
   ``SentimentScorer``), 5-fold stratified CV repeated 5 times (seed 0): macro-F1 and ROC
   AUC, mean and 95% t-interval over the 25 folds. Every set is run without and with
   BABE's own biased-word lexicon (built by BABE's authors from BABE's data: a leak).
2. The same folds with a TF-IDF (word 1-2 grams) + logistic regression baseline.
3. Leave-topics-out: 5-fold CV grouped by BABE topic, so no topic is in both train and
   test; and the index fitted without the immigration sentences, scored on them.
4. The effect of the default exclusion list (``DEFAULT_EXCLUDE``) against none.
5. ``loaded_index``: the logistic regression on the 22 non-BABE rates fitted on all of SG2,
   as raw-rate weights to freeze in ``framing/features/_loaded.py``; its cross-validated
   metrics are those of row ``loaded`` (the same model); the frozen index in the scorer is
   checked against this fit (in-sample, so optimistic).
6. Coefficients of the main models on standardised features.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd

SEED = 0
N_SPLITS, N_REPEATS = 5, 5
OUT = Path("experiments/out/validation")


def _interval(scores: np.ndarray) -> tuple[float, float, float]:
    """Mean and 95% t-interval over fold scores (folds overlap: read it as a guide)."""
    from scipy import stats

    scores = np.asarray(scores, dtype=float)
    half = stats.t.ppf(0.975, len(scores) - 1) * scores.std(ddof=1) / np.sqrt(len(scores))
    return float(scores.mean()), float(scores.mean() - half), float(scores.mean() + half)


def _model(C: float = 1.0):
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(StandardScaler(), LogisticRegression(C=C, max_iter=5000))


def _cv(model, X, y, splits) -> dict[str, np.ndarray]:
    from sklearn.base import clone
    from sklearn.metrics import f1_score, roc_auc_score

    f1, auc = [], []
    for train, test in splits:
        fitted = clone(model).fit(X[train] if not isinstance(X, pd.Series) else X.iloc[train],
                                  y[train])
        X_test = X[test] if not isinstance(X, pd.Series) else X.iloc[test]
        f1.append(f1_score(y[test], fitted.predict(X_test), average="macro"))
        auc.append(roc_auc_score(y[test], fitted.predict_proba(X_test)[:, 1]))
    return {"macro_f1": np.asarray(f1), "roc_auc": np.asarray(auc)}


def _topic(topics: pd.Series) -> np.ndarray:
    """BABE topics with spelling variants merged (``blm`` and ``black lives matter``...)."""
    merged = topics.fillna("none").str.lower().str.replace("-", " ").replace({
        "blm": "black lives matter", "vaccines": "vaccine"})
    return merged.to_numpy()


def _tfidf():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    return make_pipeline(TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True),
                         LogisticRegression(C=10.0, max_iter=5000))


def main() -> int:
    os.environ.setdefault("FRAMING_MIRROR", str(Path("../shared/data/mirror").resolve()))
    from sklearn.metrics import f1_score, roc_auc_score
    from sklearn.model_selection import GroupKFold, RepeatedStratifiedKFold

    from framing.datasets import fetch_babe
    from framing.features import LoadedLanguageScorer, SentimentScorer
    from framing.features._loaded import DEFAULT_EXCLUDE, INDEX_INTERCEPT, INDEX_WEIGHTS

    babe = fetch_babe("SG2")
    babe = babe[babe["label_bias"] != "No agreement"]
    texts = babe["text"].reset_index(drop=True)
    y = (babe["label_bias"] == "Biased").to_numpy().astype(int)
    topics = _topic(babe["topic"])
    print(f"BABE SG2: {len(y)} sentences, Biased {y.sum()}, Non-biased {(1 - y).sum()}; "
          f"{N_SPLITS}-fold stratified CV x {N_REPEATS} repeats, seed {SEED}")
    splits = list(RepeatedStratifiedKFold(n_splits=N_SPLITS, n_repeats=N_REPEATS,
                                          random_state=SEED).split(texts, y))
    topic_splits = list(GroupKFold(n_splits=N_SPLITS).split(texts, y, groups=topics))

    # -- features --------------------------------------------------------------------------
    blocks: dict[str, tuple[np.ndarray, list[str]]] = {}
    for key, kwargs in {"loaded": {"babe": False}, "loaded+babe": {"babe": True},
                        "loaded_no_exclude": {"babe": False, "exclude": ()}}.items():
        scorer = LoadedLanguageScorer(**kwargs).fit()
        values = scorer.transform(texts)[:, :-1]  # the rates; loaded_index is refitted here
        names = [n.removeprefix("loaded__") for n in scorer.get_feature_names_out()[:-1]]
        blocks[key] = (values, names)
        if key == "loaded":
            _, n_words = scorer.matcher_.count(texts.tolist())
            frozen_index = scorer.transform(texts)[:, -1]
    counts = {k: (v * n_words[:, None] / 1000.0, [f"{n}_count" for n in names])
              for k, (v, names) in blocks.items()}
    length = (np.column_stack([n_words, np.log1p(n_words)]), ["n_words", "log_n_words"])
    sentiment = SentimentScorer().fit()
    blocks["sentiment"] = (sentiment.transform(texts),
                           [n.removeprefix("sentiment__")
                            for n in sentiment.get_feature_names_out()])
    try:
        from framing.features import TermChoiceScorer

        term_choice = TermChoiceScorer().fit()
        blocks["term_choice"] = (term_choice.transform(texts),
                                 list(term_choice.get_feature_names_out()))
    except (ImportError, AttributeError) as error:
        print(f"TermChoiceScorer not available ({error}): rows with it are skipped")

    def stack(*parts):
        return (np.column_stack([p[0] for p in parts]),
                [n for p in parts for n in p[1]])

    sets = {}
    for babe_key, leak in (("loaded", "no"), ("loaded+babe", "yes")):
        loaded = blocks[babe_key]
        sets[(babe_key, leak)] = stack(loaded)
        sets[(f"{babe_key}+counts+length", leak)] = stack(loaded, counts[babe_key], length)
        if "term_choice" in blocks:
            sets[(f"{babe_key}+term_choice", leak)] = stack(loaded, blocks["term_choice"])
            sets[(f"{babe_key}+term_choice+counts+length", leak)] = stack(
                loaded, blocks["term_choice"], counts[babe_key], length)
        sets[(f"{babe_key}+counts+length+sentiment", leak)] = stack(
            loaded, counts[babe_key], length, blocks["sentiment"])
    sets[("loaded (exclude=())", "no")] = stack(blocks["loaded_no_exclude"])

    # -- cross-validation ------------------------------------------------------------------
    rows = []

    def record(features, leak, split, result, n_features):
        for metric, scores in result.items():
            mean, low, high = _interval(scores)
            rows.append({"section": "cv", "features": features, "babe_lexicon": leak,
                         "split": split, "metric": metric, "mean": mean, "ci_low": low,
                         "ci_high": high, "n_folds": len(scores), "n_features": n_features})

    for (label, leak), (X, names) in sets.items():
        record(label, leak, "stratified 5x5", _cv(_model(), X, y, splits), len(names))
    tfidf_random = _cv(_tfidf(), texts, y, splits)
    record("tfidf word 1-2gram + LR", "no", "stratified 5x5", tfidf_random, -1)
    for (label, leak) in [("loaded", "no"), ("loaded+counts+length", "no")]:
        X, names = sets[(label, leak)]
        record(label, leak, "topic-grouped 5", _cv(_model(), X, y, topic_splits), len(names))
    record("tfidf word 1-2gram + LR", "no", "topic-grouped 5",
           _cv(_tfidf(), texts, y, topic_splits), -1)

    # -- loaded_index: fit on all of SG2, freeze as raw-rate weights -----------------------
    X_index, index_names = sets[("loaded", "no")]
    model = _model().fit(X_index, y)
    scaler, logistic = model[0], model[1]
    raw = logistic.coef_[0] / scaler.scale_
    intercept = float(logistic.intercept_[0] - (raw * scaler.mean_).sum())
    fitted_index = X_index @ raw + intercept
    held = topics == "immigration"
    away = _model().fit(X_index[~held], y[~held])
    index_rows = [
        ("index refit in-sample (optimistic)", y, fitted_index),
        ("index frozen in framing (in-sample)", y, frozen_index),
        ("index fit without immigration topic, on its "
         f"{held.sum()} sentences", y[held], away.decision_function(X_index[held])),
    ]
    for label, truth, score in index_rows:
        for metric, value in (("roc_auc", roc_auc_score(truth, score)),
                              ("macro_f1", f1_score(truth, (score > 0).astype(int),
                                                    average="macro"))):
            rows.append({"section": "loaded_index", "features": label, "babe_lexicon": "no",
                         "split": "none", "metric": metric, "mean": value, "ci_low": np.nan,
                         "ci_high": np.nan, "n_folds": 0, "n_features": len(index_names)})
    stale = not (np.allclose([INDEX_WEIGHTS.get(n, np.nan) for n in index_names], raw,
                             rtol=1e-4, atol=1e-8)
                 and abs(INDEX_INTERCEPT - intercept) < 1e-4)

    # -- coefficients on standardised features ---------------------------------------------
    coefficient_sets = [("loaded", "no"), ("loaded+counts+length", "no"), ("loaded+babe", "yes")]
    if "term_choice" in blocks:
        coefficient_sets.append(("loaded+term_choice", "no"))
    for key in coefficient_sets:
        X, names = sets[key]
        fitted = _model().fit(X, y)
        for name, value in zip(names, fitted[1].coef_[0], strict=True):
            rows.append({"section": "coefficient", "features": key[0], "babe_lexicon": key[1],
                         "split": "all SG2", "metric": name, "mean": float(value),
                         "ci_low": np.nan, "ci_high": np.nan, "n_folds": 0,
                         "n_features": len(names)})

    table = pd.DataFrame(rows)
    OUT.mkdir(parents=True, exist_ok=True)
    table.to_csv(OUT / "babe_sentence.csv", index=False, float_format="%.6g",
                 lineterminator="\n")

    # -- report ----------------------------------------------------------------------------
    pd.set_option("display.width", 200)
    pd.set_option("display.max_rows", 500)
    cv = table[table["section"] == "cv"].pivot_table(
        index=["split", "features", "babe_lexicon", "n_features"], columns="metric",
        values=["mean", "ci_low", "ci_high"], sort=False)
    print("\nCross-validated sentence bias (macro-F1, ROC AUC: mean [95% CI over folds])")
    for (split, features, leak, n_features), row in cv.iterrows():
        print(f"  {split:15s} {features:45s} babe={leak:3s} k={n_features:3d}  "
              f"F1 {row[('mean', 'macro_f1')]:.3f} [{row[('ci_low', 'macro_f1')]:.3f}, "
              f"{row[('ci_high', 'macro_f1')]:.3f}]  AUC {row[('mean', 'roc_auc')]:.3f} "
              f"[{row[('ci_low', 'roc_auc')]:.3f}, {row[('ci_high', 'roc_auc')]:.3f}]")
    print("\nloaded_index (logistic regression on the 22 non-BABE rates)")
    for _, row in table[table["section"] == "loaded_index"].iterrows():
        print(f"  {row['features']:60s} {row['metric']:9s} {row['mean']:.3f}")
    print("\nCoefficients on standardised features (fit on all SG2)")
    coefficients = table[table["section"] == "coefficient"].pivot_table(
        index="metric", columns="features", values="mean", sort=False)
    print(coefficients.round(3).astype(object).where(coefficients.notna(), "").to_string())
    print(f"\nDefault exclusions: {DEFAULT_EXCLUDE}")
    print("\nFrozen weights for framing/features/_loaded.py (per 1,000 words):")
    print("INDEX_WEIGHTS = {")
    for name, weight in zip(index_names, raw, strict=True):
        print(f'    "{name}": {weight:.6g},')
    print("}")
    print(f"INDEX_INTERCEPT = {intercept:.6g}")
    if stale:
        print("\nWARNING: the weights frozen in framing differ from this fit "
              f"(frozen: {INDEX_INTERCEPT}, {len(INDEX_WEIGHTS)} weights); paste the above.")
    print(f"\nwrote {OUT / 'babe_sentence.csv'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
