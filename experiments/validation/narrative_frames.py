"""Generic frames of ``FrameScorer`` against the gold frames of the Narrative Frames corpus.

Run from the repository root::

    FRAMING_MIRROR=/work/shared/data/mirror HF_HUB_OFFLINE=1 \\
        python -m experiments.validation.narrative_frames [--lexicon-only] [--limit N]

Data: the Narrative Frames corpus (Frermann, Li, Khanehzar & Mikolajczak 2023,
``fetch_narrative_frames()``): 428 climate-change articles with five binary gold frames;
article ``narrative-frames-0405`` has no labels in the source and is dropped, leaving 427.
The corpus is about climate, not immigration: it tests whether the *generic* frames
transfer across issues. ``FrameScorer``'s seed words and prototypes were not chosen by
looking at this corpus's labels, but two of its numbers were fitted on them by
``frames_zero_shot.py --calibrate``: the presence thresholds of the generic frames (on all
427 articles) and, jointly with GVFC, the embedding similarity threshold. Rows that use
the shipped presence thresholds are therefore in-sample here; ``frames_zero_shot.py``
reports them out of fold.

How gold frames map to Semetko & Valkenburg's (2000) generic frames, which the corpus
adapts (its README: "Semetko & Valkenburg style"):

=================  ===========================  =============================================
gold column        FrameScorer feature          note
=================  ===========================  =============================================
conflict (CO)      ``generic_conflict``         same frame
human_interest     ``generic_human_interest``   same frame
economic (EC)      ``generic_economic``         S&V "economic consequences"
moral (MO)         ``generic_morality``         same frame
resolution (RE)    ``generic_responsibility``   S&V "responsibility" (who caused / can solve
                                                the problem), which the corpus recasts as
                                                resolution (solutions offered); the wording of
                                                its questions RE1 and RE5 is in the corpus's
                                                PDF instructions, not in the mirrored files
=================  ===========================  =============================================

What it reports (table on stdout, CSV at ``experiments/out/validation/narrative_frames.csv``):

1. **Zero-shot** (no training on the corpus), for ``method`` = lexicon, embedding, both:

   * ``zero_shot_presence``: ``FrameScorer.frames_present``, the shipped rule: the frame's
     raw signal (seed matches per 1,000 words; share of sentences assigned) reaches its
     shipped threshold; for both methods, either one does. In-sample (see above);
   * ``zero_shot_prior``: a frame is predicted present when its share of the article's
     generic-frame evidence is at least 1/5 (its share under a uniform split; fixed a priori,
     the rule before presence thresholds existed);
   * ``zero_shot_heldout``: one threshold per frame on the share, chosen to maximise F1 on
     one stratified half of the corpus (seed 0) and scored on the other half, both ways;
     the mean over the two halves is reported.

2. **5-fold training**: logistic regression (standardised features, balanced class
   weights, C=1) on ``FrameScorer`` features of all three typologies, per gold frame,
   stratified 5-fold cross-validation repeated 5 times (seeds derived from 0). F1 mean and
   95% interval over the 25 folds, with the Nadeau & Bengio (2003) correction for
   overlapping training sets. Feature sets: distributions only (``details=False``) and
   distributions plus raw signals (``details=True``), for lexicon and for both methods.
3. **Baselines** on the same folds: TF-IDF (word 1-2 grams, sublinear tf, min_df 2) with
   the same logistic regression; and "always present" (F1 = 2p / (1 + p)), one row per
   frame. Every row carries ``always_present_f1`` and ``delta_vs_always_present``; rows
   that do not beat the always-present rule are listed after the table ("losses").

The embedding-only distribution is derived from the raw embedding signals of the
``method="both"`` run (the share of sentences per frame, renormalised), which equals
``FrameScorer(method="embedding")`` exactly; the script checks this on 10 articles.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

SEED = 0
N_SPLITS, N_REPEATS = 5, 5
OUT = Path("experiments/out/validation")
#: Gold column suffix -> generic frame of FrameScorer.
MAPPING = {"conflict": "conflict", "human_interest": "human_interest", "economic": "economic",
           "moral": "morality", "resolution": "responsibility"}
PRIOR_SHARE = 1 / 5


def _load() -> tuple[pd.Series, pd.DataFrame]:
    from framing.datasets import fetch_narrative_frames

    articles = fetch_narrative_frames(progress=False)
    labels = articles[[f"label_frame_{g}" for g in MAPPING]]
    keep = labels.notna().all(axis=1)
    labels = labels[keep].astype(bool)
    labels.columns = list(MAPPING)
    return articles.loc[keep, "text"], labels


def _prf(y, pred) -> tuple[float, float, float]:
    from sklearn.metrics import precision_recall_fscore_support

    p, r, f, _ = precision_recall_fscore_support(y, pred, average="binary", zero_division=0)
    return float(p), float(r), float(f)


def _corrected_interval(scores, n_train: int, n_test: int) -> tuple[float, float, float]:
    """Mean and 95% interval over repeated k-fold scores, Nadeau & Bengio's correction."""
    from scipy import stats

    scores = np.asarray(scores, dtype=float)
    n = len(scores)
    variance = (1 / n + n_test / n_train) * scores.var(ddof=1)
    half = stats.t.ppf(0.975, n - 1) * np.sqrt(variance)
    return float(scores.mean()), float(scores.mean() - half), float(scores.mean() + half)


