"""Fightin' words of left- against right-leaning outlets on sanctuary-policy coverage.

Run from the repository root::

    FRAMING_MIRROR=/work/shared/data/mirror python -m experiments.validation.fightin_words_sanctuary

Data: the AllSides immigration/sanctuary corpus (Baly et al. 2020, ``fetch_allsides()``,
2,027 articles, 121 outlets), two subsets, no split (fightin' words is descriptive; the
out-of-sample question is answered by the leave-one-outlet-out check below):

* ``sanctuary``: ``meta_sanctuary_related`` (331 articles: 81 left, 84 center, 166 right);
* ``all``: the whole corpus (620 left, 537 center, 870 right).

``label_allsides`` is the *outlet's* AllSides rating, so "left" and "right" are groups of
outlets. Two designs per subset:

* ``left_vs_right``: center articles dropped, left against right;
* ``vs_rest``: all three leanings, each against the other two pooled.

Settings (the library's defaults): lower-cased words (:data:`framing.compare.TOKEN_PATTERN`,
"U.S."/"US" read as "united states", stop words kept), informative Dirichlet prior from the
pooled counts with ``a0`` = the number of compared tokens (``prior_scale=1``), terms more
than half of whose occurrences come from one outlet excluded (``max_outlet_share=0.5``:
mastheads, bylines, boilerplate), Benjamini-Hochberg q-values per group and comparison,
FDR 0.05, the leave-one-outlet-out refit (``robust`` terms stay past the BH threshold
whichever single outlet is left out) and ``p_perm`` from 200 permutations of whole outlets
between the groups (seed 0).

Outlet-level null: token-level q-values assume independent tokens. To see what they are
worth here, the script gives the left and right outlets random leanings (outlets shuffled,
each keeping all its articles; seeds 0-19) and counts the "significant" terms again.

Printed: group sizes, the most frequent excluded terms, the number of significant,
robust and ``p_perm < 0.05`` terms per side, the top 25 terms per side (z, q, worst
leave-one-outlet-out z and the outlet behind it, p_perm), the outlet-level null, a
sensitivity grid over ``prior_scale`` and ``max_outlet_share``, and the sha256 of each
table from two runs, which must match (the script fails if not).
Written: ``experiments/out/validation/fightin_words_sanctuary.csv`` (the top 25 terms per
side of every subset and design, plus every significant term), and
``fightin_words_sanctuary_summary.csv`` (counts and the sensitivity grid).
"""

from __future__ import annotations

import hashlib
import os
import sys
import time
from pathlib import Path

import pandas as pd

OUT = Path("experiments/out/validation")
NAME = "fightin_words_sanctuary"
TOP = 25
ALPHA = 0.05
SUBSETS = ("sanctuary", "all")
DESIGNS = {"left_vs_right": {"groups": ["left", "right"]},
           "vs_rest": {"groups": ["left", "center", "right"], "comparisons": "vs_rest"}}
GRID_PRIOR = (0.1, 1.0, 10.0)
GRID_SHARE = (0.5, 0.75, None)
NULL_SEEDS = range(20)


def table_digest(table: pd.DataFrame) -> str:
    """sha256 of a table's values, index and column names."""
    hashed = pd.util.hash_pandas_object(table, index=True).to_numpy().tobytes()
    return hashlib.sha256(hashed + "|".join(table.columns).encode()).hexdigest()


def load(subset: str) -> pd.DataFrame:
    from framing.datasets import fetch_allsides

    articles = fetch_allsides(progress=False)
    return articles[articles["meta_sanctuary_related"]] if subset == "sanctuary" else articles


def run(articles, design: str, **kwargs):
    from framing.compare import fightin_words

    return fightin_words(articles, "label_allsides", alpha=ALPHA, return_excluded=True,
                         **DESIGNS[design], **kwargs)


def show_top(table: pd.DataFrame, label: str) -> pd.DataFrame:
    from framing.compare import top_terms

    top = top_terms(table, n=TOP)
    for (group, comparison), part in top.groupby(["group", "comparison"], sort=False):
        print(f"\n  {label}: top {TOP} for {group} ({comparison}); * = significant, "
              f"R = robust to leaving out any one outlet")
        print(f"  {'term':<18}{'z':>7}{'q':>10}{'z_loo':>8}{'p_perm':>8}  {'count g/o':<12}"
              f"loo_outlet")
        for r in part.itertuples():
            flag = ("R" if r.robust else "*") if r.significant else " "
            print(f"  {flag} {r.term:<16}{r.z:7.2f}{r.q_value:10.2e}{r.z_loo:8.2f}"
                  f"{r.p_perm:8.3f}  {f'{r.count_group}/{r.count_other}':<12}{r.loo_outlet}")
    return top


def count_significant(table: pd.DataFrame) -> pd.DataFrame:
    flags = table.assign(perm=table.significant & (table.p_perm < 0.05),
                         both=table.robust & (table.p_perm < 0.05))
    return flags.groupby(["group", "comparison"], sort=False).agg(
        significant=("significant", "sum"), robust=("robust", "sum"), perm=("perm", "sum"),
        both=("both", "sum"), terms=("term", "size"))


def outlet_null(articles: pd.DataFrame) -> pd.DataFrame:
    """Per-side counts when left and right outlets are given shuffled leanings."""
    import numpy as np

    from framing.compare import fightin_words

    compared = articles[articles["label_allsides"].isin(["left", "right"])].copy()
    lean = compared.groupby("outlet")["label_allsides"].agg(lambda s: s.astype(str).mode()[0])
    rows = []
    for seed in NULL_SEEDS:
        shuffled = pd.Series(np.random.default_rng(seed).permutation(lean.to_numpy()),
                             index=lean.index)
        compared["shuffled"] = compared["outlet"].map(shuffled)
        table = fightin_words(compared, "shuffled", groups=["left", "right"], alpha=ALPHA)
        counts = count_significant(table)
        rows.append((counts.sum() / 2).astype(int))  # per side: both sides mirror
    return pd.DataFrame(rows)


