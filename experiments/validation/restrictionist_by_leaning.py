"""Does ``restrictionist_index`` order AllSides leanings right > center > left?

Run from the repository root::

    FRAMING_MIRROR=/work/shared/data/mirror HF_HUB_OFFLINE=1 \\
        python -m experiments.validation.restrictionist_by_leaning

Options: ``--n-boot 2000`` (bootstrap replicates), ``--seed 0``, ``--no-precision`` (skip
the hand-check sample).

Data: the AllSides immigration/sanctuary corpus (Baly et al. 2020, ``fetch_allsides()``),
two subsets, no train/test split for the authored lexicon (it is not fitted to any data):

* ``all``: all 2,027 articles (620 left, 537 center, 870 right; 121 outlets);
* ``sanctuary``: ``meta_sanctuary_related`` (331 articles).

Text = the article body (``text``). Leaning = ``label_allsides``, the *outlet's* AllSides
rating; cluster = ``outlet``.

1. Authored index. ``TermChoiceScorer()`` with its defaults, terms in quotations counted
   (``quotes="include"``) and not (``quotes="exclude"``: the outlet's own voice). Per
   leaning: the mean ``restrictionist_index`` with a 95% two-stage cluster-bootstrap CI
   (:func:`framing.compare.outlet_scores`: each replicate draws the leaning's outlets with
   replacement, then articles within each drawn outlet; ``n_boot`` replicates, seeded),
   pooled over articles (``weight=articles``) and averaging outlets (``weight=outlets``,
   each outlet once). The ordering holds when right > center > left; the CIs of adjacent
   leanings are reported as overlapping or not.
2. Corpus-learned extension, on outlets unseen in training. ``StratifiedGroupKFold``
   (5 folds, grouped by outlet, stratified by leaning, shuffled with the seed): in each
   fold, :meth:`TermChoiceScorer.learn` (left against right, defaults: 100 terms a side,
   ``min_outlets=5``) sees the training outlets only, and the held-out outlets' articles
   are scored with ``learned_index``. The out-of-fold ``learned_index`` is summarised per
   leaning as in 1, beside the authored index on the same articles, with the article-level
   ROC AUC of each index for right against left articles. Three settings (``SETTINGS``):
   terms counted once each with no one-outlet filter (``max_outlet_share=1``: outlet
   boilerplate gets in); counted once with the filter (terms more than half of whose
   occurrences come from one outlet dropped, the convention of
   :func:`framing.compare.fightin_words`); and the defaults, the filter with each term
   weighted by its absolute log-odds ratio.
3. Precision. 30 matches per counted category (or all, if fewer), drawn with the seed from
   every match in the corpus, printed with their context for judging by hand.

Written (``experiments/out/validation/``): ``restrictionist_by_leaning.csv`` (tidy: analysis,
subset, quotes, weight, setting, feature, group, estimate, ci_low, ci_high, n,
n_clusters, method),
``restrictionist_by_leaning_learned_terms.csv`` (each fold's learned terms, z-scores) and
``restrictionist_by_leaning_precision_sample.csv`` (the matches to judge).
"""

from __future__ import annotations

import argparse
import os
import random
from pathlib import Path

import numpy as np
import pandas as pd

OUT = Path("experiments/out/validation")
NAME = "restrictionist_by_leaning"
LEANINGS = ["left", "center", "right"]
INDEX = "term_choice__restrictionist_index"
LEARNED = "term_choice__learned_index"


def _environment():
    mirror = Path(__file__).resolve().parents[3] / "shared" / "data" / "mirror"
    if "FRAMING_MIRROR" not in os.environ and mirror.is_dir():
        os.environ["FRAMING_MIRROR"] = str(mirror)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")


def _by_leaning(values: pd.DataFrame, articles: pd.DataFrame, n_boot: int, seed: int,
                **labels) -> pd.DataFrame:
    """Per-leaning means with two-stage cluster-bootstrap CIs, both weightings."""
    from framing.compare import outlet_scores

    tables = []
    for weight in ("articles", "outlets"):
        table = outlet_scores(values, articles, by="label_allsides", cluster="outlet",
                              n_boot=n_boot, weight=weight, random_state=seed)
        tables.append(table.assign(weight=weight, **labels))
    return pd.concat(tables, ignore_index=True)


