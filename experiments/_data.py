"""Data every experiment shares: the AllSides corpus (sampled in smoke runs) and its outlets."""

from __future__ import annotations

import pandas as pd

from ._context import Context

ALLSIDES_CAPTION = ("Data: AllSides immigration & sanctuary-policy articles (Baly et al. 2020, "
                    "Article-Bias-Prediction @ced8111a), labels = outlets' AllSides ratings.")


def allsides(ctx: Context) -> pd.DataFrame:
    """The AllSides corpus, recorded in the manifest; in smoke runs a seeded sample.

    The config may set ``subset = "sanctuary"`` (only ``meta_sanctuary_related`` articles)
    and, under ``[smoke]``, ``n_articles``.
    """
    from framing.datasets import fetch_allsides

    with ctx.phase("data"):
        articles = fetch_allsides(progress=False)
    rows = len(articles)
    if ctx.config.get("subset") == "sanctuary":
        articles = articles[articles["meta_sanctuary_related"]]
    n = ctx.config.get("n_articles")
    if n is not None and n < len(articles):
        articles = articles.sample(n=int(n), random_state=ctx.seed).sort_index()
    ctx.use_dataset("allsides", articles, rows_used=len(articles))
    ctx.datasets[-1]["rows_in_dataset"] = rows
    return articles


def outlet_names(articles: pd.DataFrame) -> pd.DataFrame:
    """One row per outlet key: its display name, its AllSides lean and its article count."""
    grouped = articles.groupby("outlet", observed=True)
    return pd.DataFrame({
        "name": grouped["meta_source"].agg(lambda s: s.mode().iat[0]),
        "lean": grouped["label_allsides"].agg(lambda s: s.astype(str).mode().iat[0]),
        "n_articles": grouped.size(),
    })


def score_articles(ctx: Context, articles: pd.DataFrame, scorers) -> pd.DataFrame:
    """``extract_features(articles, scorers)`` through the disk cache of feature rows.

    Timed as the phase ``"features"``; the cache's hits and misses (articles x scorers)
    go to ``timing.json`` (see :mod:`experiments._cache`).
    """
    from ._cache import cached_features

    stats = ctx.timing.notes.setdefault("feature_cache", {"hits": 0, "misses": 0})
    with ctx.phase("features"):
        return cached_features(articles, scorers, stats=stats)