def _features(texts: pd.Series, lexicon_only: bool) -> dict[str, pd.DataFrame]:
    """FrameScorer features: name -> table (index = article_id)."""
    from framing.features import FrameScorer

    out = {}
    start = time.perf_counter()
    out["lexicon"] = (FrameScorer(method="lexicon", details=True)
                      .set_output(transform="pandas").fit().transform(texts))
    print(f"lexicon features: {len(texts)} articles in {time.perf_counter() - start:.2f} s",
          flush=True)
    if not lexicon_only:
        start = time.perf_counter()
        out["both"] = (FrameScorer(method="both", details=True)
                       .set_output(transform="pandas").fit().transform(texts))
        print(f"lexicon + embedding features: {len(texts)} articles in "
              f"{time.perf_counter() - start:.1f} s", flush=True)
        out["embedding"] = _embedding_only(out["both"])
        _check_embedding_only(texts, out["embedding"])
    return out


def _embedding_only(both: pd.DataFrame) -> pd.DataFrame:
    """The distributions of ``method="embedding"``, from the raw signals of a "both" run."""
    from framing.features._frames import _definitions

    columns = {}
    for typology in ("policy", "generic", "immigration"):
        frames = [f["key"] for f in _definitions(typology)]
        raw = both[[f"frames__embedding_{typology}_{f}" for f in frames]].to_numpy()
        total = raw.sum(axis=1, keepdims=True)
        share = np.where(total > 0, raw / np.where(total > 0, total, 1), 0.0)
        for i, frame in enumerate(frames):
            columns[f"frames__{typology}_{frame}"] = share[:, i]
        columns[f"frames__{typology}_none"] = (total[:, 0] == 0).astype(float)
    raw = both.filter(like="frames__embedding_")
    return pd.concat([pd.DataFrame(columns, index=both.index), raw], axis=1)


def _check_embedding_only(texts: pd.Series, derived: pd.DataFrame) -> None:
    from framing.features import FrameScorer

    sample = texts.iloc[:10]
    direct = (FrameScorer(method="embedding", details=True).set_output(transform="pandas")
              .fit().transform(sample))
    gap = np.abs(direct.to_numpy() - derived.loc[sample.index, direct.columns].to_numpy()).max()
    if gap > 1e-9:
        raise AssertionError(f"derived embedding distribution differs by {gap}")
    print(f"embedding-only distribution check on 10 articles: max |difference| = {gap:.1e}")


def _presence(table: pd.DataFrame, method: str, frame: str) -> np.ndarray:
    """``FrameScorer.frames_present`` from a details table, with the shipped thresholds."""
    from framing.features._frames import presence_thresholds

    votes = []
    for signal in (("lexicon", "embedding") if method == "both" else (method,)):
        raw = table[f"frames__{signal}_generic_{frame}"].to_numpy()
        votes.append((raw > 0) & (raw >= presence_thresholds("generic", signal)[frame]))
    return np.logical_or.reduce(votes)


def _zero_shot(features: dict[str, pd.DataFrame], labels: pd.DataFrame) -> list[dict]:
    from sklearn.model_selection import StratifiedKFold

    rows = []
    for method, table in features.items():
        for gold, frame in MAPPING.items():
            y = labels[gold].to_numpy()
            p, r, f = _prf(y, _presence(table, method, frame))
            rows.append({"evaluation": "zero_shot_presence", "features": f"frames_{method}",
                         "frame": gold, "precision": p, "recall": r, "f1": f})
            share = table[f"frames__generic_{frame}"].to_numpy()
            p, r, f = _prf(y, share >= PRIOR_SHARE)
            rows.append({"evaluation": "zero_shot_prior", "features": f"frames_{method}",
                         "frame": gold, "precision": p, "recall": r, "f1": f,
                         "threshold": PRIOR_SHARE})
            halves = StratifiedKFold(2, shuffle=True, random_state=SEED).split(share, y)
            scores, chosen = [], []
            for tune, test in halves:
                candidates = np.unique(share[tune])
                f1s = [_prf(y[tune], share[tune] >= c)[2] for c in candidates]
                threshold = float(candidates[int(np.argmax(f1s))])
                chosen.append(threshold)
                scores.append(_prf(y[test], share[test] >= threshold))
            p, r, f = np.mean(scores, axis=0)
            rows.append({"evaluation": "zero_shot_heldout", "features": f"frames_{method}",
                         "frame": gold, "precision": p, "recall": r, "f1": f,
                         "threshold": float(np.mean(chosen))})
    return rows