def _verdict(table: pd.DataFrame) -> str:
    """Ordering and CI overlap of adjacent leanings, in words."""
    rows = table.set_index("group")
    estimate = rows["estimate"]
    ordered = estimate["right"] > estimate["center"] > estimate["left"]
    words = [f"right > center > left: {'yes' if ordered else 'NO'}"]
    for high, low in (("right", "center"), ("center", "left")):
        apart = rows.at[high, "ci_low"] > rows.at[low, "ci_high"]
        words.append(f"{high} vs {low} CIs {'do not overlap' if apart else 'overlap'}")
    return "; ".join(words)


def authored(articles: pd.DataFrame, subsets: dict, n_boot: int, seed: int) -> pd.DataFrame:
    from framing.features import TermChoiceScorer

    tables = []
    for quotes in ("include", "exclude"):
        scores = TermChoiceScorer(quotes=quotes).set_output(transform="pandas").fit()
        index = scores.transform(articles["text"])[[INDEX]]
        for subset, mask in subsets.items():
            tables.append(_by_leaning(index[mask], articles[mask], n_boot, seed,
                                      analysis="authored", subset=subset, quotes=quotes))
    return pd.concat(tables, ignore_index=True)


#: Learned-lexicon settings compared: name -> learn() arguments (the last are the defaults).
SETTINGS = {
    "uniform, no one-outlet filter": {"max_outlet_share": 1.0, "weighting": "uniform"},
    "uniform, one-outlet filter": {"max_outlet_share": 0.5, "weighting": "uniform"},
    "defaults (delta-weighted, filter)": {},
}