def main() -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    if "FRAMING_MIRROR" not in os.environ and Path("../shared/data/mirror").is_dir():
        os.environ["FRAMING_MIRROR"] = str(Path("../shared/data/mirror").resolve())
    OUT.mkdir(parents=True, exist_ok=True)
    started = time.time()
    rows, summary = [], []
    for subset in SUBSETS:
        articles = load(subset)
        sizes = articles["label_allsides"].value_counts().reindex(["left", "center", "right"])
        print(f"\n=== {subset}: {len(articles)} articles, {articles.outlet.nunique()} outlets "
              f"({', '.join(f'{k} {v}' for k, v in sizes.items())})")
        for design in DESIGNS:
            t0 = time.time()
            table, excluded = run(articles, design)
            seconds = time.time() - t0
            again, _ = run(articles, design)
            digests = table_digest(table), table_digest(again)
            if digests[0] != digests[1]:
                print(f"FAIL: {subset}/{design} differs between two runs", file=sys.stderr)
                return 1
            print(f"\n-- {subset} / {design}: {len(table)} rows in {seconds:.1f} s; "
                  f"a0 = {table.attrs['a0']:.0f}; tokens {table.attrs['n_tokens']}; "
                  f"{len(excluded)} outlet-signature terms excluded; sha256 {digests[0][:16]} "
                  f"(identical on rerun)")
            print("   most frequent excluded: " + ", ".join(
                f"{r.term} ({r.count}, {r.top_share:.0%} {r.top_outlet})"
                for r in excluded.head(12).itertuples()))
            counts = count_significant(table)
            for (group, comparison), c in counts.iterrows():
                print(f"   {group} {comparison}: {c.significant} of {c.terms} terms significant "
                      f"at FDR {ALPHA}; {c.robust} robust to leaving out any one outlet; "
                      f"{c.perm} of the significant with p_perm < 0.05; {c.both} both")
                summary.append({"subset": subset, "design": design, "group": group,
                                "comparison": comparison, "prior_scale": 1.0,
                                "max_outlet_share": 0.5, "n_terms": int(c.terms),
                                "n_significant": int(c.significant),
                                "n_robust": int(c.robust), "n_perm_005": int(c.perm),
                                "n_robust_and_perm": int(c.both),
                                "n_excluded": len(excluded), "sha256": digests[0]})
            top = show_top(table, f"{subset}/{design}")
            keep = pd.concat([top.drop(columns="rank"), table[table.significant]])
            keep = keep.drop_duplicates(["term", "group", "comparison"])
            rows.append(keep.assign(subset=subset, design=design))

        null_counts = outlet_null(articles)
        print(f"\n-- {subset} / left_vs_right under random outlet leanings "
              f"({len(NULL_SEEDS)} shuffles): terms per side, median [min, max]")
        for column, label in (("significant", "significant at FDR 0.05"),
                              ("robust", "robust"), ("perm", "significant, p_perm < 0.05"),
                              ("both", "robust and p_perm < 0.05")):
            values = null_counts[column]
            print(f"   {label:<28} {values.median():6.1f} [{values.min()}, {values.max()}]")
            summary.append({"subset": subset, "design": "left_vs_right_outlet_null",
                             "group": "per side", "comparison": label,
                             "n_significant": float(values.median()),
                             "null_min": int(values.min()), "null_max": int(values.max())})

        print(f"\n-- {subset} / left_vs_right sensitivity: significant (robust) terms per side")
        print(f"   {'prior_scale':>11} | " + " | ".join(
            f"share {s if s is not None else 'none':>4}" for s in GRID_SHARE))
        for prior in GRID_PRIOR:
            cells = []
            for share in GRID_SHARE:
                table, excluded = run(articles, "left_vs_right", prior_scale=prior,
                                      max_outlet_share=share)
                per = table.groupby("group")[["significant", "robust"]].sum()
                cells.append("/".join(f"{per.loc[g, 'significant']}({per.loc[g, 'robust']})"
                                      for g in ("left", "right")))
                for group in ("left", "right"):
                    summary.append({
                        "subset": subset, "design": "left_vs_right_grid", "group": group,
                        "comparison": f"vs_{'right' if group == 'left' else 'left'}",
                        "prior_scale": prior, "max_outlet_share": share,
                        "n_terms": int((table.group == group).sum()),
                        "n_significant": int(per.loc[group, "significant"]),
                        "n_robust": int(per.loc[group, "robust"]),
                        "n_excluded": len(excluded), "sha256": table_digest(table)})
            print(f"   {prior:>11} | " + " | ".join(f"{c:>10}" for c in cells))
    result = pd.concat(rows, ignore_index=True)
    front = ["subset", "design", "group", "comparison", "term"]
    result = result[front + [c for c in result.columns if c not in front]]
    result.to_csv(OUT / f"{NAME}.csv", index=False)
    pd.DataFrame(summary).to_csv(OUT / f"{NAME}_summary.csv", index=False)
    print(f"\nwrote {OUT / f'{NAME}.csv'} ({len(result)} rows) and "
          f"{OUT / f'{NAME}_summary.csv'}; {time.time() - started:.0f} s in all")
    return 0


if __name__ == "__main__":
    sys.exit(main())
