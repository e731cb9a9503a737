"""Agreement of per-outlet scores with published outlet ratings (AllSides, MBFC)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import rankdata, spearmanr

from .._dask import compute
from ._common import RESULT_COLUMNS, group_rng

__all__ = ["RATINGS", "rating_agreement", "spearman_rows"]

#: The numeric rating columns of :func:`framing.datasets.fetch_outlet_ratings` (-2 = left,
#: +2 = right).
RATINGS = ("allsides_2019_num", "allsides_2022_num", "mbfc_bias_num")


def spearman_rows(x, y) -> np.ndarray:
    """Spearman's rho of each row pair of two (n_rows, n) arrays (ties get average ranks).

    ``NaN`` where either row is constant.

    Examples
    --------
    >>> spearman_rows(np.array([[1, 2, 3], [1, 2, 3]]), np.array([[2, 4, 9], [3, 2, 1]]))
    array([ 1., -1.])
    """
    rx = rankdata(np.asarray(x, dtype=np.float64), axis=1)
    ry = rankdata(np.asarray(y, dtype=np.float64), axis=1)
    rx -= rx.mean(axis=1, keepdims=True)
    ry -= ry.mean(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (rx * ry).sum(axis=1) / np.sqrt((rx ** 2).sum(axis=1) * (ry ** 2).sum(axis=1))


def _wide(scores) -> pd.DataFrame:
    """Scores as an outlet x feature table (accepts :func:`outlet_scores`' tidy output)."""
    if isinstance(scores, pd.Series):
        return scores.to_frame(scores.name if scores.name is not None else "score")
    if isinstance(scores, pd.DataFrame) and {"feature", "group", "estimate"} <= set(scores):
        return scores.pivot(index="group", columns="feature", values="estimate")
    if isinstance(scores, pd.DataFrame):
        return scores
    raise TypeError("scores must be a Series or DataFrame indexed by outlet")


def rating_agreement(scores, outlets, ratings=RATINGS, *, n_boot: int = 2000,
                     ci: float = 0.95, min_outlets: int = 5, random_state: int = 0
                     ) -> pd.DataFrame:
    """Spearman agreement between per-outlet scores and outlet bias ratings, with CIs.

    For each score column and each rating, the outlets with both are ranked and Spearman's
    rho computed; the interval comes from resampling outlets with replacement (percentile
    bootstrap, ``n_boot`` replicates; replicates in which either side is constant are
    dropped and counted in ``n_degenerate``). Ratings are coarse (-2..+2, many ties): rho
    uses average ranks.

    Parameters
    ----------
    scores : Series or DataFrame
        Indexed by outlet key (e.g. a per-outlet mean ``restrictionist_index``), one column
        per score; the tidy output of :func:`outlet_scores` is accepted too. A dask
        DataFrame or Series (one row per outlet: small) is computed first.
    outlets : DataFrame
        The outlets table (:func:`framing.datasets.fetch_outlet_ratings`), indexed by outlet.
    ratings : sequence of str, default ("allsides_2019_num", "allsides_2022_num", "mbfc_bias_num")
        Numeric rating columns of ``outlets``.
    n_boot : int, default 2000
    ci : float, default 0.95
    min_outlets : int, default 5
        Fewer matched outlets than this gives ``NaN`` (and no interval).
    random_state : int, default 0

    Returns
    -------
    DataFrame
        Tidy: ``feature`` (score column), ``group`` (rating), ``estimate`` (rho),
        ``ci_low, ci_high, n`` (outlets matched), ``method``, ``p_value`` (two-sided,
        scipy's t approximation), ``n_degenerate``.

    Examples
    --------
    >>> import pandas as pd
    >>> outlets = pd.DataFrame({"mbfc_bias_num": [-2, -1, 0, 1, 2, 2]},
    ...                        index=list("abcdef"))
    >>> scores = pd.Series([0.1, 0.2, 0.3, 0.4, 0.5, 0.6], index=list("abcdef"), name="x")
    >>> table = rating_agreement(scores, outlets, ratings=["mbfc_bias_num"], n_boot=200)
    >>> table[["feature", "group", "estimate", "n"]].round(3).values.tolist()
    [['x', 'mbfc_bias_num', 0.986, 6]]
    """
    # Per-outlet scores and ratings are small: a dask input is simply computed.
    scores, outlets = compute(scores, outlets)
    wide = _wide(scores)
    missing = [r for r in ratings if r not in outlets]
    if missing:
        raise KeyError(f"ratings not in the outlets table: {missing}")
    tail = (1.0 - ci) / 2.0
    rows = []
    for feature in wide.columns:
        for rating in ratings:
            # Plain arrays aligned on the shared outlets (the outlets table carries
            # report tables in ``attrs``, which pandas cannot compare when concatenating).
            score = pd.Series(wide[feature].to_numpy(dtype=np.float64), index=wide.index)
            rated = pd.Series(outlets[rating].to_numpy(dtype=np.float64), index=outlets.index)
            shared = score.index.intersection(rated.index)
            x, y = score.loc[shared].to_numpy(), rated.loc[shared].to_numpy()
            both = ~(np.isnan(x) | np.isnan(y))
            x, y = x[both], y[both]
            n = int(both.sum())
            row = {"feature": feature, "group": rating, "estimate": np.nan, "ci_low": np.nan,
                   "ci_high": np.nan, "n": n,
                   "method": f"spearman, outlet bootstrap percentile {ci:.0%}",
                   "p_value": np.nan, "n_degenerate": 0}
            if n >= min_outlets:
                result = spearmanr(x, y)
                row["estimate"], row["p_value"] = float(result.statistic), float(result.pvalue)
                rng = group_rng(random_state, f"{feature}|{rating}")
                index = rng.integers(0, n, size=(n_boot, n))
                rho = spearman_rows(x[index], y[index])
                valid = rho[~np.isnan(rho)]
                row["n_degenerate"] = int(n_boot - valid.size)
                if valid.size:
                    row["ci_low"], row["ci_high"] = np.quantile(valid, [tail, 1 - tail])
            rows.append(row)
    return pd.DataFrame(rows, columns=RESULT_COLUMNS + ["p_value", "n_degenerate"])