def learned(articles: pd.DataFrame, subsets: dict, n_boot: int, seed: int, setting: str
            ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import StratifiedGroupKFold

    from framing.features import TermChoiceScorer

    folds = StratifiedGroupKFold(n_splits=5, shuffle=True, random_state=seed)
    labels = articles["label_allsides"].astype(str).to_numpy()
    outlets = articles["outlet"].to_numpy()
    scores = pd.DataFrame(index=articles.index, columns=[INDEX, LEARNED], dtype=float)
    terms = []
    for fold, (train, test) in enumerate(folds.split(articles, labels, groups=outlets)):
        assert not set(outlets[train]) & set(outlets[test])  # outlets unseen in training
        lexicon = TermChoiceScorer.learn(articles["text"].iloc[train], labels[train],
                                         positive="right", negative="left",
                                         outlets=outlets[train], **SETTINGS[setting])
        terms.append(lexicon.entries.assign(fold=fold, setting=setting))
        scorer = TermChoiceScorer(learned=lexicon).set_output(transform="pandas").fit()
        out = scorer.transform(articles["text"].iloc[test])
        scores.iloc[test] = out[[INDEX, LEARNED]].to_numpy()
    tables, aucs = [], []
    for subset, mask in subsets.items():
        tables.append(_by_leaning(scores[mask], articles[mask], n_boot, seed,
                                  analysis="learned_heldout_outlets", subset=subset,
                                  quotes="include", setting=setting))
        lr = mask & np.isin(labels, ["left", "right"])
        for column in (INDEX, LEARNED):
            aucs.append({"setting": setting, "subset": subset,
                         "feature": column,
                         "auc_right_vs_left": roc_auc_score(labels[lr] == "right",
                                                            scores.loc[lr, column]),
                         "n": int(lr.sum())})
    return (pd.concat(tables, ignore_index=True), pd.DataFrame(aucs),
            pd.concat(terms, ignore_index=True))


def precision_sample(articles: pd.DataFrame, seed: int, per_category: int = 30
                     ) -> pd.DataFrame:
    from framing.features import TermChoiceScorer

    scorer = TermChoiceScorer().fit()
    rows = []
    for article_id, text in zip(articles.index, articles["text"], strict=True):
        for span in scorer.explain(text).itertuples():
            rows.append({"category": span.category, "article_id": article_id,
                         "start": span.start, "match": span.text, "context_word": span.context,
                         "left_context": text[max(0, span.start - 80):span.start],
                         "right_context": text[span.end:span.end + 60]})
    matches = pd.DataFrame(rows)
    samples = []
    for category, group in matches.groupby("category", sort=False):
        rng = random.Random(f"{seed}:{category}")
        chosen = sorted(rng.sample(range(len(group)), min(per_category, len(group))))
        samples.append(group.iloc[chosen].assign(n_matches=len(group)))
    return pd.concat(samples, ignore_index=True)


def _print_table(table: pd.DataFrame, title: str) -> None:
    print(f"\n== {title}")
    for keys, part in table.groupby(["subset", "quotes", "weight"], sort=False):
        part = part.set_index("group").loc[LEANINGS]
        cells = "  ".join(f"{g:>6s} {r.estimate:+.3f} [{r.ci_low:+.3f}, {r.ci_high:+.3f}] "
                          f"n={r.n} outlets={r.n_clusters}"
                          for g, r in part.iterrows())
        print(f"{keys[0]:9s} quotes={keys[1]:7s} weight={keys[2]:8s} {cells}")
        print(f"{'':9s} -> {_verdict(part.reset_index())}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n-boot", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-precision", action="store_true")
    args = parser.parse_args(argv)
    _environment()
    from framing.datasets import fetch_allsides

    articles = fetch_allsides(progress=False)
    subsets = {"all": np.ones(len(articles), dtype=bool),
               "sanctuary": articles["meta_sanctuary_related"].to_numpy(dtype=bool)}
    for subset, mask in subsets.items():
        counts = articles.loc[mask, "label_allsides"].value_counts().reindex(LEANINGS)
        by_leaning = ", ".join(f"{k} {v}" for k, v in counts.items())
        print(f"{subset}: {mask.sum()} articles ({by_leaning}), "
              f"{articles.loc[mask, 'outlet'].nunique()} outlets")

    table = authored(articles, subsets, args.n_boot, args.seed)
    _print_table(table, f"authored restrictionist_index by leaning (mean, 95% two-stage "
                        f"cluster bootstrap, {args.n_boot} reps, seed {args.seed})")
    runs = [learned(articles, subsets, args.n_boot, args.seed, name) for name in SETTINGS]
    learned_table, aucs, terms = (pd.concat(parts, ignore_index=True)
                                   for parts in zip(*runs, strict=True))
    default = list(SETTINGS)[-1]
    authored_heldout = learned_table[(learned_table["feature"] == INDEX)
                                     & (learned_table["setting"] == default)]
    _print_table(authored_heldout, "held-out outlets (5-fold StratifiedGroupKFold by outlet): "
                                   "authored index on the same articles")
    for name in SETTINGS:
        part = learned_table[(learned_table["feature"] == LEARNED)
                             & (learned_table["setting"] == name)]
        _print_table(part, f"held-out outlets: learned index, {name}")
    print("\nArticle-level ROC AUC, right vs left articles of held-out outlets:")
    print(aucs.to_string(index=False, float_format=lambda x: f"{x:.3f}"))
    for name in list(SETTINGS)[::2]:  # the weighting does not change which terms are kept
        first = terms[(terms["fold"] == 0) & (terms["setting"] == name)]
        for side in ("positive", "negative"):
            top = first[first["side"] == side].head(25)
            print(f"\nFold 0, {name}: learned {top['category'].iat[0]} terms "
                  f"({(first['side'] == side).sum()}): {', '.join(top['term'])}")

    OUT.mkdir(parents=True, exist_ok=True)
    result = pd.concat([table, learned_table], ignore_index=True)
    columns = ["analysis", "subset", "quotes", "weight", "setting", "feature",
               "group", "estimate", "ci_low", "ci_high", "n", "n_clusters", "method"]
    result[columns].to_csv(OUT / f"{NAME}.csv", index=False)
    terms.to_csv(OUT / f"{NAME}_learned_terms.csv", index=False)
    print(f"\nwrote {OUT / f'{NAME}.csv'} and {OUT / f'{NAME}_learned_terms.csv'}")

    if not args.no_precision:
        sample = precision_sample(articles, args.seed)
        sample.to_csv(OUT / f"{NAME}_precision_sample.csv", index=False)
        print("\n== precision sample (judge each match by hand)")
        for category, group in sample.groupby("category", sort=False):
            print(f"\n-- {category}: {len(group)} of {group['n_matches'].iat[0]} matches")
            for i, row in enumerate(group.itertuples()):
                left = row.left_context.replace("\n", " / ")
                right = row.right_context.replace("\n", " / ")
                print(f"{i:2d} ...{left}[[{row.match}]]{right}")
        print(f"\nwrote {OUT / f'{NAME}_precision_sample.csv'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