def _cross_validated(sets: dict[str, object], labels: pd.DataFrame, texts: pd.Series
                     ) -> list[dict]:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import RepeatedStratifiedKFold
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    def model(name):
        lr = LogisticRegression(C=1.0, class_weight="balanced", max_iter=5000)
        if name == "tfidf":
            return make_pipeline(TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True,
                                                 min_df=2), lr)
        return make_pipeline(StandardScaler(), lr)

    rows = []
    n = len(labels)
    for gold in MAPPING:
        y = labels[gold].to_numpy()
        splitter = RepeatedStratifiedKFold(n_splits=N_SPLITS, n_repeats=N_REPEATS,
                                           random_state=SEED)
        folds = list(splitter.split(np.zeros(n), y))
        for name, X in sets.items():
            scores = []
            for train, test in folds:
                Xtr = X.iloc[train] if isinstance(X, pd.Series | pd.DataFrame) else X[train]
                Xte = X.iloc[test] if isinstance(X, pd.Series | pd.DataFrame) else X[test]
                pred = model(name).fit(Xtr, y[train]).predict(Xte)
                scores.append(_prf(y[test], pred))
            scores = np.asarray(scores)
            n_test = n // N_SPLITS
            mean, low, high = _corrected_interval(scores[:, 2], n - n_test, n_test)
            rows.append({"evaluation": "cv_5x5", "features": name, "frame": gold,
                         "precision": scores[:, 0].mean(), "recall": scores[:, 1].mean(),
                         "f1": mean, "f1_ci_low": low, "f1_ci_high": high})
    return rows


def main(argv=None) -> pd.DataFrame:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lexicon-only", action="store_true",
                        help="skip the embedding method (no torch needed)")
    parser.add_argument("--limit", type=int, default=None,
                        help="first N articles only (a smoke run; numbers are not results)")
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")

    texts, labels = _load()
    if args.limit:
        texts, labels = texts.iloc[:args.limit], labels.iloc[:args.limit]
    print(f"Narrative Frames: {len(labels)} articles with gold frames; positives: "
          + ", ".join(f"{g} {int(labels[g].sum())}" for g in MAPPING), flush=True)
    features = _features(texts, args.lexicon_only)

    rows = _zero_shot(features, labels)
    sets: dict[str, object] = {}
    for method in ("lexicon", "both"):
        if method in features:
            table = features[method]
            distribution = [c for c in table.columns
                            if not c.startswith(("frames__lexicon_", "frames__embedding_"))]
            sets[f"frames_{method}"] = table[distribution]
            sets[f"frames_{method}_details"] = table
    sets["tfidf"] = texts
    rows += _cross_validated(sets, labels, texts)
    for gold in MAPPING:
        prevalence = float(labels[gold].mean())
        rows.append({"evaluation": "always_present", "features": "none", "frame": gold,
                     "precision": prevalence, "recall": 1.0,
                     "f1": 2 * prevalence / (1 + prevalence)})

    table = pd.DataFrame(rows)
    table["n"] = len(labels)
    table["prevalence"] = table["frame"].map(labels.mean())
    table["always_present_f1"] = 2 * table["prevalence"] / (1 + table["prevalence"])
    table["delta_vs_always_present"] = table["f1"] - table["always_present_f1"]
    macro = (table.groupby(["evaluation", "features"], sort=False)["f1"].mean()
             .rename("macro_f1").reset_index())
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / "narrative_frames.csv"
    table.to_csv(path, index=False, float_format="%.6g", lineterminator="\n")

    wide = table.pivot_table(index=["evaluation", "features"], columns="frame", values="f1",
                             sort=False)[list(MAPPING)]
    wide = wide.join(macro.set_index(["evaluation", "features"]))
    with pd.option_context("display.width", 160, "display.max_columns", 20):
        print("\nF1 per gold frame (macro = mean over the five frames)")
        print(wide.round(3).to_string())
        cv = table[table["evaluation"] == "cv_5x5"]
        print("\n5x5-fold CV: F1 mean [95% interval, Nadeau-Bengio corrected]")
        print(cv.assign(f1=cv.apply(lambda r: f"{r.f1:.3f} [{r.f1_ci_low:.3f}, "
                                              f"{r.f1_ci_high:.3f}]", axis=1))
              .pivot(index="features", columns="frame", values="f1")[list(MAPPING)]
              .to_string())
        losses = table[(table["evaluation"] != "always_present")
                       & (table["delta_vs_always_present"] <= 0)]
        print(f"\nRows that do not beat 'always present' ({len(losses)} of "
              f"{int((table['evaluation'] != 'always_present').sum())}):")
        print(losses[["evaluation", "features", "frame", "f1", "always_present_f1",
                      "delta_vs_always_present"]].round(3).to_string(index=False)
              if len(losses) else "none")
    print(f"\nwrote {path}")
    return table


if __name__ == "__main__":
    sys.exit(0 if main() is not None else 1)
